"""In-sandbox test runner (trusted code; standard library only; started with ``python -S -B -P``).

This docstring is the runner protocol: the bubblewrap backends (``mobench.sandbox.local`` and
``mobench.sandbox.pool``) and the Docker backend are written against it. Protocol version 2.

Invocation
----------
::

    python -S -B -P runner.py (--config-fd N --result-fd M | --stdio)
                              [--serve] [--uids] [--sweep] [--scratch DIR]

``--config-fd N --result-fd M``
    the *fd transport* (bubblewrap): the config stream is read from fd N, result lines are
    written to fd M. The runner's own stdout/stderr carry only its diagnostics.
``--stdio``
    the *stdio transport* (Docker): the config stream is read from stdin and result lines go to
    the ORIGINAL stdout. The runner dups both, points fd 0 at /dev/null and fd 1 at fd 2 (so
    stray prints of trusted code cannot corrupt the result stream); without ``--serve`` the
    config fd is closed as soon as the job's two frames are read. No candidate or judge
    process ever holds the result fd or the config fd, and candidate stdout/stderr never reach
    fds 1/2 of the runner: they go to per-job pipes that the runner drains (see ``done``).
``--serve``
    a warm worker: runs jobs one after another until the config stream ends. Without it the
    runner runs exactly one job and exits 0.
``--uids``
    per-test uid separation. Needs euid 0 with CAP_SETUID, CAP_SETGID (and, for the sweeps
    and the scratch directories, CAP_KILL, CAP_CHOWN, CAP_DAC_OVERRIDE). Every job gets a
    random block of unprivileged uids: the job process (the judge) runs as the first, the
    candidate process of test *i* as the (i+1)-th. Without it everything runs as the runner's
    uid (candidates then can still signal the judge: a loss for them, never a pass).
``--sweep``
    the runner is alone in its pid and IPC namespaces (bubblewrap ``--unshare-pid
    --unshare-ipc``, a container): after each test and each job it may kill every process
    except itself and its ancestors, and remove every SysV IPC object the test (or job) made.
    Never pass it without private pid and IPC namespaces.
``--scratch DIR``
    where per-job work dirs are created (default ``/tmp``).

Config stream
-------------
A sequence of frames. A frame is one format byte (``M``: ``marshal`` data made of builtin
types only - dict, list, str, int, float, bool, None - which any CPython 3 reads; ``J``: UTF-8
JSON), the payload length in ASCII decimal, ``\\n``, then the payload. Every job is two frames:

1. header ``{"seq": int, "tests": int (how many), "limits": {...}}`` with the limits of
   ``mobench.sandbox.Limits``: ``cpu_seconds``, ``wall_seconds``, ``per_test_seconds``,
   ``memory_mb``, ``file_size_mb``, ``max_processes``, ``open_files``, ``output_bytes``.
2. body ``{"nonce": str, "code": str, "tests_source": str, "tests": [str, ...]}`` (optional
   ``"module"``: the test module's name, default ``test_solution``). The body is read by the
   job process only; candidates are forked by the worker, which never reads a body, so no
   candidate process ever has the test source, the test names or the nonce in its memory.

Result stream
-------------
UTF-8 JSON objects, one per line, in this order:

- ``{"worker": "ready", "protocol": 2, "pid": int, "uids": bool, "sweep": bool}`` once, at
  start-up;
- per test, in order: ``{"nonce": N, "test": name, "status": S, "detail": str, "seconds":
  float}`` with S one of ``passed``, ``failed`` (AssertionError), ``error``, ``timeout``
  (the last test's line is written together with the done line);
- ``{"nonce": N, "done": true, "stdout": str, "stderr": str, "stdout_bytes": int,
  "stderr_bytes": int, "applied": {...}}``: the last ``output_bytes`` of the candidate's (and
  the tests') stdout and stderr, the total sizes, and the limits and isolation actually applied;
- ``{"end": seq, "status": "ok" | "timeout" | "crashed", "detail": str}`` written by the worker
  after every process of the job is gone (``timeout``: the job hit ``wall_seconds``).

N is the job's nonce. A reader must reject (as a failure, never a pass) any line that is not
JSON, lacks the nonce, names a test it did not expect or twice, or comes after ``done``; tests
missing when ``end`` arrives did not pass.

Process model (per job)
-----------------------
::

    worker (this process; in --serve mode alive across jobs; keeps its capabilities; reads
      │     only job headers, never test sources, test names or nonces)
      ├─ job process (fork per job; drops to the job's judge uid; reads the body; is the
      │    judge: runs test i from the test source it compiled itself, with ``solution``
      │    bound to a proxy that forwards every use to candidate i over a private pipe pair;
      │    writes the result lines)
      └─ candidate i (forked by the worker, one per test, started as soon as the previous
           test's candidate is gone: setsid, its own uid, rlimits, cleared env, its own 0700
           work dir; loads the candidate code as module ``solution`` and serves requests)

The judge decides every outcome. It sees candidate values only as ``marshal`` data it decodes
itself (so only exact builtin types, whose ``==``, ``hash`` and truth value are CPython's own)
or as opaque handles whose ``==`` is identity and whose truth value and ``in`` are refused.
No candidate process ever holds the test source, the judge's memory (non-dumpable, another
uid), the result fd or the config fd. After each test the worker kills everything of that
test (``kill(-1)`` as its uid when it forked, and with ``--sweep`` every process but the
worker's ancestors), removes the SysV IPC objects it made and wipes its work dir; after each
job, everything of the job. A per-test deadline (``per_test_seconds``, a timer in the judge)
and the job's wall-clock limit (``wall_seconds``, enforced by the worker, which then kills the
job) bound every wait. Between the job process and the worker: ``r i`` / ``R i`` on a pipe
("test i is over; reap its candidate", ``R``: and tell me how it ended), answered ``w
<wait status or -1>``.

Imports are kept to cheap built-in modules: interpreter start-up is most of a job's cost.
"""

from __future__ import annotations

import _signal as signal  # the C module: ``signal`` pulls in enum and functools (~10 ms)
import builtins
import ctypes
import gc
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

PROTOCOL = 2
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
DETAIL_CAP = 2000
FRAME_HEADER_CAP = 24
MAX_TESTS = 1000  # four pipe fds per test are made up front
UID_BLOCK = 4096
SAFE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}
_AssertionError = AssertionError
_exit = os._exit
_JSON_ESCAPES = {i: f"\\u{i:04x}" for i in range(32)} | {34: '\\"', 92: "\\\\"}
_LIBC: Any = None


# -- small helpers ---------------------------------------------------------------------------


def _prctl(option: int, value: int) -> bool:
    global _LIBC
    try:
        if _LIBC is None:
            _LIBC = ctypes.CDLL(None, use_errno=True)
        return int(_LIBC.prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # non-glibc hosts: best effort
        return False


def _kill(pid: int, group: bool = False) -> None:
    try:  # noqa: SIM105 - contextlib is not imported here (start-up time)
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)
    except OSError:
        pass


def _json(value: Any) -> str:
    """A tiny JSON encoder (``json`` costs more to import than a whole test)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_json(str(k))}: {_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    return '"' + str(value).translate(_JSON_ESCAPES) + '"'


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _emit(fd: int, fields: dict[str, Any]) -> None:
    _write_all(fd, (_json(fields) + "\n").encode("utf-8", "backslashreplace"))


def _read_exact(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("stream ended inside a frame")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int) -> Any:
    """One config frame, or None at a clean end of stream."""
    kind = os.read(fd, 1)
    if not kind:
        return None
    digits = b""
    while True:
        char = os.read(fd, 1)
        if not char:
            raise EOFError("stream ended inside a frame header")
        if char == b"\n":
            break
        digits += char
        if len(digits) > FRAME_HEADER_CAP or not char.isdigit():
            raise ValueError("bad frame header")
    payload = _read_exact(fd, int(digits))
    if kind == b"M":
        return marshal.loads(payload)
    if kind == b"J":
        import json  # only JSON producers pay for it

        return json.loads(payload.decode("utf-8"))
    raise ValueError(f"unknown frame format {kind!r}")


def _close_fds_except(keep: set[int]) -> None:
    """Close every fd >= 3 except ``keep``."""
    low = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 20)


def _stdio(out_w: int, err_w: int) -> None:
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)


def _become(uid: int) -> None:
    """Drop to an unprivileged uid (and gid) for good: no capability survives this."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SystemExit("runner: failed to drop privileges")


def _limit_pairs(limits: dict[str, Any], nproc: int | None) -> dict[int, tuple[int, int]]:
    mb = 1024 * 1024
    cpu = max(1, math.ceil(float(limits["cpu_seconds"])))
    pairs = {
        resource.RLIMIT_CPU: (cpu, cpu + 1),
        resource.RLIMIT_AS: (int(limits["memory_mb"]) * mb,) * 2,
        resource.RLIMIT_FSIZE: (int(limits["file_size_mb"]) * mb,) * 2,
        resource.RLIMIT_NOFILE: (int(limits["open_files"]),) * 2,
        resource.RLIMIT_CORE: (0, 0),
        resource.RLIMIT_MSGQUEUE: (0, 0),  # no POSIX message queues: they outlive processes
    }
    if nproc is not None:
        pairs[resource.RLIMIT_NPROC] = (nproc, nproc)
    return pairs


def _set_limits(pairs: dict[int, tuple[int, int]]) -> None:
    for which, pair in pairs.items():
        resource.setrlimit(which, pair)


def _ancestors() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1:
        with open(f"/proc/{pid}/stat") as fh:
            pid = int(fh.read().rsplit(")", 1)[1].split()[1])
        pids.add(pid)
    return pids


_REAPED: dict[int, int] = {}  # wait statuses of children reaped by any of the loops below


def _reap() -> None:
    """Reap every exited child (orphans come to us: we are a subreaper)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _REAPED[pid] = status


def _child_status(pid: int, block: bool) -> int | None:
    """``pid``'s wait status (reaping it), None if it runs on (``block=False``), -1 if unknown."""
    if pid in _REAPED:
        return _REAPED.pop(pid)
    try:
        waited, status = os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return _REAPED.pop(pid, -1)
    return status if waited else None


PF_EXITING = 0x4


def _done(pid: int) -> bool:
    """Dead, a zombie, or already exiting (past the point of running any code or forking)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return True
    return fields[0] in ("Z", "X") or bool(int(fields[6]) & PF_EXITING)


_DYING: set[int] = set()  # SIGKILLed, maybe not gone yet: waited for before the next start


def _await_gone(limit: float = 5.0) -> None:
    """Wait until every process we killed is gone (reaped: not even a zombie in /proc), so
    that the next candidate starts in a pid namespace with nothing left of the previous one.
    They are all our descendants, and we are a subreaper: each ends up our child."""
    deadline = time.monotonic() + limit
    while _DYING:
        _reap()
        _DYING.intersection_update(p for p in _DYING if os.path.exists(f"/proc/{p}"))
        if not _DYING or time.monotonic() > deadline:
            _DYING.clear()
            return
        time.sleep(0.0002)


def _sweep(keep: set[int]) -> set[int]:
    """SIGKILL every process of this pid namespace except ``keep``; reap what comes to us.

    Does not wait for the victims' teardown, only until each is exiting; returns their pids.
    """
    killed: set[int] = set()
    while True:
        # a process we SIGKILLed cannot run or fork any more (a fork racing with the signal is
        # cancelled): only processes not seen yet need a signal, until a listing shows none
        fresh = [
            int(entry)
            for entry in os.listdir("/proc")
            if entry.isdigit() and int(entry) not in keep and int(entry) not in killed
        ]
        fresh = [pid for pid in fresh if not _done(pid)]
        if not fresh:
            break
        for pid in fresh:
            _kill(pid)
        killed.update(fresh)
    _reap()
    _DYING.update(killed)
    return killed


def _kill_uid(uid: int, ipc: list[tuple[str, int]] | None = None) -> None:
    """Kill every process of ``uid`` at once: a child becomes ``uid`` and signals -1; then it
    removes the SysV IPC objects ``ipc`` (only their creator may, without CAP_SYS_ADMIN).

    ``kill(-1)`` runs under the kernel's task-list lock and a fork racing with it is cancelled,
    so nothing of that uid survives, ``setsid`` or not.
    """
    pid = os.fork()
    if pid == 0:
        try:
            _become(uid)
            for _ in range(2):
                try:
                    os.kill(-1, signal.SIGKILL)
                except OSError:
                    break
            _remove_ipc(ipc or [])
        finally:
            _exit(0)
    os.waitpid(pid, 0)


_IPC_KINDS = {"shm": "shmid", "sem": "semid", "msg": "msqid"}


def _ipc_objects() -> list[tuple[str, int, int]]:
    """SysV IPC objects of this IPC namespace: ``(kind, id, creator uid)``.

    They outlive the processes that made them, so they would carry data from one test (or job)
    to the next; POSIX message queues are ruled out by ``RLIMIT_MSGQUEUE=0`` instead.
    """
    found = []
    for kind, id_column in _IPC_KINDS.items():
        try:
            with open(f"/proc/sysvipc/{kind}") as fh:
                header, *rows = fh.read().splitlines()
        except OSError:
            continue
        columns = header.split()
        try:
            at_id, at_cuid = columns.index(id_column), columns.index("cuid")
        except ValueError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > max(at_id, at_cuid):
                found.append((kind, int(fields[at_id]), int(fields[at_cuid])))
    return found


def _remove_ipc(objects: list[tuple[str, int]]) -> None:
    if not objects:
        return
    _prctl(0, 0)  # loads libc
    for kind, ident in objects:
        try:
            if kind == "shm":
                _LIBC.shmctl(ident, 0, None)  # IPC_RMID
            elif kind == "sem":
                _LIBC.semctl(ident, 0, 0)
            elif kind == "msg":
                _LIBC.msgctl(ident, 0, None)
        except (OSError, AttributeError):
            pass


def _clean_ipc(uids: range | None) -> None:
    """Remove the SysV IPC objects made by ``uids`` (None: all of them - a shared uid)."""
    objects = _ipc_objects()
    if not objects:
        return
    if uids is None:
        _remove_ipc([(kind, ident) for kind, ident, _ in objects])
        return
    for uid in sorted({cuid for _, _, cuid in objects if cuid in uids}):
        _kill_uid(uid, [(kind, ident) for kind, ident, cuid in objects if cuid == uid])


def _wipe(root: str, remove_root: bool = False) -> None:
    """Delete everything under ``root`` (privileged, or the owner of every entry)."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        entries = []
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _wipe(entry.path, remove_root=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass
    if remove_root:
        try:  # noqa: SIM105
            os.rmdir(root)
        except OSError:
            pass


# -- exception descriptions (no ``traceback`` import: ~10 ms) ----------------------------------


def _safe_str(exc: BaseException) -> str:
    try:
        text = str(exc)
        return text if type(text) is str else ""
    except BaseException:  # noqa: B036 - a hostile __str__ must not derail the report
        return "<unprintable>"


def _last_location(exc: BaseException, filename: str) -> int | None:
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# -- the wire between a judge and its candidate --------------------------------------------------
#
# Frames are a 4-byte big-endian length and a ``marshal`` payload. Values that are exact builtin
# data types travel as themselves; any other object stays where it lives and travels as a
# marker ``(StopIteration, "c" | "j", id)`` (``StopIteration`` the class: never data), "c" for a
# candidate object, "j" for a judge object (a callable the test passed to the candidate).

_DATA = (type(None), bool, int, float, complex, str, bytes, type(Ellipsis))
_MARK = StopIteration


def _send(fd: int, message: Any) -> None:
    payload = marshal.dumps(message)
    _write_all(fd, len(payload).to_bytes(4, "big") + payload)


def _recv(fd: int, cap: int) -> Any:
    size = int.from_bytes(_read_exact(fd, 4), "big")
    if size > cap:
        raise ValueError(f"frame of {size} bytes exceeds {cap}")
    return marshal.loads(_read_exact(fd, size))


_CAPTURES: list[Any] = []  # the job's stdout/stderr pipes: drained while the judge waits


def _pump_io(fd: int, events: int) -> None:
    """Wait until ``fd`` is ready, draining the capture pipes meanwhile (no deadlock on a
    candidate blocked writing output while the judge waits for it)."""
    if not _CAPTURES:
        return
    poller = select.poll()
    poller.register(fd, events)
    for capture in _CAPTURES:
        poller.register(capture.fd, select.POLLIN)
    while True:
        ready = {f for f, _ in poller.poll()}
        for capture in _CAPTURES:
            if capture.fd in ready:
                capture.drain()
        if fd in ready:
            return


def _judge_send(fd: int, message: Any) -> None:
    payload = marshal.dumps(message)
    view = memoryview(len(payload).to_bytes(4, "big") + payload)
    while view:
        _pump_io(fd, select.POLLOUT)
        view = view[os.write(fd, view[: select.PIPE_BUF]) :]


def _judge_recv(fd: int, cap: int) -> Any:
    def exact(n: int) -> bytes:
        chunks, left = [], n
        while left:
            _pump_io(fd, select.POLLIN)
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the candidate closed its channel")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    size = int.from_bytes(exact(4), "big")
    if size > cap:
        raise ValueError(f"frame of {size} bytes exceeds {cap}")
    return marshal.loads(exact(size))


def _to_wire(value: Any, export: Any) -> tuple[Any, bool]:
    """``(wire value, has markers)``; ``export(obj)`` returns the marker for a non-data object."""
    try:
        marshal.dumps(value)
        return value, False
    except (ValueError, RecursionError):
        pass
    memo: dict[int, Any] = {}

    def conv(v: Any) -> Any:
        t = type(v)
        if t in _DATA:
            return v
        key = id(v)
        if key in memo:
            return memo[key]
        if t is list:
            out: Any = []
            memo[key] = out
            out.extend(conv(x) for x in v)
            return out
        if t is dict:
            out = {}
            memo[key] = out
            for k, x in v.items():
                out[conv(k)] = conv(x)
            return out
        if t is tuple:
            return tuple(conv(x) for x in v)
        if t is set or t is frozenset:
            return t(conv(x) for x in v)
        lowered = _lower(v)
        return export(v) if lowered is _NOT_DATA else conv(lowered)

    try:
        return conv(value), True
    except RecursionError:
        return export(value), True


_NOT_DATA = object()
_SCALAR_BASES: tuple[tuple[type, Any], ...] = (
    (bool, bool),
    (int, int.__int__),
    (float, float.__float__),
    (complex, complex.__complex__),
    (str, str.__str__),
    (bytes, bytes.__bytes__),
)
_CONTAINER_BASES: tuple[type, ...] = (list, tuple, set, frozenset)


def _lower(value: Any) -> Any:
    """An instance of a subclass of a builtin data type (Counter, defaultdict, OrderedDict, a
    namedtuple, an IntEnum, a str subclass...) as its builtin value, else ``_NOT_DATA``.

    It is data, decoded by the judge as the exact builtin type: the subclass's own ``__eq__``,
    ``__hash__`` or ``__bool__`` never reach the judge (on the candidate's side whatever it
    yields is simply the value the candidate chose to return).
    """
    try:
        for base, convert in _SCALAR_BASES:
            if isinstance(value, base):
                return convert(value)
        if isinstance(value, bytearray | memoryview):
            return bytes(value)
        if isinstance(value, dict):
            return dict(value)
        for container in _CONTAINER_BASES:
            if isinstance(value, container):
                return container(value)
    except Exception:  # a hostile override: it stays a handle
        return _NOT_DATA
    return _NOT_DATA


def _from_wire(value: Any, resolve: Any) -> Any:
    """Replace markers by ``resolve(kind, id)``; everything else is kept as decoded."""
    memo: dict[int, Any] = {}

    def conv(v: Any) -> Any:
        t = type(v)
        if t in _DATA:
            return v
        key = id(v)
        if key in memo:
            return memo[key]
        if t is tuple:
            if len(v) == 3 and v[0] is _MARK:
                if v[1] not in ("c", "j") or type(v[2]) is not int:
                    raise ValueError("bad marker")
                return resolve(v[1], v[2])
            return tuple(conv(x) for x in v)
        if t is list:
            memo[key] = v
            for i, x in enumerate(v):
                v[i] = conv(x)
            return v
        if t is dict:
            out: dict[Any, Any] = {}
            memo[key] = out
            for k, x in v.items():
                out[conv(k)] = conv(x)
            return out
        if t is set or t is frozenset:
            return t(conv(x) for x in v)
        raise ValueError(f"unexpected {t.__name__} on the wire")

    return conv(value)


def _exc_wire(exc: BaseException) -> tuple[str, Any, str]:
    """``(builtin exception name, args, where)`` for an exception raised on this side."""
    name = "Exception"
    for cls in type(exc).__mro__:
        if getattr(cls, "__module__", None) == "builtins":
            name = cls.__name__
            break
    args: Any = ()
    try:
        candidate_args = tuple(exc.args)
        marshal.dumps(candidate_args)
        args = candidate_args
    except BaseException:  # noqa: B036
        args = (_safe_str(exc)[:DETAIL_CAP],)
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        where = f"{os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return name, args, where


# -- candidate side (runs in the candidate's process: nothing here is trusted by the judge) ------


class _JudgeCallable:
    """A callable the test passed to the candidate: calling it asks the judge to run it."""

    __slots__ = ("_jid", "_peer")

    def __init__(self, peer: _CandidateServer, jid: int) -> None:
        self._peer, self._jid = peer, jid

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._peer.callback(self._jid, args, kwargs)

    def __repr__(self) -> str:
        return f"<test callable {self._jid}>"


class _CandidateServer:
    def __init__(self, rfd: int, wfd: int) -> None:
        self.rfd, self.wfd = rfd, wfd
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}
        self.refs: dict[int, tuple[Any, bytes]] = {}

    def export(self, obj: Any) -> tuple[Any, str, int]:
        key = id(obj)
        hid = self.ids.get(key)
        if hid is None:
            hid = len(self.objects) + 1
            self.objects[hid] = obj
            self.ids[key] = hid
        return (_MARK, "c", hid)

    def resolve(self, kind: str, ident: int) -> Any:
        return self.objects[ident] if kind == "c" else _JudgeCallable(self, ident)

    def wire(self, value: Any) -> tuple[Any, bool]:
        return _to_wire(value, self.export)

    def unwire(self, value: Any, marked: bool) -> Any:
        return _from_wire(value, self.resolve) if marked else value

    def call_args(self, spec: Any) -> tuple[list[Any], list[tuple[int, int]]]:
        """Positional arguments: plain (``v``), a container sent as a blob (``b``) or the
        same container again (``r``); the latter two are watched for in-place changes."""
        args: list[Any] = []
        tracked: list[tuple[int, int]] = []
        for i, entry in enumerate(spec):
            if entry[0] == "v":
                args.append(self.unwire(entry[1], entry[2]))
                continue
            if entry[0] == "b":
                self.refs[entry[1]] = (marshal.loads(entry[2]), entry[2])
            args.append(self.refs[entry[1]][0])
            tracked.append((i, entry[1]))
        return args, tracked

    def reply_ok(self, value: Any, writeback: tuple[Any, ...] = ()) -> None:
        data, marked = self.wire(value)
        _send(self.wfd, ("ok", data, marked, writeback))

    def reply_exc(self, exc: BaseException) -> None:
        name, args, where = _exc_wire(exc)
        _send(self.wfd, ("raise", name, args, where))

    def flush(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            try:  # noqa: SIM105
                stream.flush()
            except BaseException:  # noqa: B036
                pass

    def serve(self) -> None:
        while True:
            message = _recv(self.rfd, 1 << 30)
            if message[0] in ("ok", "raise"):
                raise RuntimeError("unexpected reply")
            self.handle(message)

    def wait_reply(self) -> Any:
        """Serve the judge's requests until the reply to our own request arrives."""
        while True:
            message = _recv(self.rfd, 1 << 30)
            if message[0] == "ok":
                return self.unwire(message[1], message[2])
            if message[0] == "raise":
                raise _rebuild(message[1], message[2], message[3], "the test's callable")
            self.handle(message)

    def callback(self, jid: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        wargs, marked_a = self.wire(args)
        wkwargs, marked_k = self.wire(kwargs)
        _send(self.wfd, ("cb", jid, wargs, wkwargs, marked_a or marked_k))
        return self.wait_reply()

    def handle(self, message: Any) -> None:
        op = message[0]
        try:
            if op == "load":
                module = type(sys)("solution")
                module.__file__ = "solution.py"
                sys.modules["solution"] = module
                self.objects[0] = module
                exec(compile(message[1], "solution.py", "exec"), module.__dict__)
                # the module's public callables, so that ``from solution import f`` costs no
                # round trip (data stays behind: it is fetched when used)
                public = {
                    name: value
                    for name, value in vars(module).items()
                    if not name.startswith("_") and callable(value)
                }
                self.flush()
                self.reply_ok(public)
                return
            target = self.objects[message[1]]
            if op == "call":
                args, tracked = self.call_args(message[2])
                kwargs = self.unwire(message[3], message[4])
                result = target(*args, **kwargs)
                writeback = []
                for i, ref in tracked:  # mutable arguments: send back what the call changed
                    obj, blob = self.refs[ref]
                    try:
                        now = marshal.dumps(obj)
                    except ValueError:
                        now = b""
                    if now != blob:
                        self.refs[ref] = (obj, now)
                        writeback.append((i, self.wire(obj)))
                self.flush()
                self.reply_ok(result, tuple(writeback))
                return
            if op == "getattr":
                result = getattr(target, message[2])
            elif op == "setattr":
                setattr(target, message[2], self.unwire(message[3], message[4]))
                result = None
            elif op == "getitem":
                result = target[self.unwire(message[2], message[3])]
            elif op == "setitem":
                target[self.unwire(message[2], message[4])] = self.unwire(message[3], message[4])
                result = None
            elif op == "delitem":
                del target[self.unwire(message[2], message[3])]
                result = None
            elif op == "len":
                result = len(target)
            elif op == "iter":
                result = iter(target)
            elif op == "next":
                result = next(target)
            elif op == "str":
                result = str(target)
            elif op == "repr":
                result = repr(target)
            elif op == "names":
                names = getattr(target, "__all__", None)
                if names is None:
                    names = [n for n in vars(target) if not n.startswith("_")]
                result = list(names)
            else:
                raise ValueError(f"unknown request {op!r}")
            self.flush()
            self.reply_ok(result)
        except BaseException as exc:  # noqa: B036 - SystemExit too: the judge decides
            self.flush()
            self.reply_exc(exc)


def _candidate_main(rfd: int, wfd: int) -> None:
    server = _CandidateServer(rfd, wfd)
    try:
        server.serve()
    finally:
        server.flush()
        _exit(0)


# -- judge side (trusted: runs the test; everything from the candidate is decoded here) ----------

_SAFE_EXCEPTIONS = {
    name: cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, Exception)
}


class CandidateBroke(BaseException):  # noqa: N818 - not an error of the test, of the candidate
    """The candidate process died, exited, or broke the protocol: the test cannot pass."""


class CandidateExit(CandidateBroke):
    """The candidate called ``sys.exit`` (or raised SystemExit/KeyboardInterrupt) during a test."""


def _rebuild(name: Any, args: Any, where: Any, who: str) -> BaseException:
    """A trusted exception of the same builtin class as the one raised on the other side."""
    if type(name) is not str:
        return CandidateBroke("malformed exception from the candidate")
    where_text = where if type(where) is str else ""
    if name in ("SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException"):
        return CandidateExit(f"{name} raised by {who}" + (f" at {where_text}" if where else ""))
    cls = _SAFE_EXCEPTIONS.get(name, Exception)
    if type(args) is not tuple:
        args = (str(args)[:DETAIL_CAP],)
    try:
        exc = cls(*args)
    except BaseException:  # noqa: B036 - e.g. UnicodeDecodeError wants five arguments
        exc = cls(" ".join(map(str, args))[:DETAIL_CAP]) if cls is not Exception else Exception()
    if type(exc) is not cls and not isinstance(exc, cls):
        exc = Exception(name)
    try:  # noqa: SIM105
        exc.add_note(f"(raised by {who}" + (f" at {where_text[:200]})" if where_text else ")"))
    except BaseException:  # noqa: B036
        pass
    return exc


class _Judge:
    """The judge's end of the pipe pair to the candidate process."""

    def __init__(self, rfd: int, wfd: int, cap: int) -> None:
        self.rfd, self.wfd, self.cap = rfd, wfd, cap
        self.generation = _next_generation()
        self.exports: dict[int, Any] = {}
        self.sent: dict[int, tuple[Any, bytes, int]] = {}  # id -> (container, blob, ref)
        self.sent_refs: list[Any] = []  # keeps sent containers alive (ids stay unique)
        self.broken: str | None = None
        self.prefetched: dict[str, Any] | None = None  # the module's callables, after load
        self.callback_failure: BaseException | None = None

    def export(self, obj: Any) -> tuple[Any, str, int]:
        jid = len(self.exports) + 1
        self.exports[jid] = obj
        return (_MARK, "j", jid)

    def resolve(self, kind: str, ident: int) -> Any:
        if kind == "c":
            return _Remote(ident, self.generation)
        obj = self.exports.get(ident)
        if obj is None:
            raise ValueError("unknown test object")
        return obj

    def decode(self, value: Any, marked: Any) -> Any:
        if marked is False:
            return value  # straight from marshal.loads: builtin types only
        if marked is not True:
            raise ValueError("bad marker flag")
        return _from_wire(value, self.resolve)

    def _break(self, why: str) -> CandidateBroke:
        if self.broken is None:
            self.broken = why
        return CandidateBroke(why)

    def request(self, message: tuple[Any, ...], writeback: Any = None) -> Any:
        if self.broken is not None:
            raise CandidateBroke(self.broken)
        self.prefetched = None  # any call may rebind the module's globals
        try:
            _judge_send(self.wfd, message)
        except OSError:
            raise self._break("the candidate process is gone") from None
        while True:
            try:
                reply = _judge_recv(self.rfd, self.cap)
            except TestTimeout:
                raise
            except EOFError:
                raise self._break("the candidate process died or closed its channel") from None
            except BaseException as exc:  # noqa: B036 - any decoding failure is the candidate's
                raise self._break(f"malformed reply from the candidate ({exc!r:.200})") from None
            if type(reply) is not tuple or not reply or type(reply[0]) is not str:
                raise self._break("malformed reply from the candidate")
            kind = reply[0]
            if kind == "raise" and len(reply) == 4:
                error = _rebuild(reply[1], reply[2], reply[3], "the candidate")
                if isinstance(error, CandidateBroke):
                    self._break(str(error))
                raise error
            try:
                if kind == "ok" and len(reply) == 4:
                    value = self.decode(reply[1], reply[2])
                    if writeback is not None:
                        self._write_back(writeback, reply[3])
                    return value
                if kind == "cb" and len(reply) == 5:
                    self._callback(reply)
                    continue
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                raise self._break(f"malformed reply from the candidate ({exc!r:.200})") from None
            raise self._break("malformed reply from the candidate")

    def call_args(self, args: tuple[Any, ...]) -> tuple[tuple[Any, ...], dict[int, Any]]:
        """Encode positional arguments. A list/dict/set of plain data goes as a blob the
        candidate keeps; passing the same, unchanged container again sends only its ref.
        Such arguments are watched: what the call changes in them is copied back."""
        spec: list[Any] = []
        targets: dict[int, Any] = {}
        for i, arg in enumerate(args):
            if type(arg) in (list, dict, set):
                try:
                    blob = marshal.dumps(arg)
                except ValueError:
                    blob = b""
                if blob:
                    sent = self.sent.get(id(arg))
                    if sent is not None and sent[0] is arg and sent[1] == blob:
                        spec.append(("r", sent[2]))
                    else:
                        ref = len(self.sent_refs) + 1
                        self.sent_refs.append(arg)
                        self.sent[id(arg)] = (arg, blob, ref)
                        spec.append(("b", ref, blob))
                    targets[i] = arg
                    continue
            data, marked = self.wire(arg)
            spec.append(("v", data, marked))
        return tuple(spec), targets

    def _write_back(self, targets: dict[int, Any], entries: Any) -> None:
        """Mutations of list/dict/set arguments, copied back into the test's objects."""
        if type(entries) is not tuple:
            raise ValueError("bad write-back")
        for entry in entries:
            if type(entry) is not tuple or len(entry) != 2 or entry[0] not in targets:
                raise ValueError("bad write-back")
            wire = entry[1]
            if type(wire) is not tuple or len(wire) != 2:
                raise ValueError("bad write-back")
            new, target = self.decode(wire[0], wire[1]), targets[entry[0]]
            if type(new) is not type(target):
                raise ValueError("write-back changed an argument's type")
            if type(target) is list:
                target[:] = new
            else:
                target.clear()
                target.update(new)
            self.sent.pop(id(target), None)  # changed: send it afresh next time

    def _callback(self, message: tuple[Any, ...]) -> None:
        """The candidate calls a callable the test gave it."""
        _, jid, args, kwargs, marked = message
        func = self.exports.get(jid) if type(jid) is int else None
        args = self.decode(args, marked)
        kwargs = self.decode(kwargs, marked)
        if func is None or type(args) is not tuple or type(kwargs) is not dict:
            raise ValueError("bad callback")
        if any(type(k) is not str for k in kwargs):
            raise ValueError("bad callback keywords")
        try:
            result = func(*args, **kwargs)
        except (CandidateBroke, TestTimeout):
            raise
        except BaseException as exc:  # noqa: B036
            name, eargs, where = _exc_wire(exc)
            if isinstance(exc, _AssertionError):
                if self.callback_failure is None:
                    self.callback_failure = exc  # swallowing it does not make the test pass
                eargs, where = (), ""  # and its message (maybe the expected value) stays here
            _judge_send(self.wfd, ("raise", name, eargs, where))
            return
        data, has_marks = _to_wire(result, self.export)
        _judge_send(self.wfd, ("ok", data, has_marks, ()))

    def wire(self, value: Any) -> tuple[Any, bool]:
        return _to_wire(value, self.export)


_JUDGE: _Judge | None = None
_GENERATION = [0]
_REMOTE_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__", "__module__"})


def _next_generation() -> int:
    _GENERATION[0] += 1
    return _GENERATION[0]


class TestTimeout(BaseException):  # noqa: N818 - raised into the test by the per-test alarm
    """The test ran past its per-test limit."""


def _peer(generation: int) -> _Judge:
    judge = _JUDGE
    if judge is None or judge.generation != generation:
        raise CandidateBroke("a candidate object from another test was used")
    return judge


class _Remote:
    """A candidate object, seen from the judge: usable, never trusted to judge itself.

    Attribute access, calls, indexing, iteration, ``len``, ``str`` and ``repr`` are forwarded
    (their results come back as decoded data or further handles). ``==`` is identity, the
    truth value and ``in`` are refused: a candidate object cannot answer a test's question
    about itself.
    """

    __slots__ = ("_mobench_hid", "_mobench_gen")

    def __init__(self, hid: int, generation: int) -> None:
        object.__setattr__(self, "_mobench_hid", hid)
        object.__setattr__(self, "_mobench_gen", generation)

    def _mobench_id(self) -> int:
        return int(object.__getattribute__(self, "_mobench_hid"))

    def _mobench_peer(self) -> _Judge:
        return _peer(object.__getattribute__(self, "_mobench_gen"))

    def __getattr__(self, name: str) -> Any:
        if self._mobench_id() == 0:
            prefetched = self._mobench_peer().prefetched
            if prefetched is not None and name in prefetched:
                return prefetched[name]
        if name.startswith("__") and name.endswith("__"):
            if name == "__all__":
                return self._mobench_peer().request(("names", self._mobench_id()))
            if name not in _REMOTE_DUNDERS:
                raise AttributeError(name)
        return self._mobench_peer().request(("getattr", self._mobench_id(), name))

    def __setattr__(self, name: str, value: Any) -> None:
        data, marked = self._mobench_peer().wire(value)
        self._mobench_peer().request(("setattr", self._mobench_id(), name, data, marked))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        peer = self._mobench_peer()
        spec, targets = peer.call_args(args)
        wkwargs, marked = peer.wire(kwargs)
        message = ("call", self._mobench_id(), spec, wkwargs, marked)
        return peer.request(message, writeback=targets)

    def __getitem__(self, key: Any) -> Any:
        data, marked = self._mobench_peer().wire(key)
        return self._mobench_peer().request(("getitem", self._mobench_id(), data, marked))

    def __setitem__(self, key: Any, value: Any) -> None:
        data, marked = self._mobench_peer().wire((key, value))
        self._mobench_peer().request(("setitem", self._mobench_id(), data[0], data[1], marked))

    def __delitem__(self, key: Any) -> None:
        data, marked = self._mobench_peer().wire(key)
        self._mobench_peer().request(("delitem", self._mobench_id(), data, marked))

    def __len__(self) -> int:
        size = self._mobench_peer().request(("len", self._mobench_id()))
        if type(size) is not int or size < 0:
            raise TypeError("the candidate's __len__ did not return a non-negative int")
        return size

    def __iter__(self) -> Any:
        iterator = self._mobench_peer().request(("iter", self._mobench_id()))
        if type(iterator) is not _Remote:
            raise TypeError("the candidate's __iter__ did not return an iterator")
        hid, peer = iterator._mobench_id(), iterator._mobench_peer()
        while True:
            try:
                item = peer.request(("next", hid))
            except StopIteration:
                return
            yield item

    def __next__(self) -> Any:
        return self._mobench_peer().request(("next", self._mobench_id()))

    def __str__(self) -> str:
        text = self._mobench_peer().request(("str", self._mobench_id()))
        return text if type(text) is str else "<candidate object>"

    def __repr__(self) -> str:
        text = self._mobench_peer().request(("repr", self._mobench_id()))
        return text if type(text) is str else "<candidate object>"

    def __eq__(self, other: object) -> bool:
        return other is self or (
            type(other) is _Remote
            and other._mobench_id() == self._mobench_id()
            and object.__getattribute__(other, "_mobench_gen")
            == object.__getattribute__(self, "_mobench_gen")
        )

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(
            ("mobench-remote", self._mobench_id(), object.__getattribute__(self, "_mobench_gen"))
        )

    def __bool__(self) -> bool:
        raise TypeError(
            "a test used the truth value of a candidate object that is not plain data "
            "(bool/int/str/list/...); its __bool__ is not trusted"
        )

    def __contains__(self, item: Any) -> bool:
        raise TypeError(
            "a test used `in` on a candidate object that is not plain data; "
            "its __contains__ is not trusted"
        )


_ALARM = {"armed": False, "fired": False}


def _on_alarm(signum: int, frame: Any) -> None:
    if _ALARM["armed"]:
        _ALARM["fired"] = True
        raise TestTimeout()


def _judge_test(test: dict[str, Any], name: str, rfd: int, wfd: int) -> tuple[str, str]:
    """Run one test function against the candidate process; the verdict is decided here.

    The test module is executed afresh for every test (its ``solution`` is this test's
    candidate process), from the code object the job compiled before any candidate ran.
    """
    global _JUDGE
    judge = _Judge(rfd, wfd, test["cap"])
    _JUDGE = judge
    filename, lines = test["filename"], test["lines"]
    status, detail = "passed", ""
    try:
        try:
            public = judge.request(("load", test["code"]))
            if type(public) is dict and all(type(k) is str for k in public):
                judge.prefetched = public
        except (CandidateBroke, TestTimeout):
            raise
        except BaseException as exc:  # noqa: B036
            raise ImportError(f"the candidate failed to import: {_describe(exc, '', [])}") from None
        module = type(sys)(test["module"])
        module.__file__ = filename
        sys.modules["solution"] = _Remote(0, judge.generation)  # type: ignore[assignment]
        sys.modules[test["module"]] = module
        exec(test["code_object"], module.__dict__)
        module.__dict__[name]()
    except _AssertionError as exc:
        status, detail = "failed", _describe(exc, filename, lines)
    except BaseException as exc:  # noqa: B036 - SystemExit/KeyboardInterrupt are errors too
        status, detail = "error", _describe(exc, filename, lines)
    finally:
        _JUDGE = None
        sys.modules.pop("solution", None)
        sys.modules.pop(test["module"], None)
    if judge.broken is not None:
        status, detail = "error", f"candidate: {judge.broken}" + (f"; {detail}" if detail else "")
    elif status == "passed" and judge.callback_failure is not None:
        failure = judge.callback_failure
        status = "failed"
        detail = "in a callable the test gave the candidate: " + _describe(failure, filename, lines)
    return status, detail


def _describe(exc: BaseException, filename: str, lines: list[str]) -> str:
    text = type(exc).__name__
    message = _safe_str(exc)
    if message:
        text += f": {message}"
    line = _last_location(exc, filename) if filename else None
    if line is not None:
        source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        text += f" (at {os.path.basename(filename)}:{line}" + (f": {source})" if source else ")")
    for note in getattr(exc, "__notes__", None) or ():
        if type(note) is str:
            text += f" {note}"
    return text[:DETAIL_CAP]


# -- the job process -------------------------------------------------------------------------------


class _Capture:
    """Keeps the last ``cap`` bytes of a pipe and counts the rest."""

    def __init__(self, fd: int, cap: int) -> None:
        self.fd, self.cap, self.total, self.data = fd, cap, 0, bytearray()
        os.set_blocking(fd, False)

    def drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            self.total += len(chunk)
            self.data += chunk
            if len(self.data) > 2 * self.cap + 65536:
                del self.data[: len(self.data) - self.cap]

    def text(self) -> str:
        kept = bytes(self.data[-self.cap :]) if self.cap > 0 else b""
        return kept.decode("utf-8", "replace")


class _Job:
    """One job as the worker sees it: the header only, never the test data."""

    def __init__(self, header: dict[str, Any], opts: dict[str, Any]) -> None:
        self.seq = int(header["seq"])
        self.count = int(header["tests"])
        self.limits = dict(header["limits"])
        self.opts = opts
        self.base_uid: int | None = None
        if opts["uids"]:  # a random block: the judge's uid, then one per test
            self.base_uid = 1_000_000 + int.from_bytes(os.urandom(4), "big") % 500_000 * UID_BLOCK
        self.dir = os.path.join(opts["scratch"], f"job-{os.urandom(6).hex()}")
        self.base_vm = opts["vm_bytes"]  # the worker's address space: the job process starts so
        # per test: judge -> candidate (r, w) and candidate -> judge (r, w)
        self.pipes: list[tuple[int, int, int, int]] = []
        self.capture: tuple[int, int, int, int] = (-1, -1, -1, -1)  # out r/w, err r/w

    def uid(self, index: int) -> int | None:
        """The judge's uid for index -1, test ``index``'s candidate uid otherwise."""
        return None if self.base_uid is None else self.base_uid + 1 + index

    def nproc(self) -> int:
        if self.base_uid is not None:  # a uid of its own: the limit counts only its processes
            return int(self.limits["max_processes"])
        return int(self.limits["max_processes"]) + 8  # shared uid: leave room for the runner

    def workdir(self, index: int) -> str:
        return os.path.join(self.dir, f"t{index}")


def _spawn_candidate(job: _Job, index: int) -> int:
    """Fork test ``index``'s candidate process (from the worker: it never held test data)."""
    _await_gone()
    uid = job.uid(index)
    workdir = job.workdir(index)
    os.mkdir(workdir, 0o700)
    if uid is not None:
        os.chown(workdir, uid, uid)
    j2c_r, _, _, c2j_w = job.pipes[index]
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            _stdio(job.capture[1], job.capture[3])
            _close_fds_except({j2c_r, c2j_w})
            os.chdir(workdir)
            if uid is not None:
                _become(uid)
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after the uid change, which clears it
            _prctl(PR_SET_DUMPABLE, 0)
            _set_limits(_limit_pairs(job.limits, job.nproc()))
            os.environ["HOME"] = os.environ["TMPDIR"] = workdir  # the rest: cleared by main()
            sys.argv = ["solution"]
            _candidate_main(j2c_r, c2j_w)
        finally:
            _exit(3)
    os.close(j2c_r)
    os.close(c2j_w)
    return pid


def _reap_candidate(job: _Job, pid: int, index: int, keep: set[int], wait: bool = True) -> int:
    """Kill everything test ``index`` started and wipe its work dir; with ``wait``, the
    candidate's wait status (else -1: nobody needs it, and its teardown is not waited for)."""
    status = -1
    if pid:
        _kill(pid, group=True)
        _kill(pid)
        if wait:
            status = _child_status(pid, block=True) or 0
        else:
            _DYING.add(pid)
    strays = len(_sweep(keep) - {pid}) if job.opts["sweep"] else 0
    uid = job.uid(index)
    if uid is not None and (strays or not job.opts["sweep"]):
        _kill_uid(uid)  # atomic, for a tree that forked
        if job.opts["sweep"]:
            _sweep(keep)
    if job.opts["sweep"]:  # a private IPC namespace: what the test made there goes too
        _clean_ipc(range(uid, uid + 1) if uid is not None else None)
    _reap()
    _wipe(job.workdir(index), remove_root=True)
    return status


def _job_main(job: _Job, config_fd: int, result_fd: int, requests_w: int, replies_r: int) -> None:
    """The job process: reads the body, judges every test, reports on the result fd."""
    os.setpgid(0, 0)
    judge_uid = job.uid(-1)
    if judge_uid is not None:
        _become(judge_uid)
    _prctl(PR_SET_DUMPABLE, 0)  # a uid change resets it: nobody may ptrace or read our memory
    body = _read_frame(config_fd)
    if not job.opts["serve"]:
        os.close(config_fd)
    names = [str(n) for n in body["tests"]]
    if len(names) != job.count:
        raise SystemExit("runner: the body's test list does not match the header")
    nonce = str(body["nonce"])
    module = str(body.get("module") or "test_solution")
    source = str(body["tests_source"])
    test = {
        "code": str(body["code"]),
        "code_object": compile(source, module + ".py", "exec"),
        "module": module,
        "filename": module + ".py",
        "lines": source.splitlines(),
        "cap": max(1 << 20, int(job.limits["memory_mb"]) * 1024 * 1024 // 2),
    }
    del body, source
    # from here on this process is also the judge: test code may print (to the job's capture
    # pipes) and call the candidate; it may not use more than its share of memory
    out_r, out_w, err_r, err_w = job.capture
    diag = os.dup(2)
    _stdio(out_w, err_w)
    os.close(out_w)
    os.close(err_w)
    os.chdir(os.path.join(job.dir, "judge"))
    _set_limits(_judge_limits(job))
    signal.signal(signal.SIGALRM, _on_alarm)
    cap = int(job.limits["output_bytes"])
    out, err = _Capture(out_r, cap), _Capture(err_r, cap)
    _CAPTURES[:] = [out, err]
    replies = os.fdopen(replies_r, "rb", buffering=0)
    try:
        for index, name in enumerate(names):
            _, wfd, rfd, _ = job.pipes[index]
            outcome = _run_test(job, index, name, test, rfd, wfd, requests_w, replies)
            for fd in (rfd, wfd):
                os.close(fd)
            out.drain()
            err.drain()
            line = {"nonce": nonce, "test": name, **outcome}
            if index + 1 < job.count:
                _emit(result_fd, line)
            else:
                last = line  # written with the done line: one write, one wake-up of the host
    except BaseException as exc:  # noqa: B036 - the worker reports the job as crashed
        _write_all(diag, f"runner: job failed: {exc!r}\n".encode())
        raise
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105
            stream.flush()
        except BaseException:  # noqa: B036
            pass
    out.drain()
    err.drain()
    done = (
        _json(last)
        + "\n"
        + _json(
            {
                "nonce": nonce,
                "done": True,
                "stdout": out.text(),
                "stderr": err.text(),
                "stdout_bytes": out.total,
                "stderr_bytes": err.total,
                "applied": _applied(job),
            }
        )
    )
    _write_all(result_fd, (done + "\n").encode("utf-8", "backslashreplace"))


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 64 * 1024 * 1024


def _judge_limits(job: _Job) -> dict[int, tuple[int, int]]:
    """The job process runs the tests (trusted code) on candidate data: bound its memory."""
    memory = job.base_vm + int(job.limits["memory_mb"]) * 1024 * 1024
    pairs = {
        resource.RLIMIT_AS: (memory, memory),
        resource.RLIMIT_FSIZE: (int(job.limits["file_size_mb"]) * 1024 * 1024,) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    if job.base_uid is not None:
        pairs[resource.RLIMIT_NPROC] = (int(job.limits["max_processes"]),) * 2
    return pairs


def _applied(job: _Job) -> dict[str, Any]:
    limits = job.limits
    separate = job.base_uid is not None
    return {
        "candidate_process": "a fresh process per test, forked by the worker (which never "
        "holds test data); the tests run in the job process, outside the candidate's process",
        "uid": (
            f"per-test unprivileged uids {job.base_uid + 1}..{job.base_uid + job.count}, "
            f"tests (judge) uid {job.base_uid}"
            if job.base_uid is not None
            else f"shared uid {os.getuid()}"
        ),
        "rlimit_cpu_seconds": max(1, math.ceil(float(limits["cpu_seconds"]))),
        "rlimit_as_mb": int(limits["memory_mb"]),
        "rlimit_fsize_mb": int(limits["file_size_mb"]),
        "rlimit_nofile": int(limits["open_files"]),
        "rlimit_nproc": job.nproc(),
        "rlimit_nproc_scope": "the test's own uid" if separate else "shared with the runner",
        "rlimit_core": 0,
        "rlimit_msgqueue": 0,
        "per_test_seconds": float(limits["per_test_seconds"]),
        "wall_seconds": float(limits["wall_seconds"]),
        "output_bytes": int(limits["output_bytes"]),
        "kill": (
            "kill(-1) as the test's uid"
            + (" when it forked; every process but the runner's" if job.opts["sweep"] else "")
            if separate
            else (
                "every process but the runner's"
                if job.opts["sweep"]
                else "the candidate's process group only"
            )
        ),
    }


def _run_test(
    job: _Job,
    index: int,
    name: str,
    test: dict[str, Any],
    rfd: int,
    wfd: int,
    requests_w: int,
    replies: Any,
) -> dict[str, Any]:
    started = time.monotonic()
    limit = float(job.limits["per_test_seconds"])
    _ALARM["fired"] = False  # the worker has started this test's candidate already
    status, detail = "error", "the test did not run"
    try:
        _ALARM["armed"] = True
        remaining = max(0.001, started + limit - time.monotonic())
        signal.setitimer(signal.ITIMER_REAL, remaining, 0.05)  # repeats: no swallowing it
        status, detail = _judge_test(test, name, rfd, wfd)
    except TestTimeout:
        pass
    finally:
        _ALARM["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
    timed_out = _ALARM["fired"]
    needs_status = not timed_out and status == "error" and detail.startswith("candidate: ")
    candidate_status = -1
    if needs_status or index + 1 < job.count:  # the last one goes with the job's own cleanup
        _write_all(requests_w, f"{'R' if needs_status else 'r'} {index}\n".encode())
        answer = replies.readline()
        try:
            candidate_status = int(answer.split()[1]) if answer.startswith(b"w ") else -1
        except ValueError:
            candidate_status = -1
    outcome = _verdict(status, detail, candidate_status, timed_out, limit)
    outcome["seconds"] = round(time.monotonic() - started, 4)
    return outcome


def _signal_text(number: int) -> str:
    try:
        return f"signal {number}: {signal.strsignal(number)}"
    except (ValueError, OSError):
        return f"signal {number}"


def _verdict(
    status: str, detail: str, candidate_status: int, timed_out: bool, limit: float
) -> dict[str, Any]:
    """The test's outcome from the judge's verdict and how the candidate process ended."""
    if timed_out:
        return {"status": "timeout", "detail": f"exceeded the per-test limit of {limit:g}s"}
    signalled = candidate_status >= 0 and os.WIFSIGNALED(candidate_status)
    if status == "error" and detail.startswith("candidate: ") and signalled:
        number = os.WTERMSIG(candidate_status)
        if number == signal.SIGXCPU:
            return {"status": "timeout", "detail": "the candidate exceeded the CPU time limit"}
        if number != signal.SIGKILL:
            detail += f" (candidate killed by {_signal_text(number)})"
    return {"status": status, "detail": detail[:DETAIL_CAP]}


# -- the worker ------------------------------------------------------------------------------------


def _skip_body(fd: int) -> None:
    """Read past a job's body unread (a refused job): its bytes never become objects here."""
    kind = os.read(fd, 1)
    digits = b""
    while kind and (char := os.read(fd, 1)) not in (b"", b"\n"):
        digits += char
    left = int(digits or b"0")
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            return
        left -= len(chunk)


def _valid_header(header: Any) -> bool:
    return (
        type(header) is dict
        and isinstance(header.get("seq"), int)
        and isinstance(header.get("tests"), int)
        and 0 < header["tests"] <= MAX_TESTS
        and type(header.get("limits")) is dict
    )


def _run_job(
    header: Any, opts: dict[str, Any], config_fd: int, result_fd: int, keep: set[int]
) -> None:
    """Run one job: fork the job process, serve its candidate requests, clean up, report end."""
    if not _valid_header(header):
        raise SystemExit("runner: malformed job header")
    job = _Job(header, opts)
    if 4 * job.count + 64 > resource.getrlimit(resource.RLIMIT_NOFILE)[0]:
        _emit(
            result_fd,
            {
                "end": job.seq,
                "status": "crashed",
                "detail": "too many tests for this host's open-file limit (four pipe fds per test)",
            },
        )
        _skip_body(config_fd)
        return
    started = time.monotonic()
    os.mkdir(job.dir, 0o755 if opts["uids"] else 0o700)
    judge_dir = os.path.join(job.dir, "judge")
    os.mkdir(judge_dir, 0o700)
    if job.base_uid is not None:
        os.chown(judge_dir, job.base_uid, job.base_uid)
    job.capture = (*os.pipe(), *os.pipe())
    job.pipes = [(*os.pipe(), *os.pipe()) for _ in range(job.count)]
    requests_r, requests_w = os.pipe()
    replies_r, replies_w = os.pipe()
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        code = 5
        try:
            os.close(requests_r)
            os.close(replies_w)
            for j2c_r, _, _, c2j_w in job.pipes:
                os.close(j2c_r)
                os.close(c2j_w)
            _job_main(job, config_fd, result_fd, requests_w, replies_r)
            code = 0
        finally:
            _exit(code)
    for fd in (requests_w, replies_r, job.capture[0], job.capture[2]):
        os.close(fd)
    for _, j2c_w, c2j_r, _ in job.pipes:
        os.close(j2c_w)
        os.close(c2j_r)
    if not opts["serve"]:
        os.close(config_fd)  # single job: the job process holds the only copy now
    status, detail, exit_status = _serve_job(job, pid, requests_r, replies_w, keep, started)
    if status == "ok" and exit_status != 0:
        status = "crashed"
        detail = (
            f"job process killed by {_signal_text(os.WTERMSIG(exit_status))}"
            if os.WIFSIGNALED(exit_status)
            else f"job process exit code {os.waitstatus_to_exitcode(exit_status)}"
        )
    _kill(pid, group=True)
    if opts["sweep"]:
        _sweep(keep)
        base = job.base_uid
        _clean_ipc(range(base, base + job.count + 1) if base is not None else None)
    elif job.base_uid is not None:
        for index in range(-1, job.count):
            _kill_uid(job.base_uid + 1 + index)
    _reap()
    for fd in (requests_r, replies_w, job.capture[1], job.capture[3]):
        os.close(fd)
    for j2c_r, _, _, c2j_w in job.pipes:  # those of tests that never ran
        for fd in (j2c_r, c2j_w):
            try:  # noqa: SIM105
                os.close(fd)
            except OSError:
                pass
    _wipe(job.dir, remove_root=True)
    _REAPED.clear()
    _emit(result_fd, {"end": job.seq, "status": status, "detail": detail})


def _serve_job(
    job: _Job, pid: int, requests_r: int, replies_w: int, keep: set[int], started: float
) -> tuple[str, str, int]:
    """Answer the job process's requests (start/reap candidates) until it exits or times out."""
    deadline = started + float(job.limits["wall_seconds"])
    keep = keep | {pid}
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        return _serve_requests(job, pid, pidfd, requests_r, replies_w, keep, deadline)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _serve_requests(
    job: _Job,
    pid: int,
    pidfd: int | None,
    requests_r: int,
    replies_w: int,
    keep: set[int],
    deadline: float,
) -> tuple[str, str, int]:
    # each test's candidate is started ahead, as soon as the previous one is gone (the job
    # always needs it next), so the job process never waits for a fork of its own asking
    children: dict[int, int] = {0: _spawn_candidate(job, 0)}
    os.set_blocking(requests_r, False)
    pending = b""
    readable = True
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill(pid, group=True)
            _kill(pid)
            exit_status = _child_status(pid, block=True) or 0
            for index, child in children.items():
                _reap_candidate(job, child, index, keep)
            limit = job.limits["wall_seconds"]
            return "timeout", f"the job exceeded its wall-clock limit of {limit:g}s", exit_status
        poller = select.poll()  # not select(): a job with many tests has fds past 1024
        if readable:
            poller.register(requests_r, select.POLLIN)
        if pidfd is not None:
            poller.register(pidfd, select.POLLIN)
        wait = remaining if pidfd is not None else min(remaining, 0.005)
        poller.poll(max(1, math.ceil(wait * 1000)))
        if readable:
            try:
                chunk = os.read(requests_r, 4096)
                pending += chunk
                readable = bool(chunk)
            except BlockingIOError:
                pass
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            op, _, arg = line.partition(b" ")
            index = int(arg)
            if not 0 <= index < job.count:
                raise SystemExit("runner: bad request from the job process")
            if op in (b"r", b"R"):  # R: the job needs the candidate's wait status
                child = children.pop(index, 0)
                status = _reap_candidate(job, child, index, keep, wait=op == b"R")
                if index + 1 < job.count and index + 1 not in children:
                    children[index + 1] = _spawn_candidate(job, index + 1)
                _write_all(replies_w, f"w {status}\n".encode())
        wait_status = _child_status(pid, block=False)
        if wait_status is not None:
            for index, child in children.items():
                _reap_candidate(job, child, index, keep)
            return "ok", "", wait_status


def _warm_up() -> None:
    """Initialise lazily built interpreter state once, here, instead of in every forked child."""
    exec(compile("def f(a):\n    return [a, (a,), {a: a}]\n", "warm", "exec"), {})
    marshal.loads(marshal.dumps(("ok", [1, 2.0, "x", b"y", (None,)], False, ())))
    _exc_wire(ValueError("warm"))
    gc.collect()
    gc.freeze()


def main(argv: list[str]) -> int:
    opts: dict[str, Any] = {
        "serve": "--serve" in argv,
        "uids": "--uids" in argv,
        "sweep": "--sweep" in argv,
        "scratch": argv[argv.index("--scratch") + 1] if "--scratch" in argv else "/tmp",
    }
    if "--stdio" in argv:
        config_fd, result_fd = os.dup(0), os.dup(1)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(2, 1)
    else:
        config_fd = int(argv[argv.index("--config-fd") + 1])
        result_fd = int(argv[argv.index("--result-fd") + 1])
    _close_fds_except({config_fd, result_fd})
    os.environ.clear()  # whatever started us: candidates get SAFE_ENV, HOME and TMPDIR only
    os.environ.update(SAFE_ENV, HOME=opts["scratch"], TMPDIR=opts["scratch"])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > 1 << 16:
        hard = 1 << 16
    if soft != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # room for every test's pipes
    if opts["uids"] and os.geteuid() != 0:
        raise SystemExit("runner: --uids needs euid 0 (with CAP_SETUID/CAP_SETGID)")
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 0)  # same-uid candidates cannot open /proc/<runner>/fd or ptrace it
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    keep = ({os.getpid()} | _ancestors()) if opts["sweep"] else set()
    _warm_up()
    opts["vm_bytes"] = _vm_bytes() + 16 * 1024 * 1024  # and what the job process adds to it
    _emit(
        result_fd,
        {
            "worker": "ready",
            "protocol": PROTOCOL,
            "pid": os.getpid(),
            "uids": opts["uids"],
            "sweep": opts["sweep"],
        },
    )
    while True:
        header = _read_frame(config_fd)
        if header is None:
            break
        _run_job(header, opts, config_fd, result_fd, keep)
        if not opts["serve"]:
            break
    os.close(result_fd)
    return 0


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    _exit(code)  # skip interpreter teardown: nothing is left to clean up
