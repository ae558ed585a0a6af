"""RiC — Rewards-in-Context (Yang et al., 2024): conditional training on the rewards themselves.

* **Offline conditional training.** Every training response y of prompt x is presented with its
  own reward vector r(y) as the condition, and the policy maximises log π(y | x, c = r(y))
  (supervised fine-tuning, :func:`conditional_nll`). The hf policy writes the condition into the
  prompt; the pool policy concatenates it to its scorer's input (``PolicySpec.condition_dim``).
* **Preference-to-reward mapping.** At inference the preference w picks the targets
  (:func:`preference_to_targets`): with r_min and r_max the smallest and largest reward of each
  objective in the training data and M objectives,
  c_i = r_max,i if w_i ≥ 1/M, else r_min,i + M·w_i·(r_max,i − r_min,i) — the objectives the
  preference favours ask for their best value, the others for a share of their range.
* **Answer.** The greedy response under the condition c(w).

Rewards are the pack's normalised objective vectors (in [0, 1]); compute (data, training) is
reported per phase. The paper's optional online stage (multi-objective rejection sampling) is
not run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch

from mobench.baselines.offline_common import (
    OfflineMethod,
    PhaseTimer,
    build_policy,
    preference_weights,
    trainable_items,
)
from mobench.errors import MethodError
from mobench.methods import TrainContext, TrainReport
from mobench.packs import Item
from mobench.policy import PolicyParams, Sample


def preference_to_targets(w: Sequence[float], r_min: np.ndarray, r_max: np.ndarray) -> np.ndarray:
    """c_i = r_max,i if w_i ≥ 1/M else r_min,i + M·w_i·(r_max,i − r_min,i) (w normalised)."""
    lo, hi = np.asarray(r_min, float), np.asarray(r_max, float)
    m = len(lo)
    weights = preference_weights(w, m, "RiC")
    scaled = lo + np.minimum(1.0, m * weights) * (hi - lo)
    return np.where(weights >= 1.0 / m - 1e-12, hi, scaled)


def conditional_nll(logp: torch.Tensor) -> torch.Tensor:
    """−mean log π(y | x, r(y)) over the conditioned training responses."""
    return -logp.mean()


@dataclass(frozen=True)
class RiCParams(PolicyParams):
    """Conditional SFT (Adam; ``batch_size`` responses drawn without replacement per step, all
    of them when there are fewer)."""

    steps: int = 80
    lr: float = 0.05
    batch_size: int = 128

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.steps < 1 or self.batch_size < 1 or not self.lr > 0:
            raise MethodError("RiC: steps and batch_size must be >= 1 and lr > 0")


class RiC(OfflineMethod):
    """RiC (module docstring): rewards written into the context, preference → target rewards."""

    name: ClassVar[str] = "ric"
    summary: ClassVar[str] = (
        "Rewards-in-Context: SFT conditioned on each response's rewards; the preference picks "
        "the target rewards at inference"
    )
    Params: ClassVar[type[RiCParams]] = RiCParams

    def __init__(self, params: RiCParams | None = None) -> None:
        super().__init__(params)
        self.r_min: np.ndarray | None = None
        self.r_max: np.ndarray | None = None

    def _train(self, ctx: TrainContext) -> TrainReport:
        p = self.params
        timer = PhaseTimer()
        m = len(ctx.pack.objectives)
        with timer.phase("data"):
            items = trainable_items(ctx, self.name, minimum=1)
            owners: list[Item] = []
            samples: list[Sample] = []
            rows: list[np.ndarray] = []
            for item in items:
                for cand, vec in zip(
                    ctx.pool.candidates[item.id], ctx.pool.objectives[item.id], strict=True
                ):
                    owners.append(item)
                    samples.append(Sample(item.id, cand.completion, cand.candidate_id))
                    rows.append(np.asarray(vec, float))
            conditions = np.asarray(rows, dtype=np.float32)
        self.r_min, self.r_max = conditions.min(axis=0), conditions.max(axis=0)
        loss_value = math.nan
        with timer.phase("train"):
            policy = build_policy(ctx, p.policy_spec(condition_dim=m))
            optimiser = torch.optim.Adam(policy.parameters(), lr=p.lr)
            order = np.random.default_rng(ctx.seed)
            for _ in range(p.steps):
                batch = (
                    order.choice(len(samples), p.batch_size, replace=False)
                    if len(samples) > p.batch_size
                    else np.arange(len(samples))
                )
                loss = conditional_nll(
                    policy.logprob(
                        [owners[i] for i in batch], [samples[i] for i in batch], conditions[batch]
                    )
                )
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                loss_value = loss.item()
                if not math.isfinite(loss_value):
                    raise MethodError(f"RiC: the loss became {loss_value}")
        self.policy = policy
        target = self.conditions(ctx.scalarisation)
        return TrainReport(
            {
                "training_responses": len(samples),
                "train_loss": loss_value,
                "target_rewards": [round(float(v), 6) for v in target],
                **timer.report(),
            }
        )

    def conditions(self, preference: Sequence[float]) -> np.ndarray:
        """The target rewards the preference selects (:func:`preference_to_targets`)."""
        if self.r_min is None or self.r_max is None:
            raise MethodError("RiC: respond() called before train()")
        return preference_to_targets(preference, self.r_min, self.r_max).astype(np.float32)
