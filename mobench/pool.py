"""Scoring a pack's candidate pool once, and the statistics ``mobench packs stats`` reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mobench.methods import ScoredPool
from mobench.metrics import tradeoff_fraction
from mobench.objectives.base import ScoreRequest, ScoringEnv, score_objectives
from mobench.packs import Pack

ProgressHook = Callable[[int, int], None]
BATCH = 64


def score_pool(pack: Pack, env: ScoringEnv, progress: ProgressHook | None = None) -> ScoredPool:
    """Score every candidate of ``pack`` on every objective; rows normalised to [0, 1]."""
    by_item = pack.candidates_by_item()
    requests = [
        ScoreRequest(pack.item(item_id), cand.completion)
        for item_id, cands in by_item.items()
        for cand in cands
    ]
    raw = np.zeros((len(requests), len(pack.objectives)))
    for start in range(0, len(requests), BATCH):
        stop = min(start + BATCH, len(requests))
        raw[start:stop] = score_objectives(pack, requests[start:stop], env)
        if progress:
            progress(stop, len(requests))
    unit = pack.normalise(raw) if len(requests) else raw
    objectives: dict[str, np.ndarray] = {}
    row = 0
    for item_id, cands in by_item.items():
        objectives[item_id] = unit[row : row + len(cands)]
        row += len(cands)
    return ScoredPool(by_item, objectives)


def reference_pass_rates(pack: Pack, env: ScoringEnv) -> dict[str, float]:
    """First-objective score of each item's reference solution (for code: its test pass rate).

    Only items with unit tests and a reference are scored; a pack whose references do not all
    pass its own tests is broken.
    """
    items = [i for i in pack.items if i.tests and i.reference]
    if not items:
        return {}
    requests = [ScoreRequest(i, f"```python\n{i.reference}\n```") for i in items]
    raw = score_objectives(pack, requests, env)
    return {i.id: float(v) for i, v in zip(items, raw[:, 0], strict=True)}


@dataclass(frozen=True)
class PoolStats:
    """Spread of a scored pool: what ``mobench packs stats`` reports."""

    items: int
    candidates: int
    objective_min: dict[str, float]
    objective_max: dict[str, float]
    objective_mean: dict[str, float]
    tradeoff_fraction: float
    first_objective_histogram: dict[str, int]
    items_with_a_full_score: int

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def pool_stats(pack: Pack, pool: ScoredPool) -> PoolStats:
    """Per-objective ranges, the trade-off pair fraction, and the first objective's spread."""
    groups = [pool.objectives[i.id] for i in pack.items if len(pool.objectives.get(i.id, ()))]
    stacked = np.concatenate(groups) if groups else np.zeros((0, len(pack.objectives)))
    names = pack.objective_names
    first = stacked[:, 0] if len(stacked) else np.zeros(0)
    histogram = {
        "0": int(np.sum(first <= 0.0)),
        "(0, 0.5)": int(np.sum((first > 0) & (first < 0.5))),
        "[0.5, 1)": int(np.sum((first >= 0.5) & (first < 1.0))),
        "1": int(np.sum(first >= 1.0)),
    }
    return PoolStats(
        items=len(groups),
        candidates=len(stacked),
        objective_min={n: float(stacked[:, j].min()) for j, n in enumerate(names)},
        objective_max={n: float(stacked[:, j].max()) for j, n in enumerate(names)},
        objective_mean={n: float(stacked[:, j].mean()) for j, n in enumerate(names)},
        tradeoff_fraction=tradeoff_fraction(groups),
        first_objective_histogram=histogram,
        items_with_a_full_score=sum(bool(np.any(g[:, 0] >= 1.0)) for g in groups),
    )
