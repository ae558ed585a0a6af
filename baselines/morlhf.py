"""MORLHF: online RL on a fixed linear scalarisation of the objective vector.

The linear-scalarisation baseline of multi-objective RLHF: every sample's objective vector r ∈
[0, 1]^m becomes the scalar reward w · r with fixed weights w (the preference vector the run is
given, normalised to sum to one), and the policy is trained on it with the RL core's estimator
(GRPO / REINFORCE / RLOO). For the math packs the preferences are the dynamic-weighting paper's
accuracy-focused (0.5, 0.25, 0.25), balanced (1/3, 1/3, 1/3) and efficiency-focused
(0.25, 0.375, 0.375) vectors.

A fixed linear scalarisation only reaches the points of the Pareto front that maximise some
w · r — the convex hull's support points — never a concave part of the front (see the
bandit-concave pack).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from mobench.errors import MethodError
from mobench.rl import OnlineMethod, OnlineParams

#: Steps per training for the six online methods (pool-policy scale: 20 steps × 8 prompts × 4
#: samples keeps one coding24 training well under the 1.5 s budget, and the full
#: math-synth + hh-mini + coding24 grid inside its 15 minutes; ``--param METHOD.steps=N``).
ONLINE_STEPS = 20


def linear_weights(preference: Sequence[float]) -> np.ndarray:
    """The preference as weights on the simplex: w = p / Σ p (p ≥ 0, Σ p > 0, finite)."""
    p = np.asarray(preference, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise MethodError(f"a preference must be a non-empty vector, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
        raise MethodError(f"a preference must be finite, non-negative, positive sum: {p.tolist()}")
    return p / p.sum()


def scalarise(rewards: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Linear scalarisation s = r · w over the last axis of ``rewards`` (…, m) → (…)."""
    r = np.asarray(rewards, dtype=float)
    w = np.asarray(weights, dtype=float)
    if r.shape[-1:] != w.shape:
        raise MethodError(f"rewards of shape {r.shape} do not match {w.size} weights")
    if not np.all(np.isfinite(r)):
        raise MethodError("rewards contain NaN or infinite values")
    return r @ w


# ---------------------------------------------------------------------------------------------
# The adapter


@dataclass(frozen=True)
class MORLHFParams(OnlineParams):
    """MORLHF adds nothing to the shared online hyper-parameters (weights = the preference)."""

    steps: int = ONLINE_STEPS


class MORLHF(OnlineMethod):
    """Online RL on the fixed linear scalarisation w · r (w = the run's preference)."""

    name: ClassVar[str] = "morlhf"
    summary: ClassVar[str] = "online RL (GRPO/RLOO/REINFORCE) on fixed linear weights w·r"
    Params: ClassVar[type] = MORLHFParams
