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
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from numpy.typing import ArrayLike

from mobench.baselines.morlhf import ONLINE_STEPS
from mobench.errors import MethodError
from mobench.methods import TrainContext, TrainReport
from mobench.metrics import as_points, hv_contributions, non_dominated
from mobench.rl import Batch, OnlineMethod, OnlineParams, OnlineState, ValPoint, pg_loss

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
    return np.asarray((g @ g.T).sum(axis=1))  # Σ_k ⟨g_i, g_k⟩ via one Gram product


def eta_schedule(step: int, eta0: float, power: float) -> float:
    """Polynomially decaying step size η_t = η_0 · (1 + t)^(−power), t = 0, 1, …"""
    if step < 0 or eta0 < 0 or power < 0:
        raise MethodError(f"eta_schedule needs step, eta0, power >= 0, got {step}, {eta0}, {power}")
    return eta0 * (1.0 + step) ** (-power)


def update_grad_weights(
    weights: ArrayLike, infl: ArrayLike, eta: float, mu: float | None = None
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


# ---------------------------------------------------------------------------------------------
# Adapters


@dataclass(frozen=True)
class DRWHypervolumeParams(OnlineParams):
    """drw-hv adds nothing tunable: the multiplier's constants 0.5 and 1.5 are the paper's."""

    steps: int = ONLINE_STEPS


class DRWHypervolume(OnlineMethod):
    """Fixed preference weights, reward × r_pareto from the validation point's ΔHV.

    The buffer is seeded with the initial policy's validation point (step 0); after every later
    validation pass, ΔHV of the new point against the buffer sets the multiplier used until the
    next pass, then the point joins the buffer. Validation points are mean objective vectors in
    the pack's normalised [0, 1] space; the HV reference is the pack's reference point. The
    multiplier scales the step's advantages (for the mean-baseline estimators the same as
    scaling the rewards; under GRPO's per-group standardisation a reward scale would cancel).
    """

    name: ClassVar[str] = "drw-hv"
    summary: ClassVar[str] = "dynamic reward weighting: reward × (0.5 + 1.5·tanh ΔHV) of val point"
    Params: ClassVar[type] = DRWHypervolumeParams
    _state: OnlineState  # the last training's state (its buffer and multipliers go in the report)

    def init_state(self, ctx: TrainContext, policy: Any) -> OnlineState:
        state = super().init_state(ctx, policy)
        state.extras.update(buffer=None, multiplier=1.0, multipliers=[], delta_hv=[])
        self._state = state
        return state

    def on_validation(self, point: ValPoint, state: OnlineState) -> None:
        mean = np.asarray(point.mean, dtype=float)
        buffer = state.extras["buffer"]
        if buffer is None:  # the initial policy seeds the buffer; no multiplier yet
            state.extras["buffer"] = mean.reshape(1, -1)
            return
        ref = np.asarray(state.ctx.pack.reference_point, dtype=float)
        gain = hv_gain(mean, buffer, ref)
        state.extras["multiplier"] = pareto_multiplier(gain)
        state.extras["delta_hv"].append(round(gain, 6))
        state.extras["buffer"] = update_buffer(buffer, mean)

    def loss(self, batch: Batch, state: OnlineState) -> torch.Tensor:
        multiplier = float(state.extras["multiplier"])
        if len(state.extras["multipliers"]) < state.step:
            state.extras["multipliers"].append(round(multiplier, 6))
        return pg_loss(
            batch.logprobs,
            batch.advantages * multiplier,
            old_logprobs=batch.old_logprobs,
            clip=self.params.clip or None,
            kl=batch.kl,
            kl_coef=self.params.kl_coef,
        )

    def train(self, ctx: TrainContext) -> TrainReport:
        result = self.fit(ctx)
        self.policy = result.policy
        metrics = result.metrics()
        state = self._state
        metrics["r_pareto"] = state.extras["multipliers"]
        metrics["delta_hv"] = state.extras["delta_hv"]
        metrics["buffer"] = np.round(state.extras["buffer"], 6).tolist()
        return TrainReport(metrics)


@dataclass(frozen=True)
class DRWGradientParams(OnlineParams):
    """η_t = eta0·(1+t)^(−eta_power); ``layers`` "shared" (the policy's shared representation)
    or "all" parameters for the per-objective gradients."""

    steps: int = ONLINE_STEPS

    eta0: float = 0.5
    eta_power: float = 0.5
    layers: str = "shared"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.eta0 < 0 or self.eta_power < 0:
            raise MethodError("drw-grad: eta0 and eta_power must be >= 0")
        if self.layers not in ("shared", "all"):
            raise MethodError(f"drw-grad: layers must be 'shared' or 'all', got {self.layers!r}")


def objective_gradients(
    batch: Batch, params: Sequence[torch.nn.Parameter], keep: Sequence[int] | None = None
) -> np.ndarray:
    """(m, d) matrix of ∇J_i over ``params``: J_i = mean(Â_i · log π) with Â_i the batch's
    per-objective advantages (the policy-gradient estimate of objective i alone)."""
    adv = batch.objective_advantages
    rows = []
    for i in range(adv.shape[1]) if keep is None else keep:
        surrogate = (adv[:, i].detach() * batch.logprobs).mean()
        grads = torch.autograd.grad(surrogate, list(params), retain_graph=True, allow_unused=True)
        flat = [
            (g if g is not None else torch.zeros_like(p)).reshape(-1)
            for g, p in zip(grads, params, strict=True)
        ]
        rows.append(torch.cat(flat).detach().to(torch.float64).cpu().numpy())
    return np.stack(rows)


class DRWGradient(OnlineMethod):
    """Weights start at the preference and follow w ← normalise(w ⊙ exp(η_t I/μ)) every step.

    Each step's loss first takes the per-objective gradients ∇J_i of the batch (over the
    chosen layers) and their influences I_i; after the policy update the weights move, so step
    t+1 trains on w_{t+1} · r.
    """

    name: ClassVar[str] = "drw-grad"
    summary: ClassVar[str] = "dynamic reward weighting: w ← w⊙exp(η·I/μ), I_i = <∇J_i, Σ∇J_k>"
    Params: ClassVar[type] = DRWGradientParams

    def _layers(self, state: OnlineState) -> list[torch.nn.Parameter]:
        if self.params.layers == "shared":
            return list(state.policy.shared_parameters())
        return [p for p in state.policy.parameters() if p.requires_grad]

    def loss(self, batch: Batch, state: OnlineState) -> torch.Tensor:
        if state.extras.get("influence_step") != state.step:
            grads = objective_gradients(batch, self._layers(state))
            state.extras["influence"] = influence(grads)
            state.extras["influence_step"] = state.step
        return super().loss(batch, state)

    def after_step(self, step: int, batch: Batch, state: OnlineState) -> None:
        eta = eta_schedule(step - 1, self.params.eta0, self.params.eta_power)
        state.weights = update_grad_weights(state.weights, state.extras["influence"], eta)
