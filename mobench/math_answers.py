"""Final answers of math responses: ``\\boxed{…}`` extraction, normalisation and equivalence.

Equivalence uses ``math_verify`` (parse + verify) under a time bound, with a normalised string
match first (fast, and the fallback when math_verify cannot decide). math_verify bounds its own
time with ``signal.alarm``, which only works in the main thread, so mobench calls it with its
timeouts disabled (``parsing_timeout=None``, ``timeout_seconds=None``) inside worker processes
(:class:`VerifierPool`) and bounds each comparison from the outside: a comparison that runs past
its deadline has its worker killed (and replaced) and counts as *not equivalent*.

This module imports nothing heavy at import time, so the worker processes start quickly.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing.connection
import os
import re
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from mobench.errors import MobenchError

# ---------------------------------------------------------------------------------------------
# Extraction

_BOX_COMMAND = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])")


def _read_group(text: str, start: int) -> int | None:
    """Index just past the ``}`` closing the group that opens at ``text[start] == '{'``.

    Escaped braces (``\\{``, ``\\}``) do not count. Returns None when the group never closes
    (a truncated response).
    """
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2  # skip the escaped character (``\\{``, ``\\}``, ``\\\\``)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def boxed_answers(text: str) -> list[str]:
    """Contents of the top-level ``\\boxed{…}`` / ``\\fbox{…}`` in ``text``, in order.

    Braces must balance (nested groups such as ``\\boxed{\\frac{1}{2}}`` are kept whole);
    an unclosed box is skipped. A box inside another box is part of the outer one's content.
    Without braces, ``\\boxed 5`` takes the text up to the next whitespace or ``$`` (the TeX
    form some models write).
    """
    out: list[str] = []
    pos = 0
    while (found := _BOX_COMMAND.search(text, pos)) is not None:
        i = found.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == "{":
            end = _read_group(text, i)
            if end is None:
                pos = i + 1
                continue
            out.append(text[i + 1 : end - 1])
            pos = end
        elif i > found.end():  # "\boxed 5": needs a space, else it is another command
            match = re.match(r"[^\s$]+", text[i:])
            if match:
                out.append(match.group())
                pos = i + match.end()
            else:
                pos = i
        else:
            pos = found.end()
    return out


def last_boxed(text: str) -> str | None:
    """The content of the last top-level ``\\boxed{…}`` (or ``\\fbox``), or None if none."""
    answers = boxed_answers(text)
    return answers[-1] if answers else None


# ---------------------------------------------------------------------------------------------
# Normalised string match

_UNWRAP = re.compile(r"\\(?:text|textbf|textit|textrm|mathrm|mathbf|mbox|operatorname)\s*\{")
_DROP = (
    (re.compile(r"\\left(?![A-Za-z])|\\right(?![A-Za-z])"), ""),
    (re.compile(r"\\displaystyle(?![A-Za-z])"), ""),
    (re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![A-Za-z])|\\circ(?![A-Za-z])|°"), ""),
    (re.compile(r"\\degree(?![A-Za-z])"), ""),
    (re.compile(r"\\[!,;:> ]"), ""),  # TeX spacing commands
    (re.compile(r"\\%|%"), ""),
    (re.compile(r"\$"), ""),
    (re.compile(r"\\[dt]frac(?![A-Za-z])"), r"\\frac"),
    (re.compile(r"~"), ""),
)


def _unwrap_commands(text: str) -> str:
    """``\\text{abc}`` → ``abc`` (also textbf, mathrm, mbox, …), keeping nested groups whole."""
    while (found := _UNWRAP.search(text)) is not None:
        open_at = found.end() - 1
        end = _read_group(text, open_at)
        if end is None:
            return text[: found.start()] + text[open_at + 1 :]
        text = text[: found.start()] + text[open_at + 1 : end - 1] + text[end:]
    return text


def normalise_answer(answer: str) -> str:
    """A canonical string for a final answer, for exact comparison.

    Steps, in order: unwrap ``\\text{…}``-like commands; drop ``\\left`` / ``\\right``,
    ``\\displaystyle``, degree marks (``^\\circ``, ``^{\\circ}``, ``°``), TeX spacing
    (``\\!``, ``\\,``, ``\\;``, ``\\:``, ``~``), percent signs and dollars; ``\\dfrac`` /
    ``\\tfrac`` → ``\\frac``; ``\\frac12`` → ``\\frac{1}{2}``, ``\\sqrt2`` → ``\\sqrt{2}``;
    remove all whitespace; drop trailing ``.``; drop a leading ``x=`` (one variable name);
    thousands separators ``1,000`` / ``1{,}000`` → ``1000``; a leading ``.5`` → ``0.5``;
    lower-case when no TeX command is left.
    """
    text = _unwrap_commands(answer.strip())
    for pattern, replacement in _DROP:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\\frac(\d)(\d)", r"\\frac{\1}{\2}", text)
    text = re.sub(r"\\sqrt(\d)", r"\\sqrt{\1}", text)
    text = re.sub(r"\s+", "", text)
    text = text.rstrip(".")
    text = re.sub(r"^[A-Za-z]=(?!=)", "", text)
    text = text.replace("{,}", ",")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    text = re.sub(r"^(-?)\.(\d)", r"\g<1>0.\2", text)
    if "\\" not in text:
        text = text.lower()
    return text


def string_match(gold: str, predicted: str) -> bool:
    """Exact match of the normalised answers (both must be non-empty)."""
    g, p = normalise_answer(gold), normalise_answer(predicted)
    return bool(g) and g == p


# ---------------------------------------------------------------------------------------------
# math_verify, in-process (what each worker runs)


def _quiet_math_verify() -> None:
    # With its timeouts disabled math_verify warns once per process that the caller must bound
    # time itself; mobench does, so the warning is noise.
    for name in ("math_verify", "math_verify.parser", "math_verify.grader"):
        logging.getLogger(name).setLevel(logging.ERROR)


def verify_in_process(gold: str, predicted: str) -> bool:
    """math_verify's verdict on two boxed-answer contents, with no time bound of its own.

    Both are parsed as ``\\boxed{…}`` (math_verify's LaTeX and expression extraction);
    anything unparsable or any error is *not equivalent*. Call this only where time is
    bounded from the outside (see :class:`VerifierPool`).
    """
    from math_verify import parse, verify

    _quiet_math_verify()
    try:
        gold_parsed = parse(f"\\boxed{{{gold}}}", parsing_timeout=None)  # type: ignore[arg-type]
        pred_parsed = parse(f"\\boxed{{{predicted}}}", parsing_timeout=None)  # type: ignore[arg-type]
        if not gold_parsed or not pred_parsed:
            return False
        return bool(verify(gold_parsed, pred_parsed, timeout_seconds=None))
    except Exception:  # math_verify and sympy raise many kinds of errors on odd input
        return False


def _worker_main() -> None:
    """A verifier process (``python -m mobench.math_answers``): reads ``(gold, predicted)``
    requests from stdin and writes verdicts to stdout, as length-framed pickles, until EOF."""
    reader = Connection(os.dup(0), writable=False)
    writer = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # stray prints from libraries go to stderr, never into the channel
    import math_verify  # noqa: F401 - import before saying ready, so deadlines exclude it

    _quiet_math_verify()
    writer.send("ready")
    while True:
        try:
            request = reader.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        writer.send(verify_in_process(*request))


# ---------------------------------------------------------------------------------------------
# The worker pool

DEFAULT_TIMEOUT_SECONDS = 5.0
STARTUP_TIMEOUT_SECONDS = 120.0
WORKERS_ENV = "MOBENCH_MATH_VERIFY_WORKERS"


def default_workers() -> int:
    """``$MOBENCH_MATH_VERIFY_WORKERS``, else min(4, CPU count)."""
    raw = os.environ.get(WORKERS_ENV, "")
    if raw.strip():
        try:
            value = int(raw)
        except ValueError:
            raise MobenchError(f"${WORKERS_ENV} must be a positive integer, got {raw!r}") from None
        if value < 1:
            raise MobenchError(f"${WORKERS_ENV} must be a positive integer, got {raw!r}")
        return value
    return max(1, min(4, os.cpu_count() or 1))


def _worker_env() -> dict[str, str]:
    """The environment of a worker: ours, with this mobench importable first."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


class _Worker:
    """One verifier process and its pipes; ``state`` is starting, idle or busy."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mobench.math_answers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_worker_env(),
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.send_conn = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.conn = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self.state = "starting"
        self.deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        self.index = -1

    def send(self, request: tuple[str, str]) -> None:
        self.send_conn.send(request)

    def stop(self, kill: bool = False) -> None:
        if not kill and self.state != "busy":
            try:
                self.send_conn.send(None)
                self.process.wait(timeout=1.0)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5.0)
        self.send_conn.close()
        self.conn.close()


@dataclass
class VerifyStats:
    """What the pool did: comparisons run, and those that timed out or crashed a worker."""

    compared: int = 0
    timed_out: int = 0
    crashed: int = 0


class VerifierPool:
    """Runs :func:`verify_in_process` in worker processes, each comparison under a deadline.

    Workers (``python -m mobench.math_answers``, fresh interpreters, so safe to start from
    threaded programs and from scripts without a ``__main__`` guard) start on first use and
    are kept for later batches; a worker whose comparison passes its deadline, or that dies, is
    killed and replaced. Verdicts are the in-process ones except that a timeout or a crash
    counts as *not equivalent* (``stats`` counts them).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.size = workers or default_workers()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self.stats = VerifyStats()

    def _spawn(self) -> _Worker:
        worker = _Worker()
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, kill: bool) -> None:
        worker.stop(kill=kill)
        self._workers.remove(worker)

    def verify_many(
        self, pairs: Sequence[tuple[str, str]], timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> list[bool]:
        """math_verify verdicts for ``(gold, predicted)`` pairs; timeouts count as False."""
        with self._lock:
            return self._run(list(pairs), timeout)

    def _run(self, pairs: list[tuple[str, str]], timeout: float) -> list[bool]:
        results = [False] * len(pairs)
        queue = deque(range(len(pairs)))
        while len(self._workers) < min(self.size, len(pairs)):
            self._spawn()
        failed_starts = 0
        while queue or any(w.state == "busy" for w in self._workers):
            for worker in self._workers:
                if worker.state == "idle" and queue:
                    worker.index = queue.popleft()
                    worker.state = "busy"
                    worker.deadline = time.monotonic() + timeout
                    with contextlib.suppress(OSError):  # if it died, its pipe reads EOF
                        worker.send(pairs[worker.index])
            waiting = [w for w in self._workers if w.state in ("busy", "starting")]
            if not waiting:
                if queue:  # every worker retired after crashes: start one to go on
                    self._spawn()
                continue
            left = max(0.0, min(w.deadline for w in waiting) - time.monotonic())
            ready = multiprocessing.connection.wait([w.conn for w in waiting], timeout=left)
            for worker in [w for w in waiting if w.conn in ready]:
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    message = None
                if worker.state == "starting":
                    if message == "ready":
                        worker.state = "idle"
                        continue
                    failed_starts += 1
                    self._retire(worker, kill=True)
                    if failed_starts >= 3:
                        raise MobenchError(
                            "math-verify worker processes fail to start (is math-verify "
                            f"installed for {sys.executable}?)"
                        )
                    continue
                self.stats.compared += 1
                if isinstance(message, bool):
                    results[worker.index] = message
                    worker.state = "idle"
                else:  # the worker died mid-comparison
                    self.stats.crashed += 1
                    self._retire(worker, kill=True)
            now = time.monotonic()
            for worker in [w for w in waiting if w.deadline <= now and w in self._workers]:
                if worker.state == "starting":
                    self._retire(worker, kill=True)
                    raise MobenchError(
                        f"a math-verify worker did not start within {STARTUP_TIMEOUT_SECONDS} s"
                    )
                if worker.state == "busy":
                    self.stats.compared += 1
                    self.stats.timed_out += 1
                    self._retire(worker, kill=True)
            while queue and len(self._workers) < min(self.size, len(queue)):
                self._spawn()
        return results

    def close(self) -> None:
        with self._lock:
            for worker in list(self._workers):
                self._retire(worker, kill=False)


_POOL: VerifierPool | None = None
_POOL_LOCK = threading.Lock()


def shared_pool() -> VerifierPool:
    """The process-wide verifier pool (started lazily, closed at exit)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = VerifierPool()
            atexit.register(_POOL.close)
        return _POOL


def equivalent_many(
    pairs: Sequence[tuple[str, str]],
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    pool: VerifierPool | None = None,
) -> list[bool]:
    """Whether each ``(gold, predicted)`` pair of answers is equivalent.

    A normalised string match (:func:`string_match`) decides first; the remaining pairs go to
    math_verify in the worker pool, each under ``timeout`` seconds (distinct pairs only). Empty
    answers are never equivalent.
    """
    results = [False] * len(pairs)
    todo: dict[tuple[str, str], list[int]] = {}
    for i, (gold, pred) in enumerate(pairs):
        if not gold.strip() or not pred.strip():
            continue
        if string_match(gold, pred):
            results[i] = True
        else:
            todo.setdefault((gold, pred), []).append(i)
    if not todo:
        return results
    keys = list(todo)
    verdicts = (pool or shared_pool()).verify_many(keys, timeout)
    for key, verdict in zip(keys, verdicts, strict=True):
        for i in todo[key]:
            results[i] = verdict
    return results


def equivalent(gold: str, predicted: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> bool:
    """Whether two final answers are equivalent (see :func:`equivalent_many`)."""
    return equivalent_many([(gold, predicted)], timeout)[0]


if __name__ == "__main__":
    _worker_main()
