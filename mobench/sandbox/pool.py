"""Warm local pool: one long-lived bubblewrap worker per core, many jobs each.

Each worker is one bwrap sandbox (the same namespaces, mounts, capabilities and environment as
``LocalSandbox``) running ``sandbox/runner.py --serve``. The worker forks a fresh job process
per job; the job process forks a zygote (before it reads any test data) that forks one fresh
candidate process per test, with its own random uid, rlimits and 0700 work dir. After every
test and every job the runner kills every process of the job (``kill(-1)`` as the test's uid,
then every process of the pid namespace but the worker's ancestors) and wipes its files, so no
job can observe or alter another job's files, processes or results. See docs/sandbox.md.

A worker that dies or stops answering is killed and started afresh for the next job; the job it
was running is reported as ``crashed`` or ``timeout`` (never lost, never a pass).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import subprocess
import threading
import time
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mobench.sandbox.base import Isolation, Job, JobResult
from mobench.sandbox.local import (
    SANDBOX_ENV,
    LineBuffer,
    LocalSandbox,
    Parsed,
    Pump,
    Tail,
    assemble,
    check_job,
    job_frames,
    memfd,
    parse_results,
    refused,
    runner_args,
    runner_source,
)

START_SECONDS = 30.0  # a worker that is not ready by then is broken
GRACE_SECONDS = 3.0  # past a job's wall limit (which the runner enforces) before the host acts


class PoolWorker:
    """One warm sandboxed runner; used by one thread at a time."""

    def __init__(
        self, local: LocalSandbox, scratch_mb: int, spawner: ThreadPoolExecutor, slot: int
    ) -> None:
        self.local, self.scratch_mb, self.spawner, self.slot = local, scratch_mb, spawner, slot
        self.proc: subprocess.Popen[bytes] | None = None
        self.config_w = -1
        self.result_r = -1
        self.pump: Pump | None = None
        self.results = LineBuffer()
        self.diag = Tail(8192)
        self.seq = 0
        self.jobs_run = 0
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and self.pump is not None

    def start(self) -> None:
        """Start the bwrap worker and wait for its ready line."""
        self.stop()
        config_r, config_w = os.pipe()
        result_r, result_w = os.pipe()
        runner_fd = memfd("runner.py", runner_source())
        argv = self.local.bwrap_argv(
            runner_fd, self.scratch_mb, runner_args(config_r, result_w, "--serve")
        )
        env = {"PATH": SANDBOX_ENV["PATH"], "LANG": "C.UTF-8"}
        try:
            self.proc = _spawn(self.spawner, argv, (config_r, result_w, runner_fd), env)
        finally:
            for fd in (config_r, result_w, runner_fd):
                os.close(fd)
        self.starts += 1
        self.config_w, self.result_r = config_w, result_r
        self.results, self.diag = LineBuffer(), Tail(8192)
        pump = Pump()
        pump.read(result_r, self.results.add)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        pump.read(self.proc.stdout.fileno(), self.diag.add)
        pump.read(self.proc.stderr.fileno(), self.diag.add)
        self.pump = pump
        if not pump.run(time.monotonic() + START_SECONDS, lambda: bool(self.results.lines)):
            why = self.diag.text().strip() or "no ready line"
            self.stop()
            raise RuntimeError(f"sandbox pool worker did not start: {why}")
        ready = self._json(self.results.lines[0])
        if ready.get("worker") != "ready":
            why = self.diag.text().strip() or self.results.lines[0][:200].decode(errors="replace")
            self.stop()
            raise RuntimeError(f"sandbox pool worker did not start: {why}")
        del self.results.lines[:1]

    @staticmethod
    def _json(line: bytes) -> dict[str, Any]:
        try:
            item = json.loads(line)
        except ValueError:
            return {}
        return item if isinstance(item, dict) else {}

    def stop(self) -> None:
        """Kill the worker (its whole sandbox) and release its pipes."""
        if self.proc is not None:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, 9)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
        if self.pump is not None:
            self.pump.close()
        for fd in (self.config_w, self.result_r):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.proc, self.pump, self.config_w, self.result_r = None, None, -1, -1

    def run(self, job: Job, isolation: Isolation, applied: dict[str, Any]) -> JobResult:
        started = time.monotonic()
        names, why = check_job(job)
        if why is not None:
            return refused(job, isolation, why)
        if not self.alive():
            try:
                self.start()
            except (OSError, RuntimeError) as exc:
                parsed = Parsed({}, end={"status": "crashed", "detail": str(exc)})
                return assemble(job, names, parsed, isolation, started)
        assert self.pump is not None
        self.seq += 1
        seq, nonce = self.seq, secrets.token_hex(16)
        self.results, self.diag = LineBuffer(), Tail(8192)
        pump = self.pump
        pump.sinks[self.result_r] = self.results.add
        for fd in list(pump.sinks):
            if fd != self.result_r:
                pump.sinks[fd] = self.diag.add
        pump.write(self.config_w, job_frames(job, names, seq, nonce))

        def ended() -> bool:
            return (
                any(
                    b'"end"' in line and self._json(line).get("end") == seq
                    for line in self.results.lines[-1:]
                )
                or self.results.overflow
            )

        deadline = started + job.limits.wall_seconds + GRACE_SECONDS
        pump.run(deadline, ended)
        host_timeout = False
        if not ended():
            # the worker died (its pipes closed) or stopped answering: the job is lost to it,
            # never to the caller; the next job gets a fresh worker
            host_timeout = pump.timed_out
            self.stop()
        self.jobs_run += 1
        if self.results.overflow:
            parsed = Parsed({}, problem="result stream too large")
            self.stop()
        else:
            parsed = parse_results(self.results.lines, nonce, names)
        if parsed.end is None and not parsed.problem and not host_timeout:
            parsed.end = {"status": "crashed", "detail": "the pool worker died during the job"}
        return assemble(
            job,
            names,
            parsed,
            isolation,
            started,
            host_timeout=host_timeout,
            diagnostics=self.diag.text(),
            applied=applied,
        )


class PoolSandbox:
    """A warm pool of sandboxed workers (bubblewrap), one per core by default."""

    name = "pool"

    def __init__(
        self,
        workers: int | None = None,
        bwrap: str | None = None,
        scratch_mb: int = 64,
    ) -> None:
        self.local = LocalSandbox(workers=1, bwrap=bwrap)
        self.size = workers or os.cpu_count() or 1
        self.scratch_mb = scratch_mb
        # bwrap --die-with-parent ties a worker to the *thread* that started it: start them all
        # from one thread that lives as long as the pool
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mobench-pool")
        self._workers = [
            PoolWorker(self.local, scratch_mb, self._spawner, slot) for slot in range(self.size)
        ]
        self._free: queue.SimpleQueue[PoolWorker] = queue.SimpleQueue()
        for worker in self._workers:
            self._free.put(worker)
        self._closed = False
        # kills the workers when the pool is closed, garbage-collected, or at interpreter exit
        self._finalizer = weakref.finalize(self, _shutdown, self._workers, self._spawner)

    @property
    def workers(self) -> list[PoolWorker]:
        return list(self._workers)

    def isolation(self) -> Isolation:
        base = self.local.isolation()
        workers = f"{self.size} worker" + ("s" if self.size > 1 else "")
        notes = base.notes + (
            f"; warm pool of {workers} (a fresh job process, candidate processes and uids per "
            "job; everything killed and wiped between jobs)"
        )
        return Isolation(**{**base.__dict__, "backend": self.name, "notes": notes})

    def applied(self, job: Job, worker: PoolWorker) -> dict[str, Any]:
        applied = self.local.applied(job)
        applied.update(
            isolation="bubblewrap, warm pool worker (one sandbox for many jobs, a fresh job "
            "process and fresh candidate processes per job)",
            scratch_tmpfs_mb=self.scratch_mb,
            worker=f"slot {worker.slot}, start #{worker.starts}, job #{worker.jobs_run + 1}",
            wall_seconds_enforced_by="runner (then host: the worker is killed and restarted)",
        )
        return applied

    def start(self) -> None:
        """Start every worker now (otherwise each starts with its first job)."""
        with ThreadPoolExecutor(max_workers=self.size) as ex:
            list(ex.map(lambda w: w.alive() or w.start(), self._workers))

    def run(self, jobs: Sequence[Job]) -> list[JobResult]:
        if self._closed:
            raise RuntimeError("the sandbox pool is closed")
        if not jobs:
            return []
        isolation = self.isolation()
        results: list[JobResult | None] = [None] * len(jobs)
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for index in range(len(jobs)):
            todo.put(index)

        def drain() -> None:
            worker = self._free.get()
            try:
                while True:
                    try:
                        index = todo.get_nowait()
                    except queue.Empty:
                        return
                    job = jobs[index]
                    try:
                        results[index] = worker.run(job, isolation, self.applied(job, worker))
                    except Exception as exc:  # a bug here must not lose the job: it failed
                        worker.stop()
                        names, _ = check_job(job)
                        why = {"status": "crashed", "detail": f"sandbox pool error: {exc!r}"}
                        parsed = Parsed({}, end=why)
                        results[index] = assemble(job, names, parsed, isolation, time.monotonic())
            finally:
                self._free.put(worker)

        threads = [
            threading.Thread(target=drain, daemon=True) for _ in range(min(self.size, len(jobs)))
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException:  # Ctrl-C: kill the workers, then let the threads finish
            for worker in self._workers:
                worker.stop()
            raise
        assert all(r is not None for r in results)
        return [r for r in results if r is not None]

    def close(self) -> None:
        self._closed = True
        self._finalizer()

    def __enter__(self) -> PoolSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _spawn(
    spawner: ThreadPoolExecutor, argv: list[str], pass_fds: tuple[int, ...], env: dict[str, str]
) -> subprocess.Popen[bytes]:
    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=pass_fds,
            env=env,
            start_new_session=True,
        )

    return spawner.submit(start).result()


def _shutdown(workers: list[PoolWorker], spawner: ThreadPoolExecutor) -> None:
    for worker in workers:
        worker.stop()
    spawner.shutdown(wait=False)
