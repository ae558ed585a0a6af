"""hh-rlhf@1: prompt extraction, splits, the loader's sources and hashes; real data when present."""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from mobench.errors import MobenchError, PackIntegrityError
from mobench.loaders import hh_rlhf
from mobench.loaders.hh_rlhf import build_subset, split_assignment, split_dialogue
from mobench.pack_index import builtin_pack_dir, locate
from mobench.packs import load_pack, write_pack

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
HH_DATA = SHARED_DATA / "hh-rlhf"

H, A = "\n\nHuman:", "\n\nAssistant:"


def test_prompt_is_the_dialogue_up_to_the_last_assistant_marker() -> None:
    chosen = f"{H} Hi{A} Hello!{H} How do I boil an egg?{A} Six minutes."
    rejected = f"{H} Hi{A} Hello!{H} How do I boil an egg?{A}  Ask someone else. "
    d = split_dialogue(chosen, rejected)
    assert d.prompt == f"{H} Hi{A} Hello!{H} How do I boil an egg?{A}"
    assert (d.chosen, d.rejected, d.realigned) == ("Six minutes.", "Ask someone else.", False)


def test_prompts_that_differ_are_cut_at_the_last_shared_marker() -> None:
    # the rejected response runs on into a further turn of its own
    chosen = f"{H} Name a fruit.{A} Apple."
    rejected = f"{H} Name a fruit.{A} Pear.{H} Another?{A} Plum."
    d = split_dialogue(chosen, rejected)
    assert d.prompt == f"{H} Name a fruit.{A}" and d.realigned
    assert d.chosen == "Apple."
    assert d.rejected == f"Pear.{H} Another?{A} Plum."
    with pytest.raises(ValueError):
        split_dialogue(f"{H} no assistant here", f"{H} none{A} x")


def test_split_assignment_is_a_seeded_60_20_20_cut() -> None:
    splits = split_assignment(10, seed=42)
    assert (splits.count("train"), splits.count("val"), splits.count("test")) == (6, 2, 2)
    order = np.random.default_rng(42).permutation(10)
    assert [splits[i] for i in order] == ["train"] * 6 + ["val"] * 2 + ["test"] * 2
    assert split_assignment(10, seed=42) == splits and split_assignment(10, seed=1) != splits
    assert [split_assignment(n).count("train") for n in (1, 3, 7)] == [1, 2, 4]


def _record(i: int, same: bool = False) -> dict[str, str]:
    prompt = f"{H} Question {i}?{A}"
    good, bad = f" Good answer {i}.", f" Bad answer {i}."
    return {"chosen": prompt + good, "rejected": prompt + (good if same else bad)}


def test_build_subset_drops_identical_pairs_and_labels_the_chosen_one() -> None:
    records = [_record(0), _record(1, same=True), _record(2), _record(3)]
    built = build_subset("harmless-base", "harmless", records)
    assert (built.records, built.dropped_identical, built.realigned) == (4, 1, 0)
    assert [i.id for i in built.items] == [
        "harmless-base-00000",
        "harmless-base-00002",
        "harmless-base-00003",
    ]
    texts = {c.candidate_id: c.completion for c in built.candidates}
    for pair in built.pairs:
        assert (pair.objective, pair.winner) == ("harmless", "a")
        assert texts[pair.a].startswith("Good") and texts[pair.b].startswith("Bad")
    assert len(built.candidates) == 6 and all(
        i.meta["subset"] == "harmless-base" for i in built.items
    )


# ---------------------------------------------------------------------------------------------
# the loader on small local files


def _write_gz(path: Path, records: list[dict[str, str]]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def small_source(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of two small subset files and a pack manifest pinning their hashes."""
    source = tmp_path / "hh"
    helpful = _write_gz(source / "helpful-base_test.jsonl.gz", [_record(i) for i in range(10)])
    harmless = _write_gz(
        source / "harmless-base" / "test.jsonl.gz",
        [_record(i, same=i == 14) for i in range(10, 20)],
    )
    spec = hh_rlhf.loader_spec()
    spec["subsets"]["helpful-base"]["sha256"] = helpful
    spec["subsets"]["harmless-base"]["sha256"] = harmless
    objectives = hh_rlhf.default_objectives()
    pack_dir = write_pack(
        tmp_path / "packs" / "hh-small" / "1",
        name="hh-small",
        version="1",
        track="dialogue",
        objectives=objectives,
        preferences=hh_rlhf.PREFERENCES,
        loader=spec,
    )
    return source, pack_dir


def test_loader_reads_both_layouts_and_records_provenance(small_source) -> None:
    source, pack_dir = small_source
    pack = load_pack(pack_dir, source=source)
    assert len(pack.items) == 19 and len(pack.candidates) == 38 and len(pack.pairs) == 19
    objectives = {p.objective for p in pack.pairs if p.item_id.startswith("helpful")}
    assert objectives == {"helpful"}
    assert {p.objective for p in pack.pairs if p.item_id.startswith("harmless")} == {"harmless"}
    assert pack.source["harmless-base"]["dropped_identical"] == 1
    assert pack.source["helpful-base"]["verified"] is True
    assert pack.source["revision"] == hh_rlhf.REVISION
    assert {i.split for i in pack.items} == {"train", "val", "test"}
    first = pack.candidates_by_item()["helpful-base-00000"]
    assert {c.candidate_id for c in first} == {"helpful-base-00000-c0", "helpful-base-00000-c1"}
    # positions do not give the label away: the chosen one is listed second for some items
    positions = [
        [c.candidate_id for c in cands].index(f"{item}-c0")
        for item, cands in pack.candidates_by_item().items()
    ]
    assert 0 < sum(positions) < len(positions)
    assert load_pack(pack_dir, source=source).sha256 == pack.sha256


def test_loader_refuses_a_file_with_another_hash(small_source) -> None:
    source, pack_dir = small_source
    _write_gz(source / "helpful-base_test.jsonl.gz", [_record(i) for i in range(11)])
    with pytest.raises(PackIntegrityError, match="differs from the canonical helpful-base"):
        load_pack(pack_dir, source=source)
    pack = load_pack(pack_dir, source=source, verify_source=False)
    assert pack.source["helpful-base"]["verified"] is False and len(pack.items) == 20


def test_loader_errors_name_the_fix(small_source, monkeypatch: pytest.MonkeyPatch) -> None:
    source, pack_dir = small_source
    (source / "helpful-base_test.jsonl.gz").unlink()
    with pytest.raises(MobenchError, match="no helpful-base_test.jsonl.gz"):
        load_pack(pack_dir, source=source)
    with pytest.raises(MobenchError, match="pass a folder"):
        load_pack(pack_dir, source=source / "harmless-base" / "test.jsonl.gz")

    import datasets

    def offline(*args: object, **kwargs: object) -> None:
        assert kwargs["revision"] == hh_rlhf.REVISION and kwargs["data_dir"] == "helpful-base"
        raise ConnectionError("no network")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(MobenchError, match="pass --source FOLDER"):
        load_pack(pack_dir)


def test_loader_reads_the_hub_through_datasets(small_source, monkeypatch) -> None:
    _source, pack_dir = small_source
    import datasets

    calls = []

    def fake(name: str, data_dir: str, revision: str, split: str) -> list[dict[str, str]]:
        calls.append((name, data_dir, revision, split))
        return [_record(i) for i in range(5)]

    monkeypatch.setattr(datasets, "load_dataset", fake)
    pack = load_pack(pack_dir, verify=True)
    assert calls == [
        ("Anthropic/hh-rlhf", "helpful-base", hh_rlhf.REVISION, "test"),
        ("Anthropic/hh-rlhf", "harmless-base", hh_rlhf.REVISION, "test"),
    ]
    assert len(pack.items) == 10 and pack.source["helpful-base"]["file"].startswith("hub:")


def test_shipped_manifest_is_what_the_builder_writes(tmp_path: Path) -> None:
    shipped = locate("hh-rlhf@1").path
    assert shipped == builtin_pack_dir() / "hh-rlhf" / "1"
    hh_rlhf.write_manifest(tmp_path, hh_rlhf.default_objectives())
    assert (tmp_path / "manifest.json").read_text() == (shipped / "manifest.json").read_text()
    manifest = json.loads((shipped / "manifest.json").read_text())
    assert manifest["loader"]["revision"] == "09be8c5bbc57cb3887f3a9732ad6aa7ec602a1fa"
    assert manifest["loader"]["subsets"]["harmless-base"]["sha256"].startswith("ebfaaed2")
    assert [o["scorer"] for o in manifest["objectives"]] == ["hh.helpful@1", "hh.harmless@1"]


# ---------------------------------------------------------------------------------------------
# real data (../shared/data/hh-rlhf), skipped when absent

needs_data = pytest.mark.skipif(
    not (HH_DATA / "harmless-base_test.jsonl.gz").is_file(), reason=f"no HH-RLHF data at {HH_DATA}"
)


@pytest.mark.realdata
@needs_data
def test_real_hh_loads_with_verified_hashes(tmp_path: Path) -> None:
    pack = load_pack(locate("hh-rlhf@1").path, source=HH_DATA)
    helpful, harmless = pack.source["helpful-base"], pack.source["harmless-base"]
    assert helpful["verified"] and harmless["verified"]
    assert (helpful["records"], helpful["dropped_identical"], helpful["items"]) == (2354, 2, 2352)
    assert (harmless["records"], harmless["dropped_identical"], harmless["items"]) == (
        2312,
        0,
        2312,
    )
    assert (helpful["realigned"], harmless["realigned"]) == (9, 5)
    print(
        "\nhh-rlhf: helpful-base 2354 records, 2 identical pairs dropped, 9 realigned; "
        "harmless-base 2312 records, 0 dropped, 5 realigned"
    )
    assert len(pack.items) == 4664 and len(pack.pairs) == 4664
    texts = {c.candidate_id: c.completion for c in pack.candidates}
    for item in pack.items:
        assert item.prompt.startswith(H) and item.prompt.endswith(A)
    for pair in pack.pairs:
        assert texts[pair.a] != texts[pair.b]
    # one record checked by hand: helpful-base line 0
    with gzip.open(HH_DATA / "helpful-base_test.jsonl.gz", "rt", encoding="utf-8") as handle:
        first = json.loads(handle.readline())
    item = pack.item("helpful-base-00000")
    assert first["chosen"] == f"{item.prompt} {texts['helpful-base-00000-c0']}"
    assert first["rejected"] == f"{item.prompt} {texts['helpful-base-00000-c1']}"
    # a tampered copy is refused
    shutil.copy(HH_DATA / "helpful-base_test.jsonl.gz", tmp_path / "helpful-base_test.jsonl.gz")
    with gzip.open(HH_DATA / "harmless-base_test.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = handle.read().splitlines()
    _write_gz(tmp_path / "harmless-base_test.jsonl.gz", [json.loads(r) for r in rows[:-1]])
    with pytest.raises(PackIntegrityError, match="harmless-base"):
        load_pack(locate("hh-rlhf@1").path, source=tmp_path)


# Real-data reward models: the pack's train split fits, val picks λ, test is held out. MiniLM on
# two CPU cores embeds roughly 30-45 of these texts a second, so each subset is subsampled to
# REAL_PAIRS pairs (seeded): 2 × 1200 texts per subset, about a minute each; the embeddings are
# cached on disk for the session.
REAL_PAIRS = 1200


@pytest.fixture(scope="module")
def real_pack():
    return load_pack(locate("hh-rlhf@1").path, source=HH_DATA)


@pytest.fixture(scope="module")
def embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hh-embeddings")


@pytest.mark.realdata
@needs_data
@pytest.mark.parametrize(("objective", "floor"), [("harmless", 0.55), ("helpful", 0.5)])
def test_real_hh_reward_model_beats_chance_on_held_out_pairs(
    real_pack, embedding_cache: Path, objective: str, floor: float
) -> None:
    from mobench.bt_reward import train_reward_model

    started = time.perf_counter()
    result = train_reward_model(
        real_pack, objective, max_pairs=REAL_PAIRS, cache_dir=embedding_cache
    )
    meta = result.metadata
    counts = meta["training"]["pairs"]
    accuracy = meta["accuracy"]["test"]
    print(
        f"\nhh-rlhf {objective}: held-out pairwise accuracy {accuracy:.3f} on "
        f"{counts['test']['pairs']} test pairs (train {counts['train']['pairs']}, val "
        f"{counts['val']['pairs']}; l2={meta['training']['l2']:g}; "
        f"{time.perf_counter() - started:.0f} s)"
    )
    assert not math.isnan(accuracy)
    assert accuracy > floor
    assert counts["test"]["pairs"] >= 200
