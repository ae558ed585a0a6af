"""Behaviour of the six online methods with the pool policy (fixed seeds).

* bandit-concave@1: fixed linear weights (MORLHF) end on the front's extremes for every
  preference and never reach its concave part; PAMA's per-sample closed-form weights do, with a
  larger front hypervolume and a smaller distance (IGD) to the true front.
* math-synth@1 and coding24@1: every method's front (test-set mean vectors, one per preference)
  has a larger hypervolume than the initial policy's point. coding24's pool objectives come from
  tests/data/coding24_pool.json (scored once in the bubblewrap sandbox; a slow test re-scores).
* report contents: per-step weights, drw-hv's multipliers and buffer, the soups' expert bill.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mobench import bandit_pack
from mobench.errors import MethodError
from mobench.methods import RespondContext, ScoredPool, TrainContext, TrainReport, get_method
from mobench.metrics import hypervolume
from mobench.objectives.base import ScoringEnv
from mobench.pack_index import open_pack
from mobench.packs import Pack
from mobench.policy import make_policy
from mobench.pool import score_pool
from mobench.protocols import make_folds

METHODS = ("morlhf", "drw-hv", "drw-grad", "pama", "mgda-ub", "rewarded-soups")
CODING24_POOL = Path(__file__).parent / "data" / "coding24_pool.json"
SLOW = os.environ.get("MOBENCH_SLOW") == "1"


def igd(front: np.ndarray, reference: np.ndarray) -> float:
    """Inverted generational distance: mean over the reference points of the Euclidean
    distance to the nearest point of ``front``."""
    d = np.linalg.norm(reference[:, None, :] - front[None, :, :], axis=2)
    return float(d.min(axis=1).mean())


def test_igd_by_hand() -> None:
    # reference (0, 1), (1, 0); front {(0, 1)}: distances 0 and √2 → mean √2/2
    assert igd(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])) == pytest.approx(
        np.sqrt(2) / 2
    )


def cached_coding24_pool(pack: Pack) -> ScoredPool:
    data = json.loads(CODING24_POOL.read_text())
    assert data["sha256"] == pack.sha256, "tests/data/coding24_pool.json is for another coding24"
    by_item = pack.candidates_by_item()
    objectives = {
        item_id: np.array([data["candidates"][item_id][c.candidate_id] for c in cands])
        for item_id, cands in by_item.items()
    }
    return ScoredPool(by_item, objectives)


def train_and_answer(
    pack: Pack,
    pool: ScoredPool,
    method: str,
    params: dict[str, Any],
    preferences: Sequence[tuple[float, ...]],
    protocol: str = "pack",
    seed: int = 0,
) -> tuple[np.ndarray, list[TrainReport]]:
    """The method's front: one test-set mean objective vector per preference."""
    cls = get_method(method)
    points, reports = [], []
    for pref in preferences:
        method_obj = cls(cls.Params(**params))
        vectors = []
        for fold in make_folds(pack, protocol, seed):
            known = {i.id for i in fold.train + fold.val}
            ctx = TrainContext(pack, fold.train, fold.val, pool.restrict(known), seed, pref)
            reports.append(method_obj.train(ctx))
            test_ids = {i.id for i in fold.test}
            answers = method_obj.respond(
                RespondContext(
                    pack, fold.test, {i: pool.candidates[i] for i in test_ids}, pref, seed
                )
            )
            for answer in answers:
                ids = [c.candidate_id for c in pool.candidates[answer.item_id]]
                vectors.append(pool.objectives[answer.item_id][ids.index(answer.candidate_id)])
        points.append(np.mean(vectors, axis=0))
    return np.array(points), reports


def initial_point(
    pack: Pack, pool: ScoredPool, protocol: str = "pack", seed: int = 0
) -> np.ndarray:
    """The untrained policy's test-set mean vector (the same for every preference)."""
    spec = get_method("morlhf")().policy_spec(None)  # type: ignore[attr-defined]
    vectors = []
    for fold in make_folds(pack, protocol, seed):
        policy = make_policy(spec, pack, fold.train, seed)
        for answer in policy.greedy(list(fold.test)):
            ids = [c.candidate_id for c in pool.candidates[answer.item_id]]
            vectors.append(pool.objectives[answer.item_id][ids.index(answer.candidate_id)])
    return np.mean(vectors, axis=0)


# ------------------------------------------------------------------------ the concave front

CONCAVE_PREFS = ((0.0, 1.0), (0.3, 0.7), (0.5, 0.5), (0.7, 0.3), (1.0, 0.0))


def reaches(front: np.ndarray, part: np.ndarray, tol: float = 0.02) -> bool:
    """Some front point lies within ``tol`` of a point of ``part``."""
    d = np.linalg.norm(part[:, None, :] - front[None, :, :], axis=2)
    return bool(d.min() <= tol)


def test_linear_weights_miss_the_concave_part_pama_reaches_it() -> None:
    pack = open_pack("bandit-concave")
    pool = score_pool(pack, ScoringEnv())
    true_front, concave = bandit_pack.true_front(), bandit_pack.concave_part()
    fixed, _ = train_and_answer(pack, pool, "morlhf", {"steps": 30}, CONCAVE_PREFS)
    dynamic, reports = train_and_answer(pack, pool, "pama", {"steps": 30}, CONCAVE_PREFS)
    ref = np.asarray(pack.reference_point)
    print("morlhf", fixed.round(3).tolist(), hypervolume(fixed, ref), igd(fixed, true_front))
    print("pama", dynamic.round(3).tolist(), hypervolume(dynamic, ref), igd(dynamic, true_front))
    assert not reaches(fixed, concave)
    assert reaches(dynamic, concave)
    assert hypervolume(dynamic, ref) > hypervolume(fixed, ref) + 0.05
    assert igd(dynamic, true_front) < igd(fixed, true_front)
    # PAMA logs its closed-form weights every step
    assert all(len(r.metrics["weights"]) == 30 for r in reports)


# ------------------------------------------------------------------ improvement over initial

FAST = {"steps": 15}  # fewer than the default 20, to keep the file fast


@pytest.fixture(scope="module")
def packs_and_pools() -> dict[str, tuple[Pack, ScoredPool]]:
    math = open_pack("math-synth")
    coding = open_pack("coding24")
    return {
        "math-synth": (math, score_pool(math, ScoringEnv())),
        "coding24": (coding, cached_coding24_pool(coding)),
    }


@pytest.mark.parametrize("pack_name", ["math-synth", "coding24"])
@pytest.mark.parametrize("method", METHODS)
def test_every_method_improves_on_the_initial_policy(
    method: str, pack_name: str, packs_and_pools: dict[str, tuple[Pack, ScoredPool]]
) -> None:
    pack, pool = packs_and_pools[pack_name]
    ref = np.asarray(pack.reference_point)
    start = hypervolume(initial_point(pack, pool)[None], ref)
    front, reports = train_and_answer(pack, pool, method, FAST, pack.preferences)
    print(method, pack_name, round(start, 4), "->", round(hypervolume(front, ref), 4))
    assert hypervolume(front, ref) > start
    for report in reports:
        weights = np.asarray(report.metrics["weights"])
        assert np.all(np.isfinite(weights)) and np.allclose(weights.sum(axis=1), 1.0)


# ------------------------------------------------------------------------ reports and params


def math_context(pref: tuple[float, ...], seed: int = 0) -> TrainContext:
    pack = open_pack("math-synth")
    pool = score_pool(pack, ScoringEnv())
    (fold,) = make_folds(pack, "pack", seed)
    known = {i.id for i in fold.train + fold.val}
    return TrainContext(pack, fold.train, fold.val, pool.restrict(known), seed, pref)


def test_drw_hv_reports_multipliers_and_a_non_dominated_buffer() -> None:
    from mobench.metrics import non_dominated

    ctx = math_context((0.5, 0.25, 0.25))
    cls = get_method("drw-hv")
    m = cls(cls.Params(steps=10, eval_every=2))
    metrics = m.train(ctx).metrics
    assert len(metrics["r_pareto"]) == 10
    assert all(0.5 <= r < 2.0 for r in metrics["r_pareto"])
    assert metrics["r_pareto"][:2] == [1.0, 1.0]  # before the first ΔHV
    buffer = np.asarray(metrics["buffer"])
    assert np.all(non_dominated(buffer))
    # one ΔHV per validation after the initial one (steps 2, 4, …, 10)
    assert len(metrics["delta_hv"]) == 5
    assert metrics["final_weights"] == pytest.approx([0.5, 0.25, 0.25])


def test_drw_grad_moves_the_weights_from_the_preference() -> None:
    ctx = math_context((1 / 3, 1 / 3, 1 / 3))
    cls = get_method("drw-grad")
    metrics = cls(cls.Params(steps=8)).train(ctx).metrics
    weights = np.asarray(metrics["weights"])
    assert weights.shape == (8, 3) and np.allclose(weights.sum(axis=1), 1.0)
    assert np.abs(weights[-1] - 1 / 3).max() > 1e-3


def test_mgda_logs_its_min_norm_coefficients() -> None:
    ctx = math_context((0.5, 0.25, 0.25))
    cls = get_method("mgda-ub")
    metrics = cls(cls.Params(steps=4)).train(ctx).metrics
    weights = np.asarray(metrics["weights"])
    assert weights.shape == (4, 3) and np.all(weights >= 0)


def test_soups_bill_the_experts_once_and_interpolate() -> None:
    cls = get_method("rewarded-soups")
    params = cls.Params(steps=4)
    first = cls(params).train(math_context((0.5, 0.25, 0.25))).metrics
    second = cls(params).train(math_context((0.25, 0.375, 0.375))).metrics
    assert first["experts"] == ["accuracy", "conciseness", "clarity"]
    assert first["experts_trained_here"] is True and second["experts_trained_here"] is False
    assert second["experts_paid_by_preference"] == [0.5, 0.25, 0.25]
    assert second["expert_seconds"] == first["expert_seconds"]
    assert all(s > 0 for s in first["expert_seconds"])
    assert second["final_weights"] == [0.25, 0.375, 0.375]


def test_same_seed_same_answers() -> None:
    pack = open_pack("bandit-concave")
    pool = score_pool(pack, ScoringEnv())
    a, _ = train_and_answer(pack, pool, "drw-grad", {"steps": 5}, [(0.5, 0.5)])
    b, _ = train_and_answer(pack, pool, "drw-grad", {"steps": 5}, [(0.5, 0.5)])
    assert a.tolist() == b.tolist()


def test_bad_hyper_parameters_are_method_errors() -> None:
    for method, bad in (
        ("drw-grad", {"eta0": -1.0}),
        ("drw-grad", {"layers": "first"}),
        ("mgda-ub", {"fw_iters": 0}),
        ("pama", {"steps": 0}),
    ):
        cls = get_method(method)
        with pytest.raises(MethodError):
            cls.Params(**bad)


@pytest.mark.skipif(not SLOW, reason="re-scores coding24 in the real sandbox; MOBENCH_SLOW=1")
def test_coding24_fixture_matches_the_sandbox() -> None:
    from mobench.sandbox import make_sandbox

    pack = open_pack("coding24")
    pool = score_pool(pack, ScoringEnv(sandbox_factory=lambda: make_sandbox("auto")))
    cached = cached_coding24_pool(pack)
    for item_id, rows in pool.objectives.items():
        np.testing.assert_allclose(rows, cached.objectives[item_id], atol=1e-6, err_msg=item_id)


def test_soups_memo_respects_its_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from mobench.baselines import soups

    found = soups.ExpertSet((soups.Expert("a", {"w": torch.zeros(10)}, 1.0, {}),), (1.0,))
    monkeypatch.setattr(soups, "_EXPERTS", soups.OrderedDict())
    monkeypatch.setattr(soups, "EXPERT_CACHE_BYTES", 100)  # 10 float32 = 40 bytes per set
    soups._remember("k1", found)
    soups._remember("k2", found)
    soups._remember("k3", found)  # 120 bytes > 100: the oldest goes
    assert list(soups._EXPERTS) == ["k2", "k3"]
    monkeypatch.setattr(soups, "EXPERT_CACHE_BYTES", 39)  # one set alone is too big
    soups._remember("k4", found)
    assert "k4" not in soups._EXPERTS
