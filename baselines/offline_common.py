"""What the offline methods (MOPO, ParetoHqD, RiC) share: policy building, phase timing,
answering with the greedy response, and reading a pool policy's distribution over candidates.

Offline methods learn from fixed data — pairwise preferences or scored responses — instead of
online rollouts. Each reports the wall-clock seconds of every part it runs (data building,
reward scoring, each training stage) as ``seconds_<phase>`` entries of its
:class:`~mobench.methods.TrainReport`; the runner's ``train`` phase contains them all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, ClassVar

import numpy as np
import torch

from mobench.errors import MethodError
from mobench.methods import RespondContext, Response, TrainContext, TrainReport
from mobench.packs import Item, Pack
from mobench.policy import Policy, PolicyParams, PolicySpec, Sample, make_policy
from mobench.policy.answers import greedy_responses


class PhaseTimer:
    """Accumulates wall-clock seconds per named phase (``seconds_<phase>`` in the report)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def report(self) -> dict[str, float]:
        out = {f"seconds_{k}": round(v, 6) for k, v in self.seconds.items()}
        out["seconds_total"] = round(sum(self.seconds.values()), 6)
        return out


@contextmanager
def single_thread() -> Iterator[None]:
    """One torch intra-op thread (the tiny pool-policy tensors are slower with more, and the
    result does not depend on the host's core count); the previous count is restored."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def trainable_items(ctx: TrainContext, who: str, minimum: int = 2) -> tuple[Item, ...]:
    """Train items with at least ``minimum`` scored candidates; a clear error when none."""
    items = tuple(i for i in ctx.train if len(ctx.pool.candidates.get(i.id, ())) >= minimum)
    if not items:
        raise MethodError(
            f"{who}: none of the {len(ctx.train)} training items has {minimum} or more scored "
            "candidates to learn from"
        )
    for item in items:
        values = np.asarray(ctx.pool.objectives[item.id], dtype=float)
        if not np.all(np.isfinite(values)):
            raise MethodError(f"{who}: item {item.id!r} has NaN or infinite objective values")
    return items


def preference_weights(preference: Sequence[float], m: int, who: str) -> np.ndarray:
    """The preference as non-negative weights summing to one (uniform when empty)."""
    w = np.asarray(preference if len(preference) else [1.0] * m, dtype=float)
    if w.shape != (m,) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise MethodError(f"{who}: preference {tuple(preference)} is not {m} weights >= 0")
    return w / w.sum()


def training_threads(params: PolicyParams) -> AbstractContextManager[None]:
    """:func:`single_thread` for the pool policy; the hf policy keeps torch's threads."""
    return single_thread() if params.policy == "pool" else nullcontext()


def pool_spec(arch: str, hidden: int, condition_dim: int = 0) -> PolicySpec:
    return PolicySpec(kind="pool", arch=arch, hidden=hidden, condition_dim=condition_dim)


def build_policy(ctx: TrainContext, spec: PolicySpec) -> Policy:
    return make_policy(spec, ctx.pack, ctx.train, ctx.seed)


def candidate_distribution(
    policy: Policy, item: Item, candidate_ids: Sequence[str], conditions: np.ndarray | None = None
) -> np.ndarray:
    """π(y | x) over ``candidate_ids`` of ``item`` (exact, from ``logprob``; sums to 1 over a
    pool policy's full candidate set)."""
    samples = [Sample(item.id, "", cid) for cid in candidate_ids]
    conds = None if conditions is None else np.repeat(conditions[None], len(samples), axis=0)
    with torch.no_grad():
        logp = policy.logprob([item] * len(samples), samples, conds)
    return logp.exp().double().cpu().numpy()


class OfflineMethod:
    """Base for offline adapters (kind "offline"): one trained policy per preference, answered
    greedily; subclasses set ``name``, ``summary``, ``Params`` and implement ``_train``.

    ``conditions(preference)`` is the condition vector a conditioned policy answers with (RiC's
    target rewards); unconditioned methods keep the default ``None``.
    """

    name: ClassVar[str]
    kind: ClassVar[str] = "offline"
    version: ClassVar[str] = "1"
    summary: ClassVar[str]
    privileged: ClassVar[bool] = False
    Params: ClassVar[type]

    def __init__(self, params: Any = None) -> None:
        self.params = params if params is not None else self.Params()
        self.policy: Policy | None = None

    def supports(self, pack: Pack) -> bool:
        return bool(pack.candidates) and len(pack.objectives) >= 2

    def train(self, ctx: TrainContext) -> TrainReport:
        with training_threads(self.params):
            return self._train(ctx)

    def _train(self, ctx: TrainContext) -> TrainReport:
        raise NotImplementedError

    def conditions(self, preference: Sequence[float]) -> np.ndarray | None:
        return None

    def respond(self, ctx: RespondContext) -> list[Response]:
        return greedy_responses(self.name, self.policy, ctx, self.conditions(ctx.preference))

    def distribution(
        self, item: Item, candidate_ids: Sequence[str], preference: Sequence[float]
    ) -> np.ndarray:
        """π(· | x) over ``candidate_ids`` of ``item`` for the preference trained on."""
        if self.policy is None:
            raise MethodError(f"{self.name}: distribution() called before train()")
        conditions = self.conditions(preference)
        return candidate_distribution(self.policy, item, candidate_ids, conditions)
