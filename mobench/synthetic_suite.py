"""The synthetic preference suite: a 5-armed bandit under five canonical preference structures.

Each structure is a pack ``synth-<structure>@1`` (``tasks/synth-<structure>/1/``) with one item
(the bandit, ``bandit``; train split — and its twin ``bandit-eval`` in the test split, the same
prompt, arms and pairs, so that ``mobench run --protocol pack`` has an item to answer), five
arms (candidates ``arm a0`` … ``arm a4``), two objectives
(``primary``, ``secondary``) and **per-objective pairwise preferences over the arms** as the
pack's pairs (4 annotations per labelled pair and objective, repeats kept). What a method may
learn from is those pairs (MOPO) or the arms' win rates, the pack's scores (``bandit.value@1``
reads them from the item's ``arms`` table; a win rate is E_{y'} p(y ≻ y') over the arm's
labelled opponents, :func:`mobench.preference_data.win_rates`).

The structures (≻: every annotation says so; ~: every annotation is a tie):

* ``total-order``: a0 ≻ a1 ≻ a2 ≻ a3 ≻ a4 on both objectives.
* ``partial-order``: a0 ≻ a1 on the primary, a1 ≻ a0 on the secondary; both ≻ a2 ≻ {a3, a4}
  on both, a3 ~ a4 — Pareto dominance is a partial order with two maximal arms.
* ``antichain``: every pair is a trade-off (a_i ≻ a_j on the primary and a_j ≻ a_i on the
  secondary for i < j), with 3-of-4 majorities placed so that the win-rate front is strictly
  concave; no arm dominates another.
* ``incomparable``: a0, a1, a2 are never compared with each other (no label at all), nor are
  a3 and a4; each of a0..a2 ≻ a3, a4 on both objectives.
* ``inconsistent``: an intransitive primary — a0 ≻ a1 ≻ a2 ≻ a0 — above a3 ≻ a4; on the
  secondary a0 ~ a1 ~ a2 above a3 ~ a4.

**Known optimum.** The target is MOPO's problem with the pack's threshold b (the item's
``meta["thresholds"]``): maximise the primary win rate subject to the secondary one ≥ b, in the
limit of vanishing KL regularisation (what the lagged reference approaches), ties between arms
of equal win rates split as the uniform reference splits them. For these win rates the optimum
is a linear programme over the simplex, solved here by hand and checked by
:func:`constrained_optimum`; it is written in the item's ``meta["optimal_policy"]``:

=============== ======================= ===========================
structure       threshold b (secondary) optimal arm distribution
=============== ======================= ===========================
total-order     0.5                     a0
partial-order   0.9                     0.4 a0 + 0.6 a1
antichain       0.5                     0.4 a1 + 0.6 a2
incomparable    0.5                     1/3 each of a0, a1, a2
inconsistent    0.5                     1/3 each of a0, a1, a2
=============== ======================= ===========================

``python -m mobench.synthetic_suite`` rebuilds the packs byte-identically;
:func:`run_suite` trains every preference method on every structure and reports the total
variation distance between its learned arm distribution and the optimum.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mobench.pack_index import builtin_pack_dir
from mobench.packs import (
    Candidate,
    Item,
    ObjectiveSpec,
    Pack,
    PreferencePair,
    load_pack,
    write_pack,
)
from mobench.preference_data import pairs_from_pack, preference_matrix, win_rates

VERSION = "1"
ARMS = tuple(f"a{k}" for k in range(5))
OBJECTIVES = ("primary", "secondary")
ANNOTATIONS = 4  # annotations per labelled pair and objective
STRUCTURES = ("total-order", "partial-order", "antichain", "incomparable", "inconsistent")
PREFERENCE = (0.5, 0.5)
#: MOPO must end within this total-variation distance of the optimum on every structure.
MOPO_TOLERANCE = 0.05
ITEM_ID = "bandit"
EVAL_ID = "bandit-eval"  # the test-split twin (same prompt, arms and pairs) for the grid

# winners of the ANNOTATIONS annotations of the pair (i, j), i < j, per objective: "a" = a_i
Annotations = dict[tuple[int, int], tuple[tuple[str, ...], tuple[str, ...]]]


def _all(winner: str) -> tuple[str, ...]:
    return (winner,) * ANNOTATIONS


def _majority(winner: str) -> tuple[str, ...]:
    """3 of 4 annotations for ``winner``, one for the other arm."""
    other = "b" if winner == "a" else "a"
    return (winner,) * (ANNOTATIONS - 1) + (other,)


def _pairs() -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(ARMS)) for j in range(i + 1, len(ARMS))]


def _total_order() -> Annotations:
    return {pair: (_all("a"), _all("a")) for pair in _pairs()}


def _partial_order() -> Annotations:
    out: Annotations = {}
    for i, j in _pairs():
        if (i, j) == (0, 1):
            out[i, j] = (_all("a"), _all("b"))
        elif (i, j) == (3, 4):
            out[i, j] = (_all("tie"), _all("tie"))
        else:
            out[i, j] = (_all("a"), _all("a"))
    return out


def _antichain() -> Annotations:
    # the middle arms win their comparisons unanimously and lose them 3 to 1: centrality c
    centrality = (0, 1, 2, 1, 0)
    out: Annotations = {}
    for i, j in _pairs():
        primary = _all("a") if centrality[i] >= centrality[j] else _majority("a")
        secondary = _all("b") if centrality[j] >= centrality[i] else _majority("b")
        out[i, j] = (primary, secondary)
    return out


def _incomparable() -> Annotations:
    top = {0, 1, 2}
    return {(i, j): (_all("a"), _all("a")) for i, j in _pairs() if (i in top) != (j in top)}


def _inconsistent() -> Annotations:
    cycle = {(0, 1): "a", (1, 2): "a", (0, 2): "b"}  # a0 ≻ a1, a1 ≻ a2, a2 ≻ a0
    out: Annotations = {}
    for i, j in _pairs():
        if (i, j) in cycle:
            out[i, j] = (_all(cycle[i, j]), _all("tie"))
        elif (i, j) == (3, 4):
            out[i, j] = (_all("a"), _all("tie"))
        else:
            out[i, j] = (_all("a"), _all("a"))
    return out


@dataclass(frozen=True)
class Structure:
    """One preference structure: its annotations, threshold and known optimal policy."""

    name: str
    summary: str
    annotations: Callable[[], Annotations] = field(repr=False)
    threshold: float
    optimum: tuple[float, ...]


THIRD = 1 / 3
STRUCTURE_SPECS: dict[str, Structure] = {
    s.name: s
    for s in (
        Structure(
            "total-order",
            "a0 ≻ a1 ≻ a2 ≻ a3 ≻ a4 on both objectives",
            _total_order,
            0.5,
            (1.0, 0.0, 0.0, 0.0, 0.0),
        ),
        Structure(
            "partial-order",
            "a0 ≻ a1 on primary, a1 ≻ a0 on secondary; both above a2 above a3 ~ a4",
            _partial_order,
            0.9,
            (0.4, 0.6, 0.0, 0.0, 0.0),
        ),
        Structure(
            "antichain",
            "every pair is a trade-off; a strictly concave win-rate front",
            _antichain,
            0.5,
            (0.0, 0.4, 0.6, 0.0, 0.0),
        ),
        Structure(
            "incomparable",
            "a0, a1, a2 never compared; each beats a3 and a4",
            _incomparable,
            0.5,
            (THIRD, THIRD, THIRD, 0.0, 0.0),
        ),
        Structure(
            "inconsistent",
            "primary cycle a0 ≻ a1 ≻ a2 ≻ a0 above a3 ≻ a4",
            _inconsistent,
            0.5,
            (THIRD, THIRD, THIRD, 0.0, 0.0),
        ),
    )
}


# ---------------------------------------------------------------------------------------------
# Building the packs


def arm_text(k: int) -> str:
    return f"arm {ARMS[k]}"


def _pack_pairs(annotations: Annotations, item_id: str = ITEM_ID) -> list[PreferencePair]:
    rows = []
    for (i, j), per_objective in sorted(annotations.items()):
        for objective, winners in zip(OBJECTIVES, per_objective, strict=True):
            for winner in winners:
                rows.append(
                    PreferencePair(
                        item_id, f"{item_id}-{ARMS[i]}", f"{item_id}-{ARMS[j]}", objective, winner
                    )
                )
    return rows


def arm_win_rates(pairs: Sequence[PreferencePair]) -> np.ndarray:
    """(K, 2) win rates of the arms from a structure's pairs."""
    objectives = tuple(
        ObjectiveSpec(name, "bandit.value@1", (0.0, 1.0), "max", {"index": k})
        for k, name in enumerate(OBJECTIVES)
    )
    pack = Pack("x", "1", "bandit", "", objectives, (), (0.0, 0.0), (), (), "", pairs=tuple(pairs))
    data = pairs_from_pack(pack)
    ids = [f"{ITEM_ID}-{a}" for a in ARMS]
    return win_rates(preference_matrix(data.pairs, ids, len(OBJECTIVES))).T


def constrained_optimum(rates: np.ndarray, threshold: float) -> np.ndarray:
    """max_π πᵀ r_primary s.t. πᵀ r_secondary ≥ b over the simplex (an LP), the optimal mass
    split uniformly among arms with equal win-rate vectors (the uniform reference's split).

    Solved exactly for two objectives: the best single arm if one is feasible and no mixture of
    a feasible and an infeasible arm beats it, else the best such two-point mixture with the
    constraint tight.
    """
    r = np.asarray(rates, dtype=float)
    best_value = -np.inf
    best: dict[int, float] = {}
    for a in range(len(r)):
        if r[a, 1] >= threshold - 1e-12 and r[a, 0] > best_value + 1e-12:
            best_value, best = r[a, 0], {a: 1.0}
    for a in range(len(r)):
        for b in range(len(r)):
            if r[a, 1] < threshold <= r[b, 1] and r[b, 1] > r[a, 1]:
                alpha = (r[b, 1] - threshold) / (r[b, 1] - r[a, 1])  # mass on the infeasible a
                value = alpha * r[a, 0] + (1 - alpha) * r[b, 0]
                if value > best_value + 1e-12:
                    best_value, best = value, {a: alpha, b: 1 - alpha}
    out = np.zeros(len(r))
    for a, mass in best.items():
        twins = [k for k in range(len(r)) if np.allclose(r[k], r[a])]
        for k in twins:
            out[k] += mass / len(twins)
    return out


def build_structure(name: str, root: Path) -> Pack:
    """Write ``synth-<name>@1`` under ``root`` (``root/synth-<name>/1``) and load it."""
    spec = STRUCTURE_SPECS[name]
    pairs = _pack_pairs(spec.annotations())
    rates = arm_win_rates(pairs)
    optimum = constrained_optimum(rates, spec.threshold)
    if not np.allclose(optimum, spec.optimum, atol=1e-9):
        raise AssertionError(f"{name}: stated optimum {spec.optimum} but the LP gives {optimum}")
    items = [
        Item(
            id=item_id,
            prompt="A five-armed bandit: choose one arm.",
            split=split,
            meta={
                "arms": {
                    arm_text(k): [round(float(v), 6) for v in rates[k]] for k in range(len(ARMS))
                },
                "structure": name,
                "primary": OBJECTIVES[0],
                "thresholds": {OBJECTIVES[1]: spec.threshold},
                "optimal_policy": {
                    f"{item_id}-{a}": round(p, 6) for a, p in zip(ARMS, spec.optimum, strict=True)
                },
            },
        )
        for item_id, split in ((ITEM_ID, "train"), (EVAL_ID, "test"))
    ]
    candidates = [
        Candidate(item.id, f"{item.id}-{a}", arm_text(k))
        for item in items
        for k, a in enumerate(ARMS)
    ]
    pairs = pairs + _pack_pairs(spec.annotations(), EVAL_ID)
    objectives = tuple(
        ObjectiveSpec(obj, "bandit.value@1", (0.0, 1.0), "max", {"index": k})
        for k, obj in enumerate(OBJECTIVES)
    )
    folder = write_pack(
        Path(root) / f"synth-{name}" / VERSION,
        name=f"synth-{name}",
        version=VERSION,
        track="bandit",
        objectives=objectives,
        items=items,
        candidates=candidates,
        pairs=pairs,
        preferences=[PREFERENCE],
        reference_point=(0.0, 0.0),
        description=(
            f"synthetic preference suite, {name}: {spec.summary}; per-objective pairwise "
            f"preferences over 5 arms; known optimum {list(np.round(spec.optimum, 4))} for "
            f"secondary >= {spec.threshold}"
        ),
        source={"generator": "mobench.synthetic_suite", "structure": name},
    )
    (folder / "README.md").write_text(_readme(name, rates, optimum), encoding="utf-8")
    return load_pack(folder)


def _readme(name: str, rates: np.ndarray, optimum: np.ndarray) -> str:
    spec = STRUCTURE_SPECS[name]
    rows = "\n".join(
        f"| {arm_text(k)} | {rates[k, 0]:.4f} | {rates[k, 1]:.4f} | {optimum[k]:.4f} |"
        for k in range(len(ARMS))
    )
    return f"""# synth-{name}@{VERSION}

One of the five packs of mobench's synthetic preference suite (built by
`python -m mobench.synthetic_suite`; see `mobench/synthetic_suite.py`). A five-armed bandit
(one item, `{ITEM_ID}`, and its test-split twin `{EVAL_ID}`), objectives `primary` and
`secondary`, and per-objective pairwise preferences over the arms in `pairs.jsonl`
({ANNOTATIONS} annotations per labelled pair and objective).

Structure: {spec.summary}.

Known optimum: maximise the primary win rate subject to the secondary win rate >= {spec.threshold}
(MOPO's constrained problem as the KL regularisation vanishes; equal arms share equally).

| arm | primary win rate | secondary win rate | optimal probability |
|---|---|---|---|
{rows}
"""


def shipped_root() -> Path:
    """Where the built-in packs live (the checkout's tasks/ in an editable install)."""
    return builtin_pack_dir()


def build_all(root: Path) -> dict[str, Pack]:
    return {name: build_structure(name, root) for name in STRUCTURES}


# ---------------------------------------------------------------------------------------------
# Running the suite


def total_variation(p: np.ndarray, q: np.ndarray) -> float:
    """TV(p, q) = ½ Σ |p − q|."""
    return float(0.5 * np.abs(np.asarray(p, dtype=float) - np.asarray(q, dtype=float)).sum())


@dataclass(frozen=True)
class SuiteMethod:
    """A preference method as the suite runs it: a registered method, its params overrides."""

    label: str
    method: str
    overrides: Mapping[str, str] = field(default_factory=dict)


#: every preference method mobench ships; ``mopo-linear`` is MOPO's linear-scalarisation
#: ablation (λ fixed to the preference ratio, no constraint): the linear preference baseline.
SUITE_METHODS = (
    SuiteMethod("mopo", "mopo"),
    SuiteMethod("mopo-linear", "mopo", {"scalarise": "true"}),
    SuiteMethod("paretohqd", "paretohqd"),
    SuiteMethod("ric", "ric"),
)
#: suite-wide settings: the tabular policy (a free logit per arm) and enough steps for the
#: lagged reference to move (MOPO: 6 rounds of t₀ = 500).
SUITE_PARAMS: dict[str, dict[str, str]] = {
    "mopo": {"arch": "tabular", "steps": "3000", "samples_per_prompt": "128", "lr": "0.05"},
    "paretohqd": {"arch": "tabular"},
    "ric": {"arch": "tabular"},
}


@dataclass(frozen=True)
class SuiteResult:
    structure: str
    method: str
    distance: float
    distribution: tuple[float, ...]
    optimum: tuple[float, ...]
    seconds: float


def learned_distribution(
    method: Any, item: Item, ids: Sequence[str], pref: Sequence[float]
) -> np.ndarray:
    """The arm distribution a trained offline adapter answers with for ``pref``."""
    dist = np.asarray(method.distribution(item, ids, tuple(pref)), dtype=float)
    if dist.shape != (len(ids),) or not np.all(np.isfinite(dist)):
        raise ValueError(f"{method.name}: bad distribution {dist}")
    return dist / dist.sum()


def run_structure(pack: Pack, entry: SuiteMethod, seed: int = 0) -> SuiteResult:
    """Train one method on one structure pack; its distance to the known optimum."""
    from mobench.methods import TrainContext, build_params, get_method
    from mobench.objectives.base import ScoringEnv
    from mobench.pool import score_pool

    cls = get_method(entry.method)
    overrides = {**SUITE_PARAMS.get(entry.method, {}), **entry.overrides}
    method = cls(build_params(cls, overrides))
    pool = score_pool(pack, ScoringEnv())
    item = pack.split("train")[0]
    ctx = TrainContext(
        pack, (item,), (), pool.restrict({item.id}), seed, tuple(pack.preferences[0])
    )
    start = time.perf_counter()
    method.train(ctx)
    seconds = time.perf_counter() - start
    ids = [c.candidate_id for c in pool.candidates[item.id]]
    optimum = np.array([float(item.meta["optimal_policy"][i]) for i in ids])
    dist = learned_distribution(method, item, ids, pack.preferences[0])
    return SuiteResult(
        str(item.meta["structure"]),
        entry.label,
        round(total_variation(dist, optimum), 6),
        tuple(round(float(v), 4) for v in dist),
        tuple(round(float(v), 4) for v in optimum),
        round(seconds, 3),
    )


def run_suite(
    methods: Sequence[SuiteMethod] = SUITE_METHODS,
    structures: Sequence[str] = STRUCTURES,
    seed: int = 0,
    pack_dirs: Sequence[Path] = (),
) -> list[SuiteResult]:
    """Every method on every structure (packs resolved like ``mobench run`` resolves them)."""
    from mobench.pack_index import open_pack

    results = []
    for name in structures:
        pack = open_pack(f"synth-{name}", tuple(pack_dirs))
        for entry in methods:
            results.append(run_structure(pack, entry, seed))
    return results


def suite_table(results: Sequence[SuiteResult]) -> str:
    """A markdown table: TV distance per method (rows) and structure (columns)."""
    structures = list(dict.fromkeys(r.structure for r in results))
    methods = list(dict.fromkeys(r.method for r in results))
    cell = {(r.method, r.structure): r.distance for r in results}
    lines = [
        "| method | " + " | ".join(structures) + " |",
        "|---|" + "---|" * len(structures),
    ]
    for m in methods:
        values = " | ".join(f"{cell[m, s]:.3f}" if (m, s) in cell else "—" for s in structures)
        lines.append(f"| {m} | {values} |")
    return "\n".join(lines) + "\n"


def write_suite_report(results: Sequence[SuiteResult], out: Path) -> tuple[Path, Path]:
    """OUT/synthetic-suite.md (the distance table, MOPO's tolerance) and .json (every row)."""
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "synthetic-suite.md", out / "synthetic-suite.json"
    within = [r.structure for r in results if r.method == "mopo" and r.distance <= MOPO_TOLERANCE]
    mopo_rows = [r for r in results if r.method == "mopo"]
    note = (
        f"\nTotal-variation distance to the known optimum; MOPO tolerance {MOPO_TOLERANCE}: "
        f"within on {len(within)} of {len(mopo_rows)} structures.\n"
        if mopo_rows
        else "\nTotal-variation distance to the known optimum.\n"
    )
    md.write_text("# Synthetic preference suite\n\n" + suite_table(results) + note, "utf-8")
    payload = {"tolerance": MOPO_TOLERANCE, "rows": [dataclasses.asdict(r) for r in results]}
    js.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    return md, js


def run_suite_command(
    suite: str,
    methods: Sequence[str],
    seed: int,
    pack_dirs: Sequence[Path],
    out: Path,
    as_json: bool,
) -> None:
    """``mobench run --suite synthetic``: run, print the table, write the report."""
    import typer

    from mobench.cli.output import emit_json
    from mobench.errors import MobenchError

    if suite != "synthetic":
        raise MobenchError(f"unknown suite {suite!r}; the one suite is 'synthetic'")
    chosen = [m for m in SUITE_METHODS if not methods or m.label in methods or m.method in methods]
    if not chosen:
        known = ", ".join(m.label for m in SUITE_METHODS)
        raise MobenchError(f"--method names no preference method of the suite (known: {known})")
    results = run_suite(chosen, STRUCTURES, seed, pack_dirs)
    md, js = write_suite_report(results, out)
    if as_json:
        emit_json(json.loads(js.read_text("utf-8")))
        return
    typer.echo(md.read_text("utf-8"))


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m mobench.synthetic_suite [ROOT]``: (re)build the five packs under ROOT
    (default: the shipped ``tasks/``)."""
    parser = argparse.ArgumentParser(description="Build the synthetic preference-suite packs.")
    parser.add_argument("root", type=Path, nargs="?", default=shipped_root())
    for name, pack in build_all(parser.parse_args(argv).root).items():
        print(f"{pack.ref}: {name}, sha256 {pack.sha256}")


if __name__ == "__main__":
    main()
