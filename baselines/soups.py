"""Rewarded soups (Ramé et al. 2023, "Rewarded soups: towards Pareto-optimal alignment by
interpolating weights fine-tuned on diverse rewards"): one expert per objective, then weight
interpolation.

Each expert θ_i is fine-tuned from the same initial policy on objective i alone with the RL
core; the policy for preference w is the parameter average

    θ(w) = Σ_i w_i θ_i,  w ∈ Δ                                                 (RS, eq. 1)

(:func:`interpolate_state_dicts`). Every expert's training counts in compute.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np
import torch

from mobench.baselines.morlhf import ONLINE_STEPS
from mobench.cache import content_key
from mobench.errors import MethodError
from mobench.methods import TrainContext, TrainReport
from mobench.policy import make_policy
from mobench.rl import OnlineMethod, OnlineParams


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


# ---------------------------------------------------------------------------------------------
# The adapter


@dataclass(frozen=True)
class Expert:
    """One objective's expert: its parameters, training seconds and report."""

    objective: str
    state: Mapping[str, torch.Tensor]
    seconds: float
    metrics: Mapping[str, Any]


@dataclass(frozen=True)
class ExpertSet:
    """The experts of one (pack, train/val items, seed, params), and which run trained them."""

    experts: tuple[Expert, ...]
    paid_by_preference: tuple[float, ...]


_EXPERTS: OrderedDict[str, ExpertSet] = OrderedDict()
EXPERT_CACHE_BYTES = 512 * 2**20  # memoised experts kept per process (least recently used out)


def _nbytes(found: ExpertSet) -> int:
    return sum(t.numel() * t.element_size() for e in found.experts for t in e.state.values())


def _remember(key: str, found: ExpertSet) -> None:
    """Keep ``found`` unless it alone exceeds the budget; evict the oldest beyond it."""
    if _nbytes(found) > EXPERT_CACHE_BYTES:
        return
    _EXPERTS[key] = found
    while sum(_nbytes(v) for v in _EXPERTS.values()) > EXPERT_CACHE_BYTES:
        _EXPERTS.popitem(last=False)


@dataclass(frozen=True)
class RewardedSoupsParams(OnlineParams):
    """``memoise``: reuse the experts across preferences within a process (the report says
    which preference's run trained them and for how long)."""

    steps: int = ONLINE_STEPS

    memoise: bool = True


class RewardedSoups(OnlineMethod):
    """One expert per objective with the RL core, then θ(w) = Σ w_i θ_i (module docstring)."""

    name: ClassVar[str] = "rewarded-soups"
    summary: ClassVar[str] = "one RL expert per objective, parameters interpolated θ(w)=Σ w_i θ_i"
    Params: ClassVar[type] = RewardedSoupsParams

    def _key(self, ctx: TrainContext) -> str:
        return content_key(
            ctx.pack.ref,
            ctx.pack.sha256,
            [i.id for i in ctx.train],
            [i.id for i in ctx.val],
            ctx.seed,
            asdict(self.params),
        )

    def experts(self, ctx: TrainContext) -> tuple[ExpertSet, bool]:
        """The expert set for ``ctx`` and whether this call trained it (False: memoised)."""
        key = self._key(ctx)
        if self.params.memoise and key in _EXPERTS:
            _EXPERTS.move_to_end(key)
            return _EXPERTS[key], False
        m = len(ctx.pack.objectives)
        trained = []
        for i, name in enumerate(ctx.pack.objective_names):
            start = time.perf_counter()
            result = self.fit(ctx, weights=tuple(float(j == i) for j in range(m)))
            if result.policy.device.type == "cuda":
                torch.cuda.synchronize(result.policy.device)
            seconds = time.perf_counter() - start
            state = {k: v.detach().cpu() for k, v in result.policy.state_dict().items()}
            trained.append(Expert(name, state, seconds, result.metrics()))
        found = ExpertSet(tuple(trained), tuple(ctx.scalarisation))
        if self.params.memoise:
            _remember(key, found)
        return found, True

    def train(self, ctx: TrainContext) -> TrainReport:
        found, paid_here = self.experts(ctx)
        m = len(ctx.pack.objectives)
        w = np.asarray(ctx.scalarisation, dtype=float)
        if w.shape != (m,) or np.any(w < 0) or not w.sum() > 0:
            raise MethodError(f"{self.name}: preference {w.tolist()} is not {m} weights")
        w = w / w.sum()
        soup = interpolate_state_dicts([e.state for e in found.experts], w.tolist())
        policy = make_policy(self.policy_spec(ctx), ctx.pack, ctx.train, ctx.seed)
        policy.load_state_dict(soup)
        self.policy = policy
        state = self.init_state(ctx, policy)
        final = self.validate(state)
        seconds = [round(e.seconds, 4) for e in found.experts]
        return TrainReport(
            {
                "experts": [e.objective for e in found.experts],
                "expert_seconds": seconds,
                "expert_seconds_total": round(sum(seconds), 4),
                "experts_trained_here": paid_here,
                "experts_paid_by_preference": list(found.paid_by_preference),
                "expert_final_val_means": [e.metrics["final_val_mean"] for e in found.experts],
                "steps_to_final_front": max(
                    e.metrics["steps_to_final_front"] for e in found.experts
                ),
                "weights": [[round(float(v), 6) for v in w]],
                "final_weights": [round(float(v), 6) for v in w],
                "final_val_mean": [round(v, 6) for v in final.mean],
            }
        )
