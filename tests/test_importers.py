"""HumanEval- and MBPP-format importers on small files written here."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from mobench.importers import humaneval_tests, import_pack, mbpp_tests
from mobench.pack_index import locate
from mobench.sandbox.base import discover_tests

HUMANEVAL = [
    {
        "task_id": "Demo/0",
        "prompt": 'def add(a: int, b: int) -> int:\n    """Add two numbers."""\n',
        "canonical_solution": "    return a + b\n",
        "test": "METADATA = {}\n\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n"
        "    assert candidate(-1, 1) == 0\n    x = 5\n    assert candidate(x, x) == 10\n",
        "entry_point": "add",
    },
    {
        "task_id": "Demo/1",
        "prompt": "def double(s: str) -> str:\n",
        "canonical_solution": "    return s + s\n",
        "test": "def check(candidate):\n    assert candidate('a') == 'aa'\n",
        "entry_point": "double",
    },
    {
        "task_id": "Demo/2",
        "prompt": "def neg(x):\n",
        "canonical_solution": "    return -x\n",
        "test": "def check(candidate):\n    assert candidate(1) == -1\n"
        "    assert candidate(0) == 0\n",
        "entry_point": "neg",
    },
]

MBPP = [
    {
        "task_id": 11,
        "text": "Write a function to remove the first and last occurrence of a character.",
        "code": "def remove_occ(s, ch):\n    i = s.find(ch)\n    j = s.rfind(ch)\n"
        "    if i == -1:\n        return s\n    if i == j:\n        return s[:i] + s[i + 1:]\n"
        "    return s[:i] + s[i + 1:j] + s[j + 1:]\n",
        "test_list": [
            'assert remove_occ("hello","l") == "heo"',
            'assert remove_occ("abcda","a") == "bcd"',
            'assert remove_occ("PHP","P") == "H"',
        ],
        "test_setup_code": "",
        "challenge_test_list": [],
    },
    {
        "task_id": 12,
        "text": "Write a function to square a number.",
        "code": "def square(x):\n    return x * x\n",
        "test_list": ["assert square(3) == 9", "assert square(-2) == 4"],
        "test_setup_code": "import math",
        "challenge_test_list": [],
    },
]


def _write(path: Path, rows: list[dict]) -> Path:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if path.suffix == ".gz":
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def test_humaneval_check_becomes_one_test_per_assert() -> None:
    source = humaneval_tests(HUMANEVAL[0]["test"], "add")
    assert discover_tests(source) == ("test_000", "test_001", "test_002")
    namespace: dict = {}
    exec(source.replace("from solution import add", "def add(a, b):\n    return a + b"), namespace)
    for name in discover_tests(source):
        namespace[name]()
    assert "x = 5" in source  # non-assert statements are kept as a prelude


def test_mbpp_asserts_become_tests_with_setup() -> None:
    source = mbpp_tests(MBPP[1]["test_list"], "import math")
    assert discover_tests(source) == ("test_000", "test_001")
    assert "import math" in source


def test_import_humaneval_gz_to_out_dir_is_found_by_name(tmp_path: Path) -> None:
    src = _write(tmp_path / "demo-humaneval.jsonl.gz", HUMANEVAL)
    pack = import_pack(src, "humaneval", tmp_path / "out", "demo_he")
    assert pack.ref == "demo_he@1" and len(pack.items) == 3 and len(pack.candidates) == 3
    assert pack.item("demo_0").entry_point == "add"
    cand = pack.candidates_by_item()["demo_0"][0]
    assert cand.completion.startswith("def add") and cand.prompt_tokens > 0
    assert pack.source["file_sha256"]
    assert {i.split for i in pack.items} <= {"train", "val", "test"}
    assert locate("demo_he", [tmp_path / "out"]).path == pack.root


def test_import_mbpp(tmp_path: Path) -> None:
    src = _write(tmp_path / "mbpp.jsonl", MBPP)
    pack = import_pack(src, "mbpp", tmp_path / "out", "mbpp_demo")
    assert [i.entry_point for i in pack.items] == ["remove_occ", "square"]
    assert discover_tests(pack.item("mbpp_11").tests) == ("test_000", "test_001", "test_002")


def test_import_reports_missing_fields(tmp_path: Path) -> None:
    import pytest

    from mobench.errors import PackFormatError

    src = _write(tmp_path / "bad.jsonl", [{"task_id": "x", "prompt": "p"}])
    with pytest.raises(PackFormatError, match=r"bad.jsonl:1: field 'entry_point' is missing"):
        import_pack(src, "humaneval", tmp_path / "out", "bad")
