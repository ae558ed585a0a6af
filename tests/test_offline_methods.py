"""RiC's rules by hand, and the offline methods' behaviour: RiC follows its condition, and MOPO,
ParetoHqD and RiC each improve the front's hypervolume over the initial policy on math-synth."""

from __future__ import annotations

import numpy as np
import pytest

from mobench.baselines.mopo import MOPO
from mobench.baselines.offline_common import pool_spec
from mobench.baselines.paretohqd import ParetoHqD
from mobench.baselines.ric import RiC, RiCParams, conditional_nll, preference_to_targets
from mobench.errors import MethodError
from mobench.methods import RespondContext, ScoredPool, TrainContext
from mobench.metrics import hypervolume
from mobench.objectives.base import ScoringEnv
from mobench.pack_index import open_pack
from mobench.packs import Pack
from mobench.policy import make_policy
from mobench.pool import score_pool


def test_preference_to_targets_by_hand() -> None:
    # M = 2, w = (0.7, 0.3): 0.7 >= 1/2 -> r_max = 1; 0.3 < 1/2 -> 0.2 + 2·0.3·(1 − 0.2) = 0.68
    got = preference_to_targets((0.7, 0.3), np.array([0.0, 0.2]), np.array([1.0, 1.0]))
    np.testing.assert_allclose(got, [1.0, 0.68])
    # M = 3, w = (0.5, 0.25, 0.25): 0.5 >= 1/3 -> 1; 0.25 < 1/3 -> 3·0.25 = 0.75 of the range
    got = preference_to_targets((0.5, 0.25, 0.25), np.zeros(3), np.ones(3))
    np.testing.assert_allclose(got, [1.0, 0.75, 0.75])
    # unnormalised weights are normalised first: (2, 2) is balanced -> both at r_max
    np.testing.assert_allclose(preference_to_targets((2, 2), np.zeros(2), np.ones(2)), [1, 1])
    with pytest.raises(MethodError):
        preference_to_targets((-1.0, 2.0), np.zeros(2), np.ones(2))


def test_conditional_nll_by_hand() -> None:
    import torch

    # −mean(log 0.5, log 0.25) = (0.693147 + 1.386294) / 2 = 1.039721
    value = conditional_nll(torch.log(torch.tensor([0.5, 0.25])))
    assert float(value) == pytest.approx(1.039721, abs=1e-6)


def _context(pack: Pack, pool: ScoredPool, pref: tuple[float, ...], seed: int = 0):
    train, val = pack.split("train"), pack.split("val")
    known = {i.id for i in train + val}
    return TrainContext(pack, train, val, pool.restrict(known), seed, pref)


def test_ric_follows_its_condition() -> None:
    # bandit-concave: targets for w = (1, 0) ask for (f1 max, f2 min) -> the arm (0.95, 0.05);
    # w = (0, 1) the mirror arm. Trained once; the condition alone moves the answer.
    pack = open_pack("bandit-concave")
    pool = score_pool(pack, ScoringEnv())
    method = RiC(RiCParams(steps=150))
    method.train(_context(pack, pool, (0.5, 0.5)))
    test = pack.split("test")
    cands = {i.id: pool.candidates[i.id] for i in test}
    for pref, expected in (((1.0, 0.0), (0.95, 0.05)), ((0.0, 1.0), (0.05, 0.95))):
        answers = method.respond(RespondContext(pack, test, cands, pref, 0))
        for r in answers:
            ids = [c.candidate_id for c in pool.candidates[r.item_id]]
            vec = pool.objectives[r.item_id][ids.index(r.candidate_id)]
            np.testing.assert_allclose(vec, expected, atol=1e-6)


@pytest.fixture(scope="module")
def math_synth() -> tuple[Pack, ScoredPool]:
    pack = open_pack("math-synth")
    return pack, score_pool(pack, ScoringEnv())


def _test_point(pack: Pack, pool: ScoredPool, answers) -> np.ndarray:
    rows = []
    for r in answers:
        ids = [c.candidate_id for c in pool.candidates[r.item_id]]
        rows.append(pool.objectives[r.item_id][ids.index(r.candidate_id)])
    return np.mean(rows, axis=0)


@pytest.mark.parametrize("cls", [MOPO, ParetoHqD, RiC])
def test_improves_hypervolume_over_the_initial_policy(cls, math_synth) -> None:
    pack, pool = math_synth
    test = pack.split("test")
    cands = {i.id: pool.candidates[i.id] for i in test}
    # the initial policy: the same pool policy (mlp, seed 0) before any training
    initial = make_policy(pool_spec("mlp", 32), pack, seed=0)
    start = _test_point(pack, pool, initial.greedy(list(test)))
    front = []
    for pref in pack.preferences:
        method = cls()
        report = method.train(_context(pack, pool, tuple(pref)))
        assert report.metrics["seconds_total"] > 0
        front.append(
            _test_point(
                pack, pool, method.respond(RespondContext(pack, test, cands, tuple(pref), 0))
            )
        )
    ref = np.asarray(pack.reference_point)
    assert hypervolume(np.asarray(front), ref) > hypervolume(start[None], ref)
