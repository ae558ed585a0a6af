"""Hand-computed cases for the online methods' update rules (arithmetic in the comments)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from mobench.baselines.drw import (
    eta_schedule,
    hv_gain,
    influence,
    pareto_multiplier,
    update_buffer,
    update_grad_weights,
)
from mobench.baselines.mgda import (
    frank_wolfe_min_norm,
    min_norm_2,
    min_norm_weights,
    preference_scaled,
)
from mobench.baselines.morlhf import linear_weights, scalarise
from mobench.baselines.pama import (
    closed_form_weights,
    noon_clip,
    pama_advantages,
    projected_advantage,
)
from mobench.baselines.soups import interpolate_state_dicts
from mobench.errors import MethodError

# --------------------------------------------------------------------------------- morlhf


def test_linear_weights_and_scalarise() -> None:
    # [2, 1, 1] / 4 = [0.5, 0.25, 0.25]; r = [1, 0.4, 0.8]: 0.5 + 0.1 + 0.2 = 0.8
    w = linear_weights([2, 1, 1])
    assert w.tolist() == [0.5, 0.25, 0.25]
    assert scalarise(np.array([1.0, 0.4, 0.8]), w) == pytest.approx(0.8)
    for bad in ([0, 0], [-1, 2], [math.nan, 1], []):
        with pytest.raises(MethodError):
            linear_weights(bad)
    with pytest.raises(MethodError, match="NaN"):
        scalarise(np.array([math.nan, 0, 0]), w)


# --------------------------------------------------------------------------------- drw-hv


def test_pareto_multiplier() -> None:
    # ΔHV = 0 → 0.5; ΔHV = 0.1 → 0.5 + 1.5·tanh(0.1) = 0.5 + 1.5·0.0996680 = 0.649502
    assert pareto_multiplier(0.0) == 0.5
    assert pareto_multiplier(0.1) == pytest.approx(0.649502, abs=1e-6)
    assert pareto_multiplier(50.0) == pytest.approx(2.0)
    with pytest.raises(MethodError):
        pareto_multiplier(-0.1)
    with pytest.raises(MethodError):
        pareto_multiplier(math.nan)


def test_hv_gain_by_hand() -> None:
    buffer = np.array([[0.4, 0.4]])
    # (0.6, 0.2) beside (0.4, 0.4), ref 0: the new box 0.6·0.2 = 0.12 overlaps 0.4·0.2 = 0.08
    # → ΔHV = 0.04
    assert hv_gain([0.6, 0.2], buffer, [0, 0]) == pytest.approx(0.04)
    # (0.5, 0.5) dominates it: HV 0.25 − 0.16 = 0.09
    assert hv_gain([0.5, 0.5], buffer, [0, 0]) == pytest.approx(0.09)
    # dominated or equal: 0
    assert hv_gain([0.3, 0.3], buffer, [0, 0]) == 0.0
    assert hv_gain([0.4, 0.4], buffer, [0, 0]) == 0.0
    # ref (0.1, 0.1): (0.6, 0.2) adds (0.6−0.4)·(0.2−0.1) = 0.02
    assert hv_gain([0.6, 0.2], buffer, [0.1, 0.1]) == pytest.approx(0.02)
    # empty buffer: the point's own box 0.6·0.2 = 0.12
    assert hv_gain([0.6, 0.2], np.zeros((0, 2)), [0, 0]) == pytest.approx(0.12)


def test_update_buffer_keeps_non_dominated() -> None:
    buf = np.array([[0.4, 0.4], [0.6, 0.1]])
    # (0.5, 0.5) dominates (0.4, 0.4), not (0.6, 0.1)
    out = update_buffer(buf, [0.5, 0.5])
    assert sorted(map(tuple, out.tolist())) == [(0.5, 0.5), (0.6, 0.1)]
    # a dominated point leaves the buffer as it was; a duplicate is not added twice
    assert update_buffer(out, [0.1, 0.1]).tolist() == out.tolist()
    assert len(update_buffer(out, [0.5, 0.5])) == 2


# --------------------------------------------------------------------------------- drw-grad


def test_influence_by_hand() -> None:
    # g1 = (1, 0), g2 = (1, 2): Σ = (2, 2); I1 = 2, I2 = 2 + 4 = 6
    assert influence([[1, 0], [1, 2]]).tolist() == [2.0, 6.0]
    # opposing gradients: g1 = (1, 0), g2 = (−1, 0): Σ = 0 → I = (0, 0)
    assert influence([[1, 0], [-1, 0]]).tolist() == [0.0, 0.0]


def test_eta_schedule() -> None:
    # η_t = 0.5·(1 + t)^(−0.5): t = 0 → 0.5; t = 3 → 0.5/2 = 0.25
    assert eta_schedule(0, 0.5, 0.5) == 0.5
    assert eta_schedule(3, 0.5, 0.5) == 0.25
    with pytest.raises(MethodError):
        eta_schedule(-1, 0.5, 0.5)


def test_update_grad_weights_by_hand() -> None:
    # w = (0.5, 0.5), I = (2, 6), μ = mean|I| = 4, η = 1: exponents (0.5, 1.5)
    # w' ∝ (0.5·e^0.5, 0.5·e^1.5) → (1/(1+e), e/(1+e)) = (0.268941, 0.731059)
    w = update_grad_weights([0.5, 0.5], [2.0, 6.0], 1.0)
    assert w == pytest.approx([1 / (1 + math.e), math.e / (1 + math.e)])
    # explicit μ = 2: exponents (1, 3) → (1/(1+e²), e²/(1+e²))
    w = update_grad_weights([0.5, 0.5], [2.0, 6.0], 1.0, mu=2.0)
    assert w == pytest.approx([1 / (1 + math.e**2), math.e**2 / (1 + math.e**2)])
    # all influences 0: unchanged (normalised)
    assert update_grad_weights([1, 3], [0, 0], 1.0).tolist() == [0.25, 0.75]
    # a zero weight stays zero
    w = update_grad_weights([0.0, 0.5, 0.5], [9.0, 1.0, 1.0], 1.0)
    assert w.tolist() == [0.0, 0.5, 0.5]
    with pytest.raises(MethodError):
        update_grad_weights([0.5, 0.5], [math.nan, 1.0], 1.0)


# --------------------------------------------------------------------------------- pama


def test_noon_clip() -> None:
    assert noon_clip([-1.0, 0.0, 2.0]).tolist() == [0.0, 0.0, 2.0]
    with pytest.raises(MethodError):
        noon_clip([math.nan])


def test_closed_form_weights_three_cases() -> None:
    # all positive (0.3, 0.1, 0.5): s* = 0.1, all weight on index 1
    c, s = closed_form_weights([0.3, 0.1, 0.5])
    assert c.tolist() == [0.0, 1.0, 0.0] and s == pytest.approx(0.1)
    # all negative (−0.3, −0.1, −0.5): s* = −0.1 (the largest), weight on index 1
    c, s = closed_form_weights([-0.3, -0.1, -0.5])
    assert c.tolist() == [0.0, 1.0, 0.0] and s == pytest.approx(-0.1)
    # straddle (−0.2, 0.6): c_max = 0.2/0.8 = 0.25, c_min = 0.6/0.8 = 0.75;
    # Σ c A = 0.75·(−0.2) + 0.25·0.6 = −0.15 + 0.15 = 0
    c, s = closed_form_weights([-0.2, 0.6])
    assert c == pytest.approx([0.75, 0.25]) and s == 0.0
    assert float(c @ np.array([-0.2, 0.6])) == pytest.approx(0.0)
    # s* is the minimum of (Σ c A)² over the simplex: check on a grid
    for adv in ([0.3, 0.1, 0.5], [-0.3, -0.1, -0.5], [-0.2, 0.4, 0.1]):
        grid = [
            (a, b, 1 - a - b)
            for a in np.linspace(0, 1, 21)
            for b in np.linspace(0, 1, 21)
            if a + b <= 1 + 1e-12
        ]
        best = min(float(np.dot(g, adv)) ** 2 for g in grid)
        s_star = closed_form_weights(adv)[1]
        assert s_star**2 <= best + 1e-12 and s_star**2 == pytest.approx(best, abs=1e-4)


def test_projected_advantage_and_preferences() -> None:
    # rows: straddle → 0; all positive → min; all negative → max
    a = np.array([[-0.2, 0.6], [0.3, 0.1], [-0.3, -0.1]])
    assert projected_advantage(a).tolist() == pytest.approx([0.0, 0.1, -0.1])
    # PAMA: Noon clip first, then s*. (0.4, 0.1), balanced w: m·w = 1 → min(0.4, 0.1) = 0.1
    assert pama_advantages([[0.4, 0.1]], [0.5, 0.5]).tolist() == pytest.approx([0.1])
    # w = (0.8, 0.2): scaled (0.4/1.6, 0.1/0.4) = (0.25, 0.25) → 0.25
    assert pama_advantages([[0.4, 0.1]], [0.8, 0.2]).tolist() == pytest.approx([0.25])
    # a negative advantage is clipped to 0 → s* = 0 (no push either way)
    assert pama_advantages([[0.4, -0.3]], [0.5, 0.5]).tolist() == [0.0]
    # w = (1, 0): the second objective is left out → 0.4 / (2·1) = 0.2
    assert pama_advantages([[0.4, -0.3]], [1.0, 0.0]).tolist() == pytest.approx([0.2])


# --------------------------------------------------------------------------------- mgda


def test_min_norm_2_by_hand() -> None:
    # g1 = (1, 0), g2 = (0, 1): α = ⟨g2 − g1, g2⟩/‖g1 − g2‖² = 1/2 → d = (0.5, 0.5)
    assert min_norm_2([1, 0], [0, 1]) == pytest.approx(0.5)
    # g1 = (2, 0), g2 = (0, 1): α = 1/5 → d = (0.4, 0.8), ⟨d, g1⟩ = ⟨d, g2⟩ = 0.8 = ‖d‖²
    assert min_norm_2([2, 0], [0, 1]) == pytest.approx(0.2)
    # g1 = (1, 0), g2 = (3, 0): the segment's min-norm point is g1 itself → α = 1
    assert min_norm_2([1, 0], [3, 0]) == 1.0
    # opposite gradients g1 = (1, 0), g2 = (−1, 0): α = 1/2, d = 0 (Pareto-stationary)
    assert min_norm_2([1, 0], [-1, 0]) == pytest.approx(0.5)


def test_frank_wolfe_matches_closed_form_and_grid() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        g = rng.normal(size=(2, 5))
        a = min_norm_2(g[0], g[1])
        fw = frank_wolfe_min_norm(g @ g.T, max_iter=2000)
        assert fw == pytest.approx([a, 1 - a], abs=1e-4)
    # three gradients: FW against a brute-force simplex grid (step 1/200)
    g = np.array([[1.0, 0.2, 0.0], [0.1, 1.0, -0.3], [-0.6, 0.4, 0.9]])
    alpha = min_norm_weights(g)
    fw_norm = float(np.linalg.norm(alpha @ g))
    grid = np.linspace(0, 1, 201)
    best = min(
        float(np.linalg.norm(a * g[0] + b * g[1] + (1 - a - b) * g[2]))
        for a, b in itertools.product(grid, grid)
        if a + b <= 1 + 1e-12
    )
    assert alpha.sum() == pytest.approx(1.0) and np.all(alpha >= 0)
    assert fw_norm <= best + 1e-6
    assert fw_norm == pytest.approx(best, abs=5e-3)
    # the direction improves every objective: ⟨d, g_i⟩ ≥ ‖d‖² (up to FW tolerance)
    d = alpha @ g
    assert np.all(g @ d >= d @ d - 1e-6)


def test_preference_scaled() -> None:
    # w = (0.75, 0.25, 0): rows g1/(3·0.75) = g1/2.25, g2/(3·0.25) = g2/0.75; third dropped
    g = np.array([[2.25, 0.0], [0.0, 0.75], [5.0, 5.0]])
    scaled, keep = preference_scaled(g, [0.75, 0.25, 0.0])
    assert scaled.tolist() == [[1.0, 0.0], [0.0, 1.0]] and keep.tolist() == [True, True, False]


# --------------------------------------------------------------------------------- soups


def test_interpolate_state_dicts_by_hand() -> None:
    a = {"w": torch.tensor([1.0, 2.0]), "n": torch.tensor(3)}
    b = {"w": torch.tensor([3.0, 6.0]), "n": torch.tensor(3)}
    # w = (1, 3)/4: 0.25·(1, 2) + 0.75·(3, 6) = (2.5, 5.0)
    out = interpolate_state_dicts([a, b], [1.0, 3.0])
    assert out["w"].tolist() == [2.5, 5.0] and int(out["n"]) == 3
    with pytest.raises(MethodError, match="differs"):
        interpolate_state_dicts([a, {"w": b["w"], "n": torch.tensor(4)}], [0.5, 0.5])
    with pytest.raises(MethodError, match="shapes"):
        interpolate_state_dicts([a, {"w": torch.zeros(3), "n": a["n"]}], [0.5, 0.5])
    with pytest.raises(MethodError):
        interpolate_state_dicts([a, b], [0.0, 0.0])
