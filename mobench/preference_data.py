"""Per-objective pairwise preference data: the one builder every preference method uses.

A :class:`LabelledPair` is two responses ``a`` and ``b`` to the same item with one label per
objective of the pack: ``+1`` (``a`` is better), ``-1`` (``b`` is better), ``0`` (a tie, kept as
a tie) or ``None`` (no label on that objective). Labels come from three sources:

* **objective vectors** (:func:`pairs_from_vectors`): every within-item pair of scored
  candidates or generated responses; on objective ``k`` the pair is a tie when
  ``|r_a,k − r_b,k| <= tol`` and otherwise labelled by the larger value (vectors are normalised,
  higher is better);
* **a pack's own pairs** (:func:`pairs_from_pack`): ``Pack.pairs`` as shipped — HH-RLHF's
  chosen / rejected records (one objective each, the others unlabelled) and hh-mini's labels —
  one :class:`LabelledPair` per unordered candidate pair, repeated annotations kept as repeats;
* both at once through :func:`build_preference_data`, which prefers the pack's pairs where an
  item has any and falls back to the scored pool elsewhere.

:func:`preference_matrix` turns the pairs of one item into ``P[k, i, j]``, the empirical
probability that candidate ``i`` beats ``j`` on objective ``k`` (a tie counts 1/2; NaN where no
label; 1/2 on the diagonal), and :func:`win_rates` into the expected preference probability of
each candidate against the item's other candidates, ``E_{y'} p_k(y ≻ y')`` — the ``E p`` and
``E q`` of MOPO's closed form.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mobench.errors import MethodError
from mobench.packs import Candidate, Item, Pack

DEFAULT_TIE_TOLERANCE = 1e-6  # objective values are normalised to [0, 1]

Label = int | None


@dataclass(frozen=True)
class LabelledPair:
    """Two responses to one item and, per objective, which is better (+1 a, -1 b, 0 tie)."""

    item_id: str
    a: str
    b: str
    labels: tuple[Label, ...]

    def __post_init__(self) -> None:
        if self.a == self.b:
            raise MethodError(f"pair on item {self.item_id!r} compares {self.a!r} with itself")
        for label in self.labels:
            if label not in (-1, 0, 1, None):
                raise MethodError(f"pair label must be -1, 0, +1 or None, got {label!r}")

    def flipped(self) -> LabelledPair:
        """The same pair with ``a`` and ``b`` swapped (labels negated)."""
        return LabelledPair(
            self.item_id, self.b, self.a, tuple(None if v is None else -v for v in self.labels)
        )


@dataclass(frozen=True)
class PreferenceData:
    """Labelled pairs over the objectives ``objectives`` (labels are in that order)."""

    objectives: tuple[str, ...]
    pairs: tuple[LabelledPair, ...]

    def __post_init__(self) -> None:
        m = len(self.objectives)
        for pair in self.pairs:
            if len(pair.labels) != m:
                raise MethodError(
                    f"pair ({pair.a}, {pair.b}) of item {pair.item_id!r} has "
                    f"{len(pair.labels)} labels for {m} objectives"
                )

    def for_item(self, item_id: str) -> tuple[LabelledPair, ...]:
        return tuple(p for p in self.pairs if p.item_id == item_id)

    def by_item(self) -> dict[str, tuple[LabelledPair, ...]]:
        grouped: dict[str, list[LabelledPair]] = defaultdict(list)
        for pair in self.pairs:
            grouped[pair.item_id].append(pair)
        return {key: tuple(value) for key, value in grouped.items()}

    def counts(self) -> dict[str, int]:
        """Labelled pairs per objective: wins for a or b, ties, and unlabelled."""
        out = {"pairs": len(self.pairs)}
        for k, name in enumerate(self.objectives):
            labels = [p.labels[k] for p in self.pairs]
            out[f"{name}_strict"] = sum(v in (-1, 1) for v in labels)
            out[f"{name}_ties"] = sum(v == 0 for v in labels)
            out[f"{name}_unlabelled"] = sum(v is None for v in labels)
        return out


def compare(a: np.ndarray, b: np.ndarray, tol: float = DEFAULT_TIE_TOLERANCE) -> tuple[int, ...]:
    """Per-objective label of ``a`` against ``b``: +1 if a_k > b_k + tol, -1 if b_k > a_k + tol,
    else 0 (a tie)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise MethodError(f"compare needs two vectors of one length, got {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise MethodError("compare: objective vectors contain NaN or inf")
    if not (tol >= 0 and math.isfinite(tol)):
        raise MethodError(f"tie tolerance must be a finite number >= 0, got {tol}")
    diff = a - b
    return tuple(1 if d > tol else -1 if d < -tol else 0 for d in diff)


def pairs_from_vectors(
    item_id: str,
    ids: Sequence[str],
    vectors: np.ndarray,
    tol: float = DEFAULT_TIE_TOLERANCE,
) -> list[LabelledPair]:
    """Every pair ``(ids[i], ids[j])``, i < j, labelled per objective by :func:`compare`."""
    values = np.asarray(vectors, dtype=float)
    if values.ndim != 2 or values.shape[0] != len(ids):
        raise MethodError(
            f"item {item_id!r}: {len(ids)} responses but objective vectors of shape {values.shape}"
        )
    if len(set(ids)) != len(ids):
        raise MethodError(f"item {item_id!r}: response ids repeat")
    if not np.all(np.isfinite(values)):
        raise MethodError(f"item {item_id!r}: objective vectors contain NaN or inf")
    return [
        LabelledPair(item_id, ids[i], ids[j], compare(values[i], values[j], tol))
        for i in range(len(ids))
        for j in range(i + 1, len(ids))
    ]


def pairs_from_pool(
    items: Sequence[Item],
    candidates: Mapping[str, Sequence[Candidate]],
    objectives: Mapping[str, np.ndarray],
    objective_names: Sequence[str],
    tol: float = DEFAULT_TIE_TOLERANCE,
) -> PreferenceData:
    """Within-item pairs of scored candidates (a :class:`~mobench.methods.ScoredPool`'s
    ``candidates`` and ``objectives``), labelled by their normalised objective vectors."""
    pairs: list[LabelledPair] = []
    for item in items:
        cands = candidates.get(item.id, ())
        if len(cands) < 2:
            continue
        ids = [c.candidate_id for c in cands]
        values = np.asarray(objectives[item.id], dtype=float)
        if values.shape != (len(ids), len(objective_names)):
            raise MethodError(
                f"item {item.id!r}: {len(ids)} candidates and {len(objective_names)} objectives "
                f"but objective vectors of shape {values.shape}"
            )
        pairs.extend(pairs_from_vectors(item.id, ids, values, tol))
    return PreferenceData(tuple(objective_names), tuple(pairs))


_WINNER = {"a": 1, "b": -1, "tie": 0}


def pairs_from_pack(pack: Pack, item_ids: set[str] | None = None) -> PreferenceData:
    """The pack's own :class:`~mobench.packs.PreferencePair` rows as per-objective labels.

    Rows naming the same unordered candidate pair are merged into one :class:`LabelledPair`
    while their objectives differ; a second label of an objective already set starts a new
    pair (repeated annotations stay repeated). Objectives without a row stay ``None``.
    """
    names = pack.objective_names
    index = {name: k for k, name in enumerate(names)}
    open_pairs: dict[tuple[str, str, str], list[list[Label]]] = defaultdict(list)
    order: list[tuple[tuple[str, str, str], int]] = []
    for row in pack.pairs:
        if item_ids is not None and row.item_id not in item_ids:
            continue
        if row.objective not in index:
            raise MethodError(
                f"pack {pack.ref}: pair on item {row.item_id!r} names objective "
                f"{row.objective!r}, not one of {list(names)}"
            )
        label = _WINNER[row.winner]
        a, b = row.a, row.b
        if b < a:
            a, b, label = b, a, -label
        key = (row.item_id, a, b)
        k = index[row.objective]
        slots = open_pairs[key]
        for labels in slots:
            if labels[k] is None:
                labels[k] = label
                break
        else:
            fresh: list[Label] = [None] * len(names)
            fresh[k] = label
            slots.append(fresh)
            order.append((key, len(slots) - 1))
    pairs = [
        LabelledPair(key[0], key[1], key[2], tuple(open_pairs[key][slot])) for key, slot in order
    ]
    return PreferenceData(names, tuple(pairs))


def build_preference_data(
    pack: Pack,
    items: Sequence[Item],
    candidates: Mapping[str, Sequence[Candidate]],
    objectives: Mapping[str, np.ndarray],
    tol: float = DEFAULT_TIE_TOLERANCE,
) -> PreferenceData:
    """The preference data of ``items``: the pack's pairs for items that have any (HH-RLHF,
    hh-mini), within-item pairs of the scored pool for the others."""
    wanted = {item.id for item in items}
    shipped = (
        pairs_from_pack(pack, wanted) if pack.pairs else PreferenceData(pack.objective_names, ())
    )
    covered = {p.item_id for p in shipped.pairs}
    rest = [item for item in items if item.id not in covered]
    scored = pairs_from_pool(rest, candidates, objectives, pack.objective_names, tol)
    return PreferenceData(pack.objective_names, shipped.pairs + scored.pairs)


def preference_matrix(
    pairs: Sequence[LabelledPair], ids: Sequence[str], n_objectives: int
) -> np.ndarray:
    """``P[k, i, j]``: the share of labels on objective k where ``ids[i]`` beats ``ids[j]``
    (a tie counts 1/2), over all pairs of ``ids``; NaN for never-labelled pairs, 1/2 on the
    diagonal. ``P[k, i, j] + P[k, j, i] = 1`` wherever labelled."""
    where = {cid: n for n, cid in enumerate(ids)}
    size = len(ids)
    wins = np.zeros((n_objectives, size, size))
    seen = np.zeros((n_objectives, size, size))
    for pair in pairs:
        if pair.a not in where or pair.b not in where:
            raise MethodError(
                f"pair ({pair.a}, {pair.b}) names a response outside {list(ids)[:5]}…"
            )
        i, j = where[pair.a], where[pair.b]
        for k, label in enumerate(pair.labels):
            if label is None:
                continue
            score = (label + 1) / 2  # +1 -> 1, 0 -> 1/2, -1 -> 0
            wins[k, i, j] += score
            wins[k, j, i] += 1.0 - score
            seen[k, i, j] += 1
            seen[k, j, i] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(seen > 0, wins / np.maximum(seen, 1), np.nan)
    for k in range(n_objectives):
        np.fill_diagonal(out[k], 0.5)
    return out


def win_rates(matrix: np.ndarray, neutral: float = 0.5) -> np.ndarray:
    """``E_{y'} p_k(y_i ≻ y')`` for each objective k and response i: the mean of ``P[k, i, j]``
    over the labelled opponents ``j != i`` (uniform comparison distribution); ``neutral`` where
    a response has no labelled opponent on k."""
    P = np.asarray(matrix, dtype=float)
    if P.ndim != 3 or P.shape[1] != P.shape[2]:
        raise MethodError(f"a preference matrix has shape (m, K, K), got {P.shape}")
    size = P.shape[1]
    off = ~np.eye(size, dtype=bool)
    values = np.where(off[None], P, np.nan)
    labelled = np.isfinite(values)
    total = np.where(labelled, values, 0.0).sum(axis=2)
    count = labelled.sum(axis=2)
    return np.where(count > 0, total / np.maximum(count, 1), neutral)
