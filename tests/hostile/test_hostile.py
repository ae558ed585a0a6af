"""Every hostile program on every available backend: contained, never a false pass.

For each backend the whole table (``programs.py``) runs as ONE batch, every hostile job followed
by a canary job (a correct candidate that must pass), so the programs also attack each other
and the canaries, in parallel, on shared workers where the backend has them. Then, per program:
no test it must fail passed, its controls passed, the harness returned a well-formed result
(never ``garbled``), and the host is untouched (no connection reached the host's listeners, no
host file written, no process left behind, output capped).

``local`` and ``pool`` need bubblewrap; with ``MOBENCH_REQUIRE_SANDBOX=1`` (CI) an unusable
bubblewrap fails these tests instead of skipping them. ``docker`` and ``docker-pool`` need
``mobench.sandbox.docker`` and an engine; they skip with the reason otherwise (and fail under
``MOBENCH_REQUIRE_DOCKER=1``). The weak backend is not run: it isolates nothing.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mobench.errors import SandboxUnavailableError
from mobench.sandbox import Job, JobResult, Limits, docker_problem, local_problem, make_sandbox

_spec = importlib.util.spec_from_file_location(
    "hostile_programs", Path(__file__).with_name("programs.py")
)
assert _spec is not None and _spec.loader is not None
programs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = programs  # dataclasses look their module up
_spec.loader.exec_module(programs)
PROGRAMS: list[Any] = programs.PROGRAMS
BY_NAME = {p.name: p for p in PROGRAMS}
BACKENDS = ("local", "pool", "docker", "docker-pool")

LIMITS = Limits(
    cpu_seconds=2,
    wall_seconds=10,
    per_test_seconds=2,
    memory_mb=128,
    file_size_mb=4,
    max_processes=16,
    open_files=64,
    output_bytes=4096,
)
CANARY_CODE = "def add(a, b):\n    return a + b\n"
CANARY_TESTS = "from solution import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"


def test_there_are_at_least_thirty_programs() -> None:
    assert len(PROGRAMS) >= 30 and len(BY_NAME) == len(PROGRAMS)


@dataclass
class Host:
    """What the host plants and watches while a backend runs the table."""

    secret: str = field(default_factory=lambda: "hostile-secret-" + secrets.token_hex(8))
    expected: str = field(default_factory=lambda: "hostile-expected-" + secrets.token_hex(8))
    abstract: str = field(default_factory=lambda: "mobench-hostile-" + secrets.token_hex(8))
    mark: str = field(default_factory=lambda: "mobench-hostile-mark-" + secrets.token_hex(8))
    hostfile: str = field(
        default_factory=lambda: f"/tmp/mobench-hostile-{secrets.token_hex(8)}.txt"
    )
    secretfile: str = field(
        default_factory=lambda: f"/tmp/mobench-hostile-secret-{secrets.token_hex(8)}.txt"
    )
    port: int = 0
    accepted: list[str] = field(default_factory=list)
    sockets: list[socket.socket] = field(default_factory=list)

    def start(self) -> None:
        Path(self.secretfile).write_text(self.secret)  # world-readable, on the host only
        os.chmod(self.secretfile, 0o644)
        tcp = socket.socket()
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(16)
        self.port = tcp.getsockname()[1]
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind("\0" + self.abstract)
        unix.listen(16)
        self.sockets = [tcp, unix]
        for sock in self.sockets:
            threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _accept(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            self.accepted.append(repr(sock.family))
            conn.close()

    def stop(self) -> None:
        for sock in self.sockets:
            sock.close()
        Path(self.secretfile).unlink(missing_ok=True)

    def fill(self, text: str) -> str:
        values = {
            "SECRET": self.secret,
            "EXPECTED": self.expected,
            "PORT": str(self.port),
            "ABSTRACT": self.abstract,
            "HOSTFILE": self.hostfile,
            "SECRETFILE": self.secretfile,
            "MARK": self.mark,
            "THISFILE": str(Path(programs.__file__).resolve()),
        }
        for key, value in values.items():
            text = text.replace(f"@@{key}@@", value)
        return text


@pytest.fixture(scope="module")
def host() -> Iterator[Host]:
    planted = Host()
    planted.start()
    os.environ["MOBENCH_HOSTILE_SECRET"] = planted.secret  # must never reach a candidate
    try:
        yield planted
    finally:
        os.environ.pop("MOBENCH_HOSTILE_SECRET", None)
        planted.stop()


def sandbox_for(backend: str) -> Any:
    """The backend, or a skip (a failure where CI requires it) saying why it is unavailable."""
    if backend in ("local", "pool"):
        problem = local_problem()
        required = os.environ.get("MOBENCH_REQUIRE_SANDBOX") == "1"
    else:
        problem = docker_problem()
        required = os.environ.get("MOBENCH_REQUIRE_DOCKER") == "1"
    if problem is not None:
        if required:
            pytest.fail(f"the {backend} sandbox is required here but unusable: {problem}")
        pytest.skip(f"{backend} sandbox unavailable: {problem}")
    try:
        return make_sandbox(backend)
    except SandboxUnavailableError as exc:
        if required:
            raise
        pytest.skip(f"{backend} sandbox unavailable: {exc}")


@dataclass
class Batch:
    backend: str
    results: dict[str, JobResult]
    canaries: dict[str, JobResult]
    seconds: float


@pytest.fixture(scope="module", params=BACKENDS)
def batch(request: pytest.FixtureRequest, host: Host) -> Iterator[Batch]:
    sandbox = sandbox_for(request.param)
    jobs: list[Job] = []
    for program in PROGRAMS:
        limits = Limits(**{**LIMITS.__dict__, **program.limits})
        jobs.append(Job(program.name, host.fill(program.code), host.fill(program.tests), limits))
        jobs.append(Job(f"canary-after-{program.name}", CANARY_CODE, CANARY_TESTS, LIMITS))
    started = time.monotonic()
    try:
        results = sandbox.run(jobs)
    finally:
        close = getattr(sandbox, "close", None)
        if callable(close):
            close()
    seconds = time.monotonic() - started
    by_id = {r.job_id: r for r in results}
    assert len(results) == len(jobs) and set(by_id) == {j.job_id for j in jobs}
    yield Batch(
        request.param,
        {p.name: by_id[p.name] for p in PROGRAMS},
        {p.name: by_id[f"canary-after-{p.name}"] for p in PROGRAMS},
        seconds,
    )


def _marker_alive(mark: str) -> bool:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if mark.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    return True
            except OSError:
                continue
    return False


def _eventually(condition: Any, within: float = 3.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("name", [p.name for p in PROGRAMS])
def test_hostile_program_is_contained(batch: Batch, host: Host, name: str) -> None:
    program = BY_NAME[name]
    result = batch.results[name]
    outcomes = {o.name: o for o in result.outcomes}
    why = f"{batch.backend}/{name}: {result.status}; " + "; ".join(
        f"{o.name}={o.status} {o.detail[:200]!r}" for o in result.outcomes
    )
    # the harness gave a well-formed answer for every test, decided by itself
    assert result.status in ("completed", "timeout", "crashed"), why
    assert set(outcomes) == set(Job(name, "", host.fill(program.tests)).test_names()), why
    assert all(o.status in ("passed", "failed", "error", "timeout") for o in outcomes.values())
    must_fail = program.must_fail or tuple(outcomes)
    for test in must_fail:
        assert outcomes[test].status != "passed", why
    for control in set(outcomes) - set(must_fail):
        assert outcomes[control].status == "passed", why
    # nothing reached the next job
    canary = batch.canaries[name]
    assert canary.status == "completed" and canary.passed == 1, (
        f"canary after {name}: {canary.status} {[o.detail for o in canary.outcomes]}"
    )
    # and nothing reached the host
    for check in program.host:
        if check == "no_connection":
            assert host.accepted == [], host.accepted
        elif check == "host_file_absent":
            assert not os.path.exists(host.hostfile)
        elif check == "daemon_gone":
            assert _eventually(lambda: not _marker_alive(host.mark)), "the daemon survived"
        elif check == "output_capped":
            cap = result.limits.output_bytes + 200
            assert len(result.stdout_tail) <= cap and len(result.stderr_tail) <= cap + 200
            assert "bytes dropped" in result.stdout_tail
        else:
            raise AssertionError(f"unknown host check {check}")
    assert host.secret not in result.stdout_tail + result.stderr_tail + str(result.applied)
