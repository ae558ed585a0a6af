"""ParetoHqD — offline multi-objective alignment with Pareto high-quality data (Gu et al., 2025).

A preference ω is a **direction** in objective space, not a weight vector for a sum:

* **Direction.** With the ideal point r_max and the nadir r_min of the data (component-wise
  max and min), ω defines the target W = r_min + ω ⊙ (r_max − r_min) and the ray from r_max
  through W (:func:`preference_target`, :func:`ray_distance`): the distance of a response's
  objective vector r to the ray is ‖(r − r_max) − t d‖ with d = W − r_max and
  t = max(0, (r − r_max)·d / ‖d‖²).
* **Pareto high-quality data.** Non-dominated sorting of the data
  (:func:`mobench.metrics.pareto_layers`); the candidates are the top ``layers`` layers
  (more layers if they hold fewer than k responses, :func:`top_layers`).
* **Selection.** For each preference the k candidates nearest its ray, responses exactly as
  near as the k-th included (:func:`select_nearest`); k = 100 in the paper, here
  k = max(1, round(k_fraction · N)) for N responses in the data unless ``k`` is set.
* **Stage 1.** Supervised fine-tuning (maximum likelihood) of one policy per preference on its
  selection: the run's own preference ω, the M single-objective-leaning ones
  ω_i = lean·e_i + (1 − lean)/M and the balanced one (1/M, …, 1/M) (:func:`stage_preferences`).
* **Stage 2.** The M + 1 leaning and balanced stage-1 policies each generate
  ``samples_per_prompt`` responses per training prompt; they are scored, merged with the data
  (distinct responses), re-sorted into Pareto layers, and the ω policy is fine-tuned further on
  the k/2 responses nearest ω's ray.

Ablation ``scalarise=true``: the selection takes the k responses with the largest ω·r instead
of the nearest to the ray (:func:`select_linear`); the paper reports that diversity drops and
the concave part of a front is missed (a linear scalarisation is maximised at the extremes of a
concave front). Compute of every part is reported: selection, each SFT, generation, scoring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch

from mobench.baselines.offline_common import (
    OfflineMethod,
    PhaseTimer,
    build_policy,
    preference_weights,
    trainable_items,
)
from mobench.errors import MethodError
from mobench.methods import TrainContext, TrainReport
from mobench.metrics import pareto_layers, pareto_ranks
from mobench.packs import Item
from mobench.policy import Policy, PolicyParams, Sample

# ---------------------------------------------------------------------------------------------
# Selection (pure functions)


def preference_target(omega: np.ndarray, r_min: np.ndarray, r_max: np.ndarray) -> np.ndarray:
    """W = r_min + ω ⊙ (r_max − r_min)."""
    return np.asarray(r_min, float) + np.asarray(omega, float) * (
        np.asarray(r_max, float) - np.asarray(r_min, float)
    )


def ray_distance(points: np.ndarray, r_max: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Euclidean distance of each row of ``points`` to the ray from ``r_max`` through
    ``target`` (to the point r_max itself when they coincide)."""
    x = np.asarray(points, float) - np.asarray(r_max, float)
    d = np.asarray(target, float) - np.asarray(r_max, float)
    norm2 = float(d @ d)
    if norm2 == 0.0:
        return np.linalg.norm(x, axis=1)
    t = np.maximum(0.0, x @ d / norm2)
    return np.linalg.norm(x - t[:, None] * d[None, :], axis=1)


def top_layers(points: np.ndarray, layers: int, minimum: int) -> np.ndarray:
    """Indices in the best ``layers`` Pareto layers, plus further layers until at least
    ``minimum`` indices are in (ascending)."""
    chosen: list[int] = []
    for depth, layer in enumerate(pareto_layers(points)):
        if depth >= layers and len(chosen) >= minimum:
            break
        chosen.extend(int(i) for i in layer)
    return np.asarray(sorted(chosen), dtype=np.int64)


def select_nearest(points: np.ndarray, omega: np.ndarray, k: int, layers: int) -> np.ndarray:
    """The k responses of the top layers nearest to ω's ray — at equal distance the better
    Pareto layer first — and any further ones tied with the k-th on both (a tie at the
    boundary is not broken arbitrarily)."""
    pts = np.asarray(points, float)
    pool = top_layers(pts, layers, k)
    r_min, r_max = pts.min(axis=0), pts.max(axis=0)
    dist = ray_distance(pts[pool], r_max, preference_target(omega, r_min, r_max))
    return _smallest(pool, dist, pareto_ranks(pts)[pool], k)


def select_linear(points: np.ndarray, omega: np.ndarray, k: int, layers: int) -> np.ndarray:
    """Ablation: the k responses of the top layers with the largest ω·r (same tie rule)."""
    pts = np.asarray(points, float)
    pool = top_layers(pts, layers, k)
    score = pts[pool] @ np.asarray(omega, float)
    return _smallest(pool, -score, pareto_ranks(pts)[pool], k)


def _smallest(pool: np.ndarray, key: np.ndarray, rank: np.ndarray, k: int) -> np.ndarray:
    """``pool`` entries with the k smallest (key, rank), plus entries tied with the k-th."""
    order = np.lexsort((pool, rank, key))
    if len(order) <= k:
        return pool[order]
    last = order[k - 1]
    tied = (np.abs(key - key[last]) <= 1e-12) & (rank == rank[last])
    keep = list(order[:k]) + [i for i in order[k:] if tied[i]]
    return pool[np.asarray(keep, dtype=np.int64)]


def stage_preferences(m: int, lean: float) -> list[tuple[float, ...]]:
    """The M single-objective-leaning preferences lean·e_i + (1 − lean)/M, then the balanced."""
    out = []
    for i in range(m):
        w = np.full(m, (1.0 - lean) / m)
        w[i] += lean
        out.append(tuple(round(float(v), 12) for v in w))
    out.append(tuple([1.0 / m] * m))
    return out


def scaled_k(k: int, fraction: float, n: int) -> int:
    """k if set, else max(1, round(fraction · n))."""
    return k if k > 0 else max(1, round(fraction * n))


# ---------------------------------------------------------------------------------------------
# Data and fine-tuning


@dataclass(frozen=True)
class Scored:
    """Responses with their objective vectors: ``items[i]`` answered by ``samples[i]``."""

    items: tuple[Item, ...]
    samples: tuple[Sample, ...]
    vectors: np.ndarray  # (N, m)

    def subset(self, index: Sequence[int] | np.ndarray) -> Scored:
        idx = [int(i) for i in index]
        return Scored(
            tuple(self.items[i] for i in idx),
            tuple(self.samples[i] for i in idx),
            self.vectors[idx],
        )


def pool_data(ctx: TrainContext, items: Sequence[Item]) -> Scored:
    """The training items' scored candidates as one data set."""
    out_items, samples, rows = [], [], []
    for item in items:
        for cand, vec in zip(
            ctx.pool.candidates[item.id], ctx.pool.objectives[item.id], strict=True
        ):
            out_items.append(item)
            samples.append(Sample(item.id, cand.completion, cand.candidate_id))
            rows.append(np.asarray(vec, float))
    return Scored(tuple(out_items), tuple(samples), np.asarray(rows))


def score_samples(
    ctx: TrainContext, items: Sequence[Item], samples: Sequence[Sample]
) -> np.ndarray:
    """Objective vectors of responses: the scored pool for candidates, else ``ctx.score_texts``."""
    out = np.zeros((len(samples), len(ctx.pack.objectives)))
    fresh = []
    for i, sample in enumerate(samples):
        ids = [c.candidate_id for c in ctx.pool.candidates.get(sample.item_id, ())]
        if sample.candidate_id is not None and sample.candidate_id in ids:
            out[i] = ctx.pool.objectives[sample.item_id][ids.index(sample.candidate_id)]
        else:
            fresh.append(i)
    if fresh:
        if ctx.score_texts is None:
            raise MethodError("generated responses need ctx.score_texts to be scored")
        out[fresh] = ctx.score_texts([items[i] for i in fresh], [samples[i].text for i in fresh])
    if not np.all(np.isfinite(out)):
        raise MethodError("scoring generated responses gave NaN or inf")
    return out


def sft(policy: Policy, data: Scored, steps: int, lr: float) -> float:
    """Maximum likelihood on ``data`` (full batch, Adam): minimise −mean log π(y | x)."""
    optimiser = torch.optim.Adam(policy.parameters(), lr=lr)
    loss_value = math.nan
    for _ in range(steps):
        loss = -policy.logprob(list(data.items), list(data.samples)).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            raise MethodError(f"SFT loss became {loss_value}")
    return loss_value


def merge_distinct(base: Scored, extra: Scored) -> Scored:
    """``base`` plus the responses of ``extra`` not already in it (by item and text)."""
    seen = {(s.item_id, s.text) for s in base.samples}
    keep = []
    for i, s in enumerate(extra.samples):
        if (s.item_id, s.text) not in seen:
            seen.add((s.item_id, s.text))
            keep.append(i)
    if not keep:
        return base
    add = extra.subset(keep)
    return Scored(
        base.items + add.items, base.samples + add.samples, np.vstack([base.vectors, add.vectors])
    )


# ---------------------------------------------------------------------------------------------
# The adapter


@dataclass(frozen=True)
class ParetoHqDParams(PolicyParams):
    """k scaled to the pack (paper: k = 100); two SFT stages; stage 2 uses k/2."""

    k: int = 0  # 0: max(1, round(k_fraction · N))
    k_fraction: float = 0.1
    layers: int = 2
    lean: float = 0.8
    samples_per_prompt: int = 4
    sft_steps: int = 30
    stage2_steps: int = 20
    lr: float = 0.05
    scalarise: bool = False  # ablation: top-k by ω·r instead of the ray

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.k < 0 or not 0 < self.k_fraction <= 1 or self.layers < 1:
            raise MethodError("ParetoHqD: k >= 0, 0 < k_fraction <= 1 and layers >= 1 needed")
        if not 0 <= self.lean <= 1:
            raise MethodError(f"ParetoHqD: lean must be in [0, 1], got {self.lean}")
        for name in ("samples_per_prompt", "sft_steps", "stage2_steps"):
            if getattr(self, name) < 1:
                raise MethodError(f"ParetoHqD: {name} must be >= 1")
        if not self.lr > 0:
            raise MethodError("ParetoHqD: lr must be > 0")


class ParetoHqD(OfflineMethod):
    """ParetoHqD (module docstring): direction-based Pareto data selection, two SFT stages."""

    name: ClassVar[str] = "paretohqd"
    summary: ClassVar[str] = (
        "ParetoHqD: preference as a direction; SFT on the top-Pareto-layer data nearest its "
        "ray, then on regenerated data (k/2)"
    )
    Params: ClassVar[type[ParetoHqDParams]] = ParetoHqDParams

    def _select(self, vectors: np.ndarray, omega: np.ndarray, k: int) -> np.ndarray:
        chooser = select_linear if self.params.scalarise else select_nearest
        return chooser(vectors, omega, k, self.params.layers)

    def _train(self, ctx: TrainContext) -> TrainReport:
        p = self.params
        timer = PhaseTimer()
        m = len(ctx.pack.objectives)
        omega = preference_weights(ctx.scalarisation, m, self.name)
        with timer.phase("data"):
            items = trainable_items(ctx, self.name, minimum=1)
            data = pool_data(ctx, items)
            k = scaled_k(p.k, p.k_fraction, len(data.samples))
        helpers = stage_preferences(m, p.lean)
        key = tuple(round(float(v), 12) for v in omega)
        prefs = [key] + [h for h in helpers if h != key]
        policies: dict[tuple[float, ...], Policy] = {}
        selected: dict[tuple[float, ...], int] = {}
        for n, pref in enumerate(prefs):
            with timer.phase("selection"):
                chosen = data.subset(self._select(data.vectors, np.asarray(pref), k))
            with timer.phase(f"stage1_sft_{n}"):
                policy = build_policy(ctx, p.policy_spec())
                sft(policy, chosen, p.sft_steps, p.lr)
            policies[pref], selected[pref] = policy, len(chosen.samples)
        generator = torch.Generator().manual_seed(ctx.seed)
        generated = data
        for pref in helpers:
            with timer.phase("generation"):
                draws = policies[pref].sample(list(items), p.samples_per_prompt, generator)
                flat = [s for row in draws for s in row]
                owners = [item for item, row in zip(items, draws, strict=True) for _ in row]
            with timer.phase("scoring"):
                vectors = score_samples(ctx, owners, flat)
            generated = merge_distinct(generated, Scored(tuple(owners), tuple(flat), vectors))
        half = max(1, k // 2)
        with timer.phase("selection"):
            chosen = generated.subset(self._select(generated.vectors, omega, half))
        with timer.phase("stage2_sft"):
            final_loss = sft(policies[key], chosen, p.stage2_steps, p.lr)
        self.policy = policies[key]
        mean = chosen.vectors.mean(axis=0)
        return TrainReport(
            {
                "k": k,
                "stage1_policies": len(prefs),
                "stage1_selected": selected[key],
                "stage2_pool": len(generated.samples),
                "stage2_selected": len(chosen.samples),
                "stage2_selected_mean": [round(float(v), 6) for v in mean],
                "stage2_loss": final_loss,
                "selection": "linear" if p.scalarise else "direction",
                **timer.report(),
            }
        )
