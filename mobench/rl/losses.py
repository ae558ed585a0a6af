"""KL to the reference policy and the policy-gradient loss.

KL estimator: k3 of Schulman, "Approximating KL Divergence" (2020), the one GRPO uses
(Shao et al. 2024, DeepSeekMath, eq. 4). For y ~ π_θ and the log-ratio
Δ = log π_ref(y) − log π_θ(y) (summed sequence log-probs),

    k3(y) = exp(Δ) − Δ − 1,

an unbiased, always non-negative estimate of KL(π_θ ‖ π_ref). It is added to the loss (not to the
reward) with a coefficient β, so its gradient flows through log π_θ.

Policy-gradient loss (per sample i, averaged over the batch):

* plain (``clip`` None): L = −mean(Â_i · log π_θ(y_i)) — the REINFORCE / policy-gradient
  surrogate (Williams 1992), whose gradient is −mean(Â_i ∇ log π_θ(y_i));
* clipped (``clip`` = ε): L = −mean(min(ρ_i Â_i, clip(ρ_i, 1 − ε, 1 + ε) Â_i)) with
  ρ_i = exp(log π_θ(y_i) − log π_old(y_i)) — PPO's clipped surrogate (Schulman et al. 2017,
  eq. 7), at the sequence level;

plus β · mean(k3_i).
"""

from __future__ import annotations

import torch

from mobench.errors import MethodError


def kl_k3(logprobs: torch.Tensor, ref_logprobs: torch.Tensor) -> torch.Tensor:
    """Per-sample k3 estimate of KL(π_θ ‖ π_ref): exp(Δ) − Δ − 1, Δ = ref − logprob."""
    if logprobs.shape != ref_logprobs.shape:
        raise MethodError(f"kl: shapes {tuple(logprobs.shape)} and {tuple(ref_logprobs.shape)}")
    delta = ref_logprobs.detach() - logprobs
    return torch.exp(delta) - delta - 1.0


def pg_loss(
    logprobs: torch.Tensor,
    advantages: torch.Tensor,
    *,
    old_logprobs: torch.Tensor | None = None,
    clip: float | None = None,
    kl: torch.Tensor | None = None,
    kl_coef: float = 0.0,
) -> torch.Tensor:
    """The scalar loss to minimise (module docstring); advantages are treated as constants."""
    if logprobs.shape != advantages.shape:
        raise MethodError(
            f"pg_loss: log-probs {tuple(logprobs.shape)} vs advantages {tuple(advantages.shape)}"
        )
    adv = advantages.detach().to(logprobs.dtype)
    if not torch.all(torch.isfinite(adv)):
        raise MethodError("pg_loss: advantages contain NaN or inf")
    if clip is None:
        surrogate = adv * logprobs
    else:
        if old_logprobs is None or not clip > 0:
            raise MethodError("pg_loss: clipping needs old_logprobs and clip > 0")
        ratio = torch.exp(logprobs - old_logprobs.detach())
        surrogate = torch.minimum(ratio * adv, torch.clamp(ratio, 1.0 - clip, 1.0 + clip) * adv)
    loss = -surrogate.mean()
    if kl is not None and kl_coef:
        loss = loss + kl_coef * kl.mean()
    return loss
