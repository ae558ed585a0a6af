"""The bubblewrap sandbox run for real (no mocks of bwrap): outcomes, protocol, isolation, limits.

The hostile programs (fork bombs, escapes, reward hacks, ...) live in ``tests/hostile/`` and run
on every backend; this file covers the mechanics of the local backend and the result channel.
"""

from __future__ import annotations

import json
import os
import re
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
    PoolSandbox,
    Sandbox,
    WeakSandbox,
    local_problem,
    make_sandbox,
)
from mobench.sandbox.local import PROTOCOL, parse_results, runner_source

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
def test_passed_failed_error_and_what_was_applied(local: LocalSandbox) -> None:
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
    assert "AssertionError: no" in detail["test_wrong"] and "add(1, 1) == 3" in detail["test_wrong"]
    assert "ValueError: boom" in detail["test_raises"]
    assert result.isolation.level == "bubblewrap" and not result.isolation.network
    assert result.isolation.separate_judge and result.isolation.pid_namespace
    assert result.to_json()["isolation"]["backend"] == "local"
    applied = result.applied
    assert applied["rlimit_as_mb"] == FAST.memory_mb and applied["rlimit_nofile"] == 64
    assert applied["per_test_seconds"] == FAST.per_test_seconds
    assert "network" in applied and "uid" in applied
    if os.geteuid() == 0:
        assert result.isolation.per_test_uid and "per-test" in applied["uid"]
        assert applied["rlimit_nproc"] == FAST.max_processes


@needs_bwrap
def test_candidate_exceptions_come_back_as_builtin_exceptions(local: LocalSandbox) -> None:
    code = """class Custom(KeyError):
    pass


def find(d, k):
    if k not in d:
        raise Custom(k)
    return d[k]


def oserror():
    raise FileNotFoundError(2, "nope", "x.txt")
"""
    tests = """from solution import find, oserror


def test_key_error_is_caught_as_key_error():
    try:
        find({}, "a")
    except KeyError as exc:
        assert exc.args == ("a",)
    else:
        raise AssertionError("no exception")


def test_oserror_keeps_its_class():
    try:
        oserror()
    except FileNotFoundError as exc:
        assert exc.errno == 2
"""
    assert set(statuses(run1(local, code, tests)).values()) == {"passed"}


@needs_bwrap
def test_classes_generators_callbacks_and_in_place_mutation(local: LocalSandbox) -> None:
    code = """class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)

    def pop(self):
        return self.items.pop()

    def __len__(self):
        return len(self.items)


def squares(n):
    for i in range(n):
        yield i * i


def apply(f, xs):
    return [f(x) for x in xs]


def sort_in_place(xs):
    xs.sort()


def same(x):
    return x
"""
    tests = """from solution import Stack, apply, same, sort_in_place, squares


def test_class():
    s = Stack()
    s.push(1)
    s.push(2)
    assert len(s) == 2 and s.pop() == 2 and s.items == [1]


def test_generator():
    assert list(squares(4)) == [0, 1, 4, 9]


def test_callback():
    assert apply(lambda x: x + 1, [1, 2]) == [2, 3]


def test_in_place():
    xs = [3, 1, 2]
    sort_in_place(xs)
    assert xs == [1, 2, 3]


def test_data_round_trips_exactly():
    value = {1: (2.5, "x", b"y", None, True), "k": [frozenset({1}), {2, 3}, 10**40, 1j]}
    assert same(value) == value
    assert type(same(True)) is bool and same(None) is None
"""
    assert set(statuses(run1(local, code, tests)).values()) == {"passed"}


@needs_bwrap
def test_stdlib_subclasses_of_data_arrive_as_their_builtin_values(local: LocalSandbox) -> None:
    code = """import collections, enum


class Colour(enum.IntEnum):
    RED = 1


Point = collections.namedtuple("Point", "x y")


def values():
    return [collections.Counter("aab"), collections.defaultdict(int, a=1),
            collections.OrderedDict(b=2), Point(1, 2), Colour.RED, bytearray(b"xy")]
"""
    tests = """from solution import values


def test_values():
    counter, default, ordered, point, colour, raw = values()
    assert counter == {"a": 2, "b": 1} and type(counter) is dict
    assert default == {"a": 1} and ordered == {"b": 2}
    assert point == (1, 2) and type(point) is tuple
    assert colour == 1 and type(colour) is int
    assert raw == b"xy"
"""
    assert statuses(run1(local, code, tests)) == {"test_values": "passed"}


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
def test_one_test_cannot_decide_another(local: LocalSandbox) -> None:
    code = (
        ADD
        + """import ctypes, os, sys


def exit0():
    os._exit(0)


def sysexit():
    sys.exit(0)


def segfault():
    ctypes.string_at(0)


def loop():
    while True:
        pass
"""
    )
    tests = ADD_TESTS + "".join(
        f"\n\ndef test_{name}():\n    from solution import {name}\n    {name}()\n"
        for name in ("exit0", "sysexit", "segfault", "loop")
    )
    tests += "\n\ndef test_last():\n    assert add(2, 2) == 4\n"
    result = run1(local, code, tests, per_test_seconds=1)
    assert statuses(result) == {
        "test_small": "passed",
        "test_negative": "passed",
        "test_exit0": "error",
        "test_sysexit": "error",
        "test_segfault": "error",
        "test_loop": "timeout",
        "test_last": "passed",
    }
    detail = {o.name: o.detail for o in result.outcomes}
    assert "signal 11" in detail["test_segfault"]
    assert "SystemExit" in detail["test_sysexit"]


@needs_bwrap
def test_state_does_not_carry_over_between_tests(local: LocalSandbox) -> None:
    code = """import os, subprocess, sys, time


def mess():
    open("leftover.txt", "w").write("x")
    subprocess.Popen([sys.executable, "-S", "-c", "import time; time.sleep(60)"],
                     start_new_session=True)
    sys.modules["json"] = None
    global STATE
    STATE = 1


def look():
    time.sleep(0.1)
    import json  # a fresh process: the previous test's sys.modules tampering is gone
    return [os.listdir("."), [p for p in os.listdir("/proc") if p.isdigit()],
            globals().get("STATE")]
"""
    tests = """from solution import look, mess


def test_a_leaves_a_mess():
    mess()


def test_b_sees_a_clean_slate():
    files, pids, state = look()
    assert files == [] and state is None, (files, state)
    assert len(pids) <= 4, pids  # bwrap's init, the worker, the job process, this candidate
"""
    result = run1(local, code, tests)
    assert statuses(result) == {
        "test_a_leaves_a_mess": "passed",
        "test_b_sees_a_clean_slate": "passed",
    }


@needs_bwrap
def test_hundreds_of_tests_in_one_job(local: LocalSandbox) -> None:
    tests = "from solution import add\n" + "".join(
        f"\n\ndef test_{i}():\n    assert add({i}, 1) == {i + 1}\n" for i in range(300)
    )  # 4 pipe fds per test: past select()'s 1024 and the default soft open-file limit
    result = run1(local, ADD, tests, wall_seconds=60)
    assert result.status == "completed" and result.passed == 300
    too_many = tests + "".join(f"\n\ndef test_x{i}():\n    pass\n" for i in range(701))
    refused = run1(local, ADD, too_many)
    assert refused.status == "refused" and "at most 1000" in refused.stderr_tail


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


@needs_bwrap
def test_no_host_fd_is_leaked_per_job(local: LocalSandbox) -> None:
    jobs = [Job(f"fd{i}", ADD, ADD_TESTS, FAST) for i in range(6)]
    before = len(os.listdir("/proc/self/fd"))
    local.run(jobs)
    WeakSandbox().run(jobs)
    with PoolSandbox(workers=1) as pool:
        pool.run(jobs)
    assert len(os.listdir("/proc/self/fd")) == before


# -- the result channel ----------------------------------------------------------------------


@needs_bwrap
def test_candidate_output_is_captured_capped_and_never_parsed(local: LocalSandbox) -> None:
    fake = [
        {"nonce": "0" * 32, "test": n, "status": "passed", "seconds": 0.0}
        for n in ("test_small", "test_negative")
    ] + [{"nonce": "0" * 32, "done": True}, {"end": 1, "status": "ok"}]
    prints = "".join(f"print({json.dumps(json.dumps(f))})\n" for f in fake)
    code = "import sys\ndef add(a, b):\n    return 0\n" + prints
    code += "sys.stderr.write('y' * 100_000)\n"
    result = run1(local, code, ADD_TESTS, output_bytes=1000)
    assert result.status == "completed"
    assert statuses(result) == {"test_small": "failed", "test_negative": "failed"}
    assert '"status": "passed"' in result.stdout_tail  # it printed them; nobody listened
    assert len(result.stderr_tail) < 1100 and "bytes dropped" in result.stderr_tail


def test_result_channel_rejects_anything_not_exactly_right() -> None:
    nonce, names = "ab" * 16, ("test_a", "test_b")

    def line(**kw: object) -> bytes:
        return json.dumps({"nonce": nonce, **kw}).encode() + b"\n"

    ready = b'{"worker": "ready", "protocol": 2}\n'
    end = b'{"end": 1, "status": "ok", "detail": ""}\n'
    good = line(test="test_a", status="passed") + line(test="test_b", status="failed")
    parsed = parse_results(ready + good + line(done=True) + end, nonce, names)
    assert parsed.problem is None and parsed.done and parsed.end is not None
    spoiled = {
        "wrong nonce": good.replace(nonce.encode(), b"cd" * 16, 1) + line(done=True),
        "unknown test": good + line(test="test_c", status="passed") + line(done=True),
        "duplicate": good + line(test="test_a", status="passed") + line(done=True),
        "bad status": line(test="test_a", status="great") + line(done=True),
        "not json": good + b"passed\n" + line(done=True),
        "early done": line(test="test_a", status="passed") + line(done=True),
        "after done": good + line(done=True) + line(test="test_a", status="passed"),
        "after end": good + line(done=True) + end + line(test="test_b", status="passed"),
        "bad end": good + line(done=True) + b'{"end": 1, "status": "great"}\n',
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
    code = f"""import socket


def reach():
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    except OSError as exc:
        return type(exc).__name__
    return "connected"
"""
    tests = "from solution import reach\n\n\ndef test_reach():\n    assert reach() == 'connected'\n"
    try:
        sandboxed = run1(local, code, tests)
        weak = run1(WeakSandbox(), code, tests)  # control: the same candidate reaches the host
    finally:
        server.close()
    assert statuses(sandboxed) == {"test_reach": "failed"}
    assert statuses(weak) == {"test_reach": "passed"}


@needs_bwrap
def test_environment_is_cleared(local: LocalSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBENCH_TEST_SECRET", "hunter2-secret")
    code = "import os\n\n\ndef env():\n    return dict(os.environ)\n"
    tests = """from solution import env


def test_env():
    seen = env()
    assert "MOBENCH_TEST_SECRET" not in seen
    assert not any("hunter2" in v for v in seen.values())
    assert set(seen) <= {"PATH", "HOME", "TMPDIR", "LANG", "PYTHONHASHSEED", "PWD"}, seen
"""
    assert statuses(run1(local, code, tests)) == {"test_env": "passed"}


@needs_bwrap
def test_cannot_write_outside_its_work_dir(local: LocalSandbox) -> None:
    host_marker = f"/tmp/mobench-escape-{uuid.uuid4().hex}"
    code = f"""import os, sys


def writes():
    done = []
    for path in ("/evil", "/usr/evil", sys.prefix + "/evil", "/mobench/runner.py",
                 "/tmp/evil", "/proc/evil", "/dev/evil", "/dev/shm/evil", "..//evil"):
        try:
            open(path, "a").close()
        except OSError:
            continue
        done.append(path)
    try:
        open("{host_marker}", "w").write("inside")
    except OSError:
        pass
    open("mine.txt", "w").write("ok")  # its own work dir is writable
    return done
"""
    tests = "from solution import writes\n\n\ndef test_writes():\n    assert writes() == []\n"
    assert statuses(run1(local, code, tests)) == {"test_writes": "passed"}
    assert not os.path.exists(host_marker)


@needs_bwrap
def test_runs_as_an_unprivileged_uid(local: LocalSandbox) -> None:
    code = """import os


def ids():
    try:
        os.setuid(0)
    except PermissionError:
        became = False
    else:
        became = True
    return [os.getuid(), os.geteuid(), os.getgid(), became]
"""
    tests = "from solution import ids\n\n\ndef test_uid():\n    uid, euid, gid, root = ids()\n"
    tests += "    assert 0 not in (uid, euid, gid) and root is False\n"
    assert statuses(run1(local, code, tests)) == {"test_uid": "passed"}


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
    code = """import os, time


def fork_bomb():
    children = []
    try:
        for _ in range(60):
            pid = os.fork()
            if pid == 0:
                time.sleep(10)
                os._exit(0)
            children.append(pid)
    except BlockingIOError:
        pass
    return len(children)
"""
    tests = "from solution import fork_bomb\n\n\ndef test_bomb():\n    assert fork_bomb() < 30\n"
    assert statuses(run1(local, code, tests, max_processes=8)) == {"test_bomb": "passed"}


@needs_bwrap
def test_cpu_limit_ends_a_busy_candidate(local: LocalSandbox) -> None:
    code = "def spin():\n    while True:\n        pass\n"
    tests = "from solution import spin\n\n\ndef test_spin():\n    spin()\n"
    result = run1(local, code, tests, cpu_seconds=1, per_test_seconds=10)
    assert statuses(result) == {"test_spin": "timeout"}
    assert "CPU" in result.outcomes[0].detail


# -- killing whole process trees ------------------------------------------------------------

SPAWN = """import os, sys, time

MARK = "{mark}"


def spawn_detached_sleeper_then_hang():
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable,
                     [sys.executable, "-S", "-c", "import time; time.sleep(120)", MARK])
        os._exit(0)
    os.waitpid(pid, 0)
    while True:
        time.sleep(0.05)
"""
SPAWN_TESTS = "from solution import *\n\n\ndef test_spawn_then_hang():\n"
SPAWN_TESTS += "    spawn_detached_sleeper_then_hang()\n"


def _run_watching(sandbox: Sandbox, mark: str, **limits: float) -> tuple[JobResult, bool]:
    """Run the job while watching the host's process table for the candidate's sleeper."""
    box: dict[str, JobResult] = {}
    code = SPAWN.format(mark=mark)
    worker = threading.Thread(
        target=lambda: box.setdefault("r", run1(sandbox, code, SPAWN_TESTS, **limits))
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
def test_make_sandbox_picks_the_backends() -> None:
    auto = make_sandbox()
    assert isinstance(auto, PoolSandbox)
    auto.close()
    assert isinstance(make_sandbox("local"), LocalSandbox)
    pool = make_sandbox("pool")
    assert isinstance(pool, PoolSandbox)
    pool.close()
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
    with pytest.raises(SandboxUnavailableError):
        make_sandbox("pool", allow_weak=True)
    assert isinstance(make_sandbox(allow_weak=True), WeakSandbox)


def test_docker_backends_say_why_they_are_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> object:
        raise ImportError("No module named 'mobench.sandbox.docker'")

    monkeypatch.setattr(sandbox_pkg, "_docker_module", missing)
    for backend in ("docker", "docker-pool"):
        with pytest.raises(SandboxUnavailableError, match="not available"):
            make_sandbox(backend)

    class NoEngine:
        @staticmethod
        def docker_problem() -> str:
            return "no Docker engine at unix:///nowhere"

    monkeypatch.setattr(sandbox_pkg, "_docker_module", lambda: NoEngine)
    with pytest.raises(SandboxUnavailableError, match="no Docker engine at unix:///nowhere"):
        make_sandbox("docker-pool")

    made: list[int] = []

    class Engine:
        @staticmethod
        def docker_problem() -> None:
            return None

        class DockerSandbox:
            def __init__(self, pool_size: int = 0) -> None:
                made.append(pool_size)

    monkeypatch.setattr(sandbox_pkg, "_docker_module", lambda: Engine)
    make_sandbox("docker")
    make_sandbox("docker-pool")
    assert made[0] == 0 and made[1] >= 1


@needs_bwrap
def test_probe_checks_every_feature_by_running_it() -> None:
    report = sandbox_pkg.probe_isolation(docker=False)
    assert report["bwrap"]["version"] and report["local_usable"], report
    for name in ("local", "pool"):
        checks = report["backends"][name]["checks"]
        assert all(check["ok"] for check in checks.values()), checks
        assert "no network" in checks
        assert "test source and installed packs out of the candidate's reach" in checks


def test_probe_catches_what_the_weak_backend_lacks() -> None:
    checks = sandbox_pkg.probe_backend(WeakSandbox())["checks"]
    assert checks["runs a job and reports out of band"]["ok"]
    assert not checks["own pid namespace"]["ok"] and not checks["host files hidden"]["ok"]


def test_runner_ships_with_the_package_and_speaks_the_hosts_protocol() -> None:
    repo_runner = Path(__file__).resolve().parents[1] / "sandbox" / "runner.py"
    assert runner_source() == repo_runner.read_bytes()
    source = runner_source().decode()
    assert f"Protocol version {PROTOCOL}." in source
    assert re.search(r"^PROTOCOL = (\d+)$", source, re.M).group(1) == str(PROTOCOL)  # type: ignore[union-attr]
