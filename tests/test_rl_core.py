"""RL core: advantage estimators, k3 KL, policy-gradient loss (all computed by hand)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mobench.errors import MethodError
from mobench.rl import (
    ReinforceBaseline,
    ValPoint,
    grpo_advantages,
    kl_k3,
    make_estimator,
    normalised_weights,
    pg_loss,
    rloo_advantages,
    steps_to_final_front,
)


def test_grpo_by_hand() -> None:
    # group (1, 2, 3, 4): mean 2.5, population std sqrt(1.25) = 1.118034
    adv = grpo_advantages(np.array([[1.0, 2.0, 3.0, 4.0]]))
    expected = np.array([-1.5, -0.5, 0.5, 1.5]) / (math.sqrt(1.25) + 1e-6)
    np.testing.assert_allclose(adv, [expected], rtol=1e-9)
    # groups are independent; an all-equal group gets 0
    adv = grpo_advantages(np.array([[0.3, 0.3], [0.0, 1.0]]))
    np.testing.assert_allclose(adv, [[0.0, 0.0], [-1.0, 1.0]], atol=1e-5)


def test_grpo_per_objective() -> None:
    # (P=1, n=2, m=2): objective 0 = (1, 0) -> (+1, -1); objective 1 = (0, 0) -> (0, 0)
    rewards = np.array([[[1.0, 0.0], [0.0, 0.0]]])
    np.testing.assert_allclose(grpo_advantages(rewards), [[[1.0, 0.0], [-1.0, 0.0]]], atol=1e-5)


def test_rloo_by_hand() -> None:
    # A_i = r_i - mean of the other three: 1-9/3, 2-8/3, 3-7/3, 4-6/3
    adv = rloo_advantages(np.array([[1.0, 2.0, 3.0, 4.0]]))
    np.testing.assert_allclose(adv, [[-2.0, -2 / 3, 2 / 3, 2.0]])
    # per objective: objective 1 is (2, 0) -> (2, -2)
    adv = rloo_advantages(np.array([[[0.5, 2.0], [0.5, 0.0]]]))
    np.testing.assert_allclose(adv, [[[0.0, 2.0], [0.0, -2.0]]])
    with pytest.raises(MethodError, match="at least 2"):
        rloo_advantages(np.array([[1.0]]))


def test_reinforce_moving_average_by_hand() -> None:
    est = ReinforceBaseline(beta=0.5)
    # batch 1: mean 2, b starts at 2 -> A = (-1, 1); b <- .5*2 + .5*2 = 2
    np.testing.assert_allclose(est(np.array([[1.0, 3.0]])), [[-1.0, 1.0]])
    # batch 2: mean 5 -> A = (4-2, 6-2); b <- .5*2 + .5*5 = 3.5
    np.testing.assert_allclose(est(np.array([[4.0, 6.0]])), [[2.0, 4.0]])
    assert est.baseline == pytest.approx(3.5)
    np.testing.assert_allclose(est(np.array([[3.5, 3.5]])), [[0.0, 0.0]])
    # per objective: one baseline per column
    est = ReinforceBaseline(beta=0.0)
    np.testing.assert_allclose(est(np.array([[[1.0, 0.0], [3.0, 0.0]]])), [[[-1, 0], [1, 0]]])
    np.testing.assert_allclose(est(np.array([[[0.0, 1.0], [0.0, 1.0]]])), [[[-2, 1], [-2, 1]]])
    with pytest.raises(MethodError, match="beta"):
        ReinforceBaseline(beta=1.0)


def test_estimators_reject_bad_rewards() -> None:
    for name in ("grpo", "rloo", "reinforce"):
        with pytest.raises(MethodError, match="NaN"):
            make_estimator(name)(np.array([[np.nan, 1.0]]))
        with pytest.raises(MethodError, match="shape"):
            make_estimator(name)(np.array([1.0, 2.0]))
    with pytest.raises(MethodError, match="unknown"):
        make_estimator("ppo")


def test_k3_kl_by_hand() -> None:
    # log π = ln .5, log π_ref = ln .25: Δ = ln .5, k3 = .5 - ln .5 - 1 = 0.193147
    logp = torch.tensor([math.log(0.5)], requires_grad=True)
    kl = kl_k3(logp, torch.tensor([math.log(0.25)]))
    assert kl.item() == pytest.approx(0.5 - math.log(0.5) - 1, abs=1e-6)
    kl.sum().backward()
    # d k3 / d log π = 1 - exp(Δ) = 1 - 0.5
    assert logp.grad is not None and logp.grad.item() == pytest.approx(0.5, abs=1e-6)
    # equal policies: 0
    assert kl_k3(torch.tensor([-1.3]), torch.tensor([-1.3])).item() == 0.0


def test_k3_is_unbiased_for_the_kl() -> None:
    # π = (.5, .5), π_ref = (.25, .75): KL = .5 ln 2 + .5 ln(2/3) = 0.143841
    pi, ref = torch.tensor([0.5, 0.5]), torch.tensor([0.25, 0.75])
    expected = float((pi * (pi / ref).log()).sum())
    k3 = kl_k3(pi.log(), ref.log())  # (0.193147, 0.094535)
    assert float((pi * k3).sum()) == pytest.approx(expected, abs=1e-6)
    assert expected == pytest.approx(0.143841, abs=1e-6)


def test_pg_loss_by_hand() -> None:
    logp = torch.tensor([math.log(0.5), math.log(0.25)], requires_grad=True)
    adv = torch.tensor([1.0, -2.0])
    # L = -(1·ln .5 + (-2)·ln .25)/2 = -(−0.693147 + 2.772589)/2 = -1.039721
    loss = pg_loss(logp, adv)
    assert loss.item() == pytest.approx(-1.039721, abs=1e-6)
    loss.backward()
    assert logp.grad is not None
    assert torch.allclose(logp.grad, torch.tensor([-0.5, 1.0]))  # -A / 2
    # + β·mean(k3): β = 0.1, k3 = (0.2, 0.4) -> + 0.03
    kl = torch.tensor([0.2, 0.4])
    assert pg_loss(logp, adv, kl=kl, kl_coef=0.1).item() == pytest.approx(-1.009721, abs=1e-6)


def test_clipped_surrogate_by_hand() -> None:
    # ρ = .6/.4 = 1.5, ε = .2: A = +1 -> min(1.5, 1.2) = 1.2, clipped (no gradient)
    old = torch.tensor([math.log(0.4)])
    logp = torch.tensor([math.log(0.6)], requires_grad=True)
    loss = pg_loss(logp, torch.tensor([1.0]), old_logprobs=old, clip=0.2)
    assert loss.item() == pytest.approx(-1.2, abs=1e-6)
    loss.backward()
    assert logp.grad is not None and logp.grad.item() == 0.0
    # A = -1 -> min(-1.5, -1.2) = -1.5, unclipped: dL/dlogp = -ρA = 1.5
    logp = torch.tensor([math.log(0.6)], requires_grad=True)
    loss = pg_loss(logp, torch.tensor([-1.0]), old_logprobs=old, clip=0.2)
    assert loss.item() == pytest.approx(1.5, abs=1e-6)
    loss.backward()
    assert logp.grad is not None and logp.grad.item() == pytest.approx(1.5, abs=1e-6)
    with pytest.raises(MethodError, match="old_logprobs"):
        pg_loss(logp, torch.tensor([1.0]), clip=0.2)
    with pytest.raises(MethodError, match="NaN"):
        pg_loss(logp, torch.tensor([float("nan")]))


def test_steps_to_final_front() -> None:
    def traj(*means: tuple[float, float]) -> list[ValPoint]:
        return [ValPoint(5 * k, m, 0.0) for k, m in enumerate(means)]

    # steps 0, 5, 10, 15: v_10 is within 0.01 of v_15, v_5 is 0.3 away -> 10
    assert steps_to_final_front(traj((0, 0), (0.5, 0.5), (0.79, 0.8), (0.8, 0.8))) == 10
    # leaving and coming back: the last departure counts -> 10
    assert steps_to_final_front(traj((0.8, 0.8), (0.5, 0.8), (0.8, 0.8), (0.8, 0.8))) == 10
    # never moved -> 0; tolerance is L∞ and inclusive
    assert steps_to_final_front(traj((0.3, 0.3), (0.31, 0.318), (0.3, 0.3))) == 0
    assert steps_to_final_front(traj((0.3, 0.3), (0.3, 0.3)), tol=0.0) == 0
    with pytest.raises(MethodError):
        steps_to_final_front([])


def test_normalised_weights() -> None:
    np.testing.assert_allclose(normalised_weights((2.0, 1.0, 1.0), 3), [0.5, 0.25, 0.25])
    for bad in ((1.0, -1.0, 1.0), (0.0, 0.0, 0.0), (1.0, float("nan"), 0.0), (1.0, 1.0)):
        with pytest.raises(MethodError):
            normalised_weights(bad, 3)
