"""Bandit scorers: ``bandit.value@1`` reads an arm's objective value stored with the item.

A bandit pack's item carries ``meta["arms"]``: a mapping from an arm's text (the candidate's
completion) to its objective vector. The scorer returns component ``index`` of that vector for
the response's text (surrounding whitespace ignored); a text that names no arm scores
``missing`` (default 0.0, the bottom of the usual [0, 1] bounds). Pure and deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mobench.errors import PackFormatError
from mobench.objectives.base import Scorer, ScoreRequest, ScoringEnv, register_scorer, scorer_params


class BanditValueAt1:
    """Component ``index`` of the arm vector stored in ``item.meta["arms"][text]``."""

    id = "bandit.value"
    version = 1

    def __init__(self, index: int, missing: float = 0.0) -> None:
        self.index = index
        self.missing = missing

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        out = np.empty(len(batch))
        for k, req in enumerate(batch):
            arms = req.item.meta.get("arms")
            if not isinstance(arms, Mapping):
                raise PackFormatError(f"bandit.value@1: item {req.item.id!r} has no 'arms' table")
            vector = arms.get(req.completion.strip())
            if vector is None:
                out[k] = self.missing
                continue
            if not isinstance(vector, Sequence) or not 0 <= self.index < len(vector):
                raise PackFormatError(
                    f"bandit.value@1: arm {req.completion.strip()!r} of item {req.item.id!r} "
                    f"has no component {self.index}"
                )
            out[k] = float(vector[self.index])
        return out


@register_scorer("bandit.value", 1)
def _make_value(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    p = scorer_params("bandit.value@1", params, {"index": (int, 0), "missing": (float, 0.0)})
    if p["index"] < 0:
        raise PackFormatError("objective params for bandit.value@1: index must be >= 0")
    return BanditValueAt1(p["index"], p["missing"])
