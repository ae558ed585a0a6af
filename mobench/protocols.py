"""Evaluation protocols: how a pack's items are split into train / val / test for a seed.

- ``pack``: the splits the pack's manifest declares (same for every seed).
- ``split``: a fresh 70 / 15 / 15 split by item for each seed (the LRF paper's protocol).
- ``kfold``: k folds over items, every item tested exactly once; the fold after the test fold
  is the validation fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mobench.errors import MobenchError
from mobench.packs import Item, Pack

PROTOCOLS = ("kfold", "split", "pack")


@dataclass(frozen=True)
class Fold:
    train: tuple[Item, ...]
    val: tuple[Item, ...]
    test: tuple[Item, ...]


def _shuffled(items: Sequence[Item], seed: int) -> list[Item]:
    order = np.random.default_rng(seed).permutation(len(items))
    return [items[i] for i in order]


def make_folds(pack: Pack, protocol: str, seed: int, k: int = 6) -> list[Fold]:
    """The folds a (protocol, seed) evaluates; their test parts never overlap."""
    items = sorted(pack.items, key=lambda i: i.id)
    if protocol == "pack":
        return [Fold(pack.split("train"), pack.split("val"), pack.split("test"))]
    if protocol == "split":
        shuffled = _shuffled(items, seed)
        n_test = max(1, round(0.15 * len(items)))
        n_val = max(1, round(0.15 * len(items)))
        test, val = shuffled[:n_test], shuffled[n_test : n_test + n_val]
        return [Fold(tuple(shuffled[n_test + n_val :]), tuple(val), tuple(test))]
    if protocol == "kfold":
        if not 3 <= k <= len(items):
            raise MobenchError(f"kfold needs 3 <= k <= {len(items)} items, got k={k}")
        parts = np.array_split(np.arange(len(items)), k)
        shuffled = _shuffled(items, seed)
        folds = []
        for f in range(k):
            test = [shuffled[i] for i in parts[f]]
            val = [shuffled[i] for i in parts[(f + 1) % k]]
            held = set(parts[f]) | set(parts[(f + 1) % k])
            train = [shuffled[i] for i in range(len(items)) if i not in held]
            folds.append(Fold(tuple(train), tuple(val), tuple(test)))
        return folds
    raise MobenchError(f"unknown protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
