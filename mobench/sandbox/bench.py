"""Sandbox throughput, measured side by side in one process (``mobench sandbox bench``).

Rows: the unsandboxed baseline that classic code-eval harnesses use (one ``multiprocessing``
process per job, forked from the harness, importing the candidate and running the same
trivial test), one fresh bubblewrap sandbox per job (``local``), the warm bubblewrap pool
(``pool``), and, when ``mobench.sandbox.docker`` has an engine, one container per job
(``docker``) and the warm container pool (``docker-pool``). Every row runs the same jobs: a
one-line candidate and one trivial test, so the numbers are the sandbox's own cost.

Nothing here is asserted by the test suite; the targets (pool per-job cost no higher than the
baseline, at least 3x cheaper than bwrap per job; docker pool at least 5x cheaper than docker
run per job) are reported next to the measurements.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mobench.sandbox.base import Job, Limits

CODE = "def add(a, b):\n    return a + b\n"
TESTS = "from solution import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
DOCKER_RUN_JOBS = 16  # one container per job is slow: fewer jobs for that row


def make_jobs(n: int) -> list[Job]:
    return [Job(f"bench-{i}", CODE, TESTS, Limits()) for i in range(n)]


def _baseline_child(conn: Any, code: str, tests: str, names: Sequence[str]) -> None:
    """In the forked child: what a classic harness does, with no isolation at all."""
    module = type(sys)("solution")
    exec(compile(code, "solution.py", "exec"), module.__dict__)
    sys.modules["solution"] = module
    namespace: dict[str, Any] = {"__name__": "test_solution"}
    exec(compile(tests, "test_solution.py", "exec"), namespace)
    outcomes = []
    for name in names:
        try:
            namespace[name]()
            outcomes.append("passed")
        except AssertionError:
            outcomes.append("failed")
        except BaseException:  # noqa: B036 - a classic harness records everything as a failure
            outcomes.append("error")
    conn.send(outcomes)
    conn.close()


class MultiprocessingBaseline:
    """NOT a sandbox: one forked ``multiprocessing.Process`` per job, results over a pipe."""

    name = "multiprocessing (unsandboxed)"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.context = multiprocessing.get_context("fork")

    def run_one(self, job: Job) -> list[str]:
        reader, writer = self.context.Pipe(duplex=False)
        args = (writer, job.code, job.tests, job.test_names())
        proc = self.context.Process(target=_baseline_child, args=args)
        proc.start()
        writer.close()
        outcomes: list[str] = []
        try:
            if reader.poll(job.limits.wall_seconds):
                outcomes = reader.recv()
        except (EOFError, OSError):  # the child died without reporting: nothing passed
            outcomes = []
        proc.join(timeout=1)
        if proc.is_alive():
            proc.kill()
            proc.join()
        reader.close()
        return outcomes

    def run(self, jobs: Sequence[Job]) -> list[list[str]]:
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(self.run_one, jobs))


def _passed(results: Sequence[Any]) -> int:
    passed = 0
    for result in results:
        if isinstance(result, list):
            passed += result == ["passed"]
        else:
            passed += result.status == "completed" and result.passed == result.total == 1
    return passed


def measure(
    run: Callable[[list[Job]], Sequence[Any]], jobs: list[Job], repeat: int
) -> dict[str, Any]:
    """Median over ``repeat`` timed runs of all ``jobs`` (after one small warm-up run)."""
    run(jobs[: max(2, len(jobs) // 8)])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        results = run(jobs)
        times.append(time.perf_counter() - started)
        if _passed(results) != len(jobs):
            raise RuntimeError(f"{_passed(results)}/{len(jobs)} bench jobs passed")
    median = statistics.median(times)
    return {
        "jobs": len(jobs),
        "seconds_median": round(median, 4),
        "ms_per_job": round(1000 * median / len(jobs), 3),
        "jobs_per_second": round(len(jobs) / median, 1),
        "runs": repeat,
    }


def run_bench(jobs: int = 200, repeat: int = 3, docker: bool = True) -> dict[str, Any]:
    """Every row that this host can run, side by side; rows it cannot run say why."""
    from mobench.sandbox import PoolSandbox, docker_problem, local_problem, make_sandbox
    from mobench.sandbox.local import LocalSandbox

    batch = make_jobs(jobs)
    rows: dict[str, dict[str, Any]] = {}
    baseline = MultiprocessingBaseline()
    rows["multiprocessing"] = {"what": baseline.name, **measure(baseline.run, batch, repeat)}
    problem = local_problem()
    if problem is None:
        local = LocalSandbox()
        rows["local"] = {
            "what": "bubblewrap, one sandbox per job",
            **measure(local.run, batch, repeat),
        }
        with PoolSandbox() as pool:
            pool.start()
            what = f"warm bubblewrap pool ({pool.size} workers)"
            rows["pool"] = {"what": what, **measure(pool.run, batch, repeat)}
    else:
        rows["local"] = rows["pool"] = {"skipped": problem}
    reason = docker_problem() if docker else "not requested"
    for name, what, count in (
        ("docker", "one container per job", min(jobs, DOCKER_RUN_JOBS)),
        ("docker-pool", "warm container pool", jobs),
    ):
        if reason is not None:
            rows[name] = {"skipped": reason}
            continue
        sandbox: Any = make_sandbox(name)
        try:
            rows[name] = {"what": what, **measure(sandbox.run, batch[:count], repeat)}
        finally:
            close = getattr(sandbox, "close", None)
            if callable(close):
                close()
    return {
        "host": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "uid": os.geteuid(),
        },
        "jobs": jobs,
        "repeat": repeat,
        "rows": rows,
        "targets": targets(rows),
    }


def targets(rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The issue's targets as ratios of per-job cost (measured side by side, never asserted)."""

    def ms(name: str) -> float | None:
        value = rows.get(name, {}).get("ms_per_job")
        return float(value) if value else None

    out: dict[str, Any] = {}
    pool, base, local = ms("pool"), ms("multiprocessing"), ms("local")
    dpool, drun = ms("docker-pool"), ms("docker")
    if pool and base:
        ratio = round(pool / base, 3)
        out["pool_vs_multiprocessing"] = {"ratio": ratio, "target": "<= 1", "met": ratio <= 1}
    if pool and local:
        ratio = round(local / pool, 2)
        out["local_vs_pool_speedup"] = {"ratio": ratio, "target": ">= 3", "met": ratio >= 3}
    if dpool and drun:
        ratio = round(drun / dpool, 2)
        out["docker_vs_docker_pool_speedup"] = {"ratio": ratio, "target": ">= 5", "met": ratio >= 5}
    return out
