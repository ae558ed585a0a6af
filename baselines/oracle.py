"""Oracle selection: the upper bound for selectors.

For each test item it picks the candidate with the best *measured* scalarised score
S = λ·R, where R is the candidate's normalised objective vector and λ the evaluated preference
(``RespondContext.preference``). The test objectives are revealed to privileged methods only
(``RespondContext.revealed``); the oracle does not train. Ties go to the first candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from mobench.errors import MethodError
from mobench.methods import RespondContext, Selector


class Oracle(Selector):
    """Upper bound: argmax over candidates of the true λ·R (privileged)."""

    name: ClassVar[str] = "oracle"
    summary: ClassVar[str] = "upper bound: picks the candidate with the best measured λ·R"
    privileged: ClassVar[bool] = True

    @dataclass(frozen=True)
    class Params:
        """The oracle has no hyper-parameters."""

    def candidate_scores(self, ctx: RespondContext) -> dict[str, np.ndarray]:
        """S = λ·R from the revealed test objectives."""
        if ctx.revealed is None:
            raise MethodError(
                "oracle: the test objectives were not revealed (the oracle is a privileged "
                "method; the runner must pass RespondContext.revealed)"
            )
        weights = np.asarray(ctx.preference, dtype=float)
        scores = {}
        for item in ctx.items:
            if item.id not in ctx.revealed:
                raise MethodError(f"oracle: no revealed objectives for item {item.id!r}")
            objectives = np.asarray(ctx.revealed[item.id], dtype=float)
            n = len(ctx.candidates[item.id])
            if objectives.shape != (n, weights.size):
                raise MethodError(
                    f"oracle: item {item.id!r} has {n} candidates and a "
                    f"{weights.size}-objective preference, but revealed objectives of shape "
                    f"{objectives.shape}"
                )
            scores[item.id] = objectives @ weights
        return scores
