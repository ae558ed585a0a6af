"""``mobench leaderboard``: build tables and the static site from run records; migrate records."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from mobench.cli.output import JSON_OPTION, console, emit_json, new_app, print_board
from mobench.errors import MobenchError
from mobench.fronts import front_table
from mobench.leaderboard import FORMATS, front_blocks, leaderboard_table, write_leaderboard
from mobench.records import RunRecord, RunStore

app = new_app(help="Build leaderboard tables and the static site from run records.")

PUBLISHED = Path("leaderboard")


def published_stores(root: Path) -> list[Path]:
    """The run folders of the published leaderboard: every ``ROOT/<pack>/`` with records."""
    if not root.is_dir():
        raise MobenchError(
            f"no published leaderboard at {root}/ (run from a mobench checkout, or pass --root)"
        )
    stores = sorted(p for p in root.iterdir() if (p / "records").is_dir())
    if not stores:
        raise MobenchError(f"{root}/ has no <pack>/records/ folders")
    return stores


def print_fronts(records: list[RunRecord]) -> None:
    """The front tables (the ranking) as rich tables that fit 80 columns: kind, config, device,
    response HV, seeds and preferences folded into the caption or left to the files."""
    from rich import box
    from rich.table import Table

    folded = {"config", "device", "kind", "response HV ± std", "prefs", "seeds"}
    for title, header, rows in front_blocks(front_table(records)):
        keep = [
            i
            for i, col in enumerate(header)
            if col not in folded
            and not (col in ("GPU-h", "steps") and all(row[i] == "–" for row in rows))
        ]
        seeds = sorted({row[header.index("seeds")] for row in rows})
        prefs = sorted({row[header.index("prefs")] for row in rows})
        caption = f"seeds {', '.join(seeds)}; preferences per front {', '.join(prefs)}"
        table = Table(title=title.replace("`", ""), caption=caption, box=box.SIMPLE_HEAD)
        for i in keep:
            table.add_column(header[i], justify="left" if i == 1 else "right", no_wrap=True)
        for row in rows:
            table.add_row(*(row[i] for i in keep))
        console.print(table)


def _load(stores: list[Path]) -> tuple[list[RunRecord], dict[str, Path]]:
    records: list[RunRecord] = []
    paths: dict[str, Path] = {}
    for store in stores:
        for path, record in RunStore(store).iter_with_paths():
            if record.run_key not in paths:
                records.append(record)
                paths[record.run_key] = path
    return records, paths


@app.command("build")
def build(
    runs: list[Path] = typer.Option(
        None, "--runs", help="Folder of run records (repeatable; default mobench-runs)."
    ),
    out: Path = typer.Option(None, "--out", help="Where to write (default: the first --runs)."),
    formats: str = typer.Option(
        "md,csv,png", "--format", help=f"Comma-separated formats from {', '.join(FORMATS)}."
    ),
    published: bool = typer.Option(
        False,
        "--published",
        help="Rebuild the published leaderboard: migrate the records of every `ROOT/<pack>/` to "
        "the current schema, then write every format into ROOT.",
    ),
    root: Path = typer.Option(PUBLISHED, "--root", help="The published leaderboard's folder."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Aggregate run records into a leaderboard ranked by hypervolume (fronts first)."""
    start = time.perf_counter()
    migrated: list[Path] = []
    if published:
        stores = published_stores(root)
        for store in stores:
            migrated += RunStore(store).migrate()
        out = out or root
        wanted = list(FORMATS)
    else:
        stores = list(runs or [Path("mobench-runs")])
        wanted = [f.strip() for f in formats.split(",") if f.strip()]
    bad = sorted(set(wanted) - set(FORMATS))
    if bad:
        raise typer.BadParameter(f"unknown formats {bad}; choose from {', '.join(FORMATS)}")
    records, paths = _load(stores)
    written = write_leaderboard(records, out or stores[0], wanted, paths)
    elapsed = time.perf_counter() - start
    if as_json:
        table = leaderboard_table(records)
        emit_json(
            {
                "files": [str(p) for p in written],
                "migrated": [str(p) for p in migrated],
                "seconds": round(elapsed, 3),
                "rows": table.to_dict(orient="records"),
            }
        )
        return
    if migrated:
        console.print(f"migrated {len(migrated)} records to the current schema")
    console.print(
        f"{len(records)} run records → {len(written)} files in {out or stores[0]}/ "
        f"({elapsed:.1f} s)"
    )
    if records:
        print_fronts(records)
    print_board(leaderboard_table(records))


@app.command("migrate")
def migrate(
    runs: list[Path] = typer.Argument(..., help="Folders of run records to upgrade in place."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rewrite older run records in the current schema (validated; refused with a message)."""
    migrated = [str(p) for store in runs for p in RunStore(store).migrate()]
    if as_json:
        emit_json({"migrated": migrated})
        return
    console.print(f"migrated {len(migrated)} records" + (":" if migrated else ""))
    for path in migrated:
        console.print(f"  {path}")
