"""Answering test items with a trained policy: the one greedy response per item every
policy-backed method (online or offline) returns from ``respond``."""

from __future__ import annotations

import numpy as np

from mobench.errors import MethodError
from mobench.methods import RespondContext, Response
from mobench.policy.base import Policy


def greedy_responses(
    who: str, policy: Policy | None, ctx: RespondContext, conditions: np.ndarray | None = None
) -> list[Response]:
    """One greedy response per test item; a pool policy answers with its argmax candidate.

    ``conditions`` is one row per item, or one vector shared by every item (RiC's targets).
    A pool policy offered no candidates for an item cannot answer it: a clear MethodError, never
    an answer picked from candidates the context did not offer.
    """
    if policy is None:
        raise MethodError(f"{who}: respond() called before train()")
    if not ctx.items:
        return []
    if policy.spec.kind == "pool":
        for item in ctx.items:
            if not ctx.candidates.get(item.id):
                raise MethodError(f"{who}: item {item.id!r} has no candidates to choose from")
    if conditions is not None and np.ndim(conditions) == 1:
        conditions = np.repeat(np.asarray(conditions)[None], len(ctx.items), axis=0)
    picks = policy.greedy(list(ctx.items), conditions)
    return [Response(s.item_id, s.text, s.candidate_id) for s in picks]
