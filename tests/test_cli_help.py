"""``--help`` reflows paragraphs to the terminal width and loses no text (Markdown help mode)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import mobench.cli as cli

cli._register()
ROOT = typer.main.get_command(cli.app)


def _commands(cmd: Any = ROOT, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands())


def test_every_command_found() -> None:
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"run", "reproduce", "leaderboard build", "methods check"} <= names


@pytest.mark.parametrize("path", [p for p, c in COMMANDS if c.help], ids=lambda p: " ".join(p))
def test_paragraphs_reflow(path: tuple[str, ...]) -> None:
    cmd = dict(COMMANDS)[path]
    wide = CliRunner().invoke(cli.app, [*path, "--help"], env={"COLUMNS": "2000"}).output
    lines = [" ".join(line.split()) for line in wide.splitlines()]
    for para in inspect.cleandoc(cmd.help).split("\n\b")[0].split("\n\n"):
        flat = " ".join(para.replace("`", "").split())
        # at 2000 columns a reflowed paragraph is one line; a kept single newline would split it
        assert flat in lines, f"{' '.join(path)}: paragraph not on one line: {flat[:60]}"


def test_no_placeholder_is_swallowed_as_html() -> None:
    # In Markdown a bare <name> is an HTML tag and vanishes from --help; placeholders go in ``.
    for path, cmd in COMMANDS:
        texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
        for text in texts:
            bare = re.sub(r"`[^`]*`", "", text)
            assert not re.search(r"<[A-Za-z]", bare), f"{' '.join(path)}: {text}"
