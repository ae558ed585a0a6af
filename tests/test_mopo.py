"""MOPO's update rules on small cases computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mobench.baselines.mopo import (
    MOPOParams,
    dual_step,
    effective_sample_size,
    importance_ratio,
    kl_dual,
    lagged_thresholds,
    log_importance_ratio,
    pessimistic_lower_bound,
    sample_weights,
    secondary_betas,
    weighted_nll,
)
from mobench.errors import MethodError


def test_importance_ratio_by_hand() -> None:
    # p = 0.9, q = 0.2, λ = 0.5, τ = 0.1: (0.9 + 0.1)/0.1 − 1 = 9
    # p = 0.5, q = 0.6:                    (0.5 + 0.3)/0.1 − 1 = 7
    log_rho = log_importance_ratio(np.array([0.9, 0.5]), np.array([[0.2], [0.6]]), [0.5], 0.1)
    np.testing.assert_allclose(log_rho, [9.0, 7.0])
    np.testing.assert_allclose(
        importance_ratio(np.array([0.9]), np.array([[0.2]]), [0.5], 0.1), [math.exp(9.0)]
    )
    # self-normalised in one prompt: e^9 / (e^9 + e^7) = 1 / (1 + e^-2) = 0.880797
    w = sample_weights(log_rho, np.array([0, 0]))
    np.testing.assert_allclose(w, [1 / (1 + math.exp(-2)), 1 / (1 + math.exp(2))])
    # two prompts normalise separately; large log ρ does not overflow
    w = sample_weights(np.array([1000.0, 1000.0, 3.0]), np.array([0, 0, 1]))
    np.testing.assert_allclose(w, [0.5, 0.5, 1.0])
    with pytest.raises(MethodError, match="tau"):
        log_importance_ratio(np.array([0.5]), np.array([[0.5]]), [0.0], 0.0)


def test_kl_dual_at_one_chi_by_hand() -> None:
    # v = (0, 1), w = (1/2, 1/2), χ = 1, r = 0.1:
    # −0.1 − log((e^0 + e^−1)/2) = −0.1 − log(0.6839397) = −0.1 + 0.3798855 = 0.2798855
    assert kl_dual(np.array([0.0, 1.0]), np.array([0.5, 0.5]), 1.0, 0.1) == pytest.approx(
        0.2798855, abs=1e-7
    )


def _bernoulli_primal(p_hat: float, radius: float) -> float:
    """min q with KL(Bern(q) ‖ Bern(p_hat)) <= radius, by bisection on [0, p_hat]."""

    def kl(q: float) -> float:
        out = 0.0
        for a, b in ((q, p_hat), (1 - q, 1 - p_hat)):
            if a > 0:
                out += a * math.log(a / b)
        return out

    lo, hi = 0.0, p_hat
    if kl(lo) <= radius:
        return 0.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if kl(mid) <= radius else (mid, hi)
    return hi


@pytest.mark.parametrize(("p_hat", "radius"), [(0.5, 0.1), (0.8, 0.05), (0.3, 0.4)])
def test_lower_bound_matches_the_primal(p_hat: float, radius: float) -> None:
    # values {0, 1} with weights (1 − p̂, p̂): E_Q[v] = Q(1); the primal is a 1-D problem
    bound = pessimistic_lower_bound(np.array([0.0, 1.0]), np.array([1 - p_hat, p_hat]), radius)
    assert bound == pytest.approx(_bernoulli_primal(p_hat, radius), abs=1e-6)


def test_lower_bound_limits() -> None:
    v, w = np.array([0.2, 0.4, 0.9]), np.array([0.5, 0.25, 0.25])
    # r = 0: the weighted mean 0.1 + 0.1 + 0.225 = 0.425
    assert pessimistic_lower_bound(v, w, 0.0) == pytest.approx(0.425)
    # a huge ball reaches the smallest value
    assert pessimistic_lower_bound(v, w, 50.0) == pytest.approx(0.2, abs=1e-6)
    # a constant has no uncertainty
    assert pessimistic_lower_bound(np.array([0.3, 0.3]), np.array([0.5, 0.5]), 1.0) == 0.3
    # monotone in the radius
    bounds = [pessimistic_lower_bound(v, w, r) for r in (0.01, 0.1, 0.5)]
    assert bounds[0] > bounds[1] > bounds[2] > 0.2
    with pytest.raises(MethodError, match="radius"):
        pessimistic_lower_bound(v, w, -1.0)


def test_dual_step_and_thresholds_by_hand() -> None:
    # λ = (0.2, 0), L = (0.5, 0.7), b = (0.6, 0.6), η = 0.5:
    # λ1 = 0.2 − 0.5·(0.5 − 0.6) = 0.25; λ2 = max(0, 0 − 0.5·(0.7 − 0.6)) = 0
    np.testing.assert_allclose(
        dual_step(np.array([0.2, 0.0]), [0.5, 0.7], [0.6, 0.6], 0.5), [0.25, 0.0]
    )
    # b ← β·G: 0.9995 · (0.8, 0.4) = (0.7996, 0.3998)
    np.testing.assert_allclose(lagged_thresholds(np.array([0.8, 0.4]), 0.9995), [0.7996, 0.3998])
    with pytest.raises(MethodError, match="beta"):
        lagged_thresholds(np.array([0.5]), 1.5)
    # per objective: (0.9, 0) · (0.8, 0.4) = (0.72, 0)
    np.testing.assert_allclose(lagged_thresholds(np.array([0.8, 0.4]), [0.9, 0.0]), [0.72, 0.0])


def test_secondary_betas_by_hand() -> None:
    # w = (0.5, 0.25, 0.25, 0), primary 0, β = 0.9995:
    # objective 1: 1 − 0.0005 · 0.5/0.25 = 0.999; objective 2 the same; objective 3: weight 0 -> 0
    got = secondary_betas(np.array([0.5, 0.25, 0.25, 0.0]), 0, [1, 2, 3], 0.9995)
    np.testing.assert_allclose(got, [0.999, 0.999, 0.0])
    # equal weights give the paper's β; a tiny weight is clipped at 0
    np.testing.assert_allclose(secondary_betas(np.array([0.5, 0.5]), 0, [1], 0.9995), [0.9995])
    np.testing.assert_allclose(secondary_betas(np.array([0.9999, 1e-4]), 0, [1], 0.9), [0.0])


def test_effective_sample_size_and_weighted_nll_by_hand() -> None:
    # w = (1/2, 1/4, 1/4): 1 / (1/4 + 1/16 + 1/16) = 1 / 0.375 = 8/3
    assert effective_sample_size(np.array([0.5, 0.25, 0.25])) == pytest.approx(8 / 3)
    # −(0.75·log 0.5 + 0.25·log 0.25) = 0.75·0.693147 + 0.25·1.386294 = 0.866434
    logp = torch.log(torch.tensor([0.5, 0.25]))
    loss = weighted_nll(logp, torch.tensor([0.75, 0.25]))
    assert float(loss) == pytest.approx(0.866434, abs=1e-6)


def test_weighted_likelihood_recovers_the_tilted_reference() -> None:
    # The minimiser of −Σ w_i log π(y_i) over a softmax is the weighted empirical distribution:
    # reference samples a, a, b with ρ = (1, 1, 2) -> weights (1/4, 1/4, 1/2) -> π = (1/2, 1/2)
    logits = torch.zeros(2, requires_grad=True)
    opt = torch.optim.Adam([logits], lr=0.1)
    idx = torch.tensor([0, 0, 1])
    w = torch.tensor([0.25, 0.25, 0.5])
    for _ in range(300):
        loss = weighted_nll(torch.log_softmax(logits, 0)[idx], w)
        opt.zero_grad()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(torch.softmax(logits, 0).detach().numpy(), [0.5, 0.5], atol=1e-3)


def test_params_are_checked() -> None:
    assert MOPOParams().tau == 0.08 and MOPOParams().epsilon == 0.15
    assert MOPOParams().beta == 0.9995 and MOPOParams().t0 == 500
    with pytest.raises(MethodError):
        MOPOParams(tau=0.0)
    with pytest.raises(MethodError):
        MOPOParams(beta=0.0)
