"""``mobench leaderboard``: build tables from run records."""

from __future__ import annotations

from pathlib import Path

import typer

from mobench.cli.output import JSON_OPTION, console, emit_json, print_board
from mobench.leaderboard import FORMATS, leaderboard_table, write_leaderboard
from mobench.records import RunStore

app = typer.Typer(help="Build leaderboard tables from run records.", no_args_is_help=True)


@app.command("build")
def build(
    runs: Path = typer.Option(Path("mobench-runs"), "--runs", help="Folder of run records."),
    out: Path = typer.Option(None, "--out", help="Where to write tables (default: --runs)."),
    formats: str = typer.Option(
        "md,csv,png", "--format", help=f"Comma-separated formats from {', '.join(FORMATS)}."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Aggregate every run record into a leaderboard ranked by hypervolume."""
    records = RunStore(runs).load_all()
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    bad = sorted(set(wanted) - set(FORMATS))
    if bad:
        raise typer.BadParameter(f"unknown formats {bad}; choose from {', '.join(FORMATS)}")
    written = write_leaderboard(records, out or runs, wanted)
    if as_json:
        table = leaderboard_table(records)
        emit_json({"files": [str(p) for p in written], "rows": table.to_dict(orient="records")})
        return
    console.print(f"{len(records)} run records → " + ", ".join(str(p) for p in written))
    print_board(leaderboard_table(records))
