"""Pareto layers, hypervolume, contributions, trade-off fraction: by hand and by brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mobench import metrics
from mobench.metrics import (
    dominates,
    hv_contributions,
    hypervolume,
    is_tradeoff,
    non_dominated,
    objective_means,
    pareto_layers,
    tradeoff_fraction,
)

# ---------------------------------------------------------------------------------------------
# Independent references


def brute_hv(points: np.ndarray, ref: np.ndarray) -> float:
    """Inclusion–exclusion over all non-empty subsets: sum of (-1)^(|S|+1) vol(meet of S)."""
    total = 0.0
    for k in range(1, len(points) + 1):
        for subset in itertools.combinations(range(len(points)), k):
            corner = points[list(subset)].min(axis=0)
            total += (-1) ** (k + 1) * float(np.prod(np.clip(corner - ref, 0.0, None)))
    return total


def brute_layers(points: np.ndarray) -> list[list[int]]:
    left = list(range(len(points)))
    layers = []
    while left:
        front = [i for i in left if not any(dominates(points[j], points[i]) for j in left)]
        layers.append(front)
        left = [i for i in left if i not in front]
    return layers


# ---------------------------------------------------------------------------------------------
# Hypervolume by hand


def test_hv_2d_by_hand() -> None:
    # (1,0) and (0,1) have zero-width boxes above ref 0: only (0.5,0.5)'s 0.25 square counts.
    assert hypervolume([[1, 0], [0, 1], [0.5, 0.5]]) == pytest.approx(0.25)
    # Two 1 x 0.5 rectangles overlapping in a 0.5 x 0.5 square: 0.5 + 0.5 - 0.25.
    assert hypervolume([[1, 0.5], [0.5, 1], [0.5, 0.5]]) == pytest.approx(0.75)
    # Staircase (3,1), (2,2), (1,3): 3*1 + 2*(2-1) + 1*(3-2).
    assert hypervolume([[3, 1], [2, 2], [1, 3]], ref=[0, 0]) == pytest.approx(6.0)


def test_hv_3d_by_hand() -> None:
    # A=(2,1,1), B=(1,2,1), C=(1,1,2): each box has volume 2, every pairwise and the triple
    # intersection is the unit cube, so HV = 3*2 - 3*1 + 1 = 4.
    pts = np.array([[2, 1, 1], [1, 2, 1], [1, 1, 2]], dtype=float)
    assert hypervolume(pts) == pytest.approx(4.0)
    # Adding the dominated unit corner (1,1,1) changes nothing.
    assert hypervolume(np.vstack([pts, [1, 1, 1]])) == pytest.approx(4.0)
    # With ref (0.5, 0.5, 0.5) the boxes are 1.5*0.5*0.5 each, overlaps 0.5^3:
    # 3*0.375 - 3*0.125 + 0.125 = 0.875.
    assert hypervolume(pts, ref=0.5) == pytest.approx(0.875)


def test_hv_reference_point_and_degenerate_sets() -> None:
    assert hypervolume([]) == 0.0
    assert hypervolume(np.zeros((0, 3))) == 0.0
    assert hypervolume([[0.5, 0.4, 0.2]]) == pytest.approx(0.04)
    # Duplicates count once.
    assert hypervolume([[0.5, 0.5], [0.5, 0.5]]) == pytest.approx(0.25)
    # Points on or below the reference point in any objective are ignored.
    ref = [0.5, 0.5]
    assert hypervolume([[1.0, 0.4], [0.8, 0.8], [0.5, 2.0]], ref) == pytest.approx(0.09)
    assert hypervolume([[0.1, 0.9], [0.2, 0.2]], ref) == 0.0
    assert hypervolume([[-1.0, 2.0]]) == 0.0


def test_hv_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="NaN"):
        hypervolume([[np.nan, 1.0]])
    with pytest.raises(ValueError, match="coordinates"):
        hypervolume([[1.0, 1.0]], ref=[0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"\(n, m\)"):
        hypervolume([1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# Contributions by hand


def test_contributions_by_hand() -> None:
    # Staircase: each step owns one unit square.
    np.testing.assert_allclose(hv_contributions([[3, 1], [2, 2], [1, 3]]), [1, 1, 1])
    # 3-D: A's exclusive part is the slab [1,2] x [0,1] x [0,1] (HV 4 minus HV({B,C}) = 3).
    pts = [[2, 1, 1], [1, 2, 1], [1, 1, 2], [1, 1, 1]]
    np.testing.assert_allclose(hv_contributions(pts), [1, 1, 1, 0])


def test_contributions_exact_vs_ignore_dominated() -> None:
    # P=(4,4) dominates Q=(3,1) alone; R=(1,5). HV(X) = 16 + 1 = 17.
    # Exact: HV(X without P) = HV({Q, R}) = 3 + 5 - 1 = 7, so P contributes 10.
    # Ignoring Q: HV({R}) = 5, so P contributes 12. R owns the strip [0,1] x [4,5] = 1.
    pts = [[4, 4], [3, 1], [1, 5]]
    np.testing.assert_allclose(hv_contributions(pts), [10, 0, 1])
    np.testing.assert_allclose(hv_contributions(pts, ignore_dominated=True), [12, 0, 1])


def test_contributions_degenerate() -> None:
    assert hv_contributions([]).shape == (0,)
    np.testing.assert_allclose(hv_contributions([[0.5, 0.4]]), [0.2])
    # Duplicates: removing one copy leaves the same hypervolume.
    np.testing.assert_allclose(hv_contributions([[0.5, 0.5], [0.5, 0.5], [1, 0.2]]), [0, 0, 0.1])
    # Below the reference: zero, and it does not shield anything.
    np.testing.assert_allclose(
        hv_contributions([[1.0, 0.4], [0.8, 0.8]], ref=[0.5, 0.5]), [0.0, 0.09]
    )
    np.testing.assert_allclose(hv_contributions([[0.1, 0.1]], ref=0.5), [0.0])


# ---------------------------------------------------------------------------------------------
# Random sets against brute force


@pytest.mark.parametrize("m", [2, 3, 4])
@pytest.mark.parametrize("seed", range(4))
def test_hv_matches_inclusion_exclusion(m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-0.2, 1.0, size=(9, m))  # some points fall below the reference
    ref = np.full(m, 0.05)
    assert hypervolume(pts, ref) == pytest.approx(brute_hv(pts, ref), rel=1e-12, abs=1e-14)
    loo = [brute_hv(np.delete(pts, i, axis=0), ref) for i in range(len(pts))]
    expected = brute_hv(pts, ref) - np.array(loo)
    np.testing.assert_allclose(hv_contributions(pts, ref), expected, atol=1e-12)


def test_hv_matches_monte_carlo_3d() -> None:
    rng = np.random.default_rng(7)
    pts = rng.dirichlet([1.0, 1.0, 1.0], size=40) ** 0.5  # a curved front in [0,1]^3
    samples = rng.uniform(size=(400_000, 3))
    covered = np.zeros(len(samples), dtype=bool)
    for p in pts:
        covered |= np.all(samples <= p, axis=1)
    estimate = covered.mean()
    sigma = np.sqrt(estimate * (1 - estimate) / len(samples))
    assert abs(hypervolume(pts) - estimate) < 5 * sigma


def test_hv_with_integer_ties_matches_brute_force() -> None:
    rng = np.random.default_rng(11)
    pts = rng.integers(0, 4, size=(10, 3)).astype(float)  # duplicates and ties on purpose
    assert hypervolume(pts) == pytest.approx(brute_hv(pts, np.zeros(3)))


# ---------------------------------------------------------------------------------------------
# Non-dominated sorting


def test_layers_by_hand() -> None:
    pts = [[1, 0], [0, 1], [0.5, 0.5], [0.4, 0.4], [0.4, 0.4], [0, 0]]
    layers = pareto_layers(pts)
    assert [layer.tolist() for layer in layers] == [[0, 1, 2], [3, 4], [5]]
    np.testing.assert_array_equal(non_dominated(pts), [True, True, True, False, False, False])


def test_layers_3d_by_hand() -> None:
    pts = [[1, 1, 1], [2, 0, 0], [0, 0, 2], [0.5, 0.5, 0.5], [0, 0, 0], [1, 1, 1]]
    assert [layer.tolist() for layer in pareto_layers(pts)] == [[0, 1, 2, 5], [3], [4]]


def test_layers_degenerate() -> None:
    assert pareto_layers([]) == []
    assert non_dominated([]).shape == (0,)
    assert [layer.tolist() for layer in pareto_layers([[0.3, 0.7]])] == [[0]]
    # One objective: a plain descending sort with ties.
    assert [layer.tolist() for layer in pareto_layers([[1.0], [3.0], [1.0], [2.0]])] == [
        [1],
        [3],
        [0, 2],
    ]


@pytest.mark.parametrize("m", [2, 3, 4])
@pytest.mark.parametrize("seed", range(3))
def test_layers_match_brute_force(m: int, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    pts = rng.integers(0, 5, size=(40, m)).astype(float)
    expected = brute_layers(pts)
    assert [layer.tolist() for layer in pareto_layers(pts)] == expected
    mask = np.zeros(len(pts), dtype=bool)
    mask[expected[0]] = True
    np.testing.assert_array_equal(non_dominated(pts), mask)


# ---------------------------------------------------------------------------------------------
# Trade-off fraction and means


def test_tradeoff_fraction_by_hand() -> None:
    groups = [
        np.array([[1, 0], [0, 1], [1, 1]]),  # 3 pairs, one trade-off: (1,0) vs (0,1)
        np.array([[0.5, 0.5], [0.5, 0.5]]),  # duplicates: no trade-off
        np.array([[0.2, 0.9]]),  # no pairs
    ]
    assert tradeoff_fraction(groups) == pytest.approx(1 / 4)
    assert tradeoff_fraction([]) == 0.0
    assert tradeoff_fraction([np.array([[1.0, 2.0]])]) == 0.0


def test_tradeoff_fraction_matches_pairwise_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_PAIR_BLOCK", 3)  # exercise the blocked comparison
    rng = np.random.default_rng(5)
    groups = [rng.integers(0, 3, size=(n, 3)).astype(float) for n in (1, 2, 7, 20)]
    pairs = [
        is_tradeoff(g[i], g[j]) for g in groups for i, j in itertools.combinations(range(len(g)), 2)
    ]
    assert tradeoff_fraction(groups) == pytest.approx(sum(pairs) / len(pairs))


def test_objective_means() -> None:
    np.testing.assert_allclose(objective_means([[1, 0, 0.5], [0, 1, 0.5]]), [0.5, 0.5, 0.5])
    assert np.all(np.isnan(objective_means(np.zeros((0, 2)))))
    assert objective_means(np.zeros((0, 2))).shape == (2,)
