"""Shared output helpers: every listing prints a rich table, or JSON with ``--json``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

import typer
from rich.console import Console
from rich.table import Table

console = Console()

HELP_MARKUP: Final[Literal["markdown"]] = "markdown"
"""How ``--help`` renders docstrings and help strings: as Markdown, so a paragraph's single
newlines reflow to the terminal width, blank lines keep paragraphs apart and ``- `` lines stay a
list. (Typer's default "rich" mode keeps every newline after the first paragraph, which breaks
lines mid-sentence.) Write placeholders such as ``<pack>`` in backticks: bare ``<...>`` is HTML
to Markdown and would vanish."""


def new_app(help: str, **kwargs: Any) -> typer.Typer:
    """A typer (sub-)app with mobench's help rendering; every ``mobench`` app is made here.

    Typer does not pass the markup mode from an app to the sub-apps added to it, so each app
    sets it.
    """
    kwargs.setdefault("no_args_is_help", True)
    return typer.Typer(help=help, rich_markup_mode=HELP_MARKUP, **kwargs)


JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table.")


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def emit_table(title: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(_cell(row.get(col, "")) for col in columns))
    console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def print_board(table: Any) -> None:
    """Print leaderboard blocks as rich tables (the markdown file holds the same numbers)."""
    from mobench.leaderboard import FOOTNOTE, board_blocks

    if table.empty:
        console.print("no run records yet: run `mobench run` first")
        return
    from rich import box

    for title, header, rows in board_blocks(table):
        # device and seed count go into the title so the table fits an 80-column terminal
        folded = [
            header.index(c) for c in ("device", "seeds", "w (learned)", "val loss", "collapse")
        ]
        devices = sorted({row[folded[0]] for row in rows})
        seeds = sorted({row[folded[1]] for row in rows})
        caption = f"device {', '.join(devices)}; seeds {', '.join(seeds)}"
        rich_table = Table(title=title.replace("`", ""), caption=caption, box=box.SIMPLE_HEAD)
        keep = [i for i in range(len(header)) if i not in folded]
        for i in keep:
            col = header[i]
            rich_table.add_column(col, justify="left" if col == "method" else "right", no_wrap=True)
        for row in rows:
            rich_table.add_row(*(row[i] for i in keep))
        console.print(rich_table)
    console.print(FOOTNOTE.replace("`", ""), style="dim")
