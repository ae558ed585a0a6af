"""Advantage estimators over scalar (P, n) or per-objective (P, n, m) rewards.

Rewards come in groups: axis 0 indexes the P prompts of a step, axis 1 the n samples drawn for
each prompt, an optional axis 2 the m objectives (each objective is treated independently).

* ``grpo`` — group-relative advantages, GRPO (Shao et al. 2024, DeepSeekMath, §4.1.2 outcome
  supervision): Â_i = (r_i − mean(r)) / (std(r) + ε) within the prompt's group, with the
  population standard deviation (ddof = 0); a group whose rewards are all equal gets 0.
* ``rloo`` — REINFORCE leave-one-out (Kool et al. 2019; Ahmadian et al. 2024, eq. 5):
  Â_i = r_i − 1/(n−1) Σ_{j≠i} r_j, which equals n/(n−1)·(r_i − mean(r)); needs n ≥ 2.
* ``reinforce`` — REINFORCE with a moving-average baseline (Williams 1992): Â = r − b, then
  b ← β·b + (1 − β)·mean(r) over the whole batch (per objective); b starts at the first
  batch's mean.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from mobench.errors import MethodError

ESTIMATORS = ("grpo", "rloo", "reinforce")
GRPO_EPS = 1e-6


def _checked(rewards: np.ndarray) -> np.ndarray:
    r = np.asarray(rewards, dtype=np.float64)
    if r.ndim not in (2, 3):
        raise MethodError(f"rewards must have shape (P, n) or (P, n, m), got {r.shape}")
    if r.shape[0] == 0 or r.shape[1] == 0:
        raise MethodError(f"rewards of shape {r.shape} are empty")
    if not np.all(np.isfinite(r)):
        raise MethodError("rewards contain NaN or inf")
    return r


def grpo_advantages(rewards: np.ndarray, eps: float = GRPO_EPS) -> np.ndarray:
    """(r − group mean) / (group population std + ε), per prompt (and per objective)."""
    r = _checked(rewards)
    mean = r.mean(axis=1, keepdims=True)
    std = r.std(axis=1, keepdims=True)
    return (r - mean) / (std + eps)


def rloo_advantages(rewards: np.ndarray) -> np.ndarray:
    """r_i minus the mean of the other n − 1 rewards of its group."""
    r = _checked(rewards)
    n = r.shape[1]
    if n < 2:
        raise MethodError("rloo needs at least 2 samples per prompt")
    total = r.sum(axis=1, keepdims=True)
    return r - (total - r) / (n - 1)


class ReinforceBaseline:
    """REINFORCE with an exponential moving-average baseline (one value per objective)."""

    def __init__(self, beta: float = 0.9) -> None:
        if not 0.0 <= beta < 1.0:
            raise MethodError(f"reinforce baseline beta must lie in [0, 1), got {beta}")
        self.beta = beta
        self.baseline: np.ndarray | None = None

    def __call__(self, rewards: np.ndarray) -> np.ndarray:
        r = _checked(rewards)
        batch_mean = r.mean(axis=(0, 1))
        if self.baseline is None or self.baseline.shape != batch_mean.shape:
            self.baseline = batch_mean
        advantages = r - self.baseline
        self.baseline = self.beta * self.baseline + (1.0 - self.beta) * batch_mean
        return advantages


class AdvantageEstimator(Protocol):
    def __call__(self, rewards: np.ndarray) -> np.ndarray: ...


def make_estimator(name: str, beta: float = 0.9) -> AdvantageEstimator:
    """A fresh estimator (``reinforce`` keeps its baseline between calls)."""
    if name == "grpo":
        return grpo_advantages
    if name == "rloo":
        return rloo_advantages
    if name == "reinforce":
        return ReinforceBaseline(beta)
    raise MethodError(f"unknown advantage estimator {name!r}; choose one of {ESTIMATORS}")
