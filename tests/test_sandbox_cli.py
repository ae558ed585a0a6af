"""``mobench sandbox check`` and ``mobench sandbox run``, against the real bubblewrap sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mobench.sandbox as sandbox_pkg
from mobench.cli import sandbox_cmd
from mobench.errors import SandboxUnavailableError
from mobench.sandbox import local_problem

PROBLEM = local_problem()
# CI sets MOBENCH_REQUIRE_SANDBOX=1: there an unusable sandbox fails these tests, never skips them
REQUIRED = os.environ.get("MOBENCH_REQUIRE_SANDBOX") == "1"
needs_bwrap = pytest.mark.skipif(
    PROBLEM is not None and not REQUIRED, reason=f"bubblewrap unusable: {PROBLEM}"
)
runner = CliRunner()

GOOD = "def add(a, b):\n    return a + b\n"
# Prints what a table of passes would look like: the CLI must not believe it.
BAD = "def add(a, b):\n    print('test_small passed\\n2/2 passed')\n    return a - b\n"
TESTS = """from solution import add


def test_small():
    assert add(1, 2) == 3


def test_zero():
    assert add(0, 0) == 0
"""


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "good": tmp_path / "good.py",
        "bad": tmp_path / "bad.py",
        "loop": tmp_path / "loop.py",
        "tests": tmp_path / "test_add.py",
    }
    paths["good"].write_text(GOOD)
    paths["bad"].write_text(BAD)
    paths["loop"].write_text("def add(a, b):\n    while True:\n        pass\n")
    paths["tests"].write_text(TESTS)
    return paths


@needs_bwrap
def test_check_json_is_the_isolation_matrix() -> None:
    result = runner.invoke(sandbox_cmd.app, ["check", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["local_usable"] and report["bwrap"]["path"]
    assert {"local", "pool", "docker", "docker-pool"} <= set(report["backends"])
    for name in ("local", "pool"):
        backend = report["backends"][name]
        assert backend["usable"] and len(backend["checks"]) >= 10, backend
        assert all(c["ok"] for c in backend["checks"].values())
        assert backend["isolation"]["level"] == "bubblewrap"
        assert backend["isolation"]["separate_judge"] is True
    docker = report["backends"]["docker"]
    assert docker["usable"] or docker["problem"]  # unavailable says why


@needs_bwrap
def test_check_prints_a_matrix() -> None:
    result = runner.invoke(sandbox_cmd.app, ["check", "--no-docker"])
    assert result.exit_code == 0, result.output
    assert "no network" in result.output and "pool" in result.output
    assert "docker-pool" not in result.output


@needs_bwrap
@pytest.mark.parametrize("backend", ["auto", "local", "pool"])
def test_run_passing_candidate_exits_zero(files: dict[str, Path], backend: str) -> None:
    args = ["run", str(files["good"]), str(files["tests"]), "--backend", backend]
    result = runner.invoke(sandbox_cmd.app, args)
    assert result.exit_code == 0, result.output
    assert "2/2 passed" in result.output and "bubblewrap" in result.output
    assert f"backend {'pool' if backend == 'auto' else backend}" in result.output


def test_run_refuses_an_unavailable_backend(files: dict[str, Path]) -> None:
    args = ["run", str(files["good"]), str(files["tests"]), "--backend", "nope"]
    refused = runner.invoke(sandbox_cmd.app, args)
    assert isinstance(refused.exception, SandboxUnavailableError)
    assert "unknown sandbox backend" in str(refused.exception)


@needs_bwrap
def test_bench_json_rows_side_by_side() -> None:
    args = ["bench", "--json", "--jobs", "4", "--repeat", "1", "--no-docker"]
    result = runner.invoke(sandbox_cmd.app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rows = report["rows"]
    for name in ("multiprocessing", "local", "pool"):
        assert rows[name]["jobs"] == 4 and rows[name]["ms_per_job"] > 0, rows[name]
    assert rows["docker"] == {"skipped": "not requested"}
    assert set(report["targets"]) == {"pool_vs_multiprocessing", "local_vs_pool_speedup"}


@needs_bwrap
def test_run_failing_candidate_exits_one_whatever_it_prints(files: dict[str, Path]) -> None:
    args = ["run", str(files["bad"]), str(files["tests"]), "--json"]
    result = runner.invoke(sandbox_cmd.app, args)
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["all_passed"] is False and data["passed"] == 1  # add(0, 0) == 0 still holds
    assert [o["status"] for o in data["outcomes"]] == ["failed", "passed"]
    assert data["isolation"]["level"] == "bubblewrap"


@needs_bwrap
def test_run_timeout_option(files: dict[str, Path]) -> None:
    args = ["run", str(files["loop"]), str(files["tests"]), "--json", "--timeout", "1"]
    result = runner.invoke(sandbox_cmd.app, args)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert {o["status"] for o in data["outcomes"]} == {"timeout"}
    assert data["wall_seconds"] < 5


def test_run_refuses_without_bubblewrap_unless_allowed(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox_pkg, "local_problem", lambda: "bwrap: setting up uid map failed")
    args = ["run", str(files["good"]), str(files["tests"])]
    refused = runner.invoke(sandbox_cmd.app, args)
    assert isinstance(refused.exception, SandboxUnavailableError)
    assert "uid map failed" in str(refused.exception)
    assert "--allow-weak-sandbox" in str(refused.exception)

    allowed = runner.invoke(sandbox_cmd.app, [*args, "--allow-weak-sandbox"])
    assert allowed.exit_code == 0, allowed.output
    assert "weak (no isolation)" in allowed.output and "WITHOUT isolation" in allowed.output

    check = runner.invoke(sandbox_cmd.app, ["check", "--json", "--no-docker"])
    assert check.exit_code == 1
    report = json.loads(check.output)
    assert report["problem"] == "bwrap: setting up uid map failed"
    assert report["backends"]["pool"]["problem"] == "bwrap: setting up uid map failed"


def _mobench(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from mobench.cli import main; main()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@needs_bwrap
def test_console_entry_exit_codes(files: dict[str, Path]) -> None:
    failing = _mobench("sandbox", "run", str(files["bad"]), str(files["tests"]))
    assert failing.returncode == 1, failing.stdout + failing.stderr
    missing = _mobench("sandbox", "run", str(files["good"]), str(files["tests"].parent / "nope.py"))
    assert missing.returncode == 2 and "error:" in missing.stderr


def test_help_texts() -> None:
    top = runner.invoke(sandbox_cmd.app, ["--help"])
    assert top.exit_code == 0 and all(c in top.output for c in ("check", "run", "bench"))
    run_help = runner.invoke(sandbox_cmd.app, ["run", "--help"])
    assert "--allow-weak-sandbox" in run_help.output and "--timeout" in run_help.output
    assert "--backend" in run_help.output
    bench_help = runner.invoke(sandbox_cmd.app, ["bench", "--help"])
    assert "--jobs" in bench_help.output and "multiprocessing" in bench_help.output
