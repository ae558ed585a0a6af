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
from mobench.methods import RespondContext, Response, TrainContext, TrainReport
from mobench.packs import Pack


class Oracle:
    """Upper bound: argmax over candidates of the true λ·R (privileged)."""

    name: ClassVar[str] = "oracle"
    kind: ClassVar[str] = "selector"
    version: ClassVar[str] = "1"
    summary: ClassVar[str] = "upper bound: picks the candidate with the best measured λ·R"
    privileged: ClassVar[bool] = True

    @dataclass(frozen=True)
    class Params:
        """The oracle has no hyper-parameters."""

    def __init__(self, params: Oracle.Params | None = None) -> None:
        self.params = params if params is not None else self.Params()

    def supports(self, pack: Pack) -> bool:
        return bool(pack.candidates)

    def train(self, ctx: TrainContext) -> TrainReport:
        """Nothing to learn: the oracle reads the test objectives at respond time."""
        return TrainReport({})

    def respond(self, ctx: RespondContext) -> list[Response]:
        if ctx.revealed is None:
            raise MethodError(
                "oracle: the test objectives were not revealed (the oracle is a privileged "
                "method; the runner must pass RespondContext.revealed)"
            )
        weights = np.asarray(ctx.preference, dtype=float)
        responses = []
        for item in ctx.items:
            candidates = ctx.candidates.get(item.id, ())
            if not candidates:
                raise MethodError(f"oracle: item {item.id!r} has no candidates to choose from")
            if item.id not in ctx.revealed:
                raise MethodError(f"oracle: no revealed objectives for item {item.id!r}")
            objectives = np.asarray(ctx.revealed[item.id], dtype=float)
            if objectives.shape != (len(candidates), weights.size):
                raise MethodError(
                    f"oracle: item {item.id!r} has {len(candidates)} candidates and a "
                    f"{weights.size}-objective preference, but revealed objectives of shape "
                    f"{objectives.shape}"
                )
            pick = int(np.argmax(objectives @ weights))
            chosen = candidates[pick]
            responses.append(Response(item.id, chosen.completion, chosen.candidate_id))
        return responses
