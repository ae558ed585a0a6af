"""The leaderboard's front table: front HV per seed, mean ± std, compute, collapse, steps."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from mobench.errors import MobenchError
from mobench.fronts import front_table, seed_fronts, summary_table
from mobench.leaderboard import leaderboard_table, to_markdown, write_leaderboard
from mobench.records import PhaseCompute, ResponseRecord, RunRecord, RunStore

PREFS = ((1.0, 0.0), (0.5, 0.5), (0.0, 1.0))


def make_record(
    method: str,
    seed: int,
    pref: tuple[float, ...],
    mean: tuple[float, float],
    *,
    kind: str = "online",
    params: dict | None = None,
    collapse: float = 0.0,
    compute: tuple[PhaseCompute, ...] = (PhaseCompute("train", 1.0, "cpu"),),
    training: dict | None = None,
    pack: str = "toy@1",
) -> RunRecord:
    """A record with one response whose objective vector is ``mean`` (so HV = product)."""
    return RunRecord(
        run_key=f"{pack}-{method}-{seed}-{pref}-{json.dumps(params, sort_keys=True)}",
        method=method,
        method_version="1",
        params=params or {"lr": 0.1},
        pack=pack,
        pack_sha256="ab" * 32,
        objectives=("a", "b"),
        scorers=("x.a@1", "x.b@1"),
        preference=pref,
        seed=seed,
        protocol="pack",
        responses=(ResponseRecord("i1", None, mean, ""),),
        metrics={
            "hypervolume": mean[0] * mean[1],
            "means": {"a": mean[0], "b": mean[1]},
            "collapse@1": collapse,
        },
        training=training or {},
        compute=compute,
        sandbox={},
        environment={"mobench": "0.1.0"},
        method_kind=kind,
        reference_point=(0.0, 0.0),
    )


# alpha's fronts (one point per preference), HV against the origin by hand, sweeping by a:
#   seed 0: (0.8, 0.2), (0.5, 0.5), (0.2, 0.8) → 0.8·0.2 + 0.5·(0.5−0.2) + 0.2·(0.8−0.5)
#           = 0.16 + 0.15 + 0.06 = 0.37
#   seed 1: (0.6, 0.2), (0.5, 0.5), (0.2, 0.6) → 0.12 + 0.5·0.3 + 0.2·0.1 = 0.29
#   mean 0.33, population std 0.04.
ALPHA = {
    0: ((0.8, 0.2), (0.5, 0.5), (0.2, 0.8)),
    1: ((0.6, 0.2), (0.5, 0.5), (0.2, 0.6)),
}


def toy_records() -> list[RunRecord]:
    records = []
    for seed, points in ALPHA.items():
        for pref, mean in zip(PREFS, points, strict=True):
            records.append(
                make_record(
                    "alpha",
                    seed,
                    pref,
                    mean,
                    collapse=0.5 if seed == 0 else 0.0,
                    compute=(
                        PhaseCompute("train", 36.0, "cuda:NVIDIA H100"),
                        PhaseCompute("score", 2.0, "cpu"),
                    ),
                    training={"steps_to_final_front": 10 + 10 * seed},
                )
            )
            # beta: the same point (0.5, 0.5) at every preference → front HV 0.25 each seed
            records.append(make_record("beta", seed, pref, (0.5, 0.5), kind="selector"))
    return records


def test_front_hv_by_hand() -> None:
    table = front_table(toy_records())
    assert list(table["method"]) == ["alpha", "beta"]  # ranked by front HV
    assert list(table["rank"]) == [1, 2]
    alpha, beta = table.iloc[0], table.iloc[1]
    assert alpha.front_hv_mean == pytest.approx(0.33)
    assert alpha.front_hv_std == pytest.approx(0.04)
    assert beta.front_hv_mean == pytest.approx(0.25) and beta.front_hv_std == 0.0
    # response HV: mean over alpha's 6 records of a·b
    products = [a * b for pts in ALPHA.values() for a, b in pts]
    assert alpha.response_hv_mean == pytest.approx(sum(products) / 6)
    # objective means over all runs: a = (0.8+0.5+0.2+0.6+0.5+0.2)/6 = 0.4667
    assert alpha.a == pytest.approx(2.8 / 6) and alpha.b == pytest.approx(2.8 / 6)
    assert alpha.kind == "online" and beta.kind == "selector"
    assert alpha.seeds == 2 and alpha.preferences == 3 and alpha.records == 6


def test_compute_collapse_and_steps() -> None:
    table = front_table(toy_records()).set_index("method")
    # per front: 3 runs × (36 s GPU + 2 s CPU) = 114 s, of which 108 s = 0.03 GPU-hours
    assert table.loc["alpha", "compute_s"] == pytest.approx(114.0)
    assert table.loc["alpha", "gpu_hours"] == pytest.approx(0.03)
    assert table.loc["alpha", "device"] == "cpu,cuda:NVIDIA H100"
    assert table.loc["beta", "compute_s"] == pytest.approx(3.0)
    assert table.loc["beta", "gpu_hours"] == 0.0
    # collapse: 0.5 on seed 0's three runs, 0 on seed 1's → 0.25
    assert table.loc["alpha", "collapse"] == pytest.approx(0.25)
    # steps_to_final_front: 10 (seed 0) and 20 (seed 1) → 15; blank for beta
    assert table.loc["alpha", "steps_to_final_front"] == pytest.approx(15.0)
    assert math.isnan(table.loc["beta", "steps_to_final_front"])


def test_configs_and_duplicates_are_separate_entries() -> None:
    records = toy_records()
    other = [
        make_record("beta", 0, pref, (0.9, 0.9), kind="selector", params={"lr": 1.0})
        for pref in PREFS
    ]
    table = front_table(records + other + records[:3])  # duplicates are counted once
    beta = table[table["method"] == "beta"]
    assert len(beta) == 2
    assert set(beta["config"]) == {records[1].config_id(), other[0].config_id()}
    assert beta.iloc[0]["front_hv_mean"] == pytest.approx(0.81)  # ranked first: 0.9 · 0.9
    assert table.iloc[0]["rank"] == 1 and table.iloc[0]["config"] == other[0].config_id()
    assert int(table[table["method"] == "alpha"]["records"].iloc[0]) == 6


def test_reference_point_of_the_pack_is_used() -> None:
    records = [
        RunRecord(**{**r.__dict__, "reference_point": (0.1, 0.1), "run_key": r.run_key + "r"})
        for r in toy_records()
        if r.method == "beta"
    ]
    # (0.5, 0.5) against (0.1, 0.1): 0.4 · 0.4 = 0.16
    assert front_table(records).iloc[0]["front_hv_mean"] == pytest.approx(0.16)


def test_mixed_pack_contents_are_refused() -> None:
    records = toy_records()
    odd = RunRecord(**{**records[0].__dict__, "pack_sha256": "cd" * 32, "run_key": "odd"})
    with pytest.raises(MobenchError, match="disagree on pack_sha256"):
        seed_fronts([*records, odd])


def test_markdown_csv_json_hold_both_tables(tmp_path: Path) -> None:
    records = toy_records()
    written = write_leaderboard(records, tmp_path, ["md", "csv", "json"])
    names = {p.name for p in written}
    assert names == {
        "leaderboard.md",
        "leaderboard.csv",
        "leaderboard.json",
        "preferences.csv",
        "preferences.json",
    }
    md = (tmp_path / "leaderboard.md").read_text()
    assert "toy@1 — protocol `pack`: fronts" in md
    assert "| 1 | alpha | online | 0.3300 ± 0.0400 |" in md
    assert "# Per preference" in md
    rows = json.loads((tmp_path / "leaderboard.json").read_text())
    assert [r["method"] for r in rows] == ["alpha", "beta"]
    assert rows[1]["steps_to_final_front"] is None  # NaN is null in JSON
    assert "front_hv_mean" in (tmp_path / "leaderboard.csv").read_text().splitlines()[0]
    assert to_markdown(front_table([])).startswith("_No run records")


def test_store_roundtrip_keeps_paths(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    for record in toy_records():
        store.save(record)
    pairs = list(store.iter_with_paths())
    assert len(pairs) == 12 and all(p.is_file() for p, _ in pairs)
    assert front_table([r for _, r in pairs]).iloc[0]["front_hv_mean"] == pytest.approx(0.33)


def test_partial_fronts_are_flagged() -> None:
    records = [r for r in toy_records() if not (r.method == "alpha" and r.seed == 1)]
    records += [r for r in toy_records() if r.method == "alpha" and r.seed == 1][:2]
    table = front_table(records).set_index("method")
    assert table.loc["alpha", "preferences"] == 3 and not table.loc["alpha", "complete"]
    assert table.loc["beta", "complete"]
    md = to_markdown(leaderboard_table(records), front_table(records))
    assert "| 3 (partial) |" in md


def test_summary_across_packs() -> None:
    other = [
        RunRecord(**{**r.__dict__, "pack": "toy2@1", "run_key": r.run_key + "-2"})
        for r in toy_records()
        if r.method == "beta"
    ] + [  # alpha on toy2 is worse than beta there: one point (0.4, 0.4) → HV 0.16 < 0.25
        make_record("alpha", 0, pref, (0.4, 0.4), pack="toy2@1") for pref in PREFS
    ]
    fronts = front_table(toy_records() + other)
    summary = summary_table(fronts).set_index("method")
    # alpha: rank 1 on toy, 2 on toy2 → 1.5; beta: 2 and 1 → 1.5
    assert summary.loc["alpha", "mean_rank"] == 1.5 and summary.loc["beta", "mean_rank"] == 1.5
    assert summary.loc["alpha", "toy@1 HV"] == pytest.approx(0.33)
    assert summary.loc["alpha", "toy2@1 HV"] == pytest.approx(0.16)
    assert summary.loc["beta", "toy2@1 secs"] == pytest.approx(3.0)
    md = to_markdown(leaderboard_table(toy_records() + other), fronts)
    assert "## All packs — protocol `pack`" in md
    assert "| alpha | online | 1.5 | 0.1600 | 0.000 | 3.0 | 0.3300 | 0.250 | 114.0 |" in md
    single = to_markdown(leaderboard_table(toy_records()), front_table(toy_records()))
    assert "All packs" not in single  # one pack: its front table says it all
