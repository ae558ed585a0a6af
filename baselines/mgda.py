"""MGDA-UB: the min-norm convex combination of per-objective gradients (Sener & Koltun 2018,
"Multi-Task Learning as Multi-Objective Optimization"; used as a comparison baseline).

Given per-objective gradients g_1 … g_m (of the objectives to *maximise*), MGDA finds

    α* = argmin_{α ∈ Δ} ‖Σ_i α_i g_i‖²                                        (MGDA, eq. 3)

and steps along d = Σ α*_i g_i, a direction that does not decrease any objective to first order
(⟨d, g_i⟩ ≥ ‖d‖² for every i); d = 0 certifies a Pareto-stationary point. For two gradients the
minimiser is closed-form (:func:`min_norm_2`, the paper's Algorithm 1):

    α = clip(⟨g_2 − g_1, g_2⟩ / ‖g_1 − g_2‖², 0, 1)      (weight on g_1)

and beyond two, Frank–Wolfe on the Gram matrix M_ij = ⟨g_i, g_j⟩ (:func:`frank_wolfe_min_norm`,
Algorithm 2): pick the vertex t = argmin_i (Mα)_i, line-search between the current point and
g_t with the two-vector rule, repeat. The "UB" variant takes the gradients with respect to the
shared representation instead of all parameters (an upper bound on the full problem); here that
is :meth:`Policy.shared_parameters`.

**Preferences** (our adaptation: MGDA itself has none). Gradient i is divided by m·w_i before
the min-norm problem, so at the solution objective i improves at a rate proportional to w_i
(⟨d, g_i⟩ ≥ m·w_i‖d‖²); objectives with w_i = 0 are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch
from numpy.typing import ArrayLike

from mobench.baselines.drw import objective_gradients
from mobench.baselines.morlhf import ONLINE_STEPS
from mobench.errors import MethodError
from mobench.rl import Batch, OnlineMethod, OnlineParams, OnlineState, pg_loss

FW_MAX_ITER = 250
FW_TOL = 1e-10


def _two_point(v1v1: float, v1v2: float, v2v2: float) -> float:
    """argmin_{γ∈[0,1]} ‖γ v_1 + (1−γ) v_2‖² from the three inner products."""
    denom = v1v1 - 2.0 * v1v2 + v2v2
    if denom <= 0:
        return 0.5 if v1v1 == v2v2 else (1.0 if v1v1 < v2v2 else 0.0)
    return float(np.clip((v2v2 - v1v2) / denom, 0.0, 1.0))


def min_norm_2(g1: ArrayLike, g2: ArrayLike) -> float:
    """The weight α on g_1 of the min-norm point of the segment [g_2, g_1] (closed form)."""
    a = np.asarray(g1, dtype=float).ravel()
    b = np.asarray(g2, dtype=float).ravel()
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise MethodError("min_norm_2 needs two finite gradients of the same size")
    gram = _gram(np.stack([a, b]))
    return _two_point(gram[0, 0], gram[0, 1], gram[1, 1])


def _gram(g: np.ndarray) -> np.ndarray:
    """M = G Gᵀ (one matrix product: BLAS level-1 dot products are slow under contention)."""
    return np.asarray(g @ g.T, dtype=float)


def frank_wolfe_min_norm(
    gram: ArrayLike, max_iter: int = FW_MAX_ITER, tol: float = FW_TOL
) -> np.ndarray:
    """α ∈ Δ minimising αᵀ M α for a Gram matrix M (Frank–Wolfe with exact line search)."""
    m_ = np.asarray(gram, dtype=float)
    if m_.ndim != 2 or m_.shape[0] != m_.shape[1] or m_.shape[0] == 0:
        raise MethodError(f"the Gram matrix must be square and non-empty, got shape {m_.shape}")
    if not np.all(np.isfinite(m_)):
        raise MethodError("the Gram matrix contains NaN or infinite values")
    n = m_.shape[0]
    alpha = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        m_alpha = m_ @ alpha
        t = int(np.argmin(m_alpha))
        vv = float(alpha @ m_alpha)  # ‖v‖², v = Σ α_i g_i
        vg = float(m_alpha[t])  # ⟨v, g_t⟩
        gg = float(m_[t, t])  # ‖g_t‖²
        gamma = _two_point(gg, vg, vv)  # weight on g_t
        step = gamma * (np.eye(n)[t] - alpha)
        alpha = alpha + step
        if float(np.abs(step).sum()) < tol:
            break
    return alpha


def min_norm_weights(grads: ArrayLike) -> np.ndarray:
    """α* for the rows of an (m, d) gradient matrix: closed form for m ≤ 2, else Frank–Wolfe."""
    g = np.asarray(grads, dtype=float)
    if g.ndim != 2 or g.shape[0] == 0 or not np.all(np.isfinite(g)):
        raise MethodError(f"gradients must be a finite (m, d) matrix, got shape {g.shape}")
    if g.shape[0] == 1:
        return np.ones(1)
    gram = _gram(g)
    if g.shape[0] == 2:
        a = _two_point(gram[0, 0], gram[0, 1], gram[1, 1])
        return np.array([a, 1.0 - a])
    return frank_wolfe_min_norm(gram)


def preference_scaled(grads: ArrayLike, preference: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Rows g_i / (m w_i) for the objectives with w_i > 0, and the mask of those kept."""
    g = np.asarray(grads, dtype=float)
    w = np.asarray(preference, dtype=float)
    if w.shape != (g.shape[0],) or np.any(w < 0) or not w.sum() > 0:
        raise MethodError(f"preference {w.tolist()} does not fit {g.shape[0]} gradients")
    w = w / w.sum()
    keep = w > 0
    return g[keep] / (len(w) * w[keep])[:, None], keep


# ---------------------------------------------------------------------------------------------
# The adapter


@dataclass(frozen=True)
class MGDAUBParams(OnlineParams):
    """MGDA-UB's Frank–Wolfe iteration cap (closed form for two objectives)."""

    steps: int = ONLINE_STEPS

    fw_iters: int = FW_MAX_ITER

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.fw_iters < 1:
            raise MethodError(f"mgda-ub: fw_iters must be >= 1, got {self.fw_iters}")


class MGDAUB(OnlineMethod):
    """Policy gradient along the min-norm combination of per-objective gradients.

    Each step: J_i = mean(Â_i · log π) with the estimator's per-objective advantages; their
    gradients over :meth:`Policy.shared_parameters` (scaled by 1/(m·w_i)) give α*; the loss is
    −Σ_i α*_i/(m·w_i) J_i + β·KL over all parameters. ``state.weights`` logs the effective
    objective coefficients α*_i/(m·w_i), normalised.
    """

    name: ClassVar[str] = "mgda-ub"
    summary: ClassVar[str] = "min-norm convex combination of per-objective gradients (MGDA-UB)"
    Params: ClassVar[type] = MGDAUBParams

    def loss(self, batch: Batch, state: OnlineState) -> torch.Tensor:
        pref = np.asarray(state.ctx.scalarisation, dtype=float)
        if state.extras.get("mgda_step") != state.step:
            keep = np.flatnonzero(pref > 0)
            grads = objective_gradients(batch, list(state.policy.shared_parameters()), keep)
            full = np.zeros((len(pref), grads.shape[1]))
            full[keep] = grads
            scaled, mask = preference_scaled(full, pref)
            if scaled.shape[0] > 2:
                alpha = frank_wolfe_min_norm(_gram(scaled), max_iter=self.params.fw_iters)
            else:
                alpha = min_norm_weights(scaled)
            coef = np.zeros(len(pref))
            coef[mask] = alpha / (len(pref) * (pref[mask] / pref.sum()))
            state.extras["mgda_coef"] = coef
            state.extras["mgda_step"] = state.step
            state.weights = coef / coef.sum() if coef.sum() > 0 else coef
        coef_t = torch.as_tensor(
            state.extras["mgda_coef"], dtype=torch.float32, device=state.policy.device
        )
        advantages = (batch.objective_advantages * coef_t).sum(dim=1)
        return pg_loss(
            batch.logprobs,
            advantages,
            old_logprobs=batch.old_logprobs,
            clip=self.params.clip or None,
            kl=batch.kl,
            kl_coef=self.params.kl_coef,
        )
