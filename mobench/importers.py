"""Turning HumanEval- and MBPP-format JSONL files into coding packs.

The canonical solutions become candidates, so users can bring real task sets. Each top-level
``assert`` of a HumanEval ``check(candidate)`` and each MBPP ``test_list`` entry becomes its own
``test_*`` function, so ``code.pass`` measures a fraction rather than all-or-nothing.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from mobench.coding_pack import CODING_OBJECTIVES, LRF_LAMBDA
from mobench.errors import PackFormatError
from mobench.packs import Candidate, Item, Pack, load_pack, read_json_lines, write_pack
from mobench.tokens import count_tokens

FORMATS = ("humaneval", "mbpp")


def _need(record: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...] = str) -> Any:
    if key not in record:
        raise PackFormatError(f"{where}: field '{key}' is missing")
    if not isinstance(record[key], kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise PackFormatError(f"{where}: field '{key}' must be {names}")
    return record[key]


def _safe_id(raw: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in str(raw)).strip("_").lower()


def _test_function(name: str, prelude: str, body: str) -> str:
    lines = [f"def {name}():"]
    for chunk in (prelude, body):
        lines += ["    " + line for line in chunk.splitlines() if line.strip()]
    return "\n".join(lines) + "\n"


def humaneval_tests(test_source: str, entry_point: str) -> str:
    """One ``test_*`` per top-level assert of ``check(candidate)``; other statements kept."""
    header = f"from solution import {entry_point}\n\n"
    try:
        tree = ast.parse(test_source)
    except SyntaxError:
        tree = None
    check = next(
        (
            n
            for n in (tree.body if tree else [])
            if isinstance(n, ast.FunctionDef) and n.name == "check"
        ),
        None,
    )
    if check is None:
        body = f"check({entry_point})"
        return header + test_source + "\n\n" + _test_function("test_check", "", body)
    module_rest = [ast.unparse(n) for n in tree.body if n is not check] if tree else []
    arg = check.args.args[0].arg if check.args.args else "candidate"
    setup = [ast.unparse(s) for s in check.body if not isinstance(s, ast.Assert)]
    prelude = "\n".join([f"{arg} = {entry_point}", *setup])
    asserts = [ast.unparse(s) for s in check.body if isinstance(s, ast.Assert)]
    if not asserts:
        asserts = ["pass"]
    tests = [_test_function(f"test_{i:03d}", prelude, a) for i, a in enumerate(asserts)]
    return header + "\n".join(module_rest) + "\n\n\n" + "\n\n".join(tests)


_NOT_ENTRY_POINTS = frozenset(
    {"set", "sorted", "list", "tuple", "abs", "round", "len", "isclose", "math"}
)


def _called_name(assert_source: str) -> str:
    for node in ast.walk(ast.parse(assert_source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id not in _NOT_ENTRY_POINTS
        ):
            return node.func.id
    raise ValueError("no function call found")


def mbpp_tests(test_list: list[str], setup: str) -> str:
    """One ``test_*`` per MBPP assert string, with the task's setup code as a prelude."""
    tests = [_test_function(f"test_{i:03d}", "", a) for i, a in enumerate(test_list)]
    return "from solution import *  # noqa: F403\n" + setup + "\n\n\n" + "\n\n".join(tests)


def _split_ids(ids: list[str], seed: int = 0) -> dict[str, str]:
    """A deterministic 70 / 15 / 15 split of item ids."""
    order = np.random.default_rng(seed).permutation(len(ids))
    n_test = max(1, round(0.15 * len(ids))) if len(ids) >= 3 else 0
    n_val = max(1, round(0.15 * len(ids))) if len(ids) >= 3 else 0
    split = {}
    for rank, idx in enumerate(order):
        split[ids[idx]] = "test" if rank < n_test else "val" if rank < n_test + n_val else "train"
    return split


def _humaneval(where: str, record: dict[str, Any]) -> tuple[dict[str, Any], str]:
    entry = _need(record, "entry_point", where)
    prompt = _need(record, "prompt", where)
    item = {
        "id": _safe_id(_need(record, "task_id", where)),
        "prompt": prompt,
        "entry_point": entry,
        "tests": humaneval_tests(_need(record, "test", where), entry),
        "reference": prompt + _need(record, "canonical_solution", where),
    }
    return item, item["reference"]


def _mbpp(where: str, record: dict[str, Any]) -> tuple[dict[str, Any], str]:
    asserts = list(_need(record, "test_list", where, list))
    asserts += list(record.get("challenge_test_list") or [])
    if not asserts:
        raise PackFormatError(f"{where}: field 'test_list' is empty")
    try:
        entry = _called_name(asserts[0])
    except (SyntaxError, ValueError):
        raise PackFormatError(f"{where}: field 'test_list' has no function call") from None
    text = _need(record, "text", where) if "text" in record else _need(record, "prompt", where)
    prompt = f"{text}\nYour code should pass this test:\n{asserts[0]}\n"
    code = _need(record, "code", where)
    item = {
        "id": f"mbpp_{_safe_id(_need(record, 'task_id', where, (int, str)))}",
        "prompt": prompt,
        "entry_point": entry,
        "tests": mbpp_tests(asserts, record.get("test_setup_code") or ""),
        "reference": code,
    }
    return item, code


def import_pack(path: Path, fmt: str, out_root: Path, name: str, version: str = "1") -> Pack:
    """Read a HumanEval/MBPP JSONL(.gz) file and write pack ``name@version`` under ``out_root``."""
    if fmt not in FORMATS:
        raise PackFormatError(f"unknown import format {fmt!r}; choose one of {FORMATS}")
    convert = _humaneval if fmt == "humaneval" else _mbpp
    rows = [convert(where, record) for where, record in read_json_lines(path)]
    if not rows:
        raise PackFormatError(f"{path}: no records")
    ids = [row["id"] for row, _ in rows]
    if len(set(ids)) != len(ids):
        raise PackFormatError(f"{path}: task ids repeat after normalisation")
    split = _split_ids(ids)
    prompt_tokens = count_tokens([row["prompt"] for row, _ in rows], "o200k_base")
    completion_tokens = count_tokens([code for _, code in rows], "o200k_base")
    items, candidates = [], []
    for (row, code), p_tok, c_tok in zip(rows, prompt_tokens, completion_tokens, strict=True):
        meta = {"source_format": fmt}
        items.append(Item(split=split[row["id"]], meta=meta, **row))
        candidates.append(
            Candidate(
                item_id=row["id"],
                candidate_id=f"{row['id']}-canonical",
                completion=code,
                prompt_tokens=p_tok,
                completion_tokens=c_tok,
                provenance={"source": f"{fmt} canonical solution", "file": path.name},
            )
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    folder = write_pack(
        out_root / name / version,
        name=name,
        version=version,
        track="code",
        objectives=CODING_OBJECTIVES,
        items=items,
        candidates=candidates,
        preferences=[LRF_LAMBDA],
        description=f"Imported from {path.name} ({fmt} format).",
        source={"format": fmt, "file": path.name, "file_sha256": digest},
    )
    return load_pack(folder)
