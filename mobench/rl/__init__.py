"""The RL core online methods share: rollouts, advantages, KL, losses and the train loop."""

from mobench.rl.advantages import (
    ESTIMATORS,
    ReinforceBaseline,
    grpo_advantages,
    make_estimator,
    rloo_advantages,
)
from mobench.rl.losses import kl_k3, pg_loss
from mobench.rl.online import (
    Batch,
    FitResult,
    OnlineMethod,
    OnlineParams,
    OnlineState,
    ValPoint,
    normalised_weights,
    steps_to_final_front,
)
from mobench.rl.rollout import RewardFn, Rollout, collect, context_rewards, pool_rewards

__all__ = [
    "ESTIMATORS",
    "Batch",
    "FitResult",
    "OnlineMethod",
    "OnlineParams",
    "OnlineState",
    "ReinforceBaseline",
    "RewardFn",
    "Rollout",
    "ValPoint",
    "collect",
    "context_rewards",
    "grpo_advantages",
    "kl_k3",
    "make_estimator",
    "normalised_weights",
    "pg_loss",
    "pool_rewards",
    "rloo_advantages",
    "steps_to_final_front",
]
