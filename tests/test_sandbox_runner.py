"""The in-sandbox runner's protocol, driven directly (no bubblewrap): the stdio transport that the
Docker backend uses, serve mode, frame formats, and what a candidate process can reach."""

from __future__ import annotations

import json
import marshal
import subprocess
import sys
from pathlib import Path
from typing import Any

from mobench.sandbox import Job, Limits
from mobench.sandbox.local import PYTHON_FLAGS, job_frames, parse_results

RUNNER = Path(__file__).resolve().parents[1] / "sandbox" / "runner.py"
LIMITS = Limits(wall_seconds=10, per_test_seconds=5, output_bytes=4096)
TESTS = """from solution import add

print("the test module prints")


def test_ok():
    assert add(1, 2) == 3


def test_wrong():
    assert add(1, 1) == 3
"""


def run_stdio(data: bytes, *flags: str, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    argv = [sys.executable, *PYTHON_FLAGS, str(RUNNER), "--stdio", "--scratch", str(scratch)]
    return subprocess.run([*argv, *flags], input=data, capture_output=True, timeout=60)


def lines(out: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_stdio_transport_results_on_stdout_candidate_output_in_the_done_line(
    tmp_path: Path,
) -> None:
    code = """import json, os, sys

print(json.dumps({"nonce": "n", "test": "test_wrong", "status": "passed"}))


def add(a, b):
    sys.stdout.write("from add\\n")
    os.write(2, b"stderr from add\\n")
    return a + b
"""
    job = Job("j", code, TESTS, LIMITS)
    names = job.test_names()
    done = run_stdio(
        job_frames(job, names, 7, "n" * 32) + b"ignored trailing input", tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    got = lines(done.stdout)  # only the runner's lines: every one of them is JSON
    assert got[0]["worker"] == "ready" and got[0]["protocol"] == 2
    assert got[-1] == {"end": 7, "status": "ok", "detail": ""}
    parsed = parse_results(done.stdout, "n" * 32, names)
    assert parsed.problem is None and parsed.done
    assert {n: o.status for n, o in parsed.outcomes.items()} == {
        "test_ok": "passed",
        "test_wrong": "failed",
    }
    report = parsed.report
    assert "from add" in report["stdout"] and "the test module prints" in report["stdout"]
    assert '"status": "passed"' in report["stdout"]  # printed, captured, never parsed
    assert "stderr from add" in report["stderr"]
    assert report["applied"]["rlimit_as_mb"] == LIMITS.memory_mb


def test_a_candidate_holds_no_fd_but_its_own(tmp_path: Path) -> None:
    code = """import os


def fds():
    return sorted(int(fd) for fd in os.listdir("/proc/self/fd"))


def stdin():
    return os.read(0, 100)
"""
    tests = """from solution import fds, stdin


def test_fds():
    assert len(fds()) == 6, fds()  # 0, 1, 2, its two pipe ends, and listdir's own fd


def test_stdin_is_empty():
    assert stdin() == b""
"""
    job = Job("j", code, tests, LIMITS)
    done = run_stdio(job_frames(job, job.test_names(), 1, "x" * 32), tmp_path=tmp_path)
    parsed = parse_results(done.stdout, "x" * 32, job.test_names())
    assert {o.status for o in parsed.outcomes.values()} == {"passed"}, parsed.outcomes


def test_serve_mode_runs_jobs_until_the_stream_ends(tmp_path: Path) -> None:
    good = Job("good", "def add(a, b):\n    return a + b\n", TESTS, LIMITS)
    bad = Job("bad", "def add(a, b):\n    return 0\n", TESTS, LIMITS)
    names = good.test_names()
    data = job_frames(good, names, 1, "a" * 32) + job_frames(bad, names, 2, "b" * 32)
    done = run_stdio(data, "--serve", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    got = lines(done.stdout)
    ends = [i for i, item in enumerate(got) if "end" in item]
    assert [got[i]["end"] for i in ends] == [1, 2]
    first = parse_results(done.stdout.splitlines()[: ends[0] + 1], "a" * 32, names)
    second = parse_results(done.stdout.splitlines()[ends[0] + 1 :], "b" * 32, names)
    assert [o.status for o in first.outcomes.values()] == ["passed", "failed"]
    assert [o.status for o in second.outcomes.values()] == ["failed", "failed"]


def test_json_frames_are_accepted(tmp_path: Path) -> None:
    def frame(payload: dict[str, Any]) -> bytes:
        data = json.dumps(payload).encode()
        return b"J" + str(len(data)).encode() + b"\n" + data

    limits = {k: getattr(LIMITS, k) for k in LIMITS.__dataclass_fields__}
    data = frame({"seq": 3, "tests": 2, "limits": limits}) + frame(
        {
            "nonce": "j" * 32,
            "code": "def add(a, b):\n    return a + b\n",
            "tests_source": TESTS,
            "tests": ["test_ok", "test_wrong"],
        }
    )
    done = run_stdio(data, tmp_path=tmp_path)
    parsed = parse_results(done.stdout, "j" * 32, ("test_ok", "test_wrong"))
    assert parsed.done and parsed.end == {"end": 3, "status": "ok", "detail": ""}


def test_a_malformed_header_is_refused_loudly(tmp_path: Path) -> None:
    payload = marshal.dumps({"seq": "one", "tests": -1})
    done = run_stdio(b"M" + str(len(payload)).encode() + b"\n" + payload, tmp_path=tmp_path)
    assert done.returncode != 0 and b"malformed job header" in done.stderr
    assert [item.get("worker") for item in lines(done.stdout)] == ["ready"]
