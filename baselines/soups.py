"""Rewarded soups (Ramé et al. 2023, "Rewarded soups: towards Pareto-optimal alignment by
interpolating weights fine-tuned on diverse rewards"): one expert per objective, then weight
interpolation.

Each expert θ_i is fine-tuned from the same initial policy on objective i alone with the RL
core; the policy for preference w is the parameter average

    θ(w) = Σ_i w_i θ_i,  w ∈ Δ                                                 (RS, eq. 1)

(:func:`interpolate_state_dicts`). Every expert's training counts in compute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch

from mobench.errors import MethodError


def interpolate_state_dicts(
    states: Sequence[Mapping[str, torch.Tensor]], weights: Sequence[float]
) -> dict[str, torch.Tensor]:
    """θ(w) = Σ_i w_i θ_i over state dicts with identical keys and shapes (w normalised).

    Floating-point tensors are averaged; other tensors (integer buffers, step counters) must
    agree across the experts and are copied.
    """
    if not states or len(states) != len(weights):
        raise MethodError(f"need one weight per state dict, got {len(weights)} for {len(states)}")
    w = np.asarray(weights, dtype=float)
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise MethodError(f"soup weights must be finite, non-negative, positive sum: {w.tolist()}")
    w = w / w.sum()
    keys = list(states[0])
    for i, sd in enumerate(states[1:], start=1):
        if list(sd) != keys:
            raise MethodError(f"expert {i} has different parameter names from expert 0")
    out: dict[str, torch.Tensor] = {}
    for key in keys:
        tensors = [sd[key] for sd in states]
        if any(t.shape != tensors[0].shape for t in tensors):
            raise MethodError(f"parameter {key!r} has different shapes across experts")
        if tensors[0].is_floating_point():
            acc = torch.zeros_like(tensors[0], dtype=torch.float64)
            for wi, t in zip(w, tensors, strict=True):
                acc += float(wi) * t.detach().to(torch.float64)
            out[key] = acc.to(tensors[0].dtype)
        else:
            if any(not torch.equal(t, tensors[0]) for t in tensors[1:]):
                raise MethodError(f"non-float parameter {key!r} differs across experts")
            out[key] = tensors[0].clone()
    return out
