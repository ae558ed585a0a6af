"""bandit-concave@1: a two-objective bandit whose Pareto front has a known concave part.

Every prompt offers the same K = 16 arms (candidates): 11 on the front

    f(t) = lo + (hi − lo) · (t^(1/p), (1 − t)^(1/p)),  t = 0, 0.1, …, 1,  p = 0.8,

i.e. the curve x^p + y^p = 1 mapped into [lo, hi]² = [0.05, 0.95]², and 5 dominated decoys. With
p < 1 the curve lies *below* the chord between its extremes: for any weights w ≥ 0 the linear
scalarisation w · f is maximised at an extreme arm (t = 0 or 1), so no fixed linear weighting
makes an interior arm optimal. The interior arms (0.2 ≤ t ≤ 0.8) form the **concave part**.

Scoring: ``bandit.value@1`` reads the arm's value from the item's ``arms`` table (bounds [0, 1],
so normalisation is the identity). Preferences: 11 vectors (k/10, 1 − k/10); reference point
(0, 0). Splits are fixed: 6 train, 2 validation, 2 test prompts (the ``pack`` protocol); the
arms' texts are shared across prompts so a policy over (prompt, arm) features generalises to
the test prompts.

The true front (the 11 front arms) is recorded in the manifest's ``source`` and in README.md;
:func:`true_front` and :func:`concave_part` return it for tests. ``python -m mobench.bandit_pack``
rebuilds the shipped pack in ``tasks/bandit-concave/1`` byte-identically.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mobench.pack_index import builtin_pack_dir
from mobench.packs import Candidate, Item, ObjectiveSpec, Pack, load_pack, write_pack

NAME, VERSION = "bandit-concave", "1"
EXPONENT = 0.8  # p < 1: the front x^p + y^p = 1 is concave (below its chord)
LOW, HIGH = 0.05, 0.95
FRONT_T = tuple(k / 10 for k in range(11))
CONCAVE_T = (0.2, 0.8)  # interior arms whose t lies in this range form the concave part
DECOYS = ((0.10, 0.10), (0.30, 0.08), (0.08, 0.30), (0.20, 0.25), (0.25, 0.20))
PROMPTS = 10
SPLITS = {"train": range(0, 6), "val": range(6, 8), "test": range(8, 10)}
PREFERENCES = tuple((k / 10, 1 - k / 10) for k in range(11))
DIGITS = 6


def front_point(t: float) -> tuple[float, float]:
    """The front arm at parameter t ∈ [0, 1] (rounded to 6 digits, as stored)."""
    x, y = t ** (1 / EXPONENT), (1 - t) ** (1 / EXPONENT)
    return (
        round(LOW + (HIGH - LOW) * x, DIGITS),
        round(LOW + (HIGH - LOW) * y, DIGITS),
    )


def true_front() -> np.ndarray:
    """The Pareto front of every prompt: the 11 front arms, t = 0 … 1, shape (11, 2)."""
    return np.array([front_point(t) for t in FRONT_T])


def concave_part() -> np.ndarray:
    """The front arms strictly inside the concave part (CONCAVE_T[0] ≤ t ≤ CONCAVE_T[1])."""
    lo, hi = CONCAVE_T
    return np.array([front_point(t) for t in FRONT_T if lo - 1e-9 <= t <= hi + 1e-9])


def arms() -> list[tuple[str, tuple[float, float]]]:
    """(text, objective vector) of the K arms, front arms first."""
    out = [(f"pull lever {k:02d}", front_point(t)) for k, t in enumerate(FRONT_T)]
    out += [(f"pull lever {len(FRONT_T) + k:02d}", v) for k, v in enumerate(DECOYS)]
    return out


def _objectives() -> tuple[ObjectiveSpec, ...]:
    return tuple(
        ObjectiveSpec(name, "bandit.value@1", (0.0, 1.0), "max", {"index": j})
        for j, name in enumerate(("f1", "f2"))
    )


def _items_and_candidates() -> tuple[list[Item], list[Candidate]]:
    table = arms()
    split_of = {i: s for s, idx in SPLITS.items() for i in idx}
    items, candidates = [], []
    for i in range(PROMPTS):
        item_id = f"bandit-{i:02d}"
        items.append(
            Item(
                id=item_id,
                prompt=f"Bandit {i:02d}: choose one lever.",
                split=split_of[i],
                meta={"arms": {text: list(v) for text, v in table}},
            )
        )
        candidates += [
            Candidate(item_id, f"{item_id}-arm{k:02d}", text) for k, (text, _v) in enumerate(table)
        ]
    return items, candidates


def _readme(front: np.ndarray) -> str:
    rows = "\n".join(
        f"| {t:.1f} | {x:.6f} | {y:.6f} | {'yes' if CONCAVE_T[0] <= t <= CONCAVE_T[1] else 'no'} |"
        for t, (x, y) in zip(FRONT_T, front, strict=True)
    )
    decoys = ", ".join(f"({a:.2f}, {b:.2f})" for a, b in DECOYS)
    return f"""# bandit-concave@1

A two-objective bandit with a known concave Pareto front (built by `python -m mobench.bandit_pack`;
see `mobench/bandit_pack.py`). {PROMPTS} prompts (6 train, 2 val, 2 test), each with the same
{len(FRONT_T) + len(DECOYS)} arms: the front x^p + y^p = 1 (p = {EXPONENT}) mapped into
[{LOW}, {HIGH}]², and the dominated decoys {decoys}. Objectives `f1`, `f2` (`bandit.value@1`,
bounds [0, 1], maximise); reference point (0, 0); preferences (k/10, 1 − k/10), k = 0 … 10.

No fixed linear weighting makes an interior front arm optimal: w · f is maximised at t = 0 or
t = 1 for every w ≥ 0. The concave part is the arms with {CONCAVE_T[0]} ≤ t ≤ {CONCAVE_T[1]}.

## True front

| t | f1 | f2 | concave part |
|---|---|---|---|
{rows}
"""


def build(out_dir: Path) -> Pack:
    """Write bandit-concave@1 into ``out_dir`` and return it loaded (hash-verified)."""
    out_dir = Path(out_dir)
    front = true_front()
    for decoy in DECOYS:
        if not np.any(np.all(front >= np.asarray(decoy), axis=1)):
            raise AssertionError(f"decoy {decoy} is not dominated by the front")
    items, candidates = _items_and_candidates()
    write_pack(
        out_dir,
        name=NAME,
        version=VERSION,
        track="bandit",
        objectives=_objectives(),
        items=items,
        candidates=candidates,
        preferences=PREFERENCES,
        reference_point=(0.0, 0.0),
        description=(
            "two-objective bandit: 16 arms per prompt, 11 on the front x^0.8 + y^0.8 = 1 "
            "(concave, below its chord) and 5 dominated decoys; tests whether a method reaches "
            "the concave part of a front that no fixed linear weighting can reach"
        ),
        source={
            "generator": "mobench.bandit_pack",
            "true_front": front.tolist(),
            "concave_part": concave_part().tolist(),
        },
    )
    (out_dir / "README.md").write_text(_readme(front), encoding="utf-8")
    return load_pack(out_dir)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m mobench.bandit_pack [OUT_DIR]`` (default: the shipped tasks/bandit-concave/1)."""
    default = builtin_pack_dir() / NAME / VERSION
    parser = argparse.ArgumentParser(description="Build the bandit-concave@1 pack.")
    parser.add_argument("out_dir", type=Path, nargs="?", default=default)
    pack = build(parser.parse_args(argv).out_dir)
    print(f"{pack.ref}: {len(pack.items)} items, {len(pack.candidates)} candidates, {pack.sha256}")


if __name__ == "__main__":
    main()
