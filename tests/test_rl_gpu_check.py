"""The GPU check script, run on the CPU with a tiny model (all methods only with MOBENCH_SLOW=1)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from mobench.rl.gpu_check import ONLINE_METHODS, CheckRow, main, markdown_table

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "gpu_check.sh"
TINY = ["--model", "tiny", "--steps", "1", "--prompts", "2", "--samples", "2"]
TINY += ["--max-new-tokens", "4", "--val-items", "2"]


def test_tiny_check_runs_and_prints_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "rows.json"
    assert main([*TINY, "--methods", "morlhf,no-such-method", "--json", str(out)]) == 1
    text = capsys.readouterr().out
    assert "## environment" in text and "- torch:" in text
    assert "| method | CPU seconds (device-synchronised) | steps | peak GPU memory |" in text
    assert "skipped no-such-method" in text
    rows = json.loads(out.read_text())["rows"]
    assert rows[0]["method"] == "morlhf" and rows[0]["steps"] == 1 and rows[0]["seconds"] > 0
    assert rows[1]["seconds"] is None and rows[1]["note"].startswith("skipped")


def test_markdown_table() -> None:
    rows = [CheckRow("morlhf", 12.345, 5, 2048.4), CheckRow("pama", None, 0, None, "skipped: X")]
    assert markdown_table(rows, "NVIDIA H100").splitlines() == [
        "| method | GPU seconds (device-synchronised) | steps | peak GPU memory |",
        "|---|---:|---:|---:|",
        "| morlhf | 12.35 | 5 | 2048 MiB |",
        "| pama | skipped: X | 0 | — |",
    ]


def test_shell_script_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)
    assert os.access(SCRIPT, os.X_OK)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("MOBENCH_SLOW") != "1", reason="set MOBENCH_SLOW=1")
def test_every_online_method_runs_through_the_script(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    proc = subprocess.run(
        ["bash", str(SCRIPT), *TINY, "--json", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    rows = json.loads(out.read_text())["rows"]
    assert [r["method"] for r in rows] == list(ONLINE_METHODS)
    assert all(r["seconds"] and r["steps"] == 1 for r in rows)
