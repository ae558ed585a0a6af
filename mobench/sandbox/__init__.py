"""Sandboxes that run untrusted candidate code against unit tests (docs/sandbox.md).

``make_sandbox()`` picks a backend:

- ``auto``: the warm bubblewrap pool when bubblewrap works here (what ``mobench run`` uses),
  else the weak backend, only when the caller allows it;
- ``local``: one fresh bubblewrap sandbox per job;
- ``pool``: a warm pool of bubblewrap workers, one per core;
- ``weak``: a plain subprocess (no isolation; only with ``allow_weak``);
- ``docker`` / ``docker-pool``: the Docker backend (``mobench.sandbox.docker``), per job or a
  warm container pool, when an engine is reachable.

``probe_isolation()`` reports what each backend actually provides on this host, every feature
checked by running a probe job whose candidate inspects its own surroundings.
"""

from __future__ import annotations

import functools
import importlib
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
from mobench.sandbox.pool import PoolSandbox
from mobench.sandbox.weak import WeakSandbox

__all__ = [
    "BACKENDS",
    "Isolation",
    "Job",
    "JobResult",
    "JobStatus",
    "Limits",
    "LocalSandbox",
    "PoolSandbox",
    "Sandbox",
    "TestOutcome",
    "TestStatus",
    "WeakSandbox",
    "discover_tests",
    "docker_problem",
    "local_problem",
    "make_sandbox",
    "probe_isolation",
]

BACKENDS = ("auto", "local", "pool", "weak", "docker", "docker-pool")
WEAK_HINT = (
    "pass --allow-weak-sandbox to run candidate code as a plain subprocess "
    "(rlimits and timeouts only: no isolation, never for untrusted code)"
)

PROBE_LIMITS = Limits(
    cpu_seconds=5, wall_seconds=30, per_test_seconds=10, memory_mb=96, max_processes=8
)
# The candidate inspects its own surroundings and returns plain data; the tests judge it.
PROBE_CODE = '''import errno, os, socket, time


def answer():
    return 42


def ids():
    return [os.getuid(), os.geteuid(), os.getgid(), os.getegid()]


def interfaces():
    return sorted(name for _, name in socket.if_nameindex())


def connect(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc))
    return "connected"


def environment():
    return dict(os.environ)


def writable(paths):
    found = []
    for path in paths:
        try:
            with open(path, "a"):
                pass
        except OSError:
            continue
        found.append(path)
    return found


def visible(paths):
    import glob
    return [hit for p in paths for hit in glob.glob(p)]


def readable(paths):
    found = []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                fh.read(1)
        except OSError:
            continue
        found.append(path)
    return found


def processes():
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())


def fork_many(n):
    children = []
    try:
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                time.sleep(5)
                os._exit(0)
            children.append(pid)
    except OSError:
        pass
    finally:
        for pid in children:
            os.kill(pid, 9)
    return len(children)


def allocate(mb):
    try:
        return len(bytearray(mb * 1024 * 1024)) // (1024 * 1024)
    except MemoryError:
        return 0


def installed_packs():
    """mobench (and its task packs) anywhere this process can list installed packages."""
    import glob, sys
    roots = {"/usr", sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(
        os.path.realpath(sys.executable)))}
    found = []
    for root in roots:
        for site in glob.glob(root + "/lib*/python3*/*-packages") + glob.glob(
                root + "/local/lib*/python3*/*-packages"):
            try:
                found += [os.path.join(site, n) for n in os.listdir(site) if "mobench" in n]
            except OSError:
                pass
    return found


def steal(marker):
    """Where this process can read the test source (it must be nowhere)."""
    found = []
    places = [os.getcwd(), "/tmp", "/work", "/mobench", "/", os.path.expanduser("~")]
    for place in places:
        try:
            names = os.listdir(place)
        except OSError:
            continue
        for name in names:
            path = os.path.join(place, name)
            try:
                with open(path, "rb") as fh:
                    if marker.encode() in fh.read(1 << 20):
                        found.append(path)
            except OSError:
                pass
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        for part in ("cmdline", "environ", "mem"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as fh:
                    if part != "mem" and marker.encode() in fh.read():
                        found.append(f"/proc/{pid}/{part}")
                    elif part == "mem":
                        found.append(f"/proc/{pid}/mem (opened)")
            except OSError:
                pass
    return found
'''
PROBE_TESTS = """from solution import *

MARKER = "mobench-probe-" + "marker-7f3c"  # only in this file


def test_runs():
    assert answer() == 42


def test_unprivileged_uid():
    assert 0 not in ids(), ids()


def test_no_network():
    assert set(interfaces()) <= {"lo"}, interfaces()
    assert connect("192.0.2.1", 80) in ("ENETUNREACH", "EHOSTUNREACH"), connect("192.0.2.1", 80)


def test_env_cleared():
    extra = set(environment()) - {"PATH", "HOME", "TMPDIR", "LANG", "PYTHONHASHSEED", "PWD"}
    assert not extra, sorted(extra)


def test_read_only_root():
    assert writable(["/probe", "/usr/probe", "/tmp/probe", "/dev/shm/probe"]) == []
    assert writable(["scratch.txt"]) == ["scratch.txt"]  # its own work dir is writable


def test_host_files_hidden():
    # host-only paths (a sandbox may have an /etc/passwd of its own, as a container image does)
    assert visible(["@@HOST_MARKER@@", "@@MOBENCH_DIR@@", "/root/.ssh", "/home/*/.ssh"]) == []
    assert readable(["/etc/shadow", "/root/.bash_history"]) == []


def test_own_pid_namespace():
    assert len(processes()) < 10, processes()


def test_process_limit():
    assert fork_many(64) < 64


def test_memory_limit():
    assert allocate(192) == 0


def test_tests_hidden():
    assert steal(MARKER + "") == []
    assert installed_packs() == []
"""
PROBE_LABELS = {
    "test_runs": "runs a job and reports out of band",
    "test_unprivileged_uid": "unprivileged uid",
    "test_no_network": "no network",
    "test_env_cleared": "environment cleared",
    "test_read_only_root": "read-only root, writable own work dir",
    "test_host_files_hidden": "host files hidden",
    "test_own_pid_namespace": "own pid namespace",
    "test_process_limit": "process limit (RLIMIT_NPROC) binds",
    "test_memory_limit": "memory limit (RLIMIT_AS) binds",
    "test_tests_hidden": "test source and installed packs out of the candidate's reach",
}
SMOKE_TESTS = "from solution import answer\n\n\ndef test_ok():\n    assert answer() == 42\n"


@functools.lru_cache(maxsize=1)
def local_problem() -> str | None:
    """Why the bubblewrap backend cannot run a trivial job here, or None when it can."""
    try:
        sandbox = LocalSandbox()
    except SandboxUnavailableError as exc:
        return str(exc)
    result = sandbox.run([Job("smoke", PROBE_CODE, SMOKE_TESTS, PROBE_LIMITS)])[0]
    if result.status == "completed" and result.passed == 1:
        return None
    said = (result.stderr_tail or result.stdout_tail).strip().splitlines()
    detail = said[-1] if said else (result.outcomes[0].detail if result.outcomes else "")
    return f"a trivial job ended {result.status!r}" + (f": {detail}" if detail else "")


def _docker_module() -> Any:
    return importlib.import_module("mobench.sandbox.docker")


def docker_problem() -> str | None:
    """Why the Docker backend cannot run here (module missing, no engine), or None."""
    try:
        module = _docker_module()
    except ImportError as exc:
        return f"the Docker backend is not available ({exc})"
    try:
        problem = module.docker_problem()
    except Exception as exc:  # a broken engine must not break the caller
        return f"the Docker backend failed its check: {exc!r}"
    return str(problem) if problem else None


def make_sandbox(backend: str = "auto", allow_weak: bool = False) -> Sandbox:
    """A sandbox of the named backend, or SandboxUnavailableError saying why not."""
    if backend not in BACKENDS:
        raise SandboxUnavailableError(
            f"unknown sandbox backend {backend!r} (choose one of {', '.join(BACKENDS)})"
        )
    if backend == "weak":
        if not allow_weak:
            raise SandboxUnavailableError(f"the weak sandbox gives no isolation; {WEAK_HINT}")
        return WeakSandbox()
    if backend in ("docker", "docker-pool"):
        problem = docker_problem()
        if problem is not None:
            raise SandboxUnavailableError(f"the {backend} sandbox cannot run here: {problem}")
        pool_size = 0 if backend == "docker" else (os.cpu_count() or 1)
        sandbox: Sandbox = _docker_module().DockerSandbox(pool_size=pool_size)
        return sandbox
    problem = local_problem()
    if problem is None:
        return LocalSandbox() if backend == "local" else PoolSandbox()
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


def probe_backend(sandbox: Sandbox) -> dict[str, Any]:
    """Run the probe job on ``sandbox``: one entry per feature, each checked from inside."""
    import tempfile
    from pathlib import Path

    import mobench

    with tempfile.NamedTemporaryFile(prefix="mobench-probe-host-") as marker:
        tests = PROBE_TESTS.replace("@@HOST_MARKER@@", marker.name).replace(
            "@@MOBENCH_DIR@@", str(Path(mobench.__file__).resolve().parent)
        )
        result = sandbox.run([Job("probe", PROBE_CODE, tests, PROBE_LIMITS)])[0]
    checks = {
        PROBE_LABELS.get(o.name, o.name): {"ok": o.status == "passed", "detail": o.detail}
        for o in result.outcomes
    }
    usable = result.status == "completed" and all(c["ok"] for c in checks.values())
    return {
        "usable": usable,
        "problem": None if result.status == "completed" else f"probe job {result.status}",
        "isolation": dict(result.isolation.__dict__),
        "applied": dict(result.applied),
        "checks": checks,
    }


def probe_isolation(docker: bool = True) -> dict[str, Any]:
    """The isolation matrix of this host: every backend, every feature checked by a probe job."""
    bwrap = find_bwrap()
    version = bwrap_version(bwrap) if bwrap else None
    backends: dict[str, dict[str, Any]] = {}
    problem = local_problem()
    for name in ("local", "pool"):
        if problem is not None:
            backends[name] = {"usable": False, "problem": problem, "checks": {}}
            continue
        sandbox: Any = LocalSandbox() if name == "local" else PoolSandbox(workers=1)
        try:
            backends[name] = probe_backend(sandbox)
        finally:
            if name == "pool":
                sandbox.close()
    if docker:
        for name in ("docker", "docker-pool"):
            reason = docker_problem()
            if reason is not None:
                backends[name] = {"usable": False, "problem": reason, "checks": {}}
                continue
            try:
                sandbox = make_sandbox(name)
                backends[name] = probe_backend(sandbox)
            except Exception as exc:  # report, do not crash the check
                backends[name] = {"usable": False, "problem": repr(exc), "checks": {}}
            finally:
                close = getattr(locals().get("sandbox"), "close", None)
                if callable(close):
                    close()
    local = backends["local"]
    return {
        "bwrap": {"path": bwrap, "version": ".".join(map(str, version)) if version else None},
        "host_uid": os.geteuid(),
        "user_namespaces": _userns_works(bwrap) if bwrap else False,
        "backends": backends,
        # the local backend's view, as before
        "local_usable": bool(local["usable"]),
        "problem": problem,
        "isolation": local.get("isolation"),
        "checks": local.get("checks", {}),
        "backend": "pool (bubblewrap)" if local["usable"] else f"none ({WEAK_HINT})",
    }
