"""In-sandbox test runner (trusted code; standard library only; started with ``python -S``).

The host starts this file with ``--config-fd N --result-fd M``. Fd N carries the job's nonce on
one line, then the config (test names, limits, directories) as ``marshal`` data from the same
interpreter. Each test runs in a child process of its own, forked before any candidate code is
imported, with rlimits applied and a per-test wall-clock limit, so that a crash, ``os._exit``,
``sys.exit``, an infinite loop or tampering in one test cannot decide another test's outcome.
The child reports to this process on a private pipe, tagged with a per-test random token
(exactly one report is accepted); only this process writes to fd M: one JSON line per test and
a final ``done`` line, each carrying the nonce. Fd M is closed in every test child before
candidate code runs, and candidate output on stdout/stderr is never read as a result.

Imports are kept to cheap built-in modules: interpreter start-up is most of a job's cost.
"""

from __future__ import annotations

import _signal as signal  # the C module: ``signal`` pulls in enum and functools (~10 ms)
import ctypes
import marshal
import math
import os
import resource
import select
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` costs ~5 ms at start-up; the annotations are only for mypy
    from typing import Any

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
REPORT_CAP = 64 * 1024
DETAIL_CAP = 2000
STATUSES = (b"passed", b"failed", b"error")
_AssertionError = AssertionError  # bound before any candidate code can touch builtins
_exit = os._exit
_JSON_ESCAPES = {i: f"\\u{i:04x}" for i in range(32)} | {34: '\\"', 92: "\\\\"}


def _prctl(option: int, value: int) -> None:
    try:  # noqa: SIM105 - contextlib is not imported here (start-up time)
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):  # non-glibc hosts: best effort
        pass


def _kill(pid: int, group: bool = False) -> None:
    try:  # noqa: SIM105
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)
    except OSError:
        pass


def _json_line(fields: dict[str, Any]) -> bytes:
    """One JSON object per line (a tiny encoder: ``json`` costs more to import than a test)."""
    parts = []
    for key, value in fields.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int | float):
            text = repr(float(value))
        else:
            text = '"' + str(value).translate(_JSON_ESCAPES) + '"'
        parts.append(f'"{key}": {text}')
    return ("{" + ", ".join(parts) + "}\n").encode("utf-8", "backslashreplace")


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _close_other_fds(keep: set[int]) -> None:
    """Close every inherited fd (bwrap's data fds, host leftovers) except ``keep``."""
    low = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 20)


def _drop_privileges(uid: int, gid: int) -> None:
    """Become an unprivileged host uid (bwrap gave this process only CAP_SETUID/CAP_SETGID)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() == 0 or os.geteuid() == 0:
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
    for which, pair in wanted.items():
        resource.setrlimit(which, pair)


def _describe(exc: BaseException) -> str:
    try:
        import traceback  # only failing tests pay for it

        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        frames = traceback.extract_tb(exc.__traceback__)
        if frames:
            text += f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno})"
        return text[:DETAIL_CAP]
    except BaseException:  # noqa: B036 - a hostile __str__ must not derail the report
        return f"<unprintable {type(exc).__name__}>"


def _execute(name: str, cfg: dict[str, Any]) -> tuple[bytes, str]:
    """Import the test module (and with it the candidate) and call one test function."""
    try:
        os.setpgid(0, 0)
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        _set_limits(cfg["limits"])
        os.chdir(cfg["scratch_dir"])
        sys.path.insert(0, cfg["code_dir"])
        module = __import__(cfg["test_module"])
        getattr(module, name)()
        return b"passed", ""
    except _AssertionError as exc:
        return b"failed", _describe(exc)
    except BaseException as exc:  # noqa: B036 - SystemExit/KeyboardInterrupt are errors too
        return b"error", _describe(exc)


def _child(name: str, token: bytes, report_fd: int, cfg: dict[str, Any]) -> None:
    """Run one test in this forked process and report it on ``report_fd``; never returns."""
    write = os.write
    try:
        status, detail = _execute(name, cfg)
        for stream in (sys.stdout, sys.stderr):
            try:  # noqa: SIM105
                stream.flush()
            except BaseException:  # noqa: B036
                pass
        body = detail.encode("utf-8", "replace")
        write(report_fd, b"\0".join((token, status, str(len(body)).encode(), body)))
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
    except (AttributeError, OSError):  # kernels before 5.3: poll the pid instead
        pidfd = None
    poller = select.poll()
    poller.register(report_fd, select.POLLIN)
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    open_ = True
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(data), True
            wait = remaining if pidfd is not None else min(remaining, 0.02)
            poller.poll(max(1, int(wait * 1000)))
            done = _exited(pid)
            while open_:  # drain what is there (all of it once the child has exited)
                try:
                    chunk = os.read(report_fd, 65536)
                except BlockingIOError:
                    break
                if not chunk:
                    open_ = False
                    poller.unregister(report_fd)
                elif len(data) < REPORT_CAP:
                    data.extend(chunk)
            if done:
                return bytes(data), False
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _judge(
    raw: bytes, token: bytes, wait_status: int, timed_out: bool, limit: float
) -> dict[str, Any]:
    if timed_out:
        return {"status": "timeout", "detail": f"exceeded the per-test limit of {limit:g}s"}
    if os.WIFSIGNALED(wait_status) and os.WTERMSIG(wait_status) == signal.SIGXCPU:
        return {"status": "timeout", "detail": "exceeded the CPU time limit"}
    if not raw:
        if os.WIFSIGNALED(wait_status):
            number = os.WTERMSIG(wait_status)
            how = f"killed by signal {number}: {signal.strsignal(number)}"
        else:
            how = f"exit code {os.waitstatus_to_exitcode(wait_status)}"
        return {"status": "error", "detail": f"test process ended without a result ({how})"}
    # exactly one report: token, status, length, detail (a forked copy reporting too spoils it)
    fields = raw.split(b"\0", 3)
    ok = (
        len(fields) == 4
        and fields[0] == token
        and fields[1] in STATUSES
        and fields[2].isdigit()
        and int(fields[2]) == len(fields[3])
        and os.WIFEXITED(wait_status)
        and os.WEXITSTATUS(wait_status) == 0
    )
    if not ok:
        return {"status": "error", "detail": "garbled or forged test report"}
    return {"status": fields[1].decode(), "detail": fields[3].decode("utf-8", "replace")}


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
        alive = 0
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in keep:
                _kill(int(entry))
                alive += 1
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        if not alive:
            return
        time.sleep(0.002)


def _wipe(root: str) -> None:
    """Empty the scratch directory so that no file carries over to the next test."""
    with os.scandir(root) as entries:
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    os.chmod(entry.path, 0o700)
                    _wipe(entry.path)
                    os.rmdir(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def _run_test(name: str, cfg: dict[str, Any], result_fd: int, nonce: bytearray) -> dict[str, Any]:
    token = os.urandom(16).hex().encode()
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
    _kill(pid, group=True)  # the child is not reaped yet: its process group id is still its own
    if timed_out:
        _kill(pid)
    wait_status = os.waitpid(pid, 0)[1]
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
    cfg = marshal.loads(body)
    if cfg.get("drop"):
        _drop_privileges(*cfg["drop"])
    _prctl(PR_SET_DUMPABLE, 0)  # same-uid candidates cannot open /proc/<runner>/fd or ptrace it
    keep = ({os.getpid()} | _ancestors()) if cfg.get("sweep") else set()
    for name in cfg["tests"]:
        outcome = _run_test(name, cfg, result_fd, nonce)
        if cfg.get("sweep"):
            _sweep(keep)
        _wipe(cfg["scratch_dir"])
        os.write(result_fd, _json_line({"nonce": nonce.decode(), "test": name, **outcome}))
    os.write(result_fd, _json_line({"nonce": nonce.decode(), "done": True}))
    os.close(result_fd)
    return 0


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    _exit(code)  # skip interpreter teardown: nothing is left to clean up
