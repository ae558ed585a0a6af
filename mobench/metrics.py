"""Multi-objective metrics on maximisation problems with objectives normalised to [0, 1]."""

from __future__ import annotations

import numpy as np


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Pareto dominance for maximisation: ``a`` is no worse everywhere and better somewhere."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(a >= b) and np.any(a > b))


def is_tradeoff(a: np.ndarray, b: np.ndarray) -> bool:
    """Neither point weakly dominates the other: each is strictly better on some objective."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.any(a > b) and np.any(a < b))
