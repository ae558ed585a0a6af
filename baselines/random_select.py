"""Random selection: the LRF paper's lower-bound baseline.

For each test item it picks one of the item's k candidates uniformly at random. The draw for an
item depends only on the run seed and the item id (a NumPy generator seeded with
``SeedSequence([seed, crc32(item_id)])``), so a pick does not change when other items are added,
removed or reordered, and the same seed always gives the same picks.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from mobench.errors import MethodError
from mobench.methods import RespondContext, Response, TrainContext, TrainReport
from mobench.packs import Pack

_SEED_MASK = (1 << 64) - 1


def item_rng(seed: int, item_id: str) -> np.random.Generator:
    """The generator that draws the pick for ``item_id`` under run seed ``seed``."""
    entropy = [seed & _SEED_MASK, zlib.crc32(item_id.encode("utf-8"))]
    return np.random.default_rng(np.random.SeedSequence(entropy))


class RandomSelect:
    """Uniform pick among the k candidates of each item (LRF paper, random baseline)."""

    name: ClassVar[str] = "random"
    kind: ClassVar[str] = "selector"
    version: ClassVar[str] = "1"
    summary: ClassVar[str] = "uniform random pick among each item's k candidates (seeded)"
    privileged: ClassVar[bool] = False

    @dataclass(frozen=True)
    class Params:
        """Random selection has no hyper-parameters."""

    def __init__(self, params: RandomSelect.Params | None = None) -> None:
        self.params = params if params is not None else self.Params()

    def supports(self, pack: Pack) -> bool:
        return bool(pack.candidates)

    def train(self, ctx: TrainContext) -> TrainReport:
        """Nothing to learn."""
        return TrainReport({})

    def respond(self, ctx: RespondContext) -> list[Response]:
        responses = []
        for item in ctx.items:
            candidates = ctx.candidates.get(item.id, ())
            if not candidates:
                raise MethodError(f"random: item {item.id!r} has no candidates to choose from")
            pick = int(item_rng(ctx.seed, item.id).integers(len(candidates)))
            chosen = candidates[pick]
            responses.append(Response(item.id, chosen.completion, chosen.candidate_id))
        return responses
