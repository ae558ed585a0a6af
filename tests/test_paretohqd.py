"""ParetoHqD: direction geometry and selection by hand; direction vs linear on a concave front."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mobench.baselines.paretohqd import (
    ParetoHqD,
    ParetoHqDParams,
    preference_target,
    ray_distance,
    scaled_k,
    select_linear,
    select_nearest,
    stage_preferences,
    top_layers,
)
from mobench.errors import MethodError
from mobench.methods import RespondContext, TrainContext
from mobench.metrics import hypervolume
from mobench.objectives.base import ScoringEnv
from mobench.pack_index import open_pack
from mobench.pool import score_pool

POINTS = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.2, 0.2], [0.1, 0.1]])


def test_preference_target_by_hand() -> None:
    # W = r_min + ω ⊙ (r_max − r_min) = (0, 0.2) + (0.25, 0.75) ⊙ (1, 0.8) = (0.25, 0.8)
    np.testing.assert_allclose(
        preference_target(np.array([0.25, 0.75]), np.array([0.0, 0.2]), np.array([1.0, 1.0])),
        [0.25, 0.8],
    )


def test_ray_distance_by_hand() -> None:
    # ray from (1, 1) through (0, 0), d = (−1, −1):
    # (1, 0): x = (0, −1), t = 1/2, x − t d = (1/2, −1/2) -> √0.5
    # (0.5, 0.5): on the ray -> 0;  (2, 2): behind r_max, t = 0 -> ‖(1, 1)‖ = √2
    got = ray_distance(np.array([[1.0, 0.0], [0.5, 0.5], [2.0, 2.0]]), np.ones(2), np.zeros(2))
    np.testing.assert_allclose(got, [math.sqrt(0.5), 0.0, math.sqrt(2.0)])


def test_top_layers_and_selection_by_hand() -> None:
    # layers: {0, 1, 2}, {3}, {4}
    assert top_layers(POINTS, 1, 2).tolist() == [0, 1, 2]
    assert top_layers(POINTS, 1, 4).tolist() == [0, 1, 2, 3]  # more layers until 4 are in
    # balanced ray = the diagonal; (0.5, 0.5) and (0.2, 0.2) are both on it (distance 0):
    # the better layer first
    assert select_nearest(POINTS, np.array([0.5, 0.5]), 1, 2).tolist() == [2]
    assert select_nearest(POINTS, np.array([0.5, 0.5]), 2, 2).tolist() == [2, 3]
    # ω = (1, 0): the ray from (1, 1) down to (1, 0): (1, 0) is on it
    assert select_nearest(POINTS, np.array([1.0, 0.0]), 1, 1).tolist() == [0]
    # linear, ω = (0.7, 0.3): ω·r = 0.7, 0.3, 0.5 on layer 0 -> (1, 0)
    assert select_linear(POINTS, np.array([0.7, 0.3]), 1, 1).tolist() == [0]
    # ω = (0.5, 0.5): all three tie at 0.5 in one layer -> all kept
    assert sorted(select_linear(POINTS, np.array([0.5, 0.5]), 1, 1).tolist()) == [0, 1, 2]


def test_stage_preferences_and_k() -> None:
    # lean 0.8 with M = 2: 0.8 e_i + 0.2/2 -> (0.9, 0.1), (0.1, 0.9), then balanced
    assert stage_preferences(2, 0.8) == [(0.9, 0.1), (0.1, 0.9), (0.5, 0.5)]
    assert scaled_k(0, 0.1, 96) == 10 and scaled_k(0, 0.1, 4) == 1 and scaled_k(7, 0.1, 96) == 7
    with pytest.raises(MethodError):
        ParetoHqDParams(lean=2.0)


def _front(pack_name: str, scalarise: bool, prefs: list[tuple[float, float]]) -> np.ndarray:
    pack = open_pack(pack_name)
    pool = score_pool(pack, ScoringEnv())
    train, val, test = pack.split("train"), pack.split("val"), pack.split("test")
    points = []
    for pref in prefs:
        method = ParetoHqD(ParetoHqDParams(scalarise=scalarise))
        known = {i.id for i in train + val}
        method.train(TrainContext(pack, train, val, pool.restrict(known), 0, pref))
        answers = method.respond(
            RespondContext(pack, test, {i.id: pool.candidates[i.id] for i in test}, pref, 0)
        )
        rows = []
        for r in answers:
            ids = [c.candidate_id for c in pool.candidates[r.item_id]]
            rows.append(pool.objectives[r.item_id][ids.index(r.candidate_id)])
        points.append(np.mean(rows, axis=0))
    return np.asarray(points)


def test_direction_reaches_the_concave_part_linear_does_not() -> None:
    # bandit-concave@1: front x^0.8 + y^0.8 = 1 in [0.05, 0.95]^2, below its chord, so ω·r is
    # maximised at an extreme arm for every ω; the balanced ray crosses the front at t = 0.5
    prefs = [(0.3, 0.7), (0.5, 0.5), (0.7, 0.3)]
    direction = _front("bandit-concave", False, prefs)
    linear = _front("bandit-concave", True, prefs)
    extremes = {(0.95, 0.05), (0.05, 0.95)}
    assert {tuple(np.round(p, 6)) for p in linear} <= extremes  # linear: extremes only
    interior = [p for p in direction if tuple(np.round(p, 6)) not in extremes]
    assert len(interior) == len(prefs)  # every direction answer is an interior front arm
    assert len({tuple(np.round(p, 6)) for p in direction}) == 3  # three distinct points
    assert hypervolume(direction) > hypervolume(linear)
