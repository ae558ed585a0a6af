"""The (method × pack × preference × seed) grid: train, respond, score, record; resumable."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mobench.cache import NullCache, ResultCache, content_key
from mobench.errors import MethodError, MobenchError
from mobench.executors import GridTask, PackBatch, make_executor
from mobench.methods import (
    Method,
    RespondContext,
    Response,
    ScoredPool,
    TrainContext,
    TrainReport,
    build_params,
    get_method,
    registry,
)
from mobench.metrics import hypervolume
from mobench.objectives.base import ScoreRequest, ScoringEnv, score_objectives
from mobench.objectives.text import collapse_rate
from mobench.pack_index import open_pack
from mobench.packs import Item, Pack
from mobench.pool import score_pool
from mobench.protocols import make_folds
from mobench.records import (
    PhaseCompute,
    ResponseRecord,
    RunRecord,
    RunStore,
    device_kind,
    environment_manifest,
)
from mobench.sandbox import make_sandbox

DEFAULT_PACKS = ("coding24",)
DEFAULT_SEEDS = (0, 1, 2)
DEFAULT_PROTOCOLS = ("kfold", "split")


@dataclass(frozen=True)
class RunConfig:
    """What ``mobench run`` evaluates and where it writes."""

    packs: tuple[str, ...] = DEFAULT_PACKS
    methods: tuple[str, ...] = ()  # empty: every registered method that supports the pack
    seeds: tuple[int, ...] = DEFAULT_SEEDS
    protocols: tuple[str, ...] = DEFAULT_PROTOCOLS
    folds: int = 6
    out_dir: Path = Path("mobench-runs")
    overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    sandbox_backend: str = "auto"
    allow_weak_sandbox: bool = False
    use_cache: bool = True
    force: bool = False
    pack_dirs: tuple[Path, ...] = ()
    sources: Mapping[str, Path] = field(default_factory=dict)  # pack name -> local data copy
    verify_sources: bool = True
    # explicit preference vectors to evaluate (empty: each pack's own preferences)
    preferences: tuple[tuple[float, ...], ...] = ()
    # exact hyper-parameters per method (a Params instance; wins over ``overrides``)
    method_params: Mapping[str, Any] = field(default_factory=dict)
    executor: str = "local"  # "local" (in process, or a process pool) or "ray"
    workers: int = 1  # local executor: 1 runs in this process, N > 1 a pool of N processes


class ProgressSink(Protocol):
    """Where the runner reports progress (the CLI passes rich progress bars)."""

    def start(self, key: str, description: str, total: int) -> None: ...

    def advance(self, key: str, completed: int | None = None) -> None: ...

    def note(self, message: str) -> None: ...


class SilentProgress:
    def start(self, key: str, description: str, total: int) -> None:
        return None

    def advance(self, key: str, completed: int | None = None) -> None:
        return None

    def note(self, message: str) -> None:
        return None


@dataclass(frozen=True)
class RunSummary:
    written: tuple[Path, ...]
    skipped: int
    records: tuple[RunRecord, ...]


class _Clock:
    """Accumulates wall-clock seconds per phase.

    On a cuda device the clock is device-synchronised: queued kernels are waited for
    (``torch.cuda.synchronize``) before each reading, so a phase is charged for its GPU work.
    """

    def __init__(self, device: str = "cpu") -> None:
        self.seconds: dict[str, float] = {}
        self.device = device

    def _sync(self) -> None:
        if self.device.startswith("cuda"):
            import torch

            if torch.cuda.is_initialized():
                torch.cuda.synchronize()

    @contextmanager
    def phase(self, name: str) -> Any:
        self._sync()
        start = time.perf_counter()
        try:
            yield
        finally:
            self._sync()
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def records(self, device: str) -> tuple[PhaseCompute, ...]:
        return tuple(PhaseCompute(k, round(v, 4), device) for k, v in self.seconds.items())


def _methods_for(pack: Pack, names: Sequence[str]) -> list[type[Method]]:
    if names:
        return [get_method(n) for n in names]
    return [
        e.cls
        for e in registry().values()
        if e.cls is not None and e.cls(e.cls.Params()).supports(pack)
    ]


def _check_responses(method: str, responses: Sequence[Response], item_ids: list[str]) -> None:
    got = [r.item_id for r in responses]
    if sorted(got) != sorted(item_ids):
        raise MethodError(
            f"method {method!r} answered items {sorted(got)[:5]}… but was asked {item_ids[:5]}…;"
            " respond() must return exactly one Response per item"
        )
    for r in responses:
        if not isinstance(r.text, str):
            raise MethodError(f"method {method!r} returned a non-text response for {r.item_id}")


def _response_vectors(
    pack: Pack, pool: ScoredPool, responses: Sequence[Response], env: ScoringEnv
) -> np.ndarray:
    """Objective vectors of responses: pool lookups for chosen candidates, else fresh scoring."""
    vectors = np.zeros((len(responses), len(pack.objectives)))
    fresh: list[int] = []
    for i, r in enumerate(responses):
        row = pool.vector(r.item_id, r.candidate_id)
        if row is None:
            fresh.append(i)
        else:
            vectors[i] = row
    if fresh:
        score_texts = _text_scorer(pack, env)
        vectors[fresh] = score_texts(
            [pack.item(responses[i].item_id) for i in fresh], [responses[i].text for i in fresh]
        )
    if not np.all(np.isfinite(vectors)):
        raise MethodError("scoring produced non-finite objective values")
    return vectors


def _text_scorer(
    pack: Pack, env: ScoringEnv
) -> Callable[[Sequence[Item], Sequence[str]], np.ndarray]:
    """``TrainContext.score_texts``: normalised objective vectors of fresh text (cached)."""

    def score_texts(items: Sequence[Item], texts: Sequence[str]) -> np.ndarray:
        if len(items) != len(texts):
            raise MethodError(f"score_texts: {len(items)} items for {len(texts)} texts")
        if not texts:
            return np.zeros((0, len(pack.objectives)))
        requests = [ScoreRequest(item, text) for item, text in zip(items, texts, strict=True)]
        return pack.normalise(score_objectives(pack, requests, env))

    return score_texts


def _used_device(reports: Sequence[TrainReport], default: str) -> str:
    """The device training actually ran on, when the method reports it (``metrics["device"]``)."""
    used = {r.metrics.get("device") for r in reports} - {None}
    if len(used) == 1:
        return str(used.pop())
    return default


def _aggregate_training(reports: Sequence[TrainReport]) -> dict[str, Any]:
    """Per-fold training reports plus sums (counts) and means (weights, losses) across folds."""
    out: dict[str, Any] = {"folds": [dict(r.metrics) for r in reports]}
    keys = {k for r in reports for k in r.metrics}
    for key in sorted(keys):
        values = [r.metrics[key] for r in reports if key in r.metrics]
        if key.endswith("pairs") and all(isinstance(v, int) for v in values):
            out[key] = int(sum(values))
        elif all(isinstance(v, int | float) for v in values):
            out[key] = float(np.mean(values))
        elif all(isinstance(v, list) for v in values):
            try:
                out[key] = np.mean(np.asarray(values, dtype=float), axis=0).round(6).tolist()
            except ValueError:
                continue
    return out


class GridRunner:
    """Runs a ``RunConfig``: scores each pack's pool once, then every method × seed × protocol."""

    def __init__(
        self,
        config: RunConfig,
        progress: ProgressSink | None = None,
        sandbox_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.config = config
        self.progress = progress or SilentProgress()
        self.store = RunStore(config.out_dir)
        cache = ResultCache() if config.use_cache else NullCache()
        factory = sandbox_factory or (
            lambda: make_sandbox(config.sandbox_backend, allow_weak=config.allow_weak_sandbox)
        )
        self.env = ScoringEnv(sandbox_factory=factory, cache=cache)
        self.device = device_kind()
        self.environment = environment_manifest()
        self.isolations: dict[str, dict[str, Any]] = {}  # pack sha256 -> isolation applied

    def _isolation(self, pack: Pack) -> dict[str, Any]:
        """The isolation that judged this pack's code (none for packs without unit tests);
        measured once per pack (executors' workers get the parent's)."""
        if pack.sha256 not in self.isolations:
            tested = any(item.tests for item in pack.items)
            self.isolations[pack.sha256] = asdict(self.env.sandbox.isolation()) if tested else {}
        return self.isolations[pack.sha256]

    def run(self) -> RunSummary:
        """Plan each pack's grid, score its pool once, execute the pending tasks (in plan order
        in process, or on the config's executor), writing each record as it arrives."""
        executor = make_executor(self.config.executor, self.config.workers)
        written: list[Path] = []
        records: dict[int, RunRecord] = {}
        skipped = 0
        try:
            for pack, todo, done in self.plan():
                skipped += done
                if not todo:
                    continue
                pool_clock = _Clock()
                with pool_clock.phase("pool_scoring"):
                    pool = self._score_pool(pack)
                batch = PackBatch(pack, pool, self._isolation(pack), tuple(todo))
                self.progress.start("grid", f"{pack.ref}: methods × seeds", len(todo))
                for task, record in executor.execute(self, batch):
                    written.append(self.store.save(record))
                    records[task.index] = record
                    self.progress.advance("grid")
        finally:
            executor.close()
        return RunSummary(tuple(written), skipped, tuple(records[i] for i in sorted(records)))

    def plan(self) -> Iterator[tuple[Pack, list[GridTask], int]]:
        """Per pack: the grid tasks still to run (run keys not on disk) and how many are done."""
        done = set() if self.config.force else self.store.keys()
        index = 0
        for pack_ref in self.config.packs:
            pack = open_pack(
                pack_ref,
                self.config.pack_dirs,
                source=self.config.sources.get(pack_ref.partition("@")[0]),
                verify_source=self.config.verify_sources,
            )
            todo: list[GridTask] = []
            skipped = 0
            for cls, pref, seed, protocol in self._grid(pack):
                if cls.name in self.config.method_params:
                    params = self.config.method_params[cls.name]
                else:
                    params = build_params(cls, self.config.overrides.get(cls.name, {}))
                key = self._run_key(pack, cls, params, pref, seed, protocol)
                if key in done:
                    skipped += 1
                    continue
                todo.append(GridTask(index, pack.ref, cls, params, pref, seed, protocol, key))
                index += 1
            yield pack, todo, skipped

    def _grid(self, pack: Pack) -> list[tuple[type[Method], tuple[float, ...], int, str]]:
        prefs = self.config.preferences or pack.preferences or ((1.0,) * len(pack.objectives),)
        for pref in prefs:
            if len(pref) != len(pack.objectives):
                raise MobenchError(
                    f"preference {tuple(pref)} has {len(pref)} weights but {pack.ref} has "
                    f"{len(pack.objectives)} objectives"
                )
        return [
            (cls, tuple(pref), seed, protocol)
            for cls in _methods_for(pack, self.config.methods)
            for pref in prefs
            for seed in self.config.seeds
            for protocol in self.config.protocols
        ]

    def _score_pool(self, pack: Pack) -> ScoredPool:
        total = len(pack.candidates)
        self.progress.start("pool", f"{pack.ref}: scoring {total} candidates", total)
        return score_pool(pack, self.env, lambda done, _n: self.progress.advance("pool", done))

    def _run_key(
        self,
        pack: Pack,
        cls: type[Method],
        params: Any,
        pref: tuple[float, ...],
        seed: int,
        protocol: str,
    ) -> str:
        return content_key(
            cls.name,
            cls.version,
            asdict(params),
            pack.ref,
            pack.sha256,
            [o.scorer for o in pack.objectives],
            list(pref),
            seed,
            protocol,
            self.config.folds if protocol == "kfold" else None,
        )

    def _run_one(
        self,
        pack: Pack,
        pool: ScoredPool,
        cls: type[Method],
        params: Any,
        pref: tuple[float, ...],
        seed: int,
        protocol: str,
        key: str,
    ) -> RunRecord:
        clock = _Clock(self.device)
        method = cls(params)
        score_texts = _text_scorer(pack, self.env)
        responses: list[Response] = []
        reports: list[TrainReport] = []
        for fold in make_folds(pack, protocol, seed, self.config.folds):
            known = {i.id for i in fold.train + fold.val}
            ctx = TrainContext(
                pack,
                fold.train,
                fold.val,
                pool.restrict(known),
                seed,
                pref,
                self.device,
                score_texts=score_texts,
            )
            with clock.phase("train"):
                reports.append(method.train(ctx))
            test_ids = {i.id for i in fold.test}
            respond_ctx = RespondContext(
                pack,
                fold.test,
                {i: pool.candidates[i] for i in test_ids if i in pool.candidates},
                pref,
                seed,
                pool.restrict(test_ids).objectives if cls.privileged else None,
            )
            with clock.phase("respond"):
                answered = method.respond(respond_ctx)
            _check_responses(cls.name, answered, sorted(test_ids))
            responses.extend(answered)
        with clock.phase("score"):
            vectors = _response_vectors(pack, pool, responses, self.env)
        metrics = {
            "hypervolume": hypervolume(vectors, np.asarray(pack.reference_point)),
            "means": dict(zip(pack.objective_names, map(float, vectors.mean(axis=0)), strict=True)),
            "responses": len(responses),
            "scalarised": float(np.mean(vectors @ (np.asarray(pref) / sum(pref)))),
            "collapse@1": collapse_rate(
                [pack.item(r.item_id).prompt for r in responses], [r.text for r in responses]
            ),
        }
        return RunRecord(
            run_key=key,
            method=cls.name,
            method_version=cls.version,
            params=asdict(params),
            pack=pack.ref,
            pack_sha256=pack.sha256,
            objectives=pack.objective_names,
            scorers=tuple(o.scorer for o in pack.objectives),
            preference=tuple(pref),
            seed=seed,
            protocol=protocol if protocol != "kfold" else f"kfold{self.config.folds}",
            responses=tuple(
                ResponseRecord(
                    r.item_id,
                    r.candidate_id,
                    tuple(round(float(v), 6) for v in vec),
                    hashlib.sha256(r.text.encode()).hexdigest(),
                )
                for r, vec in zip(responses, vectors, strict=True)
            ),
            metrics=metrics,
            training=_aggregate_training(reports),
            compute=clock.records(_used_device(reports, self.device)),
            sandbox=self._isolation(pack),
            environment=self.environment,
            method_kind=cls.kind,
            reference_point=tuple(float(v) for v in pack.reference_point),
        )
