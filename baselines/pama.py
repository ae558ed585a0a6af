"""PAMA: Pareto Multi-Objective Alignment (He & Maghsudi 2025, "Pareto Multi-Objective
Alignment for Language Models").

**Noon PPO.** The policy-gradient surrogate uses advantages clipped at zero,
A = max(A', 0) (:func:`noon_clip`): samples worse than the value estimate never push the policy.

**Closed-form weights (Theorem 1).** With one value estimate V_i per objective, a sample gets a
per-objective advantage A_i = r_i − V_i. Because every objective's Noon-PPO gradient shares the
sample's score function ∇log π, the min-norm problem min_{c ∈ Δ} ‖Σ_i c_i A_i ∇log π‖² reduces to
min_{c ∈ Δ} (Σ_i c_i A_i)², whose value s = Σ_i c_i A_i ranges over [min_i A_i, max_i A_i]. The
optimum is the projection of 0 on that interval (:func:`closed_form_weights`):

* s* = 0 when the advantages straddle zero (weights on the smallest and largest advantage,
  c_max = −A_min / (A_max − A_min), c_min = A_max / (A_max − A_min));
* s* = min_i A_i when all are non-negative (all weight on the smallest);
* s* = max_i A_i when all are non-positive (all weight on the largest).

The sample's scalar advantage is s*, an O(m) computation per sample instead of MGDA's O(m²d).
Applied after the Noon clip (all A_i ≥ 0), s* = min_i max(A_i, 0): a sample is reinforced only
when it beats the value estimate on *every* objective, by its smallest margin — a per-sample,
non-linear rule that can settle on a concave part of the front (see the bandit-concave pack).

**Preferences** (our adaptation: the paper trains one policy). Each objective's advantage is
divided by m·w_i before the projection, so the balanced preference leaves it unchanged and a
larger w_i makes objective i rarely the binding minimum — its margin matters less, the others'
more (a Tchebycheff-style direction); objectives with w_i = 0 are left out
(:func:`pama_advantages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch
from numpy.typing import ArrayLike

from mobench.baselines.morlhf import ONLINE_STEPS
from mobench.errors import MethodError
from mobench.rl import Batch, OnlineMethod, OnlineParams, OnlineState, pg_loss


def noon_clip(advantages: ArrayLike) -> np.ndarray:
    """Noon PPO's advantage clip: max(A, 0) element-wise."""
    a = np.asarray(advantages, dtype=float)
    if not np.all(np.isfinite(a)):
        raise MethodError("advantages contain NaN or infinite values")
    return np.maximum(a, 0.0)


def closed_form_weights(advantages: ArrayLike) -> tuple[np.ndarray, float]:
    """Theorem 1: the weights c ∈ Δ minimising (Σ c_i A_i)² and the optimum s* = Σ c_i A_i.

    s* is the projection of 0 on [min A, max A]; ties pick the first index.
    """
    a = np.asarray(advantages, dtype=float)
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)):
        raise MethodError(f"advantages must be a finite non-empty vector, got {a.tolist()}")
    lo_i, hi_i = int(np.argmin(a)), int(np.argmax(a))
    lo, hi = float(a[lo_i]), float(a[hi_i])
    c = np.zeros_like(a)
    if lo >= 0:
        c[lo_i] = 1.0
        return c, lo
    if hi <= 0:
        c[hi_i] = 1.0
        return c, hi
    c[hi_i] = -lo / (hi - lo)
    c[lo_i] = hi / (hi - lo)
    return c, 0.0


def projected_advantage(advantages: ArrayLike) -> np.ndarray:
    """s* for every row of a (…, m) advantage array: clip(0, min_i A_i, max_i A_i)."""
    a = np.asarray(advantages, dtype=float)
    if a.ndim < 1 or a.shape[-1] == 0 or not np.all(np.isfinite(a)):
        raise MethodError(f"advantages must be a finite (…, m) array, got shape {a.shape}")
    return np.clip(0.0, a.min(axis=-1), a.max(axis=-1))


def pama_advantages(advantages: ArrayLike, preference: Sequence[float]) -> np.ndarray:
    """The scalar PAMA advantage per sample: s* of the Noon-clipped A_i / (m w_i).

    ``advantages`` is (…, m); objectives with zero preference weight are dropped.
    """
    a = noon_clip(advantages)
    w = np.asarray(preference, dtype=float)
    if w.shape != a.shape[-1:] or np.any(w < 0) or not w.sum() > 0:
        raise MethodError(f"preference {w.tolist()} does not fit advantages of shape {a.shape}")
    w = w / w.sum()
    keep = w > 0
    scaled = a[..., keep] / (len(w) * w[keep])
    return projected_advantage(scaled)


def sample_weights(advantages: np.ndarray, preference: Sequence[float]) -> np.ndarray:
    """The closed-form weights c of every sample (rows of (N, m) advantages) in objective space,
    after the Noon clip and preference scaling of :func:`pama_advantages` (zero for dropped
    objectives)."""
    a = noon_clip(advantages)
    w = np.asarray(preference, dtype=float)
    w = w / w.sum()
    keep = np.flatnonzero(w > 0)
    out = np.zeros_like(a)
    for row, adv in enumerate(a):
        c, _s = closed_form_weights(adv[keep] / (len(w) * w[keep]))
        out[row, keep] = c
    return out


# ---------------------------------------------------------------------------------------------
# The adapter


@dataclass(frozen=True)
class PAMAParams(OnlineParams):
    """PAMA's defaults: Noon PPO's clipped surrogate (ε = 0.2) with two updates per batch."""

    steps: int = ONLINE_STEPS

    clip: float = 0.2
    updates_per_batch: int = 2


class PAMA(OnlineMethod):
    """Noon PPO with Theorem 1's closed-form per-sample weights (module docstring).

    Value estimates: V_i(x) = the mean of objective i over the n samples drawn for prompt x
    (a Monte-Carlo estimate per objective), so A_i = r_i − V_i in the objectives' own [0, 1]
    units; the per-sample scalar advantage is :func:`pama_advantages`. ``state.weights`` logs
    the batch mean of the closed-form weights c.
    """

    name: ClassVar[str] = "pama"
    summary: ClassVar[str] = "Noon PPO (advantages clipped at 0) + closed-form weights (Thm 1)"
    Params: ClassVar[type] = PAMAParams

    def loss(self, batch: Batch, state: OnlineState) -> torch.Tensor:
        if "pama_adv" not in state.extras or state.extras.get("pama_step") != state.step:
            rewards = batch.rollout.rewards  # (P, n, m)
            adv = (rewards - rewards.mean(axis=1, keepdims=True)).reshape(-1, rewards.shape[2])
            pref = tuple(state.ctx.scalarisation)
            scalar = pama_advantages(adv, pref)
            state.extras["pama_adv"] = torch.as_tensor(
                scalar, dtype=torch.float32, device=state.policy.device
            )
            state.extras["pama_step"] = state.step
            state.weights = sample_weights(adv, pref).mean(axis=0)
        return pg_loss(
            batch.logprobs,
            state.extras["pama_adv"],
            old_logprobs=batch.old_logprobs,
            clip=self.params.clip or None,
            kl=batch.kl,
            kl_coef=self.params.kl_coef,
        )
