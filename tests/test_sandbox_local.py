"""The bubblewrap sandbox run for real (no mocks of bwrap): outcomes, isolation, limits."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

import mobench.sandbox as sandbox_pkg
from mobench.errors import SandboxUnavailableError
from mobench.sandbox import (
    Job,
    JobResult,
    Limits,
    LocalSandbox,
    Sandbox,
    WeakSandbox,
    local_problem,
    make_sandbox,
)
from mobench.sandbox.local import parse_results, runner_source

PROBLEM = local_problem()
# CI sets MOBENCH_REQUIRE_SANDBOX=1: there an unusable sandbox fails these tests, never skips them
REQUIRED = os.environ.get("MOBENCH_REQUIRE_SANDBOX") == "1"
needs_bwrap = pytest.mark.skipif(
    PROBLEM is not None and not REQUIRED, reason=f"bubblewrap unusable: {PROBLEM}"
)

FAST = Limits(
    cpu_seconds=5,
    wall_seconds=15,
    per_test_seconds=3,
    memory_mb=256,
    file_size_mb=4,
    max_processes=16,
    open_files=64,
    output_bytes=4096,
)
ADD = "def add(a, b):\n    return a + b\n"
ADD_TESTS = """from solution import add


def test_small():
    assert add(1, 2) == 3


def test_negative():
    assert add(-1, -1) == -2
"""


@pytest.fixture(scope="module")
def local() -> LocalSandbox:
    if PROBLEM is not None and not REQUIRED:
        pytest.skip(f"bubblewrap unusable: {PROBLEM}")
    return LocalSandbox()


def run1(sandbox: Sandbox, code: str, tests: str, **limits: float) -> JobResult:
    job = Job(f"job-{uuid.uuid4().hex[:8]}", code, tests, Limits(**{**FAST.__dict__, **limits}))
    return sandbox.run([job])[0]


def statuses(result: JobResult) -> dict[str, str]:
    return {o.name: o.status for o in result.outcomes}


def marker_pids(marker: str) -> list[int]:
    """Host pids whose command line carries ``marker`` (the host sees sandboxed processes)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    found.append(int(entry))
            except OSError:
                continue
    return found


# -- outcomes -------------------------------------------------------------------------------


@needs_bwrap
def test_passed_failed_error_and_isolation_recorded(local: LocalSandbox) -> None:
    tests = ADD_TESTS + "\n\ndef test_wrong():\n    assert add(1, 1) == 3, 'no'\n"
    tests += "\n\ndef test_raises():\n    raise ValueError('boom')\n"
    result = run1(local, ADD, tests)
    assert result.status == "completed"
    assert statuses(result) == {
        "test_small": "passed",
        "test_negative": "passed",
        "test_wrong": "failed",
        "test_raises": "error",
    }
    detail = {o.name: o.detail for o in result.outcomes}
    assert "AssertionError: no" in detail["test_wrong"]
    assert "ValueError: boom" in detail["test_raises"]
    assert result.isolation.level == "bubblewrap" and not result.isolation.network
    assert result.to_json()["isolation"]["backend"] == "local"


@needs_bwrap
def test_details_survive_the_result_channel_intact(local: LocalSandbox) -> None:
    message = 'quote " backslash \\ newline \n nul \x00 tab \t é ✓ \U0001f600 [/red]'
    tests = f"def test_msg():\n    raise AssertionError({message!r})\n"
    result = run1(local, "", tests)
    assert result.status == "completed"
    assert result.outcomes[0].status == "failed"
    assert message in result.outcomes[0].detail


@needs_bwrap
def test_candidate_that_does_not_import_is_an_error_everywhere(local: LocalSandbox) -> None:
    result = run1(local, "def add(a, b) return a + b\n", ADD_TESTS)
    assert statuses(result) == {"test_small": "error", "test_negative": "error"}
    assert all("SyntaxError" in o.detail for o in result.outcomes)


@needs_bwrap
@pytest.mark.parametrize(
    "exit_call", ["import os\nos._exit(0)", "import sys\nsys.exit(0)", "raise SystemExit(0)"]
)
def test_exit_at_import_gets_no_passes(local: LocalSandbox, exit_call: str) -> None:
    result = run1(local, ADD + exit_call + "\n", ADD_TESTS)
    assert result.passed == 0
    assert set(statuses(result).values()) == {"error"}


@needs_bwrap
def test_crash_loop_or_exit_in_one_test_does_not_decide_another(local: LocalSandbox) -> None:
    tests = ADD_TESTS + (
        "\n\ndef test_exit():\n    import os\n    os._exit(0)\n"
        "\n\ndef test_sysexit():\n    raise SystemExit(0)\n"
        "\n\ndef test_segfault():\n    import ctypes\n    ctypes.string_at(0)\n"
        "\n\ndef test_loop():\n    while True:\n        pass\n"
        "\n\ndef test_last():\n    assert add(2, 2) == 4\n"
    )
    result = run1(local, ADD, tests, per_test_seconds=1)
    assert statuses(result) == {
        "test_small": "passed",
        "test_negative": "passed",
        "test_exit": "error",
        "test_sysexit": "error",
        "test_segfault": "error",
        "test_loop": "timeout",
        "test_last": "passed",
    }
    assert "signal 11" in {o.name: o.detail for o in result.outcomes}["test_segfault"]


@needs_bwrap
def test_state_does_not_carry_over_between_tests(local: LocalSandbox) -> None:
    tests = """import os, subprocess, sys, time


def test_a_leaves_a_mess():
    open("leftover.txt", "w").write("x")
    subprocess.Popen([sys.executable, "-S", "-c", "import time; time.sleep(60)"],
                     start_new_session=True)
    sys.modules["json"] = None


def test_b_sees_a_clean_slate():
    time.sleep(0.1)
    assert os.listdir(".") == [], os.listdir(".")
    alive = [p for p in os.listdir("/proc") if p.isdigit()]
    assert len(alive) <= 3, alive  # bwrap's init, the runner, this test
    import json  # a fresh process: the previous test's sys.modules tampering is gone
"""
    result = run1(local, "", tests)
    assert statuses(result) == {
        "test_a_leaves_a_mess": "passed",
        "test_b_sees_a_clean_slate": "passed",
    }


@needs_bwrap
def test_refuses_a_test_file_without_tests(local: LocalSandbox) -> None:
    result = run1(local, ADD, "def helper():\n    pass\n")
    assert result.status == "refused" and result.total == 0 and result.pass_fraction == 0.0


@needs_bwrap
def test_batch_runs_in_parallel_and_keeps_order(local: LocalSandbox) -> None:
    jobs = [
        Job(f"j{i}", ADD if i % 2 else "def add(a, b):\n    return 0\n", ADD_TESTS, FAST)
        for i in range(6)
    ]
    results = local.run(jobs)
    assert [r.job_id for r in results] == [j.job_id for j in jobs]
    assert [r.passed for r in results] == [0, 2, 0, 2, 0, 2]


# -- forgery --------------------------------------------------------------------------------


@needs_bwrap
def test_fake_result_lines_on_stdout_are_ignored(local: LocalSandbox) -> None:
    fake = [
        {"nonce": "0" * 32, "test": n, "status": "passed", "seconds": 0.0}
        for n in ("test_small", "test_negative")
    ] + [{"nonce": "0" * 32, "done": True}]
    prints = "".join(f"print({json.dumps(json.dumps(f))})\n" for f in fake)
    code = "def add(a, b):\n    return 0\n" + prints
    result = run1(local, code, ADD_TESTS)
    assert result.status == "completed"
    assert statuses(result) == {"test_small": "failed", "test_negative": "failed"}
    assert '"status": "passed"' in result.stdout_tail  # it printed them; nobody listened


@needs_bwrap
def test_writing_forged_results_to_every_fd_gets_no_passes(local: LocalSandbox) -> None:
    code = """import json, os
for name in ("test_small", "test_negative"):
    for fd in range(3, 256):
        for line in (json.dumps({"nonce": "0" * 32, "test": name, "status": "passed"}) + "\\n",
                     "0" * 32 + "\\0passed\\0"):  # the result line / the test report format
            try:
                os.write(fd, line.encode())
            except OSError:
                pass
for pid in ("1", str(os.getppid())):
    for fd in range(0, 16):
        try:
            os.open(f"/proc/{pid}/fd/{fd}", os.O_WRONLY)
            raise SystemExit(f"opened the runner's fd {fd}")
        except OSError:
            pass
os._exit(0)
"""
    result = run1(local, code, ADD_TESTS)
    assert result.status == "completed"
    assert result.passed == 0
    assert all("without a result" in o.detail or "forged" in o.detail for o in result.outcomes)


@needs_bwrap
def test_a_forked_copy_reporting_as_well_spoils_the_test(local: LocalSandbox) -> None:
    code = """import os


def add(a, b):
    if os.fork() == 0:
        return a + b  # the copy is right and reports 'passed'...
    os.wait()
    return a - b  # ...the original is wrong and reports 'failed'
"""
    result = run1(local, code, ADD_TESTS)
    assert result.passed == 0
    assert {o.detail for o in result.outcomes} == {"garbled or forged test report"}


def test_result_channel_rejects_anything_not_exactly_right() -> None:
    nonce, names = "ab" * 16, ("test_a", "test_b")

    def line(**kw: object) -> bytes:
        return json.dumps({"nonce": nonce, **kw}).encode() + b"\n"

    good = line(test="test_a", status="passed") + line(test="test_b", status="failed")
    assert parse_results(good + line(done=True), nonce, names).problem is None
    assert parse_results(good + line(done=True), nonce, names).done
    spoiled = {
        "wrong nonce": good.replace(nonce.encode(), b"cd" * 16, 1) + line(done=True),
        "unknown test": good + line(test="test_c", status="passed") + line(done=True),
        "duplicate": good + line(test="test_a", status="passed") + line(done=True),
        "bad status": line(test="test_a", status="great") + line(done=True),
        "not json": good + b"passed\n" + line(done=True),
        "early end": line(test="test_a", status="passed") + line(done=True),
        "after end": good + line(done=True) + line(test="test_a", status="passed"),
    }
    for why, raw in spoiled.items():
        parsed = parse_results(raw, nonce, names)
        assert parsed.problem and not parsed.outcomes, why


# -- isolation ------------------------------------------------------------------------------


@needs_bwrap
def test_no_network_even_to_host_loopback(local: LocalSandbox) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    tests = f"""import socket


def test_reach_host():
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
"""
    try:
        sandboxed = run1(local, "", tests)
        weak = run1(WeakSandbox(), "", tests)  # control: the same test reaches the host
    finally:
        server.close()
    assert statuses(sandboxed) == {"test_reach_host": "error"}
    assert statuses(weak) == {"test_reach_host": "passed"}


@needs_bwrap
def test_environment_is_cleared(local: LocalSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBENCH_TEST_SECRET", "hunter2-secret")
    tests = """import os


def test_env():
    assert "MOBENCH_TEST_SECRET" not in os.environ
    assert not any("hunter2" in v for v in os.environ.values())
    assert set(os.environ) <= {"PATH", "HOME", "TMPDIR", "LANG", "PYTHONHASHSEED", "PWD"}
"""
    assert statuses(run1(local, "", tests)) == {"test_env": "passed"}


@needs_bwrap
def test_cannot_write_outside_the_scratch_dir(local: LocalSandbox) -> None:
    host_marker = f"/tmp/mobench-escape-{uuid.uuid4().hex}"
    tests = f"""import os, sys
import solution


def test_writes():
    code_dir = os.path.dirname(solution.__file__)
    for path in ("/evil", "/usr/evil", sys.prefix + "/evil", code_dir + "/solution.py",
                 code_dir + "/new.py", "/proc/evil", "/dev/evil"):
        try:
            open(path, "a").close()
        except OSError:
            continue
        raise AssertionError("wrote " + path)
    open("{host_marker}", "w").write("inside")  # the sandbox's own /tmp, not the host's
    assert os.getcwd() == "/tmp"
"""
    assert statuses(run1(local, "", tests)) == {"test_writes": "passed"}
    assert not os.path.exists(host_marker)


@needs_bwrap
def test_runs_as_an_unprivileged_uid(local: LocalSandbox) -> None:
    tests = """import os


def test_uid():
    assert os.getuid() != 0 and os.geteuid() != 0 and os.getgid() != 0
    try:
        os.setuid(0)
    except PermissionError:
        return
    raise AssertionError("became root")
"""
    assert statuses(run1(local, "", tests)) == {"test_uid": "passed"}


@needs_bwrap
def test_memory_limit_binds(local: LocalSandbox) -> None:
    code = "def grab(mb):\n    return len(bytearray(mb * 1024 * 1024))\n"
    tests = (
        "from solution import grab\n\n\ndef test_small():\n    assert grab(8) == 8 * 1024 * 1024\n"
        "\n\ndef test_big():\n    assert grab(256) == 256 * 1024 * 1024\n"
    )
    result = run1(local, code, tests, memory_mb=128)
    assert statuses(result) == {"test_small": "passed", "test_big": "error"}
    assert "MemoryError" in result.outcomes[1].detail


@needs_bwrap
def test_process_limit_binds(local: LocalSandbox) -> None:
    tests = """import os, time


def test_fork_bomb_is_stopped():
    children = []
    try:
        for _ in range(40):
            pid = os.fork()
            if pid == 0:
                time.sleep(10)
                os._exit(0)
            children.append(pid)
    except BlockingIOError:
        assert len(children) < 8, len(children)
        return
    raise AssertionError(f"forked {len(children)} processes")
"""
    assert statuses(run1(local, "", tests, max_processes=8)) == {
        "test_fork_bomb_is_stopped": "passed"
    }


@needs_bwrap
def test_cpu_limit_ends_a_busy_test(local: LocalSandbox) -> None:
    tests = "def test_spin():\n    while True:\n        pass\n"
    result = run1(local, "", tests, cpu_seconds=1, per_test_seconds=10)
    assert statuses(result) == {"test_spin": "timeout"}
    assert "CPU" in result.outcomes[0].detail


@needs_bwrap
def test_output_is_capped(local: LocalSandbox) -> None:
    code = ADD + "import sys\nprint('x' * 1_000_000)\nsys.stderr.write('y' * 500_000)\n"
    result = run1(local, code, ADD_TESTS, output_bytes=1000)
    assert result.passed == 2
    assert len(result.stdout_tail) < 1100 and "bytes dropped" in result.stdout_tail
    assert len(result.stderr_tail) < 1100 and "bytes dropped" in result.stderr_tail


# -- killing whole process trees ------------------------------------------------------------

SPAWN = """import os, sys, time

MARK = "{mark}"


def spawn_detached_sleeper():
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable,
                     [sys.executable, "-S", "-c", "import time; time.sleep(120)", MARK])
        os._exit(0)
    os.waitpid(pid, 0)


def test_spawn_then_hang():
    spawn_detached_sleeper()
    while True:
        time.sleep(0.05)
"""


def _run_watching(sandbox: Sandbox, mark: str, **limits: float) -> tuple[JobResult, bool]:
    """Run the job while watching the host's process table for the candidate's sleeper."""
    box: dict[str, JobResult] = {}
    worker = threading.Thread(
        target=lambda: box.setdefault("r", run1(sandbox, "", SPAWN.format(mark=mark), **limits))
    )
    worker.start()
    seen = False
    while worker.is_alive():
        seen = seen or bool(marker_pids(mark))
        time.sleep(0.05)
    worker.join()
    return box["r"], seen


def _gone(mark: str, within: float = 3.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if not marker_pids(mark):
            return True
        time.sleep(0.05)
    return False


@needs_bwrap
def test_per_test_timeout_kills_detached_children(local: LocalSandbox) -> None:
    mark = f"mobench-sleeper-{uuid.uuid4().hex}"
    result, seen = _run_watching(local, mark, per_test_seconds=1.5, wall_seconds=15)
    assert seen, "the sleeper never showed up: the test observes nothing"
    assert statuses(result) == {"test_spawn_then_hang": "timeout"}
    assert result.status == "completed"
    assert _gone(mark)


@needs_bwrap
def test_wall_timeout_kills_the_whole_sandbox(local: LocalSandbox) -> None:
    mark = f"mobench-sleeper-{uuid.uuid4().hex}"
    result, seen = _run_watching(local, mark, per_test_seconds=30, wall_seconds=2)
    assert seen
    assert result.status == "timeout" and statuses(result) == {"test_spawn_then_hang": "timeout"}
    assert result.wall_seconds < 6
    assert _gone(mark)


# -- backends and the factory ---------------------------------------------------------------


def test_weak_sandbox_says_it_is_weak() -> None:
    result = run1(
        WeakSandbox(), ADD, ADD_TESTS + "\n\ndef test_bad():\n    assert add(1, 1) == 3\n"
    )
    assert statuses(result) == {
        "test_small": "passed",
        "test_negative": "passed",
        "test_bad": "failed",
    }
    assert result.isolation.level == "weak (no isolation)" and result.isolation.network


def test_a_broken_bwrap_never_passes() -> None:
    result = run1(LocalSandbox(bwrap="/bin/false"), ADD, ADD_TESTS)
    assert result.status == "crashed" and result.passed == 0


@needs_bwrap
def test_make_sandbox_prefers_bubblewrap() -> None:
    assert isinstance(make_sandbox(), LocalSandbox)
    assert isinstance(make_sandbox("local"), LocalSandbox)
    assert isinstance(make_sandbox("weak", allow_weak=True), WeakSandbox)


def test_make_sandbox_refuses_weak_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SandboxUnavailableError, match="--allow-weak-sandbox"):
        make_sandbox("weak")
    with pytest.raises(SandboxUnavailableError, match="unknown sandbox backend"):
        make_sandbox("podman")
    monkeypatch.setattr(sandbox_pkg, "local_problem", lambda: "bwrap: no permission")
    with pytest.raises(SandboxUnavailableError, match="bwrap: no permission.*--allow-weak"):
        make_sandbox()
    with pytest.raises(SandboxUnavailableError):
        make_sandbox("local", allow_weak=True)
    assert isinstance(make_sandbox(allow_weak=True), WeakSandbox)


@needs_bwrap
def test_probe_checks_every_feature_by_running_it() -> None:
    report = sandbox_pkg.probe_isolation()
    assert report["bwrap"]["version"] and report["local_usable"], report
    assert all(check["ok"] for check in report["checks"].values()), report["checks"]
    assert (
        "no network" in report["checks"]
        and "process limit (RLIMIT_NPROC) binds" in report["checks"]
    )


def test_runner_ships_with_the_package() -> None:
    repo_runner = Path(__file__).resolve().parents[1] / "sandbox" / "runner.py"
    assert runner_source() == repo_runner.read_bytes()
