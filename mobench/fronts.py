"""A method's Pareto front and the leaderboard's main table, ranked by front hypervolume.

A method's **front** for one (pack, protocol, method configuration, seed) is the set of test-set
mean objective vectors of its records, one per preference of the pack (issue 5: the policies it
produces, one per preference it accepts). Its **front HV** is the hypervolume of those points
against the pack's reference point (moocore, through :func:`mobench.metrics.hypervolume`);
the table gives the mean ± population std over seeds. The **response HV** is the older per-record
number: the HV of one record's individual response vectors, averaged over all its records.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mobench.errors import MobenchError
from mobench.metrics import hypervolume
from mobench.records import RunRecord

#: Columns of :func:`front_table` before the per-objective means.
KEY_COLUMNS = ("pack", "protocol", "rank", "method", "config", "kind", "version")
STAT_COLUMNS = (
    "front_hv_mean",
    "front_hv_std",
    "response_hv_mean",
    "response_hv_std",
)
TAIL_COLUMNS = (
    "collapse",
    "compute_s",
    "gpu_hours",
    "device",
    "seeds",
    "preferences",
    "complete",
    "steps_to_final_front",
    "records",
)


def _is_gpu(device: str) -> bool:
    return device.startswith(("cuda", "gpu", "rocm", "mps"))


def gpu_seconds(record: RunRecord) -> float:
    """Seconds of the record's phases that ran on a GPU."""
    return sum(p.seconds for p in record.compute if _is_gpu(p.device))


def steps_to_final_front(record: RunRecord) -> float:
    """The training report's ``steps_to_final_front`` (online methods), else NaN."""
    value = record.training.get("steps_to_final_front")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


def mean_vector(record: RunRecord) -> np.ndarray:
    """The record's test-set mean objective vector, in the record's objective order."""
    return np.array([float(record.metrics["means"][o]) for o in record.objectives])


@dataclass(frozen=True)
class SeedFront:
    """One (pack, protocol, method configuration, seed): its records and their front."""

    pack: str
    protocol: str
    method: str
    config: str
    seed: int
    records: tuple[RunRecord, ...]  # one per preference, sorted by preference

    @property
    def points(self) -> np.ndarray:
        """(k, m) test-set mean objective vectors, one row per preference."""
        return np.array([mean_vector(r) for r in self.records])

    @property
    def reference_point(self) -> np.ndarray:
        ref = self.records[0].reference_point
        return np.array(ref if ref else [0.0] * len(self.records[0].objectives), dtype=float)

    @property
    def hypervolume(self) -> float:
        return hypervolume(self.points, self.reference_point)

    @property
    def compute_seconds(self) -> float:
        """All phases of all the preference runs: what producing this front cost."""
        return sum(r.compute_seconds for r in self.records)

    @property
    def gpu_hours(self) -> float:
        return sum(gpu_seconds(r) for r in self.records) / 3600.0


def _unique(records: Sequence[RunRecord]) -> list[RunRecord]:
    seen: set[str] = set()
    out = []
    for record in records:
        if record.run_key not in seen:
            seen.add(record.run_key)
            out.append(record)
    return out


def check_consistent(records: Sequence[RunRecord]) -> None:
    """One pack content per pack ref, and one reference point and objective list per pack."""
    by_pack: dict[str, RunRecord] = {}
    for record in records:
        first = by_pack.setdefault(record.pack, record)
        for attr in ("pack_sha256", "objectives", "reference_point"):
            if getattr(record, attr) != getattr(first, attr):
                raise MobenchError(
                    f"pack {record.pack}: records disagree on {attr} ({getattr(first, attr)!r} "
                    f"in run {first.run_key[:12]}, {getattr(record, attr)!r} in run "
                    f"{record.run_key[:12]}); build their leaderboards separately"
                )


def seed_fronts(records: Sequence[RunRecord]) -> list[SeedFront]:
    """Group records into fronts: one per (pack, protocol, method, config, seed)."""
    unique = _unique(records)
    check_consistent(unique)
    groups: dict[tuple[str, str, str, str, int], list[RunRecord]] = {}
    for record in unique:
        key = (record.pack, record.protocol, record.method, record.config_id(), record.seed)
        groups.setdefault(key, []).append(record)
    return [
        SeedFront(*key, tuple(sorted(group, key=lambda r: tuple(-w for w in r.preference))))
        for key, group in sorted(groups.items())
    ]


def _std(values: Sequence[float]) -> float:
    """Population std, rounded to 12 decimals (equal values give 0, not float noise)."""
    return round(float(np.std(values)), 12) if values else math.nan


def _nanmean(values: Sequence[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return float(np.mean(finite)) if finite else math.nan


def front_table(records: Sequence[RunRecord]) -> pd.DataFrame:
    """The main leaderboard: one row per (pack, protocol, method configuration), ranked by
    front HV (mean over seeds) within each (pack, protocol)."""
    fronts = seed_fronts(records)
    entries: dict[tuple[str, str, str, str], list[SeedFront]] = {}
    for front in fronts:
        entries.setdefault((front.pack, front.protocol, front.method, front.config), []).append(
            front
        )
    rows: list[dict[str, Any]] = []
    for (pack, protocol, method, config), group in entries.items():
        runs = [r for f in group for r in f.records]
        first = runs[0]
        prefs = {r.preference for r in runs}
        hvs = [f.hypervolume for f in group]
        response_hvs = [float(r.metrics["hypervolume"]) for r in runs]
        collapse = [float(r.metrics.get("collapse@1", math.nan)) for r in runs]
        row: dict[str, Any] = {
            "pack": pack,
            "protocol": protocol,
            "rank": 0,
            "method": method,
            "config": config,
            "kind": first.method_kind,
            "version": first.method_version,
            "front_hv_mean": float(np.mean(hvs)),
            "front_hv_std": _std(hvs),
            "response_hv_mean": float(np.mean(response_hvs)),
            "response_hv_std": _std(response_hvs),
        }
        for i, name in enumerate(first.objectives):
            row[name] = float(np.mean([mean_vector(r)[i] for r in runs]))
        row.update(
            {
                "collapse": _nanmean(collapse),
                "compute_s": float(np.mean([f.compute_seconds for f in group])),
                "gpu_hours": float(np.mean([f.gpu_hours for f in group])),
                "device": ",".join(sorted({p.device for r in runs for p in r.compute})) or "cpu",
                "seeds": len(group),
                "preferences": len(prefs),
                # every seed's front has every preference run (else a front is partial, e.g.
                # an interrupted grid, and its HV understates the method)
                "complete": all({r.preference for r in f.records} == prefs for f in group),
                "steps_to_final_front": _nanmean([steps_to_final_front(r) for r in runs]),
                "records": len(runs),
            }
        )
        rows.append(row)
    if not rows:
        return pd.DataFrame(columns=[*KEY_COLUMNS, *STAT_COLUMNS, *TAIL_COLUMNS])
    table = pd.DataFrame(rows)
    table = table.sort_values(
        ["pack", "protocol", "front_hv_mean", "method"], ascending=[True, True, False, True]
    ).reset_index(drop=True)
    table["rank"] = table.groupby(["pack", "protocol"], sort=False).cumcount() + 1
    objective_cols = [c for c in table.columns if c not in (*KEY_COLUMNS, *STAT_COLUMNS)]
    objective_cols = [c for c in objective_cols if c not in TAIL_COLUMNS]
    return table[[*KEY_COLUMNS, *STAT_COLUMNS, *objective_cols, *TAIL_COLUMNS]]


def pack_objectives(records: Sequence[RunRecord], pack: str) -> tuple[str, ...]:
    """The objective names of ``pack`` as its records list them."""
    for record in records:
        if record.pack == pack:
            return record.objectives
    return ()


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Methods across packs, per protocol (the layout of the ParetoHqD paper's main table):
    for each pack, a method's best configuration's front HV, collapse rate and compute
    seconds, and its mean rank over the packs it ran on (rank among methods by front HV)."""
    if table.empty:
        return pd.DataFrame(columns=["protocol", "method", "kind", "mean_rank", "packs"])
    best = table.sort_values("rank").drop_duplicates(["pack", "protocol", "method"]).copy()
    best["method_rank"] = best.groupby(["pack", "protocol"])["front_hv_mean"].rank(
        ascending=False, method="min"
    )
    packs = sorted(best["pack"].unique())
    rows = []
    for (protocol, method), group in best.groupby(["protocol", "method"], sort=True):
        row: dict[str, Any] = {
            "protocol": protocol,
            "method": method,
            "kind": group["kind"].iloc[0],
            "mean_rank": float(group["method_rank"].mean()),
            "packs": len(group),
        }
        by_pack = {r.pack: r for r in group.itertuples()}
        for pack in packs:
            hit = by_pack.get(pack)
            row[f"{pack} HV"] = hit.front_hv_mean if hit else math.nan
            row[f"{pack} collapse"] = hit.collapse if hit else math.nan
            row[f"{pack} secs"] = hit.compute_s if hit else math.nan
        rows.append(row)
    out = pd.DataFrame(rows).sort_values(["protocol", "mean_rank", "method"])
    return out.reset_index(drop=True)
