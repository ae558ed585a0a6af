"""Multi-objective metrics on maximisation problems with objectives normalised to [0, 1]."""

from __future__ import annotations

from collections.abc import Sequence

import moocore
import numpy as np
from numpy.typing import ArrayLike


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Pareto dominance for maximisation: ``a`` is no worse everywhere and better somewhere."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(a >= b) and np.any(a > b))


def is_tradeoff(a: np.ndarray, b: np.ndarray) -> bool:
    """Neither point weakly dominates the other: each is strictly better on some objective."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.any(a > b) and np.any(a < b))


# ---------------------------------------------------------------------------------------------
# Point sets. Every function below takes an (n, m) array of objective vectors (rows are points,
# larger is better on every column); an empty set may be given as ``[]``.

_Ref = float | Sequence[float] | np.ndarray | None
_PAIR_BLOCK = 512  # rows compared at once in tradeoff_fraction (bounds memory for big groups)


def as_points(points: ArrayLike) -> np.ndarray:
    """``points`` as a finite float array of shape (n, m); ``[]`` is the empty set (0, 0)."""
    arr = np.asarray(points, dtype=float)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, 0)
    if arr.ndim != 2:
        raise ValueError(f"points must be an (n, m) array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("points contain NaN or infinite values")
    return arr


def _as_ref(ref: _Ref, m: int) -> np.ndarray:
    """The reference point as m coordinates (a scalar applies to every objective)."""
    r = np.zeros(m) if ref is None else np.asarray(ref, dtype=float)
    if r.ndim == 0:
        r = np.full(m, float(r))
    if r.shape != (m,):
        raise ValueError(f"reference point must have {m} coordinates, got shape {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ValueError("reference point contains NaN or infinite values")
    return r


def non_dominated(points: ArrayLike) -> np.ndarray:
    """Boolean mask of the points no other point dominates (see :func:`dominates`).

    Duplicates of a non-dominated point are all non-dominated (none dominates its copy).
    """
    pts = as_points(points)
    if len(pts) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(moocore.is_nondominated(pts, maximise=True, keep_weakly=True), dtype=bool)


def pareto_ranks(points: ArrayLike) -> np.ndarray:
    """Non-dominated sorting rank of each point: 0 for the Pareto front, 1 for the next, ..."""
    pts = as_points(points)
    if len(pts) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(moocore.pareto_rank(pts, maximise=True), dtype=np.int64)


def pareto_layers(points: ArrayLike) -> list[np.ndarray]:
    """Non-dominated sorting: indices of the points in each Pareto layer, best layer first.

    Layer 0 is :func:`non_dominated`; layer k is the front of what remains after removing
    layers 0..k-1. Duplicates share a layer. Indices within a layer are ascending.
    """
    ranks = pareto_ranks(points)
    if ranks.size == 0:
        return []
    order = np.argsort(ranks, kind="stable")
    bounds = np.flatnonzero(np.diff(ranks[order])) + 1
    return [np.asarray(layer, dtype=np.int64) for layer in np.split(order, bounds)]


def _above_ref(pts: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Mask of the points that strictly dominate the reference point (positive volume)."""
    return np.all(pts > ref, axis=1)


def hypervolume(points: ArrayLike, ref: _Ref = None) -> float:
    """Hypervolume (maximisation) of the region the points dominate above ``ref`` (default 0).

    Points that do not strictly dominate the reference point add nothing and are ignored;
    the empty set has hypervolume 0.
    """
    pts = as_points(points)
    if len(pts) == 0:
        return 0.0
    r = _as_ref(ref, pts.shape[1])
    kept = pts[_above_ref(pts, r)]
    if len(kept) == 0:
        return 0.0
    return float(moocore.hypervolume(kept, ref=r, maximise=True))


def hv_contributions(
    points: ArrayLike, ref: _Ref = None, *, ignore_dominated: bool = False
) -> np.ndarray:
    """Exclusive hypervolume contribution of each point: ``HV(X) - HV(X without the point)``.

    Dominated points, duplicates and points not above ``ref`` contribute 0. By default the
    definition is exact: a dominated point still shields part of its dominator's contribution.
    ``ignore_dominated=True`` drops dominated points first (moocore's faster default).
    """
    pts = as_points(points)
    out = np.zeros(len(pts))
    if len(pts) == 0:
        return out
    r = _as_ref(ref, pts.shape[1])
    mask = _above_ref(pts, r)
    if not np.any(mask):
        return out
    kept = pts[mask]
    # Without dominated points both definitions agree, and moocore's fast path applies.
    fast = ignore_dominated or bool(np.all(non_dominated(kept)))
    out[mask] = moocore.hv_contributions(kept, ref=r, maximise=True, ignore_dominated=fast)
    return out


def tradeoff_fraction(groups: Sequence[ArrayLike]) -> float:
    """Fraction of within-group pairs of points that are trade-offs (see :func:`is_tradeoff`).

    Each group is an (n_g, m) array (e.g. the scored candidates of one prompt); pairs are
    unordered and never cross groups. Returns 0.0 when no group has two points.
    """
    pairs = 0
    tradeoffs = 0
    for group in groups:
        pts = as_points(group)
        n = len(pts)
        if n < 2:
            continue
        pairs += n * (n - 1) // 2
        for start in range(0, n, _PAIR_BLOCK):
            block = pts[start : start + _PAIR_BLOCK, None, :]
            # Rows i of the block against every j: a trade-off is better somewhere and worse
            # somewhere. Count each unordered pair once (j > i).
            trade = np.any(block > pts[None], axis=2) & np.any(block < pts[None], axis=2)
            rows = np.arange(start, start + len(block))[:, None]
            tradeoffs += int(np.count_nonzero(trade & (np.arange(n)[None, :] > rows)))
    return tradeoffs / pairs if pairs else 0.0


def objective_means(points: ArrayLike) -> np.ndarray:
    """Mean of each objective over the points (NaN for each objective of an empty set)."""
    pts = as_points(points)
    if len(pts) == 0:
        return np.full(pts.shape[1], np.nan)
    return pts.mean(axis=0)
