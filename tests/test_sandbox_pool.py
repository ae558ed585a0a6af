"""The warm bubblewrap pool: jobs on a shared worker cannot reach each other; workers recover."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from mobench.sandbox import Job, JobResult, Limits, PoolSandbox, local_problem

PROBLEM = local_problem()
REQUIRED = os.environ.get("MOBENCH_REQUIRE_SANDBOX") == "1"
pytestmark = pytest.mark.skipif(
    PROBLEM is not None and not REQUIRED, reason=f"bubblewrap unusable: {PROBLEM}"
)

LIMITS = Limits(
    cpu_seconds=5, wall_seconds=10, per_test_seconds=5, memory_mb=128, output_bytes=4096
)


@pytest.fixture()
def one_worker() -> Iterator[PoolSandbox]:
    """One worker, so consecutive jobs share it."""
    with PoolSandbox(workers=1) as pool:
        yield pool


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in os.listdir(f"/proc/{parent}/task"):
            try:
                with open(f"/proc/{parent}/task/{task}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def statuses(result: JobResult) -> dict[str, str]:
    return {o.name: o.status for o in result.outcomes}


TAMPERER = """import ctypes, os, signal, socket, sys, time

libc = ctypes.CDLL(None, use_errno=True)


def leave():
    open("left-by-job-a.txt", "w").write("a")
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.closerange(3, 1024)  # let this test finish; act on the next job
            time.sleep(0.5)
            squat = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            squat.bind("\\0mobench-next-job")
            squat.listen(1)
            libc.shmget(0x4D4F4245, 4096, 0o1666)
            end = time.time() + 8
            while time.time() < end:
                for p in os.listdir("/proc"):
                    if p.isdigit() and int(p) != os.getpid():
                        try:
                            os.kill(int(p), signal.SIGKILL)
                        except OSError:
                            pass
                for root, dirs, files in os.walk("/tmp"):
                    for d in dirs:
                        try:
                            open(os.path.join(root, d, "planted.txt"), "w").write("a")
                        except OSError:
                            pass
                time.sleep(0.005)
            os._exit(0)
        os._exit(0)
    time.sleep(0.3)
    return sorted(os.listdir("/tmp"))
"""
TAMPERER_TESTS = "from solution import leave\n\n\ndef test_leave():\n    leave()\n"

LOOKER = """import ctypes, os, socket, time

libc = ctypes.CDLL(None, use_errno=True)


def look():
    time.sleep(0.3)
    shm = libc.shmget(0x4D4F4245, 4096, 0o666)
    seen = {"cwd": os.listdir("."), "planted": [], "others": [], "shm": shm}
    for root, dirs, files in os.walk("/tmp"):
        names = ("planted.txt", "left-by-job-a.txt")
        seen["planted"] += [os.path.join(root, f) for f in files if f in names]
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            seen["others"].append(open(f"/proc/{p}/cmdline", "rb").read())
        except OSError:
            pass
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.bind("\\0mobench-next-job")
        seen["squatted"] = False
    except OSError:
        seen["squatted"] = True
    return seen
"""
LOOKER_TESTS = """from solution import look


def test_clean_slate():
    seen = look()
    assert seen["cwd"] == [] and seen["planted"] == [], seen
    assert seen["shm"] == -1 and seen["squatted"] is False, seen
    python = [c for c in seen["others"] if c]
    assert len(python) <= 4, python  # bwrap init, the worker, the job process, this candidate
"""


def test_a_job_cannot_tamper_with_the_next_job_on_its_worker(one_worker: PoolSandbox) -> None:
    a = Job("a", TAMPERER, TAMPERER_TESTS, LIMITS)
    b = Job("b", LOOKER, LOOKER_TESTS, LIMITS)
    first, second = one_worker.run([a, b])
    assert statuses(first) == {"test_leave": "passed"}, first.outcomes
    assert statuses(second) == {"test_clean_slate": "passed"}, second.outcomes
    assert one_worker.workers[0].starts == 1  # the same warm worker ran both
    again = one_worker.run([b])[0]  # and in a separate run() call too
    assert statuses(again) == {"test_clean_slate": "passed"}, again.outcomes


def test_results_never_mix_between_parallel_jobs() -> None:
    jobs = []
    for i in range(16):
        code = f"import time\n\n\ndef ident():\n    time.sleep(0.0{i % 4})\n    return {i}\n"
        expect = i if i % 5 else -1  # every fifth job must fail
        tests = (
            f"from solution import ident\n\n\ndef test_ident():\n    assert ident() == {expect}\n"
        )
        jobs.append(Job(f"job-{i}", code, tests, LIMITS))
    with PoolSandbox(workers=2) as pool:
        results = pool.run(jobs)
        assert [r.job_id for r in results] == [j.job_id for j in jobs]
        assert [r.passed for r in results] == [0 if i % 5 == 0 else 1 for i in range(16)]
        assert sum(w.jobs_run for w in pool.workers) == 16
        assert all(w.starts == 1 for w in pool.workers)
        assert results[3].applied["worker"].startswith("slot ")
        assert results[3].isolation.backend == "pool"


def test_a_killed_worker_is_restarted_and_its_job_fails(one_worker: PoolSandbox) -> None:
    one_worker.start()
    worker = one_worker.workers[0]
    slow = Job(
        "slow",
        "import time\n\n\ndef ok():\n    time.sleep(3)\n    return 1\n",
        "from solution import ok\n\n\ndef test_ok():\n    assert ok() == 1\n",
        LIMITS,
    )
    pid = worker.pid
    assert pid is not None
    killer = threading.Timer(0.5, lambda: os.killpg(pid, signal.SIGKILL))
    killer.start()
    result = one_worker.run([slow])[0]
    killer.join()
    assert result.status == "crashed" and result.passed == 0, result
    assert "died" in result.outcomes[0].detail
    after = one_worker.run([Job("after", "def ok():\n    return 1\n", slow.tests, LIMITS)])[0]
    assert after.status == "completed" and after.passed == 1
    assert worker.starts == 2 and worker.pid != pid


def test_a_stuck_worker_is_replaced_after_the_wall_limit(one_worker: PoolSandbox) -> None:
    one_worker.start()
    worker = one_worker.workers[0]
    pid = worker.pid
    assert pid is not None
    limits = Limits(wall_seconds=1, per_test_seconds=1)
    job = Job(
        "stuck",
        "def ok():\n    return 1\n",
        "from solution import ok\n\n\ndef test_ok():\n    assert ok() == 1\n",
        limits,
    )
    for stuck in [pid, *descendants(pid)]:  # a worker that stops answering
        os.kill(stuck, signal.SIGSTOP)
    started = time.monotonic()
    result = one_worker.run([job])[0]
    assert result.status == "timeout" and result.passed == 0
    assert time.monotonic() - started < 10
    assert one_worker.run([job])[0].passed == 1 and worker.starts == 2


def test_closing_the_pool_leaves_no_worker_behind() -> None:
    pool = PoolSandbox(workers=2)
    pool.start()
    pids = [w.pid for w in pool.workers]
    assert all(pids)
    pool.close()
    for pid in pids:
        assert pid is not None
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(RuntimeError, match="closed"):
        pool.run([Job(str(uuid.uuid4()), "", "def test_x():\n    pass\n")])
