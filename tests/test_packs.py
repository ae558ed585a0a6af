"""Pack format: loading, hashing, refusal of tampered packs, clear errors for bad manifests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mobench.errors import PackFormatError, PackIntegrityError, PackNotFoundError
from mobench.pack_index import discover, locate, open_pack
from mobench.packs import ObjectiveSpec, load_pack


def test_roundtrip_keeps_items_candidates_and_splits(tmp_path: Path, pack_factory) -> None:
    pack = pack_factory(tmp_path)
    again = load_pack(pack.root)
    assert again == pack
    assert len(again.items) == 9 and len(again.candidates) == 36
    assert [len(again.split(s)) for s in ("train", "val", "test")] == [5, 2, 2]
    assert again.item("add_03").meta == {"difficulty": "easy"}


def test_hash_is_stable_and_changes_with_content(tmp_path: Path, pack_factory) -> None:
    a = pack_factory(tmp_path / "a")
    b = pack_factory(tmp_path / "b")
    assert a.sha256 == b.sha256
    c = pack_factory(tmp_path / "c", n_items=10)
    assert c.sha256 != a.sha256


def test_tampered_pack_is_refused(tmp_path: Path, pack_factory) -> None:
    pack = pack_factory(tmp_path)
    items = pack.root / "items.jsonl"
    items.write_text(items.read_text().replace("a + b", "a * b", 1))
    with pytest.raises(PackIntegrityError, match="does not match its hash"):
        load_pack(pack.root)
    assert load_pack(pack.root, verify=False).sha256 != pack.sha256


def test_tampered_manifest_objective_is_refused(tmp_path: Path, pack_factory) -> None:
    pack = pack_factory(tmp_path)
    path = pack.root / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["objectives"][1]["params"]["tau"] = 10_000
    path.write_text(json.dumps(manifest))
    with pytest.raises(PackIntegrityError):
        load_pack(pack.root)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda m: m.pop("name"), "field 'name' is missing"),
        (lambda m: m.update(version=3), "field 'version' must be str"),
        (lambda m: m["objectives"][0].update(scorer="code.pass"), "objectives[0].scorer"),
        (lambda m: m["objectives"][2].update(bounds=[1, 0]), "objectives[2].bounds"),
        (lambda m: m["objectives"][1].update(direction="up"), "objectives[1].direction"),
        (lambda m: m.update(preferences=[[1, 2]]), "preferences[0]"),
        (lambda m: m.update(reference_point=[0, 0]), "reference_point"),
        (lambda m: m["splits"].update(holdout=[]), "splits.holdout"),
        (lambda m: m.update(format=99), "field 'format'"),
    ],
)
def test_malformed_manifest_names_file_and_field(
    tmp_path: Path, pack_factory, mutate, message: str
) -> None:
    pack = pack_factory(tmp_path)
    path = pack.root / "manifest.json"
    manifest = json.loads(path.read_text())
    mutate(manifest)
    path.write_text(json.dumps(manifest))
    with pytest.raises(PackFormatError) as info:
        load_pack(pack.root)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_malformed_items_line_names_line(tmp_path: Path, pack_factory) -> None:
    pack = pack_factory(tmp_path)
    items = pack.root / "items.jsonl"
    lines = items.read_text().splitlines()
    lines[2] = "{not json"
    items.write_text("\n".join(lines) + "\n")
    with pytest.raises(PackFormatError, match=r"items.jsonl:3: not valid JSON"):
        load_pack(pack.root)


def test_candidate_for_unknown_item_is_an_error(tmp_path: Path, pack_factory) -> None:
    pack = pack_factory(tmp_path)
    cands = pack.root / "candidates.jsonl"
    cands.write_text(cands.read_text().replace('"item_id": "add_00"', '"item_id": "ghost"', 1))
    with pytest.raises(PackFormatError, match="unknown item 'ghost'"):
        load_pack(pack.root)


def test_normalise_maps_bounds_and_direction() -> None:
    spec = ObjectiveSpec("tokens", "x.y@1", bounds=(100.0, 500.0), direction="min")
    got = spec.normalise(np.array([100.0, 300.0, 500.0, 900.0]))
    np.testing.assert_allclose(got, [1.0, 0.5, 0.0, 0.0])


def test_discovery_prefers_extra_dirs_and_resolves_newest(tmp_path: Path, pack_factory) -> None:
    pack_factory(tmp_path / "root", name="demo")
    newer = pack_factory(tmp_path / "tmp2", name="demo", n_items=8)
    (tmp_path / "root" / "demo" / "2").symlink_to(newer.root)
    found = [loc.ref for loc in discover([tmp_path / "root"])]
    assert "demo@1" in found and "demo@2" in found
    assert locate("demo", [tmp_path / "root"]).version == "2"
    assert locate("demo@1", [tmp_path / "root"]).version == "1"
    assert len(open_pack("demo@2", [tmp_path / "root"]).items) == 8
    with pytest.raises(PackNotFoundError, match="no pack 'demo@7'"):
        locate("demo@7", [tmp_path / "root"])


def test_builtin_coding24_is_found_and_verifies() -> None:
    pack = open_pack("coding24")
    assert pack.ref == "coding24@1"
    assert len(pack.items) == 24
    difficulties = [i.meta["difficulty"] for i in pack.items]
    assert {d: difficulties.count(d) for d in set(difficulties)} == {
        "easy": 8,
        "medium": 8,
        "hard": 8,
    }
    per_item = pack.candidates_by_item()
    assert all(len(c) >= 8 for c in per_item.values())
    assert len({c.completion for c in pack.candidates}) == len(pack.candidates)
    for name in ("fizzbuzz", "two_sum", "lru_cache", "min_window"):
        assert any(name in i.id for i in pack.items), name


def test_pairs_roundtrip_and_are_hashed(tmp_path: Path) -> None:
    from mobench.packs import Candidate, Item, PreferencePair, load_pack, write_pack

    items = [Item("q1", "Say hi", split="train")]
    cands = [Candidate("q1", "q1-a", "Hi!"), Candidate("q1", "q1-b", "No.")]
    pairs = [PreferencePair("q1", "q1-a", "q1-b", "helpful", "a")]
    spec = ObjectiveSpec("helpful", "text.length@1")
    folder = write_pack(
        tmp_path / "p" / "1",
        name="p",
        version="1",
        track="text",
        objectives=[spec],
        items=items,
        candidates=cands,
        pairs=pairs,
    )
    pack = load_pack(folder)
    assert pack.pairs == tuple(pairs)
    lines = (folder / "pairs.jsonl").read_text().replace('"winner": "a"', '"winner": "b"')
    (folder / "pairs.jsonl").write_text(lines)
    with pytest.raises(PackIntegrityError):
        load_pack(folder)
    (folder / "pairs.jsonl").write_text(lines.replace('"winner": "b"', '"winner": "x"'))
    with pytest.raises(PackFormatError, match="field 'winner'"):
        load_pack(folder)


def test_external_loader_pack_hashes_manifest_and_checks_the_file(tmp_path: Path) -> None:
    from mobench import loaders
    from mobench.packs import Item, LoadedData, load_pack, write_pack

    data = tmp_path / "data.txt"
    data.write_text("2+2\n3+3\n")
    digest = loaders.file_sha256(data)

    @loaders.register_loader("test-lines")
    def _load(header, source, verify_source):  # noqa: ANN001, ANN202 - test double
        provenance = loaders.check_file_hash(
            source, header["loader"]["file_sha256"], verify_source, "test file"
        )
        lines = source.read_text().split()
        return LoadedData(tuple(Item(f"l{i}", t) for i, t in enumerate(lines)), source=provenance)

    spec = ObjectiveSpec("acc", "text.length@1")
    folder = write_pack(
        tmp_path / "ext" / "1",
        name="ext",
        version="1",
        track="text",
        objectives=[spec],
        loader={"name": "test-lines", "file_sha256": digest},
    )
    assert not (folder / "items.jsonl").exists()
    pack = load_pack(folder, source=data)
    assert [i.prompt for i in pack.items] == ["2+2", "3+3"]
    assert pack.source["verified"] is True
    data.write_text("tampered\n")
    with pytest.raises(PackIntegrityError, match="differs from the canonical test file"):
        load_pack(folder, source=data)
    assert load_pack(folder, source=data, verify_source=False).source["verified"] is False
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["loader"]["file_sha256"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(PackIntegrityError, match="does not match its hash"):
        load_pack(folder, source=data, verify_source=False)
