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

from mobench.methods import RespondContext, Selector

_SEED_MASK = (1 << 64) - 1


def item_rng(seed: int, item_id: str) -> np.random.Generator:
    """The generator that draws the pick for ``item_id`` under run seed ``seed``."""
    entropy = [seed & _SEED_MASK, zlib.crc32(item_id.encode("utf-8"))]
    return np.random.default_rng(np.random.SeedSequence(entropy))


class RandomSelect(Selector):
    """Uniform pick among the k candidates of each item (LRF paper, random baseline)."""

    name: ClassVar[str] = "random"
    summary: ClassVar[str] = "uniform random pick among each item's k candidates (seeded)"

    @dataclass(frozen=True)
    class Params:
        """Random selection has no hyper-parameters."""

    def candidate_scores(self, ctx: RespondContext) -> dict[str, np.ndarray]:
        """One-hot on the seeded uniform draw for each item."""
        scores = {}
        for item in ctx.items:
            k = len(ctx.candidates[item.id])
            scores[item.id] = np.eye(k)[int(item_rng(ctx.seed, item.id).integers(k))]
        return scores
