"""The ``mobench`` command: one typer sub-app per area, assembled here."""

from __future__ import annotations

import sys

from rich.console import Console

from mobench.cli.output import new_app
from mobench.errors import MobenchError

app = new_app(
    name="mobench",
    help=(
        "Benchmark suite and evaluation harness for multi-objective alignment.\n\n"
        "Train method adapters on versioned task packs, score every output on several "
        "objectives, and publish leaderboards of hypervolume and compute."
    ),
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)


def _register() -> None:
    from mobench.cli import (
        leaderboard_cmd,
        methods_cmd,
        packs_cmd,
        reproduce_cmd,
        rm_cmd,
        run_cmd,
        sandbox_cmd,
    )

    app.add_typer(packs_cmd.app, name="packs")
    app.add_typer(methods_cmd.app, name="methods")
    app.add_typer(sandbox_cmd.app, name="sandbox")
    app.add_typer(leaderboard_cmd.app, name="leaderboard")
    app.add_typer(rm_cmd.app, name="rm")
    run_cmd.register(app)
    reproduce_cmd.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script; user errors print one clear line and exit 2."""
    _register()
    try:
        app(args=argv)
    except MobenchError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
