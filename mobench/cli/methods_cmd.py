"""``mobench methods``: the registered method adapters and their hyper-parameters."""

from __future__ import annotations

import inspect

import typer

from mobench.cli.output import JSON_OPTION, console, emit_json, emit_table
from mobench.methods import default_params, get_method, registry

app = typer.Typer(help="List and describe registered method adapters.", no_args_is_help=True)


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
