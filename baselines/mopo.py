"""MOPO — Multi-Objective Preference Optimization (Agnihotri, Jain, Ramachandran, Wen, 2025).

MOPO learns from pairwise preferences, one preference relation per objective, without
point-wise rewards and without scalarising them. One objective is *primary*; the others are
*secondary* and must not fall below thresholds. With a reference policy π_ref, the comparison
distribution μ of the data, and per-objective preference probabilities p (primary) and
q = (q_1..q_s) (secondary):

* **Problem** (the constrained KL-regularised objective)::

      max_π  E_{y~π, y'~μ} p(y ≻ y') − τ KL(π ‖ π_ref)
      s.t.   G_i(π) = E_{y~π, y'~μ} q_i(y ≻ y') ≥ b_i,   i = 1..s

* **Closed form.** The Lagrangian with multipliers λ ≥ 0 is maximised, pointwise in y, by the
  importance ratio (:func:`importance_ratio`)::

      ρ_λ(y) = π*(y) / π_ref(y) = exp((E p(y) + λᵀ E q(y)) / τ − 1),

  E p(y) = E_{y'~μ} p(y ≻ y'), the "−1" from differentiating π log(π/π_ref). The constant
  e^{-1} and the missing normaliser cancel in the self-normalised weights
  w_i = ρ(y_i) / Σ_j ρ(y_j) over the reference samples of a prompt (:func:`sample_weights`).
* **Pessimism.** G_i is estimated from finitely many weighted samples, so the constraint is
  checked on a lower bound: the worst case of the mean over distributions Q in a KL ball around
  the weighted empirical distribution P̂, whose dual is one-dimensional in χ > 0
  (:func:`kl_dual`, :func:`pessimistic_lower_bound`)::

      inf_{Q: KL(Q‖P̂) ≤ r} E_Q[v] = sup_{χ>0} −χ r − χ log E_P̂[exp(−v/χ)].

  mobench uses the radius r = ε / N_eff, N_eff = 1/Σ w_i² the effective sample size of the
  weights (the KL ball of an N-sample empirical mean shrinks as 1/N).
* **Dual step.** Projected descent on the dual, whose gradient in λ_i is G_i − b_i
  (:func:`dual_step`): λ ← max(0, λ − η_λ (L − b)), L the pessimistic bounds.
* **Policy extraction.** The parametric policy maximises the importance-weighted likelihood of
  the reference samples, Σ_i w_i log π_θ(y_i) (:func:`weighted_nll`): its minimiser over all
  distributions is π_ref ρ / Z.
* **Lagged reference.** Every t₀ steps π_ref ← π_θ, and the thresholds become
  b ← β·G(π_ref) (:func:`lagged_thresholds`): each round may lose at most a (1 − β) share of
  every secondary objective while it improves the primary one. A pack can fix the thresholds
  instead (an item's ``meta["thresholds"]``, objective name → b), as the synthetic suite does.
* **Preference → thresholds** (mobench's map from a preference vector w to MOPO's problem):
  the primary objective is argmax w; secondary i keeps the share
  β_i = max(0, 1 − (1 − β)·w_primary / w_i) of its value (β_i = β at equal weight; a secondary
  with weight 0 is unconstrained) (:func:`secondary_betas`), so b_i ← β_i·G_i.

Defaults from the paper: τ = 0.08, ε = 0.15, β = 0.9995, t₀ = 500. In mobench, E p and E q
are win rates (:func:`mobench.preference_data.win_rates`) against the item's other candidates
from :func:`mobench.preference_data.build_preference_data` (HH packs: their shipped pairs;
others: pairs of scored candidates, ties within 1e-6 kept as ties); a generated response (hf
policy) is scored with ``ctx.score_texts`` and compared with the item's candidates
(:func:`generated_win_rates`). The primary objective is
the one with the largest preference weight (``primary`` overrides it); the others are secondary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from scipy.optimize import minimize_scalar

from mobench.baselines.offline_common import (
    OfflineMethod,
    PhaseTimer,
    build_policy,
    preference_weights,
    trainable_items,
)
from mobench.errors import MethodError
from mobench.methods import TrainContext, TrainReport
from mobench.packs import Item, Pack
from mobench.policy import Policy, PolicyParams, Sample
from mobench.preference_data import (
    DEFAULT_TIE_TOLERANCE,
    build_preference_data,
    compare,
    preference_matrix,
    win_rates,
)

# ---------------------------------------------------------------------------------------------
# The update rules (pure functions)


def log_importance_ratio(p: np.ndarray, q: np.ndarray, lam: np.ndarray, tau: float) -> np.ndarray:
    """log ρ = (E p + λᵀ E q)/τ − 1 per sample; ``p`` (N,), ``q`` (N, s), ``lam`` (s,)."""
    if not tau > 0:
        raise MethodError(f"MOPO: tau must be > 0, got {tau}")
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float).reshape(len(p), -1)
    lam = np.asarray(lam, dtype=float).reshape(-1)
    if q.shape[1] != lam.shape[0]:
        raise MethodError(f"MOPO: {q.shape[1]} secondary objectives but {lam.shape[0]} λ values")
    return (p + q @ lam) / tau - 1.0


def importance_ratio(p: np.ndarray, q: np.ndarray, lam: np.ndarray, tau: float) -> np.ndarray:
    """ρ = exp((E p + λᵀ E q)/τ − 1) (the closed-form optimum π*/π_ref)."""
    return np.exp(log_importance_ratio(p, q, lam, tau))


def sample_weights(log_rho: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Self-normalised weights w_i = ρ_i / Σ_{j in group(i)} ρ_j (computed from log ρ, stably)."""
    log_rho = np.asarray(log_rho, dtype=float)
    groups = np.asarray(groups)
    out = np.zeros_like(log_rho)
    for g in np.unique(groups):
        mask = groups == g
        z = log_rho[mask] - log_rho[mask].max()
        out[mask] = np.exp(z) / np.exp(z).sum()
    return out


def kl_dual(values: np.ndarray, weights: np.ndarray, chi: float, radius: float) -> float:
    """The dual objective −χ r − χ log Σ_i w_i exp(−v_i/χ) at one χ > 0 (a lower bound on
    E_Q[v] for every Q with KL(Q ‖ P̂) ≤ r, P̂ = Σ w_i δ_{v_i})."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if not chi > 0:
        raise MethodError(f"MOPO: χ must be > 0, got {chi}")
    low = float(v[w > 0].min())
    # −χ log Σ w exp(−v/χ) = v_min − χ log Σ w exp(−(v − v_min)/χ)
    return low - chi * math.log(float(np.sum(w * np.exp(-(v - low) / chi)))) - chi * radius


def pessimistic_lower_bound(values: np.ndarray, weights: np.ndarray, radius: float) -> float:
    """inf over Q with KL(Q‖P̂) ≤ r of E_Q[v], through its dual sup over χ > 0 of
    :func:`kl_dual`. r = 0 gives the weighted mean; as r grows it falls to min v."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if v.shape != w.shape or v.ndim != 1 or len(v) == 0:
        raise MethodError("MOPO: lower bound needs matching non-empty values and weights")
    if not (np.all(np.isfinite(v)) and np.all(w >= 0) and w.sum() > 0):
        raise MethodError("MOPO: lower bound needs finite values and non-negative weights")
    if not (radius >= 0 and math.isfinite(radius)):
        raise MethodError(f"MOPO: KL radius must be >= 0, got {radius}")
    w = w / w.sum()
    mean = float(w @ v)
    support = v[w > 0]
    if radius == 0 or float(support.max() - support.min()) == 0.0:
        return mean
    spread = float(support.max() - support.min())
    # f(χ) is concave; search log χ over a range wide enough for the values' spread
    result = minimize_scalar(
        lambda u: -kl_dual(v, w, math.exp(u), radius),
        bounds=(math.log(spread * 1e-4), math.log(spread * 1e4)),
        method="bounded",
        options={"xatol": 1e-10},
    )
    best = -float(result.fun)
    return float(min(mean, max(best, float(support.min()))))


def effective_sample_size(weights: np.ndarray) -> float:
    """N_eff = (Σ w)² / Σ w²."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2))


def dual_step(lam: np.ndarray, lower: np.ndarray, thresholds: np.ndarray, lr: float) -> np.ndarray:
    """Projected dual descent: λ ← max(0, λ − η (L − b))."""
    lam = np.asarray(lam, dtype=float)
    return np.maximum(0.0, lam - lr * (np.asarray(lower) - np.asarray(thresholds)))


def lagged_thresholds(values: np.ndarray, beta: float | np.ndarray) -> np.ndarray:
    """b ← β·G at a reference update (β a scalar or one per secondary objective)."""
    betas = np.asarray(beta, dtype=float)
    if not (np.all(betas >= 0) and np.all(betas <= 1)):
        raise MethodError(f"MOPO: beta must be in [0, 1], got {beta}")
    return betas * np.asarray(values, dtype=float)


def secondary_betas(
    weights: np.ndarray, primary: int, secondary: Sequence[int], beta: float
) -> np.ndarray:
    """β_i = max(0, 1 − (1 − β)·w_primary / w_i) per secondary i (0 where w_i = 0)."""
    w = np.asarray(weights, dtype=float)
    out = np.zeros(len(secondary))
    for n, i in enumerate(secondary):
        if w[i] > 0:
            out[n] = max(0.0, 1.0 - (1.0 - beta) * w[primary] / w[i])
    return out


def weighted_nll(logp: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """−Σ_i w_i log π_θ(y_i): the importance-weighted likelihood of the reference samples."""
    return -(weights * logp).sum()


# ---------------------------------------------------------------------------------------------
# Preference statistics per item


@dataclass(frozen=True)
class ItemPreferences:
    """Per candidate of one item: E_{y'} p_k(y ≻ y') for every objective (rows follow ``ids``)."""

    ids: tuple[str, ...]
    rates: np.ndarray  # (K, m)


def item_preferences(
    pack: Pack,
    items: Sequence[Item],
    candidates: Mapping[str, Sequence[Any]],
    objectives: Mapping[str, np.ndarray],
    tol: float = DEFAULT_TIE_TOLERANCE,
) -> dict[str, ItemPreferences]:
    """Win rates of every candidate of ``items`` from the shared preference-data builder."""
    data = build_preference_data(pack, items, candidates, objectives, tol)
    grouped = data.by_item()
    m = len(pack.objectives)
    out = {}
    for item in items:
        ids = tuple(c.candidate_id for c in candidates[item.id])
        matrix = preference_matrix(grouped.get(item.id, ()), ids, m)
        out[item.id] = ItemPreferences(ids, win_rates(matrix).T.copy())
    return out


def item_thresholds(items: Sequence[Item], secondary: Sequence[str]) -> np.ndarray | None:
    """Fixed thresholds from the items' ``meta["thresholds"]`` (the same on every item that
    has them), or None."""
    found = [dict(i.meta["thresholds"]) for i in items if "thresholds" in i.meta]
    if not found:
        return None
    first = found[0]
    if any(f != first for f in found[1:]):
        raise MethodError("MOPO: items name different thresholds")
    missing = [s for s in secondary if s not in first]
    if missing:
        raise MethodError(f"MOPO: item thresholds lack secondary objectives {missing}")
    return np.asarray([float(first[s]) for s in secondary])


# ---------------------------------------------------------------------------------------------
# The adapter


@dataclass(frozen=True)
class MOPOParams(PolicyParams):
    """The paper's τ, ε, β, t₀; training sizes small enough for the pool policy on a CPU."""

    tau: float = 0.08
    epsilon: float = 0.15
    beta: float = 0.9995
    t0: int = 500
    steps: int = 60
    samples_per_prompt: int = 8
    prompts_per_step: int = 16
    lr: float = 0.1
    dual_lr: float = 0.5
    primary: int = -1  # -1: the objective with the largest preference weight
    scalarise: bool = False  # ablation: λ fixed to w_secondary / w_primary, no constraint
    tie_tolerance: float = DEFAULT_TIE_TOLERANCE

    def __post_init__(self) -> None:
        super().__post_init__()
        if not (self.tau > 0 and self.epsilon >= 0 and self.lr > 0 and self.dual_lr >= 0):
            raise MethodError("MOPO: tau and lr must be > 0, epsilon and dual_lr >= 0")
        if not 0 < self.beta <= 1:
            raise MethodError(f"MOPO: beta must be in (0, 1], got {self.beta}")
        for name in ("t0", "steps", "samples_per_prompt", "prompts_per_step"):
            if getattr(self, name) < 1:
                raise MethodError(f"MOPO: {name} must be >= 1, got {getattr(self, name)}")


@dataclass
class MOPOState:
    """The trajectory of one MOPO training (for reports and tests)."""

    lam: np.ndarray
    thresholds: np.ndarray
    reference_updates: int = 0
    lower_bounds: tuple[float, ...] = ()
    estimates: tuple[float, ...] = ()


class MOPO(OfflineMethod):
    """MOPO (module docstring): constrained KL-regularised preference optimisation."""

    name: ClassVar[str] = "mopo"
    summary: ClassVar[str] = (
        "MOPO: max primary preference s.t. lower bounds on the secondary ones; closed-form "
        "ratio, pessimistic dual, lagged reference"
    )
    Params: ClassVar[type[MOPOParams]] = MOPOParams

    def __init__(self, params: MOPOParams | None = None) -> None:
        super().__init__(params)
        self.state: MOPOState | None = None

    def objective_roles(self, preference: Sequence[float], m: int) -> tuple[int, list[int]]:
        """(primary index, secondary indices) for a preference vector."""
        w = preference_weights(preference, m, self.name)
        primary = int(np.argmax(w)) if self.params.primary < 0 else self.params.primary
        if not 0 <= primary < m:
            raise MethodError(f"MOPO: primary objective {primary} is not in 0..{m - 1}")
        return primary, [k for k in range(m) if k != primary]

    def _train(self, ctx: TrainContext) -> TrainReport:
        p = self.params
        timer = PhaseTimer()
        m = len(ctx.pack.objectives)
        primary, secondary = self.objective_roles(ctx.scalarisation, m)
        with timer.phase("data"):
            items = trainable_items(ctx, self.name)
            prefs = item_preferences(
                ctx.pack, items, ctx.pool.candidates, ctx.pool.objectives, p.tie_tolerance
            )
        fixed = item_thresholds(items, [ctx.pack.objective_names[k] for k in secondary])
        policy, state = self._optimise(ctx, items, prefs, primary, secondary, fixed, timer)
        self.policy, self.state = policy, state
        return TrainReport(
            {
                "primary": ctx.pack.objective_names[primary],
                "lambda": [round(float(v), 6) for v in state.lam],
                "thresholds": [round(float(v), 6) for v in state.thresholds],
                "reference_updates": state.reference_updates,
                "final_lower_bound": list(state.lower_bounds),
                "final_estimate": list(state.estimates),
                "training_items": len(items),
                **timer.report(),
            }
        )

    def _optimise(
        self,
        ctx: TrainContext,
        items: Sequence[Item],
        prefs: Mapping[str, ItemPreferences],
        primary: int,
        secondary: Sequence[int],
        fixed: np.ndarray | None,
        timer: PhaseTimer,
    ) -> tuple[Policy, MOPOState]:
        p = self.params
        with timer.phase("setup"):
            policy = build_policy(ctx, p.policy_spec())
        reference = policy.frozen_copy()
        generator = torch.Generator().manual_seed(ctx.seed)
        order = np.random.default_rng(ctx.seed)
        optimiser = torch.optim.Adam(policy.parameters(), lr=p.lr)
        state = MOPOState(np.zeros(len(secondary)), np.zeros(len(secondary)))
        if p.scalarise:
            w = preference_weights(ctx.scalarisation, len(ctx.pack.objectives), self.name)
            if w[primary] <= 0:
                raise MethodError("MOPO: scalarise needs a positive weight on the primary")
            state.lam = w[list(secondary)] / w[primary]
        weights_pref = preference_weights(ctx.scalarisation, len(ctx.pack.objectives), self.name)
        betas = secondary_betas(weights_pref, primary, secondary, p.beta)
        need_thresholds = True
        for step in range(p.steps):
            if step and step % p.t0 == 0:
                reference = policy.frozen_copy()
                state.reference_updates += 1
                need_thresholds = True
            batch = (
                list(items)
                if len(items) <= p.prompts_per_step
                else [items[i] for i in order.choice(len(items), p.prompts_per_step, False)]
            )
            with timer.phase("sampling"):
                draws = reference.sample(batch, p.samples_per_prompt, generator)
            flat = [s for row in draws for s in row]
            owners = [item for item, row in zip(batch, draws, strict=True) for _ in row]
            groups = np.repeat(np.arange(len(batch)), p.samples_per_prompt)
            with timer.phase("scoring"):
                rates = sample_rates(ctx, prefs, owners, flat, p.tie_tolerance)  # (N, m)
            q = rates[:, secondary]
            if need_thresholds:
                # G(π_ref): the plain mean over the reference's own samples
                state.thresholds = (
                    fixed if fixed is not None else lagged_thresholds(q.mean(axis=0), betas)
                )
                need_thresholds = False
            weights = sample_weights(
                log_importance_ratio(rates[:, primary], q, state.lam, p.tau), groups
            )
            weights = weights / len(batch)  # each prompt counts once
            radius = p.epsilon / effective_sample_size(weights)
            lower = np.array(
                [pessimistic_lower_bound(q[:, i], weights, radius) for i in range(len(secondary))]
            )
            state.estimates = tuple(round(float(v), 6) for v in weights @ q)
            state.lower_bounds = tuple(round(float(v), 6) for v in lower)
            if not p.scalarise:
                state.lam = dual_step(state.lam, lower, state.thresholds, p.dual_lr)
            with timer.phase("update"):
                logp = policy.logprob(owners, flat)
                loss = weighted_nll(
                    logp, torch.as_tensor(weights, dtype=logp.dtype, device=logp.device)
                )
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
            if not math.isfinite(loss.item()):
                raise MethodError(f"MOPO: the loss became {loss.item()} at step {step}")
        return policy, state


def generated_win_rates(vector: np.ndarray, candidates: np.ndarray, tol: float) -> np.ndarray:
    """Win rates of a generated response against the item's scored candidates, per objective:
    the mean over candidates of 1 (better by more than tol), 1/2 (a tie) or 0 — the builder's
    :func:`~mobench.preference_data.compare` applied to the response and each candidate."""
    labels = np.asarray([compare(vector, c, tol) for c in np.asarray(candidates)], dtype=float)
    return ((labels + 1.0) / 2.0).mean(axis=0)


def sample_rates(
    ctx: TrainContext,
    prefs: Mapping[str, ItemPreferences],
    owners: Sequence[Item],
    samples: Sequence[Sample],
    tol: float,
) -> np.ndarray:
    """E p_k(y ≻ y') for each sample: the candidates' win rates from the preference data;
    generated text (the hf policy) is scored with ``ctx.score_texts`` and compared with the
    item's candidates (:func:`generated_win_rates`)."""
    m = len(ctx.pack.objectives)
    out = np.zeros((len(samples), m))
    fresh = []
    for i, sample in enumerate(samples):
        item_prefs = prefs[sample.item_id]
        if sample.candidate_id is not None and sample.candidate_id in item_prefs.ids:
            out[i] = item_prefs.rates[item_prefs.ids.index(sample.candidate_id)]
        else:
            fresh.append(i)
    if fresh:
        if ctx.score_texts is None:
            raise MethodError("MOPO: generated responses need ctx.score_texts to be scored")
        vectors = np.asarray(
            ctx.score_texts([owners[i] for i in fresh], [samples[i].text for i in fresh]), float
        )
        if vectors.shape != (len(fresh), m) or not np.all(np.isfinite(vectors)):
            raise MethodError(f"MOPO: score_texts returned shape {vectors.shape} or NaN")
        for row, i in enumerate(fresh):
            candidates = ctx.pool.objectives[samples[i].item_id]
            out[i] = generated_win_rates(vectors[row], candidates, tol)
    return out
