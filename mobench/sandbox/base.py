"""The ``Sandbox`` protocol and the records that cross it (DESIGN.md, Sandbox contract).

A job is candidate code plus a test file plus limits; a result lists per-test outcomes decided
by the harness. A missing, garbled or spoofed result is a failure, never a pass.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from typing import Any, Literal, Protocol, runtime_checkable

RUNNER_PROTOCOL = 2  # sandbox/runner.py: the tests run outside the candidate's process
TestStatus = Literal["passed", "failed", "error", "timeout"]
JobStatus = Literal["completed", "timeout", "crashed", "garbled", "refused"]


@functools.cache
def runner_digest() -> str:
    """sha256 of the in-sandbox runner's source: any change to how tests are judged changes it,
    so cached results judged by an older runner are never reused (not only on a protocol bump)."""
    source = files("mobench.sandbox_runtime").joinpath("runner.py").read_bytes()
    return hashlib.sha256(source).hexdigest()


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to one job."""

    cpu_seconds: float = 10.0
    wall_seconds: float = 20.0
    per_test_seconds: float = 5.0
    memory_mb: int = 512
    file_size_mb: int = 16
    max_processes: int = 32
    open_files: int = 64
    output_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Job:
    """Candidate code and the test file that judges it."""

    job_id: str
    code: str
    tests: str
    limits: Limits = field(default_factory=Limits)

    def test_names(self) -> tuple[str, ...]:
        """Test functions, read by the harness from the trusted test source (not the candidate)."""
        return discover_tests(self.tests)

    def digest(self) -> str:
        """Content address of the job: same code, tests, limits and runner (protocol and source)
        give the same result (results judged by another runner are not reused)."""
        payload = json.dumps(
            [RUNNER_PROTOCOL, runner_digest(), self.code, self.tests, asdict(self.limits)],
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class TestOutcome:
    name: str
    status: TestStatus
    detail: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Isolation:
    """What isolation a backend actually applied (recorded in every result)."""

    backend: str
    level: str  # "bubblewrap" | "docker" | "weak (no isolation)"
    network: bool = False
    read_only_root: bool = False
    unprivileged_uid: bool = False
    cleared_env: bool = False
    rlimits: bool = False
    notes: str = ""
    pid_namespace: bool = False  # the job cannot see or signal host processes
    per_test_uid: bool = False  # every test's candidate runs as a uid of its own
    separate_judge: bool = False  # tests run outside the candidate's process (see docs)


@dataclass(frozen=True)
class JobResult:
    """Per-test outcomes of one job, with resource use and the isolation applied."""

    job_id: str
    status: JobStatus
    outcomes: tuple[TestOutcome, ...]
    isolation: Isolation
    limits: Limits
    wall_seconds: float = 0.0
    stdout_tail: str = ""
    stderr_tail: str = ""
    applied: Mapping[str, Any] = field(default_factory=dict)  # limits and isolation applied

    @property
    def passed(self) -> int:
        return sum(o.status == "passed" for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def pass_fraction(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@runtime_checkable
class Sandbox(Protocol):
    """Runs jobs in isolation; results are decided by the harness, never by the candidate."""

    name: str

    def isolation(self) -> Isolation: ...

    def run(self, jobs: Sequence[Job]) -> list[JobResult]: ...


def discover_tests(tests_source: str) -> tuple[str, ...]:
    """Names of the top-level ``test_*`` functions in a test file, in source order."""
    tree = ast.parse(tests_source)
    return tuple(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    )
