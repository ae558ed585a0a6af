"""Where the grid's tasks run: in process, in a local process pool, or as Ray tasks.

The runner plans a pack's grid as :class:`GridTask` s (one per method × preference × seed ×
protocol, each with its run key), scores the pack's candidate pool once, and hands the tasks to an
executor. Every executor runs the same ``GridRunner._run_one`` on the same pack, pool and
parameters, so the records it returns are the same whichever executor ran them (only the measured
compute seconds differ). The parent writes each record as it arrives, so an interrupted run keeps
every finished result and a rerun resumes.

Workers build their own runner from the run's config: the same result cache (the sqlite file is
shared between processes) and, only if a method answers with text outside the pool, a sandbox of
the config's backend. The sandbox isolation recorded for the pack is measured once, in the parent.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any, Protocol

from mobench.errors import MobenchError
from mobench.methods import Method, ScoredPool
from mobench.packs import Pack
from mobench.records import RunRecord

if TYPE_CHECKING:
    from mobench.runner import GridRunner, RunConfig
    from mobench.sandbox.base import Isolation, Job, JobResult

EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class GridTask:
    """One run of the grid: a method with its parameters on a pack, preference, seed, protocol."""

    index: int  # position in the plan (records are returned in plan order)
    pack: str  # the pack's name@version
    cls: type[Method]
    params: Any  # the method's frozen Params instance
    preference: tuple[float, ...]
    seed: int
    protocol: str
    run_key: str

    @property
    def label(self) -> str:
        pref = "-".join(f"{w:g}" for w in self.preference)
        return f"{self.cls.name} {self.pack} {self.protocol} seed{self.seed} w{pref}"


@dataclass(frozen=True)
class PackBatch:
    """A pack's pending tasks with what every task of that pack shares."""

    pack: Pack
    pool: ScoredPool
    isolation: dict[str, Any]
    tasks: tuple[GridTask, ...]


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs to build its own runner (picklable)."""

    config: RunConfig
    cache_dir: str | None = None
    env: dict[str, str] = field(default_factory=dict)


class Executor(Protocol):
    """Runs a pack's tasks; yields (task, record) as each finishes, in any order."""

    def execute(
        self, runner: GridRunner, batch: PackBatch
    ) -> Iterator[tuple[GridTask, RunRecord]]: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------------------------------
# The task body, shared by every executor


_WORKER_RUNNERS: list[tuple[WorkerSpec, GridRunner]] = []


def _worker_runner(spec: WorkerSpec) -> GridRunner:
    """This process's runner for ``spec`` (built once per worker process)."""
    for known, runner in _WORKER_RUNNERS:
        if known == spec:
            return runner
    from mobench.runner import GridRunner

    os.environ.update(spec.env)
    if spec.cache_dir is not None:
        os.environ["MOBENCH_CACHE_DIR"] = spec.cache_dir
    runner = GridRunner(spec.config)
    _WORKER_RUNNERS[:] = [(spec, runner)]  # one run's runner at a time
    return runner


def run_task(
    runner: GridRunner, pack: Pack, pool: ScoredPool, isolation: dict[str, Any], task: GridTask
) -> RunRecord:
    """Run one grid task on ``runner`` (the isolation recorded is the one the parent measured)."""
    runner.isolations[pack.sha256] = isolation
    return runner._run_one(
        pack, pool, task.cls, task.params, task.preference, task.seed, task.protocol, task.run_key
    )


def run_task_in_worker(
    spec: WorkerSpec, pack: Pack, pool: ScoredPool, isolation: dict[str, Any], task: GridTask
) -> RunRecord:
    """The body of a process-pool or Ray task."""
    return run_task(_worker_runner(spec), pack, pool, isolation, task)


def worker_spec(config: RunConfig) -> WorkerSpec:
    from mobench.cache import default_cache_dir

    keep = ("MOBENCH_HOME", "MOBENCH_PACK_PATH")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    cache_dir = str(default_cache_dir()) if config.use_cache else None
    return WorkerSpec(config, cache_dir, env)


# ---------------------------------------------------------------------------------------------
# Executors


class InProcessExecutor:
    """Runs tasks one after another in this process, on the caller's runner (the default)."""

    def execute(self, runner: GridRunner, batch: PackBatch) -> Iterator[tuple[GridTask, RunRecord]]:
        for task in batch.tasks:
            yield task, run_task(runner, batch.pack, batch.pool, batch.isolation, task)

    def close(self) -> None:
        return None


class ProcessPoolGridExecutor:
    """Runs tasks in ``workers`` fresh (spawned) processes on this machine."""

    def __init__(self, workers: int) -> None:
        if workers < 2:
            raise MobenchError(f"a process pool needs at least 2 workers, got {workers}")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the parent holds torch threads and an open sqlite connection
            self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        return self._pool

    def execute(self, runner: GridRunner, batch: PackBatch) -> Iterator[tuple[GridTask, RunRecord]]:
        spec = worker_spec(runner.config)
        pool = self._executor()
        pending: dict[Future[RunRecord], GridTask] = {
            pool.submit(run_task_in_worker, spec, batch.pack, batch.pool, batch.isolation, t): t
            for t in batch.tasks
        }
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    yield task, future.result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class RayExecutor:
    """Runs every task as a Ray task (one CPU each); the pack and pool go to the object store
    once per pack. Uses the Ray instance already initialised in this process, else starts or
    joins one with ``ray.init()`` (which honours ``RAY_ADDRESS``) and shuts it down on close.
    """

    def __init__(self, num_cpus_per_task: float = 1.0) -> None:
        ray = _import_ray()
        self._owned = False
        if not ray.is_initialized():
            init_ray(include_dashboard=False, log_to_driver=False)
            self._owned = True
        self._remote = ray.remote(num_cpus=num_cpus_per_task)(run_task_in_worker)

    def execute(self, runner: GridRunner, batch: PackBatch) -> Iterator[tuple[GridTask, RunRecord]]:
        ray = _import_ray()
        spec = ray.put(worker_spec(runner.config))
        pack, pool = ray.put(batch.pack), ray.put(batch.pool)
        pending = {
            self._remote.remote(spec, pack, pool, batch.isolation, task): task
            for task in batch.tasks
        }
        try:
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    task = pending.pop(ref)
                    yield task, _ray_result(ray, ref)
        finally:
            for ref in pending:
                ray.cancel(ref)

    def close(self) -> None:
        if self._owned:
            _import_ray().shutdown()
            self._owned = False


def init_ray(**kwargs: Any) -> None:
    """``ray.init`` from the system temp directory.

    Ray puts the driver's current directory on its workers' ``sys.path`` (and starts them
    there); started from a mobench checkout, the source tree's ``mobench/`` (which has no
    ``baselines`` or ``tasks``: those are mapped in only when installed) would shadow the
    installed package in every worker. The directory must outlive the Ray instance.
    """
    ray = _import_ray()
    here = os.getcwd()
    os.chdir(tempfile.gettempdir())
    try:
        ray.init(**kwargs)
    finally:
        os.chdir(here)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MobenchError(
            "the ray executor needs Ray: pip install 'mobench[ray]' (or pip install ray)"
        ) from None
    return ray


def _ray_result(ray: Any, ref: Any) -> Any:
    """``ray.get``, re-raising a task's own exception (a MethodError stays a MethodError)."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as exc:
        cause = exc.cause if isinstance(exc.cause, BaseException) else None
        if cause is not None:
            raise cause from None
        raise


def make_executor(kind: str = "local", workers: int = 1) -> Executor:
    """``local`` with 1 worker runs in process; more workers make a process pool; ``ray``."""
    if kind == "local":
        if workers < 1:
            raise MobenchError(f"--workers must be at least 1, got {workers}")
        return InProcessExecutor() if workers == 1 else ProcessPoolGridExecutor(workers)
    if kind == "ray":
        return RayExecutor()
    raise MobenchError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")


# ---------------------------------------------------------------------------------------------
# Sandbox batches as Ray tasks


class RaySandbox:
    """A sandbox that runs batches of jobs as Ray tasks, each on a worker's own sandbox.

    Scoring a pool sends every candidate's tests to the sandbox in one ``run(jobs)`` call; this
    splits the call into ``batches`` chunks that Ray places across its workers (on a cluster,
    across machines). Results come back in job order. Each worker makes one sandbox of
    ``backend`` (``mobench.sandbox.make_sandbox``) and keeps it warm for later batches.
    """

    name = "ray"

    def __init__(self, backend: str = "auto", allow_weak: bool = False, batches: int = 0) -> None:
        ray = _import_ray()
        if not ray.is_initialized():
            raise MobenchError("RaySandbox needs an initialised Ray (ray.init())")
        self.backend, self.allow_weak = backend, allow_weak
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.batches = batches or max(1, cpus)
        self._remote = ray.remote(num_cpus=1)(_run_sandbox_batch)
        self._isolation: Isolation | None = None

    def isolation(self) -> Isolation:
        if self._isolation is None:
            ray = _import_ray()
            iso = ray.remote(num_cpus=1)(_sandbox_isolation)
            self._isolation = _ray_result(ray, iso.remote(self.backend, self.allow_weak))
        return self._isolation

    def run(self, jobs: Sequence[Job]) -> list[JobResult]:
        ray = _import_ray()
        if not jobs:
            return []
        size = -(-len(jobs) // self.batches)
        refs = [
            self._remote.remote(self.backend, self.allow_weak, list(jobs[i : i + size]))
            for i in range(0, len(jobs), size)
        ]
        return [result for ref in refs for result in _ray_result(ray, ref)]


_WORKER_SANDBOXES: dict[tuple[str, bool], Any] = {}


def _worker_sandbox(backend: str, allow_weak: bool) -> Any:
    key = (backend, allow_weak)
    if key not in _WORKER_SANDBOXES:
        from mobench.sandbox import make_sandbox

        _WORKER_SANDBOXES[key] = make_sandbox(backend, allow_weak=allow_weak)
    return _WORKER_SANDBOXES[key]


def _run_sandbox_batch(backend: str, allow_weak: bool, jobs: list[Job]) -> list[JobResult]:
    return list(_worker_sandbox(backend, allow_weak).run(jobs))


def _sandbox_isolation(backend: str, allow_weak: bool) -> Isolation:
    isolation: Isolation = _worker_sandbox(backend, allow_weak).isolation()
    return isolation
