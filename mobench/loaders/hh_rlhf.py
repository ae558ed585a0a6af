"""Loader ``hh-rlhf``: Anthropic's HH-RLHF preference data as a dialogue pack.

Each record of ``Anthropic/hh-rlhf`` holds two whole dialogues, ``chosen`` and ``rejected``, of
alternating ``\\n\\nHuman: `` and ``\\n\\nAssistant: `` turns that differ only in the last
assistant turn. The loader turns each record into one item:

- **prompt**: the dialogue up to and including the last ``\\n\\nAssistant:``;
- **candidates**: the text after that marker in ``chosen`` and in ``rejected`` (leading and
  trailing whitespace stripped), listed in a per-item deterministic order so that position never
  gives the label away;
- **pair**: one :class:`~mobench.packs.PreferencePair` with ``a`` = the chosen candidate,
  ``winner="a"``, labelled with the objective its subset speaks for (``helpful-base`` →
  ``helpful``, ``harmless-base`` → ``harmless``).

Records whose two responses are equal say nothing about preference and are dropped (counted in
the pack's ``source``). In a handful of records the two dialogues' prompts differ (a response
that itself contains a further ``\\n\\nAssistant:`` turn); the prompt is then the longest common
prefix that ends at an ``\\n\\nAssistant:`` marker, and the responses are what follows it
(counted as ``realigned``).

Splits: per subset, a permutation of the records with ``numpy.random.default_rng(seed)``
(seed 42) puts the first 60 % in train, the next 20 % in val and the rest in test.

Sources: ``source`` = a folder holding ``<subset>_test.jsonl.gz`` or ``<subset>/test.jsonl.gz``;
each file's sha256 is checked against the manifest. Without ``source`` the loader reads the
subset through ``datasets.load_dataset("Anthropic/hh-rlhf", data_dir=subset,
revision=<pinned>)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mobench.errors import MobenchError, PackFormatError
from mobench.loaders import check_file_hash, register_loader
from mobench.packs import (
    Candidate,
    Item,
    LoadedData,
    ObjectiveSpec,
    PreferencePair,
    read_json_lines,
    write_pack,
)

DATASET = "Anthropic/hh-rlhf"
# main of Anthropic/hh-rlhf (the dataset repo was last modified on 2023-05-26)
REVISION = "09be8c5bbc57cb3887f3a9732ad6aa7ec602a1fa"
HUMAN = "\n\nHuman:"
ASSISTANT = "\n\nAssistant:"
SPLIT_SEED = 42
SPLIT_FRACTIONS = (0.6, 0.2, 0.2)

SUBSETS: dict[str, dict[str, str]] = {
    "helpful-base": {
        "objective": "helpful",
        "file": "helpful-base/test.jsonl.gz",
        "sha256": "8be3fc1a13b27901631696f2be6f184c799f1baeaf145f53ac5db24960adc37b",
    },
    "harmless-base": {
        "objective": "harmless",
        "file": "harmless-base/test.jsonl.gz",
        "sha256": "ebfaaed21162a4de120ae85366075b34425e2a6303fac59b99555002f7016f03",
    },
}


@dataclass(frozen=True)
class Dialogue:
    """One record split into its shared prompt and its two final responses."""

    prompt: str
    chosen: str
    rejected: str
    realigned: bool = False


def split_dialogue(chosen: str, rejected: str) -> Dialogue:
    """Split a chosen / rejected record into prompt and responses (see the module docstring)."""
    cut_c, cut_r = chosen.rfind(ASSISTANT), rejected.rfind(ASSISTANT)
    if cut_c < 0 or cut_r < 0:
        raise ValueError("a dialogue without an '\\n\\nAssistant:' turn")
    end_c, end_r = cut_c + len(ASSISTANT), cut_r + len(ASSISTANT)
    if chosen[:end_c] == rejected[:end_r]:
        return Dialogue(chosen[:end_c], chosen[end_c:].strip(), rejected[end_r:].strip())
    common = 0
    for x, y in zip(chosen, rejected, strict=False):
        if x != y:
            break
        common += 1
    cut = chosen.rfind(ASSISTANT, 0, common)
    if cut < 0:
        raise ValueError("chosen and rejected share no prompt")
    end = cut + len(ASSISTANT)
    return Dialogue(chosen[:end], chosen[end:].strip(), rejected[end:].strip(), realigned=True)


def split_assignment(n: int, seed: int = SPLIT_SEED) -> list[str]:
    """Split name for each of ``n`` records: a seeded permutation cut 60 / 20 / 20."""
    order = np.random.default_rng(seed).permutation(n)
    n_train = round(SPLIT_FRACTIONS[0] * n)
    n_val = round(SPLIT_FRACTIONS[1] * n)
    out = [""] * n
    for rank, index in enumerate(order):
        out[int(index)] = "train" if rank < n_train else "val" if rank < n_train + n_val else "test"
    return out


@dataclass(frozen=True)
class SubsetData:
    items: list[Item]
    candidates: list[Candidate]
    pairs: list[PreferencePair]
    records: int
    dropped_identical: int
    realigned: int


def build_subset(
    subset: str, objective: str, records: Sequence[Mapping[str, Any]], seed: int = SPLIT_SEED
) -> SubsetData:
    """Items, candidates and pairs of one subset's records (in file order)."""
    splits = split_assignment(len(records), seed)
    items: list[Item] = []
    candidates: list[Candidate] = []
    pairs: list[PreferencePair] = []
    dropped = realigned = 0
    salt = int.from_bytes(hashlib.sha256(subset.encode()).digest()[:4], "big")
    flips = np.random.default_rng([seed, salt]).integers(0, 2, size=len(records))
    for index, record in enumerate(records):
        try:
            dialogue = split_dialogue(str(record["chosen"]), str(record["rejected"]))
        except (KeyError, ValueError) as exc:
            raise PackFormatError(f"{DATASET} {subset} record {index}: {exc}") from None
        if dialogue.chosen == dialogue.rejected:
            dropped += 1
            continue
        realigned += dialogue.realigned
        item_id = f"{subset}-{index:05d}"
        items.append(
            Item(
                id=item_id,
                prompt=dialogue.prompt,
                split=splits[index],
                meta={"subset": subset, "record": index},
            )
        )
        chosen_id, rejected_id = f"{item_id}-c0", f"{item_id}-c1"
        texts = [(chosen_id, dialogue.chosen), (rejected_id, dialogue.rejected)]
        if flips[index]:  # list rejected first for about half the items
            texts.reverse()
        for cand_id, text in texts:
            candidates.append(Candidate(item_id, cand_id, text, provenance={"dataset": DATASET}))
        pairs.append(PreferencePair(item_id, chosen_id, rejected_id, objective, "a"))
    return SubsetData(items, candidates, pairs, len(records), dropped, realigned)


def _read_jsonl_gz(path: Path) -> list[dict[str, Any]]:
    return [row for _where, row in read_json_lines(path)]


def find_subset_file(source: Path, subset: str) -> Path:
    """``<source>/<subset>_test.jsonl.gz`` or ``<source>/<subset>/test.jsonl.gz``."""
    if not source.is_dir():
        raise MobenchError(
            f"--source {source}: for hh-rlhf pass a folder holding <subset>_test.jsonl.gz or "
            "<subset>/test.jsonl.gz files"
        )
    for candidate in (source / f"{subset}_test.jsonl.gz", source / subset / "test.jsonl.gz"):
        if candidate.is_file():
            return candidate
    raise MobenchError(
        f"--source {source}: no {subset}_test.jsonl.gz or {subset}/test.jsonl.gz in that folder"
    )


def _hub_records(subset: str, revision: str) -> list[dict[str, Any]]:
    try:
        from datasets import load_dataset

        data = load_dataset(DATASET, data_dir=subset, revision=revision, split="test")
        return [{"chosen": row["chosen"], "rejected": row["rejected"]} for row in data]
    except Exception as exc:  # network, hub or cache errors all mean "cannot fetch"
        raise MobenchError(
            f"cannot load {DATASET} ({subset}, revision {revision[:12]}) from the hub "
            f"({type(exc).__name__}: {exc}); download the data and pass --source FOLDER "
            f"with {subset}_test.jsonl.gz"
        ) from None


@register_loader("hh-rlhf")
def load_hh_rlhf(header: Mapping[str, Any], source: Path | None, verify: bool) -> LoadedData:
    spec = header["loader"]
    revision = str(spec.get("revision", REVISION))
    seed = int(spec.get("split_seed", SPLIT_SEED))
    items: list[Item] = []
    candidates: list[Candidate] = []
    pairs: list[PreferencePair] = []
    provenance: dict[str, Any] = {"dataset": spec.get("dataset", DATASET), "revision": revision}
    for subset, info in dict(spec.get("subsets", SUBSETS)).items():
        if source is not None:
            path = find_subset_file(Path(source), subset)
            file_info = check_file_hash(path, info["sha256"], verify, f"{subset} test file")
            records = _read_jsonl_gz(path)
        else:
            file_info = {"file": f"hub:{DATASET}@{revision}/{info['file']}"}
            records = _hub_records(subset, revision)
        built = build_subset(subset, info["objective"], records, seed)
        items += built.items
        candidates += built.candidates
        pairs += built.pairs
        provenance[subset] = {
            **file_info,
            "records": built.records,
            "dropped_identical": built.dropped_identical,
            "realigned": built.realigned,
            "items": len(built.items),
        }
    return LoadedData(tuple(items), tuple(candidates), tuple(pairs), provenance)


# ---------------------------------------------------------------------------------------------
# The shipped manifest (tasks/hh-rlhf/1/)

PREFERENCES = ((1.0, 0.0), (0.75, 0.25), (0.5, 0.5), (0.25, 0.75), (0.0, 1.0))


def loader_spec(subsets: Iterable[str] = tuple(SUBSETS)) -> dict[str, Any]:
    return {
        "name": "hh-rlhf",
        "dataset": DATASET,
        "revision": REVISION,
        "split": "test",
        "split_seed": SPLIT_SEED,
        "split_fractions": list(SPLIT_FRACTIONS),
        "subsets": {name: dict(SUBSETS[name]) for name in subsets},
    }


def write_manifest(pack_dir: Path, objectives: Sequence[ObjectiveSpec]) -> Path:
    """Write hh-rlhf@1's manifest: the loader spec and the objectives that score it."""
    return write_pack(
        pack_dir,
        name="hh-rlhf",
        version="1",
        track="dialogue",
        objectives=objectives,
        preferences=PREFERENCES,
        description=(
            "Anthropic HH-RLHF test dialogues (helpful-base, harmless-base): one item per "
            "record with the chosen and rejected responses as candidates and the human label "
            "as a preference pair on the subset's objective"
        ),
        source={"dataset": DATASET, "revision": REVISION, "licence": "MIT"},
        loader=loader_spec(),
    )


def default_objectives() -> list[ObjectiveSpec]:
    """helpful / harmless scored by hh-mini@1's Bradley–Terry reward models (offline).

    Any other reward model plugs in the same way: ``mobench rm train hh-rlhf --source DIR``
    trains one on this pack's train split, and the ``hf`` backend takes e.g. the gpt2-large
    helpful / harmless reward models of the RiC paper.
    """
    from mobench.pack_index import locate
    from mobench.packs import read_manifest

    mini = read_manifest(locate("hh-mini@1").path)
    by_name = {o.name: o for o in mini["objectives"]}
    return [
        ObjectiveSpec(name, by_name[name].scorer, by_name[name].bounds, "max", by_name[name].params)
        for name in ("helpful", "harmless")
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m mobench.loaders.hh_rlhf OUT_DIR``: write hh-rlhf@1's manifest."""
    import argparse

    parser = argparse.ArgumentParser(description="Write the hh-rlhf@1 pack manifest.")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    path = write_manifest(args.out_dir, default_objectives())
    print(f"wrote {path / 'manifest.json'}")


if __name__ == "__main__":
    main()
