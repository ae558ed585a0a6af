"""Shared fixtures: a tiny coding pack written by the tests, isolated user dirs and caches."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from mobench.coding_pack import CODING_OBJECTIVES, LRF_LAMBDA
from mobench.packs import Candidate, Item, Pack, load_pack, write_pack
from mobench.sandbox.base import Isolation, Job, JobResult, Limits, TestOutcome

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

TINY_TESTS = """from solution import add


def test_small():
    assert add(1, 2) == 3


def test_negative():
    assert add(-1, -1) == -2


def test_zero():
    assert add(0, 0) == 0


def test_large():
    assert add(10**6, 1) == 10**6 + 1
"""

GOOD = '```python\ndef add(a: int, b: int) -> int:\n    """Add."""\n    return a + b\n```'
PARTIAL = "```python\ndef add(a, b):\n    if a < 0:\n        return 0\n    return a + b\n```"
WRONG = "def add(a, b):\n    return a - b\n"
VERBOSE = (
    "Sure! Here is a careful, well documented solution.\n\n```python\n"
    'def add(a: int, b: int) -> int:\n    """Return the sum of a and b.\n\n'
    '    Works for any integers, including negatives.\n    """\n'
    "    result = a + b  # the sum\n    return result\n```\n\n"
    "### Explanation\nWe simply add the two numbers. Time complexity: O(1).\n" * 2
)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep user pack dirs and caches out of the real home directory."""
    home = tmp_path_factory.mktemp("mobench-home")
    monkeypatch.setenv("MOBENCH_HOME", str(home))
    monkeypatch.setenv("MOBENCH_CACHE_DIR", str(home / "cache"))
    monkeypatch.delenv("MOBENCH_PACK_PATH", raising=False)
    return home


def make_tiny_pack(root: Path, n_items: int = 9, name: str = "tiny") -> Pack:
    """A small coding pack: n items of the same add() task with 4 candidates each."""
    items, candidates = [], []
    splits = ["train"] * (n_items - 4) + ["val"] * 2 + ["test"] * 2
    for i in range(n_items):
        item_id = f"add_{i:02d}"
        items.append(
            Item(
                id=item_id,
                prompt=f"Task {i}: write add(a, b).\n```python\ndef add(a, b):\n```",
                split=splits[i],
                tests=TINY_TESTS,
                entry_point="add",
                reference="def add(a, b):\n    return a + b\n",
                meta={"difficulty": "easy"},
            )
        )
        for j, text in enumerate((GOOD, PARTIAL, WRONG, VERBOSE)):
            candidates.append(
                Candidate(item_id, f"{item_id}-c{j}", text, 20, len(text) // 4, {"style": j})
            )
    folder = write_pack(
        root / name / "1",
        name=name,
        version="1",
        track="code",
        objectives=CODING_OBJECTIVES,
        items=items,
        candidates=candidates,
        preferences=[LRF_LAMBDA],
        description="tiny test pack",
    )
    return load_pack(folder)


@pytest.fixture()
def tiny_pack(tmp_path: Path) -> Pack:
    return make_tiny_pack(tmp_path / "packs")


@pytest.fixture()
def pack_factory():
    """``make_tiny_pack(root, n_items=9, name="tiny")`` for tests that need several packs."""
    return make_tiny_pack


class FakeSandbox:
    """Runs tests in-process (trusted test code only): for harness tests that need no isolation."""

    name = "fake"

    def __init__(self) -> None:
        self.calls = 0

    def isolation(self) -> Isolation:
        return Isolation(backend="fake", level="none (test double)")

    def run(self, jobs: Sequence[Job]) -> list[JobResult]:
        self.calls += 1
        return [self._run_one(job) for job in jobs]

    def _run_one(self, job: Job) -> JobResult:
        import re

        code = job.code
        fence = re.search(r"```(?:python)?\n(.*?)```", code, re.S)
        namespace: dict[str, object] = {}
        outcomes = []
        try:
            exec(compile(code if not fence else fence.group(1), "solution", "exec"), namespace)
            loaded = True
        except Exception:
            loaded = False
        test_ns: dict[str, object] = {}
        exec(job.tests.replace("from solution import add", ""), test_ns)
        for name in job.test_names():
            if not loaded:
                outcomes.append(TestOutcome(name, "error"))
                continue
            test_ns["add"] = namespace.get("add")
            try:
                test_ns[name]()  # type: ignore[operator]
                outcomes.append(TestOutcome(name, "passed"))
            except AssertionError:
                outcomes.append(TestOutcome(name, "failed"))
            except Exception:
                outcomes.append(TestOutcome(name, "error"))
        return JobResult(job.job_id, "completed", tuple(outcomes), self.isolation(), Limits())


@pytest.fixture()
def fake_sandbox_cls() -> type[FakeSandbox]:
    return FakeSandbox
