"""``mobench methods``: the registered method adapters and their hyper-parameters."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import typer

from mobench.cli.output import JSON_OPTION, console, emit_json, emit_table, new_app
from mobench.methods import default_params, get_method, registry

app = new_app(help="List and describe registered method adapters.")


@app.command("list")
def list_methods(as_json: bool = JSON_OPTION) -> None:
    """List methods registered through the ``mobench.methods`` entry point."""
    rows = []
    for name, entry in registry().items():
        if entry.cls is None:
            rows.append({"method": name, "target": entry.target, "error": entry.error})
            continue
        rows.append(
            {
                "method": name,
                "kind": entry.cls.kind,
                "version": entry.cls.version,
                "summary": entry.cls.summary,
                "target": entry.target,
            }
        )
    if as_json:
        emit_json(rows)
    else:
        emit_table("methods", rows, ["method", "kind", "version", "summary", "error"])


@app.command("show")
def show(name: str = typer.Argument(..., help="Method name."), as_json: bool = JSON_OPTION) -> None:
    """Show a method's kind, version, description and hyper-parameter defaults."""
    cls = get_method(name)
    description = inspect.getdoc(cls) or ""
    params = default_params(cls)
    info = {
        "method": name,
        "kind": cls.kind,
        "version": cls.version,
        "summary": cls.summary,
        "privileged": bool(getattr(cls, "privileged", False)),
        "description": description,
        "params": params,
    }
    if as_json:
        emit_json(info)
        return
    console.print(f"[bold]{name}[/] ({cls.kind}, v{cls.version}) — {cls.summary}\n")
    console.print(description + "\n")
    emit_table(
        "hyper-parameters (override with --param NAME.KEY=VALUE)",
        [{"name": k, "default": v} for k, v in params.items()],
        ["name", "default"],
    )


@app.command("check")
def check(
    names: list[str] = typer.Argument(None, help="Method names (default with --all: every one)."),
    all_methods: bool = typer.Option(False, "--all", help="Check every registered method."),
    pack: str = typer.Option(
        None, "--pack", help="Check on this pack (default: the built-in conformance pack)."
    ),
    pack_dir: list[Path] = typer.Option([], "--pack-dir", help="Extra folder of packs."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Check that adapters conform: entry point, hyper-parameter defaults, determinism under a
    seed, well-formed responses, clear errors on bad input (NaN objectives, empty candidate
    sets), compute reported. Exits 1 if any check fails."""
    from mobench.conformance import check_method

    targets = list(names or [])
    if all_methods:
        targets += [n for n in registry() if n not in targets]
    if not targets:
        raise typer.BadParameter("name a method, or pass --all")
    reports = [check_method(name, pack, tuple(pack_dir)) for name in targets]
    if as_json:
        emit_json([r.to_json() for r in reports])
    else:
        for report in reports:
            verdict = "[green]conformant[/]" if report.ok else "[bold red]not conformant[/]"
            console.print(
                f"[bold]{report.method}[/] ({report.kind}) on {report.pack or '-'}: {verdict} "
                f"({report.seconds:.1f} s)"
            )
            emit_table(
                "",
                [dataclasses.asdict(r) for r in report.results],
                ["check", "status", "detail"],
            )
    if not all(r.ok for r in reports):
        raise typer.Exit(1)
