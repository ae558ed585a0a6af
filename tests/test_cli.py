"""The ``mobench`` console script end to end: --json forms, exit codes, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest


def mobench(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        ["mobench", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        check=False,
    )


def test_help_explains_every_command() -> None:
    out = mobench("--help")
    assert out.returncode == 0
    for command in ("packs", "methods", "sandbox", "leaderboard", "run"):
        assert command in out.stdout
    run_help = mobench("run", "--help").stdout
    assert "--protocol" in run_help and "--param" in run_help and "resumes" in run_help


def test_packs_list_show_verify_json(tmp_path: Path, pack_factory) -> None:
    pack_factory(tmp_path / "packs", name="clidemo")
    listed = json.loads(
        mobench("packs", "list", "--json", "--pack-dir", str(tmp_path / "packs")).stdout
    )
    names = {row["pack"] for row in listed}
    assert {"coding24@1", "clidemo@1"} <= names
    shown = json.loads(mobench("packs", "show", "coding24", "--json").stdout)
    assert [o["scorer"] for o in shown["objectives"]] == [
        "code.pass@1",
        "code.cost@1",
        "code.quality@1",
    ]
    assert shown["splits"] == {"train": 17, "val": 3, "test": 4}
    verified = mobench("packs", "verify", "coding24", "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)[0]["status"] == "ok"


def test_verify_fails_on_a_tampered_pack(tmp_path: Path, pack_factory) -> None:
    pack = pack_factory(tmp_path / "packs", name="bad")
    (pack.root / "candidates.jsonl").write_text(
        (pack.root / "candidates.jsonl").read_text().replace("a + b", "a + b + 0")
    )
    out = mobench("packs", "verify", "bad", "--pack-dir", str(tmp_path / "packs"))
    assert out.returncode == 1
    assert "FAILED" in out.stdout


def test_unknown_pack_is_a_one_line_error() -> None:
    out = mobench("packs", "show", "no-such-pack")
    assert out.returncode == 2
    assert "no pack 'no-such-pack'" in out.stderr and "Traceback" not in out.stderr


def test_methods_list_and_show_json() -> None:
    rows = json.loads(mobench("methods", "list", "--json").stdout)
    assert {"random", "lrf-baseline", "lrf-pareto", "oracle"} <= {r["method"] for r in rows}
    info = json.loads(mobench("methods", "show", "lrf-pareto", "--json").stdout)
    assert info["params"]["lr"] == 1e-4 and info["params"]["epochs"] == 20
    assert info["params"]["batch_size"] == 16


def test_bad_param_override_is_rejected(tmp_path: Path) -> None:
    out = mobench(
        "run",
        "--method",
        "lrf-pareto",
        "--param",
        "lrf-pareto.nope=1",
        "--out",
        str(tmp_path / "r"),
    )
    assert out.returncode == 2 and "no hyper-parameter 'nope'" in out.stderr


def test_import_then_run_then_leaderboard(tmp_path: Path) -> None:
    src = tmp_path / "he.jsonl"
    rows = [
        {
            "task_id": f"Demo/{i}",
            "prompt": f"def f{i}(x):\n",
            "canonical_solution": f"    return x + {i}\n",
            "test": f"def check(candidate):\n    assert candidate(1) == {1 + i}\n",
            "entry_point": f"f{i}",
        }
        for i in range(8)
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    imported = mobench(
        "packs",
        "import",
        str(src),
        "--format",
        "humaneval",
        "--name",
        "demo",
        "--out",
        str(tmp_path / "packs"),
        "--json",
    )
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["items"] == 8
    # found by name afterwards, without --pack-dir
    assert mobench("packs", "show", "demo", "--json").returncode == 0
    out = tmp_path / "runs"
    run_args = ["run", "--pack", "demo", "--method", "oracle", "--method", "random"]
    run_args += ["--seeds", "2", "--protocol", "kfold", "--folds", "4", "--out", str(out), "--json"]
    ran = mobench(*run_args)
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout)
    assert len(summary["records_written"]) == 4
    assert all(row["pass"] == pytest.approx(1.0) for row in summary["rows"])
    again = json.loads(mobench(*run_args).stdout)
    assert again["skipped_existing"] == 4 and again["records_written"] == []
    board = mobench("leaderboard", "build", "--runs", str(out), "--format", "md,csv,json", "--json")
    assert board.returncode == 0
    files = json.loads(board.stdout)["files"]
    assert {Path(f).suffix for f in files} == {".md", ".csv", ".json"}
