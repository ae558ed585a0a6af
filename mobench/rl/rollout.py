"""Vector-reward rollouts: n samples per prompt, each with the pack's objective vector.

Rewards are normalised objective vectors in [0, 1]^m (higher is better), shape (P, n, m). For
pool samples (a candidate id) they are looked up in the scored pool; for fresh text they come
from ``TrainContext.score_texts`` (the runner's scorers and cache).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from mobench.errors import MethodError
from mobench.methods import ScoredPool, TrainContext
from mobench.packs import Item
from mobench.policy.base import Policy, Sample

RewardFn = Callable[[Sequence[Item], Sequence[Sample]], np.ndarray]
ScoreTexts = Callable[[Sequence[Item], Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Rollout:
    """P prompts × n samples with their (P, n, m) objective vectors (and conditions (P, c))."""

    items: tuple[Item, ...]
    samples: tuple[tuple[Sample, ...], ...]
    rewards: np.ndarray = field(hash=False)
    conditions: np.ndarray | None = field(default=None, hash=False)

    @property
    def n(self) -> int:
        return len(self.samples[0]) if self.samples else 0

    def flat_items(self) -> list[Item]:
        """The item of every sample, prompt-major (the order of ``flat_samples``)."""
        return [item for item, group in zip(self.items, self.samples, strict=True) for _ in group]

    def flat_samples(self) -> list[Sample]:
        return [s for group in self.samples for s in group]

    def flat_conditions(self) -> np.ndarray | None:
        if self.conditions is None:
            return None
        return np.repeat(self.conditions, self.n, axis=0)


def collect(
    policy: Policy,
    items: Sequence[Item],
    n: int,
    generator: torch.Generator,
    reward_fn: RewardFn,
    conditions: np.ndarray | None = None,
) -> Rollout:
    """Sample ``n`` responses per item and score each one (rewards (P, n, m), checked finite)."""
    if not items:
        raise MethodError("collect: no prompts")
    groups = policy.sample(items, n, generator, conditions)
    flat_items = [item for item, group in zip(items, groups, strict=True) for _ in group]
    flat = [s for group in groups for s in group]
    if len(flat) != len(items) * n:
        raise MethodError(f"policy returned {len(flat)} samples, expected {len(items) * n}")
    vectors = np.asarray(reward_fn(flat_items, flat), dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(flat):
        raise MethodError(f"reward function returned shape {vectors.shape} for {len(flat)} samples")
    if not np.all(np.isfinite(vectors)):
        raise MethodError("reward function returned NaN or inf")
    rewards = vectors.reshape(len(items), n, vectors.shape[1])
    return Rollout(tuple(items), tuple(tuple(g) for g in groups), rewards, conditions)


def pool_rewards(pool: ScoredPool) -> RewardFn:
    """Objective vectors looked up by candidate id in a scored pool."""

    def lookup(items: Sequence[Item], samples: Sequence[Sample]) -> np.ndarray:
        rows = []
        for sample in samples:
            row = pool.vector(sample.item_id, sample.candidate_id)
            if row is None:
                raise MethodError(
                    f"no pool objectives for candidate {sample.candidate_id!r} "
                    f"of {sample.item_id!r}"
                )
            rows.append(row)
        return np.asarray(rows, dtype=np.float64)

    return lookup


def context_rewards(ctx: TrainContext) -> RewardFn:
    """Pool lookups for known candidates, ``ctx.score_texts`` for everything else."""
    lookup = pool_rewards(ctx.pool)
    score_texts: ScoreTexts | None = getattr(ctx, "score_texts", None)

    def rewards(items: Sequence[Item], samples: Sequence[Sample]) -> np.ndarray:
        m = len(ctx.pack.objectives)
        out = np.zeros((len(samples), m))
        pooled: list[int] = []
        fresh: list[int] = []
        for i, s in enumerate(samples):
            known = ctx.pool.vector(s.item_id, s.candidate_id) is not None
            (pooled if known else fresh).append(i)
        if pooled:
            out[pooled] = lookup([items[i] for i in pooled], [samples[i] for i in pooled])
        if fresh:
            if score_texts is None:
                raise MethodError(
                    "fresh text needs TrainContext.score_texts (the runner provides it)"
                )
            scored = np.asarray(
                score_texts([items[i] for i in fresh], [samples[i].text for i in fresh]),
                dtype=np.float64,
            )
            if scored.shape != (len(fresh), m):
                raise MethodError(
                    f"score_texts returned {scored.shape}, expected {(len(fresh), m)}"
                )
            out[fresh] = scored
        return out

    return rewards
