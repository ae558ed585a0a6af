"""``mobench reproduce``: rerun what run records describe and diff every number."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from mobench.cli.output import JSON_OPTION, console, emit_json
from mobench.errors import MobenchError
from mobench.reproduce import (
    Reproducer,
    Reproduction,
    Tolerance,
    record_paths,
    reproduce_paths,
    sample_records,
)


def reproduce(
    records: list[Path] = typer.Argument(
        ..., help="Run record JSON files, or folders of them (e.g. leaderboard/coding24/records)."
    ),
    sample: int = typer.Option(
        0,
        "--sample",
        help="Reproduce a deterministic sample of N records spanning methods (0: all).",
    ),
    sandbox: str = typer.Option(
        None, "--sandbox", help="Sandbox backend (default: the one the record names)."
    ),
    allow_weak_sandbox: bool = typer.Option(
        False, "--allow-weak-sandbox", help="Allow the no-isolation backend (a weak record)."
    ),
    cache: bool = typer.Option(
        False,
        "--cache",
        help="Reuse cached scores (default: judge every candidate again in a scratch cache).",
    ),
    atol: float = typer.Option(
        None, "--atol", help="Absolute tolerance (default: exact on CPU, declared on GPU)."
    ),
    rtol: float = typer.Option(None, "--rtol", help="Relative tolerance (with --atol)."),
    pack_dir: list[Path] = typer.Option([], "--pack-dir", help="Extra folder of packs."),
    source: list[str] = typer.Option(
        [], "--source", help="Local data for an external pack, NAME=PATH."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Re-run exactly what each record describes and compare every metric.

    The method (version and hyper-parameters), pack (name@version; refused if its sha256 differs),
    seed, protocol, preference, sandbox backend (and Docker image) and scorers all come from the
    record. On CPU every number must be identical; where a GPU ran, within the declared tolerance.
    Exits 1 on a mismatch (with a diff), 2 when the record cannot be reproduced here.
    """
    sources: dict[str, Path] = {}
    for entry in source:
        name, sep, path = entry.partition("=")
        if not sep or not name or not path:
            raise MobenchError(f"--source {entry!r} must look like PACK=PATH")
        sources[name] = Path(path)
    tolerance = None
    if atol is not None or rtol is not None:
        tolerance = Tolerance(atol or 0.0, rtol or 0.0)
    paths = record_paths(records)
    if sample:
        paths = sample_records(paths, sample)
    reproducer = Reproducer(
        pack_dirs=tuple(pack_dir),
        sources=sources,
        sandbox=sandbox,
        allow_weak_sandbox=allow_weak_sandbox,
        use_cache=cache,
        tolerance=tolerance,
    )
    results = reproduce_paths(paths, reproducer)
    ok = all(r.ok for r in results)
    if as_json:
        emit_json({"ok": ok, "records": [r.to_json() for r in results]})
    else:
        for result in results:
            _print(result)
        total = sum(r.seconds for r in results)
        verdict = "[green]all reproduced[/]" if ok else "[bold red]mismatch[/]"
        console.print(f"{verdict}: {len(results)} records, {total:.1f} s")
    if not ok:
        raise typer.Exit(1)


def _fmt(value: object, width: int = 20) -> str:
    text = repr(value) if isinstance(value, float) else str(value)
    return escape(text if len(text) <= width else text[: width - 1] + "…")


def _print(result: Reproduction) -> None:
    mode = (
        "exact"
        if result.tolerance.exact
        else (f"atol {result.tolerance.atol:g}, rtol {result.tolerance.rtol:g}")
    )
    style = "green" if result.ok else "bold red"
    title = (
        f"{result.method} · {result.pack} · {result.protocol} · seed {result.seed} — "
        f"[{style}]{result.verdict}[/] ({mode}, {result.compared} values, {result.seconds:.1f} s)"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("value", no_wrap=True)
    for col in ("recorded", "reproduced", "|Δ|", ""):
        table.add_column(col, no_wrap=True)
    shown = [
        d
        for d in result.differences
        if not d.ok or d.field.startswith("metrics.") or d.field.startswith("responses (")
    ]
    for d in shown:
        mark = "[green]=[/]" if d.ok else ("[red]✗[/]" if d.counts else "[yellow]~[/]")
        delta = "" if d.delta is None else f"{d.delta:.3g}"
        table.add_row(escape(d.field), _fmt(d.recorded), _fmt(d.reproduced), delta, mark)
    console.print(table)
    console.print(f"  {result.path}", style="dim")


def register(app: typer.Typer) -> None:
    app.command("reproduce")(reproduce)
