"""In-sandbox test runner (trusted code; standard library only; started with ``python -S``).

The host starts this file with ``--config-fd N --result-fd M``. Fd N carries one line with the
job's nonce followed by one JSON line (test names, limits, directories). Each test runs in a
child process of its own, forked before any candidate code is imported, with rlimits applied
and a per-test wall-clock limit, so that a crash, ``os._exit``, ``sys.exit``, an infinite loop or
tampering in one test cannot decide another test's outcome. The child reports to this process on
a private pipe, tagged with a per-test token; this process alone writes to fd M, one JSON line
per test plus a final ``done`` line, each carrying the nonce. Candidate output on stdout/stderr is
never read as a result. Fd M is closed in every test child before candidate code runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import math
import os
import resource
import secrets
import select
import shutil
import signal
import sys
import time
import traceback
from typing import Any

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
REPORT_CAP = 64 * 1024
DETAIL_CAP = 2000
_AssertionError = AssertionError  # bound before any candidate code can touch builtins
_exit = os._exit


def _prctl(option: int, value: int) -> None:
    with contextlib.suppress(OSError, AttributeError):  # non-glibc hosts: best effort
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _close_other_fds(keep: set[int]) -> None:
    """Close every inherited fd (bwrap's data fds, host leftovers) except ``keep``."""
    lo = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(lo, fd)
        lo = fd + 1
    os.closerange(lo, 1 << 20)


def _drop_privileges(uid: int, gid: int) -> None:
    """Become an unprivileged host uid (bwrap gave this process only CAP_SETUID/CAP_SETGID)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() == 0 or os.geteuid() == 0:  # pragma: no cover - defensive
        raise SystemExit("runner: failed to drop privileges")


def _set_limits(limits: dict[str, Any]) -> None:
    mb = 1024 * 1024
    cpu = max(1, math.ceil(float(limits["cpu_seconds"])))
    wanted = {
        resource.RLIMIT_CPU: (cpu, cpu + 1),
        resource.RLIMIT_AS: (int(limits["memory_mb"]) * mb,) * 2,
        resource.RLIMIT_FSIZE: (int(limits["file_size_mb"]) * mb,) * 2,
        resource.RLIMIT_NOFILE: (int(limits["open_files"]),) * 2,
        resource.RLIMIT_NPROC: (int(limits["max_processes"]),) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    for which, (soft, hard) in wanted.items():
        resource.setrlimit(which, (soft, hard))


def _describe(exc: BaseException) -> str:
    try:
        lines = traceback.format_exception_only(type(exc), exc)
        frames = traceback.extract_tb(exc.__traceback__)
        last = frames[-1] if frames else None
        where = f" (at {os.path.basename(last.filename)}:{last.lineno})" if last else ""
        return ("".join(lines).strip() + where)[:DETAIL_CAP]
    except BaseException:  # noqa: B036 - a hostile __str__ must not derail the report
        return f"<unprintable {type(exc).__name__}>"


def _execute(name: str, cfg: dict[str, Any]) -> tuple[str, str]:
    """Import the test module (and with it the candidate) and call one test function."""
    try:
        os.setpgid(0, 0)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        _set_limits(cfg["limits"])
        os.chdir(cfg["scratch_dir"])
        sys.path.insert(0, cfg["code_dir"])
        module = importlib.import_module(cfg["test_module"])
        getattr(module, name)()
        return "passed", ""
    except _AssertionError as exc:
        return "failed", _describe(exc)
    except BaseException as exc:  # noqa: B036 - SystemExit/KeyboardInterrupt are errors too
        return "error", _describe(exc)


def _child(name: str, token: str, report_fd: int, cfg: dict[str, Any]) -> None:
    """Run one test in this forked process and report it on ``report_fd``; never returns."""
    write, dumps = os.write, json.dumps
    try:
        status, detail = _execute(name, cfg)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        write(report_fd, dumps({"token": token, "status": status, "detail": detail}).encode())
    finally:
        _exit(0)


def _exited(pid: int) -> bool:
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _await(pid: int, report_fd: int, deadline: float) -> tuple[bytes, bool]:
    """Collect the child's report until it exits or the deadline passes (-> timed_out)."""
    data = bytearray()
    os.set_blocking(report_fd, False)
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):  # pragma: no cover - kernels before 5.3
        pidfd = None
    poller = select.poll()
    poller.register(report_fd, select.POLLIN)
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    eof = False

    def drain() -> None:
        nonlocal eof
        while not eof:
            try:
                chunk = os.read(report_fd, 65536)
            except BlockingIOError:
                return
            if not chunk:
                eof = True
                poller.unregister(report_fd)
            elif len(data) < REPORT_CAP:
                data.extend(chunk)

    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(data), True
            wait_ms = remaining if pidfd is not None else min(remaining, 0.02)
            poller.poll(max(1, int(wait_ms * 1000)))
            drain()
            if _exited(pid):
                drain()
                return bytes(data), False
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _judge(
    raw: bytes, token: str, wait_status: int, timed_out: bool, limit: float
) -> dict[str, Any]:
    if timed_out:
        return {"status": "timeout", "detail": f"exceeded the per-test limit of {limit:g}s"}
    if os.WIFSIGNALED(wait_status) and os.WTERMSIG(wait_status) == signal.SIGXCPU:
        return {"status": "timeout", "detail": "exceeded the CPU time limit"}
    if not raw:
        if os.WIFSIGNALED(wait_status):
            how = f"killed by signal {signal.Signals(os.WTERMSIG(wait_status)).name}"
        else:
            how = f"exit code {os.waitstatus_to_exitcode(wait_status)}"
        return {"status": "error", "detail": f"test process ended without a result ({how})"}
    try:
        report = json.loads(raw)
        ok = (
            isinstance(report, dict)
            and secrets.compare_digest(str(report.get("token", "")), token)
            and report.get("status") in ("passed", "failed", "error")
            and os.WIFEXITED(wait_status)
            and os.WEXITSTATUS(wait_status) == 0
        )
    except (ValueError, TypeError):
        ok = False
    if not ok:
        return {"status": "error", "detail": "garbled or forged test report"}
    return {"status": report["status"], "detail": str(report.get("detail", ""))[:DETAIL_CAP]}


def _ancestors() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1:
        with open(f"/proc/{pid}/stat") as fh:
            pid = int(fh.read().rsplit(")", 1)[1].split()[1])
        pids.add(pid)
    return pids


def _sweep(keep: set[int]) -> None:
    """Kill every process in the sandbox's pid namespace except this runner and its ancestors."""
    for _ in range(50):
        victims = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in keep]
        alive = 0
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
                alive += 1
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        if not alive:
            return
        time.sleep(0.002)


def _wipe(root: str) -> None:
    """Empty the scratch directory so that no state carries over to the next test."""
    for dirpath, dirnames, _ in os.walk(root):
        for name in dirnames:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(dirpath, name), 0o700)
    for entry in os.listdir(root):
        path = os.path.join(root, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _run_test(name: str, cfg: dict[str, Any], result_fd: int, nonce: bytearray) -> dict[str, Any]:
    token = secrets.token_hex(16)
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child: forget everything that could reach the host's result channel
        try:
            os.close(read_end)
            os.close(result_fd)
            nonce[:] = bytes(len(nonce))
            _child(name, token, write_end, cfg)
        finally:
            _exit(1)
    os.close(write_end)
    limit = float(cfg["per_test_seconds"])
    raw, timed_out = _await(pid, read_end, started + limit)
    with contextlib.suppress(OSError):  # the child is still unreaped: its pgid cannot be reused
        os.killpg(pid, signal.SIGKILL)
    if timed_out:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    _, wait_status = os.waitpid(pid, 0)
    os.close(read_end)
    outcome = _judge(raw, token, wait_status, timed_out, limit)
    outcome["seconds"] = round(time.monotonic() - started, 4)
    return outcome


def main(argv: list[str]) -> int:
    config_fd = int(argv[argv.index("--config-fd") + 1])
    result_fd = int(argv[argv.index("--result-fd") + 1])
    _close_other_fds({config_fd, result_fd})
    head, _, body = _read_all(config_fd).partition(b"\n")
    nonce = bytearray(head.strip())
    cfg = json.loads(body)
    if cfg.get("drop"):
        _drop_privileges(*cfg["drop"])
    _prctl(PR_SET_DUMPABLE, 0)  # same-uid candidates cannot open /proc/<runner>/fd or ptrace it
    keep = {os.getpid()} | _ancestors() if cfg.get("sweep") else set()
    for name in cfg["tests"]:
        outcome = _run_test(name, cfg, result_fd, nonce)
        if cfg.get("sweep"):
            _sweep(keep)
        _wipe(cfg["scratch_dir"])
        line = {"nonce": nonce.decode(), "test": name, **outcome}
        os.write(result_fd, (json.dumps(line) + "\n").encode())
    os.write(result_fd, (json.dumps({"nonce": nonce.decode(), "done": True}) + "\n").encode())
    os.close(result_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
