"""Dynamic reward weighting (Lu et al. 2025, "Learning to Optimize Multi-Objective Alignment
Through Dynamic Reward Weighting"): hypervolume-guided and gradient-based weighting.

**Hypervolume-guided weight adaptation** (``drw-hv``). The preference weights w stay fixed, but
the scalar reward of every sample in a step is multiplied by

    r_pareto = 0.5 + 1.5 · tanh(ΔHV),

where ΔHV is the hypervolume contribution of the latest validation point (the policy's mean
objective vector on the validation items, objectives normalised to the pack's bounds) to a
buffer of non-dominated validation points seeded with the initial policy's (the pack's
reference point is the HV reference). A point that extends the front earns up to 2× reward, one
dominated by the buffer 0.5×. The buffer then keeps only its non-dominated points
(:func:`hv_gain`, :func:`pareto_multiplier`, :func:`update_buffer`).

**Gradient-based weight optimisation** (``drw-grad``). With ∇J_i the policy gradient of
objective i alone (optionally restricted to a subset of layers), the influence of objective i is

    I_i = ⟨∇J_i, Σ_k ∇J_k⟩,

and the weights take an exponentiated-gradient (mirror-ascent) step on the simplex

    w ← normalise(w ⊙ exp(η_t · I / μ)),

with a polynomially decaying step η_t = η_0 · (1 + t)^(−p) and μ the mean absolute influence
of the step (:func:`influence`, :func:`eta_schedule`, :func:`update_grad_weights`). Our
reading of the paper: μ makes the step scale-free (influences of raw gradients vary by orders
of magnitude between models and steps), so η_t alone sets how far the weights move; the
paper's exact schedule constants could not be checked here, so η_0 and p are parameters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from mobench.errors import MethodError
from mobench.metrics import as_points, hv_contributions, non_dominated

# ---------------------------------------------------------------------------------------------
# Hypervolume-guided weight adaptation


def pareto_multiplier(delta_hv: float) -> float:
    """r_pareto = 0.5 + 1.5 · tanh(ΔHV) (the paper's reward multiplier; ΔHV ≥ 0)."""
    if not math.isfinite(delta_hv) or delta_hv < 0:
        raise MethodError(f"ΔHV must be a finite non-negative number, got {delta_hv}")
    return 0.5 + 1.5 * math.tanh(delta_hv)


def hv_gain(point: ArrayLike, buffer: ArrayLike, ref: ArrayLike) -> float:
    """ΔHV: how much hypervolume ``point`` adds to the ``buffer`` of points (maximisation).

    Equals HV(buffer ∪ {point}) − HV(buffer): 0 when the point is dominated by (or equal to)
    a buffer point or does not dominate the reference point.
    """
    p = np.asarray(point, dtype=float).reshape(1, -1)
    buf = as_points(buffer) if len(np.asarray(buffer)) else np.zeros((0, p.shape[1]))
    if buf.shape[1:] != p.shape[1:]:
        raise MethodError(f"point has {p.shape[1]} objectives, the buffer {buf.shape[1]}")
    stacked = as_points(np.concatenate([buf, p]))
    if len(buf) and np.any(np.all(buf == p, axis=1)):
        return 0.0  # a duplicate adds nothing
    return float(hv_contributions(stacked, np.asarray(ref, dtype=float))[-1])


def update_buffer(buffer: ArrayLike, point: ArrayLike) -> np.ndarray:
    """The buffer with ``point`` added, keeping only non-dominated, distinct points."""
    p = np.asarray(point, dtype=float).reshape(1, -1)
    buf = as_points(buffer) if len(np.asarray(buffer)) else np.zeros((0, p.shape[1]))
    stacked = as_points(np.concatenate([buf, p]))
    kept = stacked[non_dominated(stacked)]
    _, first = np.unique(kept, axis=0, return_index=True)
    return kept[np.sort(first)]


# ---------------------------------------------------------------------------------------------
# Gradient-based weight optimisation


def influence(grads: ArrayLike) -> np.ndarray:
    """I_i = ⟨∇J_i, Σ_k ∇J_k⟩ for the rows of an (m, d) matrix of per-objective gradients."""
    g = np.asarray(grads, dtype=float)
    if g.ndim != 2 or not np.all(np.isfinite(g)):
        raise MethodError(f"gradients must be a finite (m, d) matrix, got shape {g.shape}")
    return g @ g.sum(axis=0)


def eta_schedule(step: int, eta0: float, power: float) -> float:
    """Polynomially decaying step size η_t = η_0 · (1 + t)^(−power), t = 0, 1, …"""
    if step < 0 or eta0 < 0 or power < 0:
        raise MethodError(f"eta_schedule needs step, eta0, power >= 0, got {step}, {eta0}, {power}")
    return eta0 * (1.0 + step) ** (-power)


def update_grad_weights(
    weights: Sequence[float], infl: ArrayLike, eta: float, mu: float | None = None
) -> np.ndarray:
    """w ← normalise(w ⊙ exp(η · I / μ)); μ defaults to mean |I_i| (no move when all I = 0).

    Zero weights stay zero (a multiplicative update), so an objective the preference excludes
    is never switched back on.
    """
    w = np.asarray(weights, dtype=float)
    i = np.asarray(infl, dtype=float)
    if w.shape != i.shape or not np.all(np.isfinite(i)) or not np.all(np.isfinite(w)):
        raise MethodError(
            f"weights {w.tolist()} and influences {i.tolist()} must be finite, same size"
        )
    if np.any(w < 0) or w.sum() <= 0:
        raise MethodError(f"weights must be non-negative with a positive sum, got {w.tolist()}")
    scale = float(np.mean(np.abs(i))) if mu is None else float(mu)
    if not scale > 0:
        return w / w.sum()
    logits = np.log(np.where(w > 0, w, 1.0)) + eta * i / scale
    logits = np.where(w > 0, logits - logits[w > 0].max(), -np.inf)
    new = np.exp(logits)
    return new / new.sum()
