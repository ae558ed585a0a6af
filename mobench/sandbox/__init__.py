"""Sandboxes that run untrusted candidate code against unit tests (docs/sandbox.md).

``make_sandbox()`` picks a backend: ``local`` (bubblewrap) when it works on this host, else
``weak`` (a plain subprocess) only when the caller allows it. ``probe_isolation()`` reports what
this host actually provides, each feature checked by running a tiny job.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from mobench.errors import SandboxUnavailableError
from mobench.sandbox.base import (
    Isolation,
    Job,
    JobResult,
    JobStatus,
    Limits,
    Sandbox,
    TestOutcome,
    TestStatus,
    discover_tests,
)
from mobench.sandbox.local import LocalSandbox, bwrap_version, find_bwrap
from mobench.sandbox.weak import WeakSandbox

__all__ = [
    "Isolation",
    "Job",
    "JobResult",
    "JobStatus",
    "Limits",
    "LocalSandbox",
    "Sandbox",
    "TestOutcome",
    "TestStatus",
    "WeakSandbox",
    "discover_tests",
    "local_problem",
    "make_sandbox",
    "probe_isolation",
]

BACKENDS = ("auto", "local", "weak")
WEAK_HINT = (
    "pass --allow-weak-sandbox to run candidate code as a plain subprocess "
    "(rlimits and timeouts only: no isolation, never for untrusted code)"
)

PROBE_LIMITS = Limits(
    cpu_seconds=5, wall_seconds=20, per_test_seconds=5, memory_mb=96, max_processes=8
)
PROBE_CODE = "def answer():\n    return 42\n"
PROBE_TESTS = """import os, socket, sys, errno
from solution import answer


def test_runs():
    assert answer() == 42


def test_unprivileged_uid():
    assert os.getuid() != 0 and os.geteuid() != 0, f"uid {os.getuid()}"


def test_no_network():
    assert {name for _, name in socket.if_nameindex()} <= {"lo"}, socket.if_nameindex()
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=1).close()
    except OSError as exc:
        assert exc.errno == errno.ENETUNREACH, f"expected no route, got {exc!r}"
    else:
        raise AssertionError("connected to 192.0.2.1:80")


def test_env_cleared():
    extra = set(os.environ) - {"PATH", "HOME", "TMPDIR", "LANG", "PYTHONHASHSEED", "PWD"}
    assert not extra, sorted(extra)


def test_read_only_root():
    code_dir = os.path.dirname(__import__("solution").__file__)
    for path in ("/probe", "/usr/probe", os.path.join(sys.prefix, "probe"),
                 os.path.join(code_dir, "solution.py"), os.path.join(code_dir, "new.py")):
        try:
            open(path, "a").close()
        except OSError:
            continue
        raise AssertionError(f"could write {path}")
    with open("scratch.txt", "w") as fh:  # the scratch dir (cwd) stays writable
        fh.write("ok")


def test_host_files_hidden():
    visible = [p for p in ("/etc/passwd", "/home", "/var", "/root/.ssh") if os.path.exists(p)]
    assert not visible, visible


def test_own_pid_namespace():
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    assert len(pids) < 10, f"{len(pids)} processes visible"


def test_process_limit():
    children = []
    try:
        for _ in range(16):
            pid = os.fork()
            if pid == 0:
                import time
                time.sleep(5)
                os._exit(0)
            children.append(pid)
    except OSError:
        return
    finally:
        for pid in children:
            os.kill(pid, 9)
    raise AssertionError("forked 16 processes under a limit of 8")


def test_memory_limit():
    try:
        block = bytearray(192 * 1024 * 1024)
    except MemoryError:
        return
    raise AssertionError(f"allocated {len(block)} bytes under a 96 MiB limit")
"""
PROBE_LABELS = {
    "test_runs": "runs a job and reports out of band",
    "test_unprivileged_uid": "unprivileged uid",
    "test_no_network": "no network",
    "test_env_cleared": "environment cleared",
    "test_read_only_root": "read-only root and code",
    "test_host_files_hidden": "host files hidden",
    "test_own_pid_namespace": "own pid namespace",
    "test_process_limit": "process limit (RLIMIT_NPROC) binds",
    "test_memory_limit": "memory limit (RLIMIT_AS) binds",
}


def _run_probe(sandbox: Sandbox) -> JobResult:
    return sandbox.run([Job("probe", PROBE_CODE, PROBE_TESTS, PROBE_LIMITS)])[0]


@functools.lru_cache(maxsize=1)
def local_problem() -> str | None:
    """Why the bubblewrap backend cannot run a trivial job here, or None when it can."""
    try:
        sandbox = LocalSandbox()
    except SandboxUnavailableError as exc:
        return str(exc)
    result = sandbox.run([Job("smoke", PROBE_CODE, "def test_ok():\n    pass\n", PROBE_LIMITS)])[0]
    if result.status == "completed" and result.passed == 1:
        return None
    said = (result.stderr_tail or result.stdout_tail).strip().splitlines()
    return f"a trivial job ended {result.status!r}" + (f": {said[-1]}" if said else "")


def make_sandbox(backend: str = "auto", allow_weak: bool = False) -> Sandbox:
    """``auto``: bubblewrap if it works, else the weak backend only with ``allow_weak``."""
    if backend not in BACKENDS:
        raise SandboxUnavailableError(
            f"unknown sandbox backend {backend!r} (choose one of {', '.join(BACKENDS)})"
        )
    if backend == "weak":
        if not allow_weak:
            raise SandboxUnavailableError(f"the weak sandbox gives no isolation; {WEAK_HINT}")
        return WeakSandbox()
    problem = local_problem()
    if problem is None:
        return LocalSandbox()
    if backend == "auto" and allow_weak:
        return WeakSandbox()
    raise SandboxUnavailableError(f"the bubblewrap sandbox cannot run here: {problem}; {WEAK_HINT}")


def _userns_works(bwrap: str) -> bool:
    import subprocess

    argv = [bwrap, "--unshare-user", "--uid", "65534", "--ro-bind", "/", "/", "true"]
    try:
        return subprocess.run(argv, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def probe_isolation() -> dict[str, Any]:
    """What isolation this host provides; every feature is checked by running a tiny job."""
    bwrap = find_bwrap()
    version = bwrap_version(bwrap) if bwrap else None
    report: dict[str, Any] = {
        "bwrap": {"path": bwrap, "version": ".".join(map(str, version)) if version else None},
        "host_uid": os.geteuid(),
        "user_namespaces": _userns_works(bwrap) if bwrap else False,
        "local_usable": False,
        "problem": None,
        "isolation": None,
        "checks": {},
    }
    problem = local_problem()
    report["problem"] = problem
    if problem is not None:
        report["backend"] = f"none ({WEAK_HINT})"
        return report
    sandbox = LocalSandbox()
    result = _run_probe(sandbox)
    report["isolation"] = result.isolation.__dict__
    report["checks"] = {
        PROBE_LABELS.get(o.name, o.name): {"ok": o.status == "passed", "detail": o.detail}
        for o in result.outcomes
    }
    report["local_usable"] = result.status == "completed" and all(
        check["ok"] for check in report["checks"].values()
    )
    report["backend"] = "local" if report["local_usable"] else "local (some checks failed)"
    return report
