"""The grid runner: records per (method, seed, protocol), resume after interruption, caching."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mobench.errors import MethodError
from mobench.leaderboard import leaderboard_table, to_markdown, write_leaderboard
from mobench.methods import Response
from mobench.metrics import hypervolume
from mobench.records import RunRecord, RunStore
from mobench.runner import GridRunner, RunConfig


def _config(tmp_path: Path, pack_root: Path, **kw) -> RunConfig:
    base = {
        "packs": ("tiny",),
        "methods": ("random", "oracle"),
        "seeds": (0, 1),
        "protocols": ("kfold",),
        "folds": 3,
        "out_dir": tmp_path / "runs",
        "pack_dirs": (pack_root,),
    }
    base.update(kw)
    return RunConfig(**base)


def test_grid_writes_one_record_per_run_and_oracle_wins(
    tmp_path: Path, tiny_pack, fake_sandbox_cls
) -> None:
    sandbox = fake_sandbox_cls()
    runner = GridRunner(
        _config(tmp_path, tiny_pack.root.parents[1]), sandbox_factory=lambda: sandbox
    )
    summary = runner.run()
    assert len(summary.written) == 4 and summary.skipped == 0
    by_method = {}
    for record in summary.records:
        assert record.pack == "tiny@1" and record.pack_sha256 == tiny_pack.sha256
        assert len(record.responses) == 9  # kfold tests every item once
        vectors = np.array([r.objectives for r in record.responses])
        assert record.metrics["hypervolume"] == pytest.approx(hypervolume(vectors, np.zeros(3)))
        assert record.environment["python"] and record.compute
        assert record.sandbox["backend"] == "fake"
        assert 0.0 <= record.metrics["collapse@1"] <= 1.0
        by_method.setdefault(record.method, []).append(record.metrics["scalarised"])
    assert min(by_method["oracle"]) >= max(by_method["random"])


def test_rerun_skips_finished_runs_and_uses_the_cache(
    tmp_path: Path, tiny_pack, fake_sandbox_cls
) -> None:
    sandbox = fake_sandbox_cls()
    config = _config(tmp_path, tiny_pack.root.parents[1])
    GridRunner(config, sandbox_factory=lambda: sandbox).run()
    calls = sandbox.calls
    again = GridRunner(config, sandbox_factory=lambda: sandbox).run()
    assert again.skipped == 4 and not again.written
    forced = GridRunner(
        RunConfig(**{**config.__dict__, "force": True}), sandbox_factory=lambda: sandbox
    ).run()
    assert len(forced.written) == 4
    assert sandbox.calls == calls  # every score came from the content-addressed cache


def test_interrupted_run_resumes_without_losing_or_duplicating(
    tmp_path: Path, tiny_pack, fake_sandbox_cls, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mobench.baselines.random_select import RandomSelect

    config = _config(tmp_path, tiny_pack.root.parents[1], methods=("random",), seeds=(0, 1, 2))
    original = RandomSelect.respond
    calls = {"n": 0}

    def flaky(self, ctx):
        calls["n"] += 1
        if calls["n"] == 4:  # second seed, first fold
            raise KeyboardInterrupt
        return original(self, ctx)

    monkeypatch.setattr(RandomSelect, "respond", flaky)
    with pytest.raises(KeyboardInterrupt):
        GridRunner(config, sandbox_factory=fake_sandbox_cls).run()
    store = RunStore(config.out_dir)
    assert [r.seed for r in store.load_all()] == [0]
    monkeypatch.setattr(RandomSelect, "respond", original)
    resumed = GridRunner(config, sandbox_factory=fake_sandbox_cls).run()
    assert resumed.skipped == 1 and len(resumed.written) == 2
    assert sorted(r.seed for r in store.load_all()) == [0, 1, 2]
    assert not list(config.out_dir.rglob("*.tmp"))


def test_bad_adapter_output_is_a_clear_error(
    tmp_path: Path, tiny_pack, fake_sandbox_cls, monkeypatch
) -> None:
    from mobench.baselines.random_select import RandomSelect

    monkeypatch.setattr(RandomSelect, "respond", lambda self, ctx: [Response("nope", "x")])
    config = _config(tmp_path, tiny_pack.root.parents[1], methods=("random",), seeds=(0,))
    with pytest.raises(MethodError, match="exactly one Response per item"):
        GridRunner(config, sandbox_factory=fake_sandbox_cls).run()


def test_records_roundtrip_and_leaderboard(tmp_path: Path, tiny_pack, fake_sandbox_cls) -> None:
    config = _config(tmp_path, tiny_pack.root.parents[1])
    GridRunner(config, sandbox_factory=fake_sandbox_cls).run()
    records = RunStore(config.out_dir).load_all()
    for record in records:
        again = RunRecord.from_json(json.loads(json.dumps(record.to_json())))
        assert again == record
    table = leaderboard_table(records)
    assert sorted(table["method"]) == ["oracle", "random"]
    assert list(table["hv_mean"]) == sorted(table["hv_mean"], reverse=True)  # ranked by HV
    assert set(table["seeds"]) == {2}
    for row in table.itertuples():
        hv = [r.metrics["hypervolume"] for r in records if r.method == row.method]
        assert row.hv_mean == pytest.approx(np.mean(hv))
        assert row.hv_std == pytest.approx(np.std(hv))
    md = to_markdown(table)
    assert f"| 1 | {table.loc[0, 'method']} |" in md and "kfold3" in md
    written = write_leaderboard(records, tmp_path / "board", ["md", "csv", "json", "png"])
    assert {p.suffix for p in written} == {".md", ".csv", ".json", ".png"}


def test_old_schema_is_refused_with_a_clear_message() -> None:
    from mobench.errors import MobenchError

    with pytest.raises(MobenchError, match="schema_version 0 is not supported"):
        RunRecord.from_json({"schema_version": 0}, "old.json")
