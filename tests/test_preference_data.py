"""Per-objective pairwise preference data, checked on cases labelled by hand."""

from __future__ import annotations

import numpy as np
import pytest

from mobench.errors import MethodError
from mobench.packs import Candidate, Item, ObjectiveSpec, Pack, PreferencePair
from mobench.preference_data import (
    LabelledPair,
    build_preference_data,
    compare,
    pairs_from_pack,
    pairs_from_vectors,
    preference_matrix,
    win_rates,
)


def _pack(pairs: tuple[PreferencePair, ...]) -> Pack:
    items = (Item("x", "prompt x", "train"), Item("y", "prompt y", "train"))
    cands = tuple(Candidate(i, f"{i}{k}", f"text {i}{k}") for i in "xy" for k in range(3))
    objectives = (ObjectiveSpec("helpful", "hh.helpful@1"), ObjectiveSpec("harmless", "hh.h@1"))
    return Pack(
        "p",
        "1",
        "dialogue",
        "",
        objectives,
        ((0.5, 0.5),),
        (0.0, 0.0),
        items,
        cands,
        "0" * 64,
        pairs=pairs,
    )


def test_compare_ties_within_tolerance() -> None:
    # (0.5, 0.2, 0.7) vs (0.5 + 1e-9, 0.4, 0.1): tie (|diff| 1e-9 <= 1e-6), b better, a better
    assert compare(np.array([0.5, 0.2, 0.7]), np.array([0.5 + 1e-9, 0.4, 0.1])) == (0, -1, 1)
    # with tol 0.25 the 0.2 gap on objective 2 is a tie too
    assert compare(np.array([0.5, 0.2, 0.7]), np.array([0.5, 0.4, 0.1]), tol=0.25) == (0, 0, 1)
    with pytest.raises(MethodError, match="NaN"):
        compare(np.array([np.nan]), np.array([0.0]))
    with pytest.raises(MethodError, match="tolerance"):
        compare(np.array([0.0]), np.array([0.0]), tol=-1.0)


def test_pairs_from_vectors_all_within_item_pairs() -> None:
    values = np.array([[1.0, 0.0], [0.5, 0.5], [0.5, 1.0]])
    pairs = pairs_from_vectors("x", ["c0", "c1", "c2"], values)
    # 3 candidates -> 3 pairs: (c0,c1): (+1,-1), (c0,c2): (+1,-1), (c1,c2): (0,-1)
    assert [(p.a, p.b, p.labels) for p in pairs] == [
        ("c0", "c1", (1, -1)),
        ("c0", "c2", (1, -1)),
        ("c1", "c2", (0, -1)),
    ]
    with pytest.raises(MethodError, match="shape"):
        pairs_from_vectors("x", ["c0"], values)


def test_pairs_from_pack_merges_objectives_and_keeps_repeats() -> None:
    rows = (
        PreferencePair("x", "x0", "x1", "helpful", "a"),
        PreferencePair("x", "x1", "x0", "harmless", "a"),  # same pair, reversed, other objective
        PreferencePair("x", "x0", "x1", "helpful", "tie"),  # a repeated annotation
        PreferencePair("y", "y2", "y0", "harmless", "b"),
    )
    data = pairs_from_pack(_pack(rows))
    # (x0,x1): helpful a wins -> +1; harmless x1 wins -> -1 (a = x0); then the repeat: tie
    # (y0,y2): harmless "b" of (y2, y0) means y0 wins -> +1 for a = y0; helpful unlabelled
    assert [(p.item_id, p.a, p.b, p.labels) for p in data.pairs] == [
        ("x", "x0", "x1", (1, -1)),
        ("x", "x0", "x1", (0, None)),
        ("y", "y0", "y2", (None, 1)),
    ]
    assert data.counts()["helpful_ties"] == 1 and data.counts()["helpful_unlabelled"] == 1


def test_build_prefers_shipped_pairs_and_falls_back_to_pool() -> None:
    pack = _pack((PreferencePair("x", "x0", "x1", "helpful", "a"),))
    pool_c = {i: tuple(c for c in pack.candidates if c.item_id == i) for i in "xy"}
    pool_o = {"x": np.zeros((3, 2)), "y": np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])}
    data = build_preference_data(pack, pack.items, pool_c, pool_o)
    x_pairs = data.for_item("x")
    assert len(x_pairs) == 1 and x_pairs[0].labels == (1, None)  # the shipped label, no pool
    assert [p.labels for p in data.for_item("y")] == [(1, 0), (1, -1), (0, -1)]


def test_preference_matrix_and_win_rates_by_hand() -> None:
    pairs = [
        LabelledPair("x", "a", "b", (1,)),
        LabelledPair("x", "a", "b", (0,)),  # repeat: P[a,b] = (1 + 0.5)/2 = 0.75
        LabelledPair("x", "b", "c", (-1,)),  # c beats b: P[b,c] = 0, P[c,b] = 1
    ]
    P = preference_matrix(pairs, ["a", "b", "c"], 1)
    assert P[0, 0, 1] == 0.75 and P[0, 1, 0] == 0.25
    assert P[0, 1, 2] == 0.0 and P[0, 2, 1] == 1.0
    assert np.isnan(P[0, 0, 2]) and P[0, 1, 1] == 0.5
    # win rates over labelled opponents: a: 0.75 (only b); b: (0.25 + 0)/2; c: 1.0 (only b)
    np.testing.assert_allclose(win_rates(P), [[0.75, 0.125, 1.0]])
    with pytest.raises(MethodError, match="itself"):
        LabelledPair("x", "a", "a", (1,))
