"""Loader ``math500``: MATH-500 (``HuggingFaceH4/MATH-500``, split ``test``) for ``math500@1``.

The data comes from a local copy of the dataset's ``test.jsonl`` (``--source PATH``, a file or
a folder holding it), checked against the manifest's ``file_sha256``, or, without one, from the
hub through ``datasets.load_dataset(dataset, split="test", revision=<pinned>)``. The hub rows are
checked against the same hash: MATH-500's ``test.jsonl`` is exactly ``json.dumps(row) + "\\n"``
per row with the fields in :data:`FIELDS` order, so re-serialising the rows reproduces it.

Items: id from ``unique_id`` (``test/precalculus/807.json`` → ``precalculus-807``), prompt =
problem + the boxed-answer instruction, reference = ``answer``, meta = subject, level and
unique_id; splits 60/20/20 with seed 42 (:func:`mobench.math_pack.assign_splits`). Each item's
reference ``solution`` is its one candidate, ``<id>-reference``.

The pinned revision, ``6e4ed1a2a79af7d8630a6b768ec859cb5af4d3be``, is the dataset commit that
public evaluation code pins for MATH-500 together with this test.jsonl sha256.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mobench.errors import MobenchError, PackFormatError, PackIntegrityError
from mobench.loaders import check_file_hash, register_loader
from mobench.math_pack import (
    BOXED_INSTRUCTION,
    MATH_PREFERENCES,
    SPLIT_FRACTIONS,
    SPLIT_SEED,
    assign_splits,
    math_objectives,
    math_prompt,
)
from mobench.packs import Candidate, Item, LoadedData, read_json_lines, write_pack
from mobench.tokens import count_tokens

DATASET = "HuggingFaceH4/MATH-500"
SPLIT = "test"
REVISION = "6e4ed1a2a79af7d8630a6b768ec859cb5af4d3be"
FILE = "test.jsonl"
FILE_SHA256 = "35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132"
FIELDS = ("problem", "solution", "answer", "subject", "level", "unique_id")

#: Conciseness bounds: 32 tokens or fewer scores 1, 1024 or more scores 0. The reference
#: solutions span most of that range (5th percentile 46 tokens, median 160, 95th 567).
MIN_TOKENS = 32
MAX_TOKENS = 1024

LOADER_SPEC: dict[str, Any] = {
    "name": "math500",
    "dataset": DATASET,
    "split": SPLIT,
    "revision": REVISION,
    "file": FILE,
    "file_sha256": FILE_SHA256,
    "split_seed": SPLIT_SEED,
    "split_fractions": list(SPLIT_FRACTIONS),
    "instruction": BOXED_INSTRUCTION,
}


def item_id(unique_id: str) -> str:
    """``test/precalculus/807.json`` → ``precalculus-807`` (other odd characters → ``-``)."""
    name = re.sub(r"^test/", "", unique_id.strip())
    name = re.sub(r"\.json$", "", name)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


def _check_row(row: Any, where: str) -> dict[str, Any]:
    if not isinstance(row, Mapping):
        raise PackFormatError(f"{where}: a MATH-500 row must be a JSON object")
    for key in FIELDS:
        if key not in row:
            raise PackFormatError(
                f"{where}: field '{key}' is missing (MATH-500 rows have {', '.join(FIELDS)})"
            )
    for key in ("problem", "solution", "answer", "subject", "unique_id"):
        if not isinstance(row[key], str):
            raise PackFormatError(f"{where}: field '{key}' must be a string")
    if not isinstance(row["level"], int) or isinstance(row["level"], bool):
        raise PackFormatError(f"{where}: field 'level' must be an integer")
    return {key: row[key] for key in FIELDS}


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a MATH-500 JSONL file (fields checked; errors name file and line)."""
    rows = []
    for where, data in read_json_lines(path):
        rows.append(_check_row(data, where))
    return rows


def rows_sha256(rows: Sequence[Mapping[str, Any]]) -> str:
    """sha256 of the rows written as MATH-500's test.jsonl is (``json.dumps`` per line)."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update((json.dumps({k: row[k] for k in FIELDS}) + "\n").encode())
    return digest.hexdigest()


def _source_file(source: Path, name: str) -> Path:
    path = source / name if source.is_dir() else source
    if not path.is_file():
        raise MobenchError(f"MATH-500 source {source}: no such file (expected {name})")
    return path


def _load_from_hub(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows at the pinned revision, through Hugging Face ``datasets``."""
    dataset, revision = spec["dataset"], spec["revision"]
    try:
        import datasets

        table = datasets.load_dataset(dataset, split=spec["split"], revision=revision)
        raw = [dict(row) for row in table]
    except Exception as exc:  # network, auth, missing revision, missing package …
        raise MobenchError(
            f"could not load {dataset} (split {spec['split']}, revision {revision}) from the "
            f"Hugging Face hub: {type(exc).__name__}: {exc}. Download its {spec['file']} and "
            f"pass it with --source PATH (`mobench packs stats math500 --source test.jsonl`, "
            f"`mobench run --packs math500 --source math500=test.jsonl`)"
        ) from None
    return [_check_row(row, f"{dataset}@{revision[:12]} row {i}") for i, row in enumerate(raw)]


def build(rows: Sequence[Mapping[str, Any]], spec: Mapping[str, Any]) -> LoadedData:
    """Items (with splits) and reference-solution candidates from MATH-500 rows."""
    ids = [item_id(row["unique_id"]) for row in rows]
    seen: dict[str, str] = {}
    for row, ident in zip(rows, ids, strict=True):
        if not ident or ident in seen:
            raise PackFormatError(
                f"MATH-500 unique_id {row['unique_id']!r} gives item id {ident!r}, which is "
                f"empty or already used by {seen.get(ident)!r}"
            )
        seen[ident] = row["unique_id"]
    splits = assign_splits(ids, int(spec["split_seed"]), tuple(spec["split_fractions"]))
    prompts = [math_prompt(row["problem"]) for row in rows]
    prompt_tokens = count_tokens(prompts)
    solution_tokens = count_tokens([row["solution"] for row in rows])
    items, candidates = [], []
    for i, row in enumerate(rows):
        items.append(
            Item(
                id=ids[i],
                prompt=prompts[i],
                split=splits[ids[i]],
                reference=row["answer"],
                meta={
                    "subject": row["subject"],
                    "level": row["level"],
                    "unique_id": row["unique_id"],
                },
            )
        )
        candidates.append(
            Candidate(
                item_id=ids[i],
                candidate_id=f"{ids[i]}-reference",
                completion=row["solution"],
                prompt_tokens=prompt_tokens[i],
                completion_tokens=solution_tokens[i],
                provenance={"source": "MATH-500 reference solution", "dataset": DATASET},
            )
        )
    return LoadedData(tuple(items), tuple(candidates))


@register_loader("math500")
def load_math500(header: Mapping[str, Any], source: Path | None, verify_source: bool) -> LoadedData:
    """Rows from ``source`` (hash-checked) or from the hub at the pinned revision."""
    spec = header["loader"]
    expected = spec["file_sha256"]
    if source is not None:
        path = _source_file(Path(source), spec["file"])
        provenance = check_file_hash(path, expected, verify_source, f"MATH-500 {spec['file']}")
        rows = read_rows(path)
    else:
        rows = _load_from_hub(spec)
        actual = rows_sha256(rows)
        if actual != expected and verify_source:
            raise PackIntegrityError(
                f"{spec['dataset']}@{spec['revision'][:12]}: the rows hash to {actual[:16]}…, "
                f"not the canonical {spec['file']} ({expected[:16]}…); pass "
                "--no-verify-source to use them anyway (recorded in results)"
            )
        provenance = {"rows_sha256": actual, "verified": actual == expected}
    data = build(rows, spec)
    source_info = {"dataset": spec["dataset"], "revision": spec["revision"], **provenance}
    return LoadedData(data.items, data.candidates, source=source_info)


def write_math500_pack(root: Path) -> Path:
    """Write ``<root>/math500/1/manifest.json`` (no data files: the loader fetches them)."""
    return write_pack(
        root / "math500" / "1",
        name="math500",
        version="1",
        track="math",
        description=(
            "MATH-500 (500 competition problems; HuggingFaceH4/MATH-500, split test): "
            "accuracy, conciseness and clarity; candidates are the reference solutions"
        ),
        objectives=math_objectives(MIN_TOKENS, MAX_TOKENS),
        preferences=MATH_PREFERENCES,
        source={
            "dataset": DATASET,
            "url": f"https://huggingface.co/datasets/{DATASET}",
            "license": "MIT (PRM800K)",
            "paper": "Lightman et al., Let's Verify Step by Step (arXiv:2305.20050)",
        },
        loader=LOADER_SPEC,
    )
