"""Policies methods train: ``pool`` (softmax over candidates) and ``hf`` (a causal LM)."""

from __future__ import annotations

from collections.abc import Sequence

from mobench.packs import Item, Pack
from mobench.policy.base import (
    POLICY_KINDS,
    POOL_ARCHS,
    Policy,
    PolicyParams,
    PolicySpec,
    Sample,
)

__all__ = [
    "POLICY_KINDS",
    "POOL_ARCHS",
    "Policy",
    "PolicyParams",
    "PolicySpec",
    "Sample",
    "make_policy",
]


def make_policy(
    spec: PolicySpec, pack: Pack, items: Sequence[Item] | None = None, seed: int = 0
) -> Policy:
    """Build the policy ``spec`` describes for ``pack``, its parameters initialised from ``seed``.

    ``items`` is accepted for symmetry with callers that know their items; the pool policy
    covers every item of the pack that has candidates (test items included, so a trained policy
    can answer them), and the hf policy any item.
    """
    del items  # both backends cover any item of the pack
    if spec.kind == "pool":
        from mobench.policy.pool import PoolPolicy

        return PoolPolicy(spec, pack, seed)
    from mobench.policy.hf import HFPolicy

    return HFPolicy(spec, pack, seed)
