"""docs/writing-an-adapter.md: its code is the example package's, and its steps work.

The example package is pip-installed (offline: --no-deps --no-build-isolation) into a temporary
target that only the subprocesses see, so its entry point is registered exactly as a third
party's would be; then the tutorial's commands run against it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mobench.conformance import write_conformance_pack

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mobench-example-adapter"
DOC = ROOT / "docs" / "writing-an-adapter.md"
BLOCK = re.compile(r"<!-- example: (\S+) -->\n```\w*\n(.*?\n)```\n", re.S)


def test_the_docs_code_blocks_are_the_example_files() -> None:
    blocks = dict(BLOCK.findall(DOC.read_text(encoding="utf-8")))
    assert set(blocks) == {
        "src/mobench_example_adapter/__init__.py",
        "pyproject.toml",
        "tests/conftest.py",
        "tests/test_feature_ridge.py",
    }
    for rel, code in blocks.items():
        assert (EXAMPLE / rel).read_text(encoding="utf-8") == code, f"{rel} differs from the doc"
    adapter = blocks["src/mobench_example_adapter/__init__.py"]
    lines = adapter.count("\n")
    assert lines < 60 and f"in {lines} lines" in DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example package installed into a fresh target folder (from a copy of its source)."""
    tmp = tmp_path_factory.mktemp("example")
    source = tmp / "source"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    target = tmp / "site"
    argv = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
    done = subprocess.run(
        [*argv, "--no-index", "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (target / "mobench_example_adapter" / "__init__.py").is_file()
    return target


def _env(site: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


# One interpreter runs the tutorial's commands in turn (as the console script would, through
# typer's test runner), so the test pays mobench's import time once, not once per command.
DRIVER = """
import json, sys
from typer.testing import CliRunner
from mobench.cli import _register, app

_register()
results = []
for args in json.loads(sys.argv[1]):
    done = CliRunner().invoke(app, args)
    results.append({"code": done.exit_code, "out": done.stdout, "error": repr(done.exception)})
print(json.dumps(results))
"""


def _commands(site: Path, cwd: Path, *commands: list[str]) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(site),
        cwd=cwd,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_tutorial_end_to_end(installed: Path, tmp_path: Path) -> None:
    write_conformance_pack(tmp_path / "packs")  # a tiny sandbox-free pack for the grid
    runs = tmp_path / "runs"
    pack = ["--pack", "mobench-conformance", "--pack-dir", str(tmp_path / "packs")]
    grid = ["--method", "feature-ridge", "--method", "random", "--seeds", "2"]
    grid += ["--protocol", "kfold", "--folds", "3", "--out", str(runs), "--json"]
    listed, checked, ran, board = _commands(
        installed,
        tmp_path,
        ["methods", "list", "--json"],
        ["methods", "check", "feature-ridge", "--json"],
        ["run", *pack, *grid],
        ["leaderboard", "build", "--runs", str(runs), "--format", "md,csv"],
    )
    # record files are named method__config__protocol__seed__preference
    [record] = (runs / "records" / "mobench-conformance_v1").glob(
        "feature-ridge__*__kfold3__seed1__w0.5-0.25-0.25.json"
    )
    [again] = _commands(installed, tmp_path, ["reproduce", str(record), *pack[2:], "--json"])
    entry = next(row for row in json.loads(listed["out"]) if row["method"] == "feature-ridge")
    assert entry["target"] == "mobench_example_adapter:FeatureRidge" and "error" not in entry
    assert checked["code"] == 0, checked
    [report] = json.loads(checked["out"])
    assert report["ok"] and {c["status"] for c in report["checks"]} == {"pass"}
    assert ran["code"] == 0, ran
    assert len(json.loads(ran["out"])["records_written"]) == 4
    assert board["code"] == 0, board
    table = next(runs.rglob("leaderboard.md")).read_text(encoding="utf-8")
    assert "feature-ridge" in table and "random" in table
    assert again["code"] == 0, again
    assert json.loads(again["out"])["records"][0]["verdict"] == "identical"


def test_the_example_packages_own_tests_pass(installed: Path, tmp_path: Path) -> None:
    """Its tests use mobench's pytest helpers (pytest_plugins = ["mobench.testing"])."""
    copy = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(installed),
        cwd=copy,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout
