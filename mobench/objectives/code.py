"""Code scorers from the Pareto-preference LRF paper: pass@1, cost@1 and quality@1.

All three score the code in a completion (see :func:`extract_code`), in batches:

- ``code.pass@1``: fraction of the item's unit tests the code passes in the sandbox
  (one ``sandbox.run`` per batch; results cached by job content and isolation level).
- ``code.cost@1``: ``exp(-tok / tau)``, tok = prompt tokens + completion tokens (tiktoken).
- ``code.quality@1``: ``exp(-alpha * v) * exp(-beta * max(0, kappa - kappa0)) * b`` with v the
  ruff violations (one ruff run per batch), kappa the mean cyclomatic complexity (radon) and
  b the best-practice term (docstrings and type annotations).

Constants come from the objective's ``params`` in the pack; the defaults are the paper's.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from radon.complexity import cc_visit_ast
from radon.visitors import Function

from mobench.errors import PackFormatError
from mobench.objectives.base import Scorer, ScoreRequest, ScoringEnv, register_scorer, scorer_params
from mobench.sandbox.base import Job, JobResult, Limits, runner_digest
from mobench.tokens import count_tokens, get_encoding

# ---------------------------------------------------------------------------------------------
# Extraction

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_PYTHON_INFO = frozenset({"", "python", "py"})


def extract_code(completion: str) -> str:
    """The first fenced block tagged ``python``, ``py`` or untagged; else the whole completion.

    Fences follow CommonMark: a run of at least three backticks or tildes opens a block; the
    info string's first word is its language (compared case-insensitively); the block ends
    at a line holding only a fence of the same character at least as long, or at the end of
    the text when never closed (a truncated answer). Blocks in other languages are skipped.
    The opening fence's indentation is removed from the block's lines.
    """
    lines = completion.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        opened = _FENCE_OPEN.match(lines[i].rstrip("\r\n"))
        if opened is None or (opened["fence"][0] == "`" and "`" in opened["info"]):
            i += 1
            continue
        char, length, indent = opened["fence"][0], len(opened["fence"]), len(opened["indent"])
        words = opened["info"].split()
        language = words[0].lower() if words else ""
        close = re.compile(rf"^[ \t]*{re.escape(char)}{{{length},}}[ \t]*$")
        body: list[str] = []
        i += 1
        while i < len(lines) and not close.match(lines[i].rstrip("\r\n")):
            body.append(_dedent_line(lines[i], indent))
            i += 1
        if language in _PYTHON_INFO:
            return "".join(body)
        i += 1  # past the closing fence of a block in another language
    return completion


def _dedent_line(line: str, indent: int) -> str:
    """Remove up to ``indent`` leading spaces or tabs (the opening fence's indentation)."""
    stripped = 0
    while stripped < indent and stripped < len(line) and line[stripped] in " \t":
        stripped += 1
    return line[stripped:]


# ---------------------------------------------------------------------------------------------
# Params

_T = TypeVar("_T")


def _positive(scorer: str, name: str, value: _T) -> _T:
    if not isinstance(value, int | float) or value <= 0:
        raise PackFormatError(f"objective params for {scorer}: {name!r} must be > 0")
    return value


# ---------------------------------------------------------------------------------------------
# code.pass@1

SANDBOX_NAMESPACE = "sandbox"
_UNTRUSTED_STATUSES = frozenset({"garbled", "refused"})
_CACHEABLE_STATUSES = frozenset({"completed", "timeout", "crashed"})


def sandbox_cache_key(job: Job, isolation_level: str) -> str:
    """Content address of a sandbox result: the job's digest and the isolation applied."""
    return f"{job.digest()}@{isolation_level}"


def summarise_result(result: JobResult) -> dict[str, Any]:
    """The JSON-able part of a result that scoring needs (what the sandbox cache stores)."""
    return {
        "status": result.status,
        "outcomes": {o.name: o.status for o in result.outcomes},
        "isolation": result.isolation.level,
        "wall_seconds": result.wall_seconds,
    }


def _test_names(job: Job) -> tuple[str, ...]:
    try:
        return job.test_names()
    except SyntaxError as exc:
        raise PackFormatError(f"job {job.job_id}: the item's tests do not parse: {exc}") from None


def pass_fraction(job: Job, summary: Mapping[str, Any] | None) -> float:
    """Passed tests over the tests in the trusted test file; anything missing fails.

    The denominator comes from the test source, never from the result: a test that is not
    reported, timed out or errored counts as failed, and names the test file does not define
    are ignored. A garbled or refused job, or no result at all, scores 0.
    """
    tests = _test_names(job)
    if not tests or summary is None or summary.get("status") in _UNTRUSTED_STATUSES:
        return 0.0
    outcomes = summary.get("outcomes")
    if not isinstance(outcomes, Mapping):
        return 0.0
    return sum(outcomes.get(name) == "passed" for name in tests) / len(tests)


class PassAt1:
    """``code.pass@1``: the fraction of the item's unit tests the extracted code passes."""

    id = "code.pass"
    version = 1

    def __init__(self, params: Mapping[str, Any], env: ScoringEnv) -> None:
        p = scorer_params("code.pass@1", params, {"limits": (dict, {})})
        default = Limits()
        known = {
            f.name: (float if f.type == "float" else int, getattr(default, f.name))
            for f in fields(Limits)
        }
        self.limits = Limits(**scorer_params("code.pass@1 (limits)", p["limits"], known))
        self.env = env

    def jobs(self, batch: Sequence[ScoreRequest]) -> list[Job]:
        """One job per request: the extracted code against the item's test file."""
        return [
            Job(
                job_id=f"{i}:{req.item.id}",
                code=extract_code(req.completion),
                tests=req.item.tests,
                limits=self.limits,
            )
            for i, req in enumerate(batch)
        ]

    def run(self, jobs: Sequence[Job]) -> list[dict[str, Any] | None]:
        """Result summaries for ``jobs``: from the cache, else from ONE sandbox run."""
        runnable = [j for j in jobs if _test_names(j)]
        if not runnable:
            return [None] * len(jobs)
        sandbox = self.env.sandbox
        level = sandbox.isolation().level
        keys = {j.job_id: sandbox_cache_key(j, level) for j in runnable}
        found: dict[str, Any] = self.env.cache.get_many(SANDBOX_NAMESPACE, keys.values())
        todo: dict[str, Job] = {}  # one job per distinct cache key
        for job in runnable:
            if keys[job.job_id] not in found:
                todo.setdefault(keys[job.job_id], job)
        if todo:
            results = sandbox.run(list(todo.values()))
            by_id = {r.job_id: r for r in results if isinstance(r, JobResult)}
            fresh: dict[str, Any] = {}
            for key, job in todo.items():
                result = by_id.get(job.job_id)
                if result is None:
                    continue  # a missing result fails this time and is not cached
                summary = summarise_result(result)
                found[key] = summary
                if result.status in _CACHEABLE_STATUSES:
                    # Stored under the isolation the sandbox says it applied.
                    fresh[sandbox_cache_key(job, result.isolation.level)] = summary
            if fresh:
                self.env.cache.put_many(SANDBOX_NAMESPACE, fresh)
        return [found.get(keys[j.job_id]) if j.job_id in keys else None for j in jobs]

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        jobs = self.jobs(batch)
        summaries = self.run(jobs)
        return np.array([pass_fraction(j, s) for j, s in zip(jobs, summaries, strict=True)])


@register_scorer("code.pass", 1, depends=runner_digest)
def _make_pass(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    return PassAt1(params, env)


# ---------------------------------------------------------------------------------------------
# code.cost@1

_COST_DEFAULTS: dict[str, tuple[type, Any]] = {
    "tau": (float, 300.0),
    "encoding": (str, "o200k_base"),
}


class CostAt1:
    """``code.cost@1``: ``exp(-(prompt tokens + completion tokens) / tau)``."""

    id = "code.cost"
    version = 1

    def __init__(self, params: Mapping[str, Any], env: ScoringEnv | None = None) -> None:
        p = scorer_params("code.cost@1", params, _COST_DEFAULTS)
        self.tau = float(_positive("code.cost@1", "tau", p["tau"]))
        self.encoding = get_encoding(p["encoding"])

    def token_counts(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        """Prompt plus completion tokens of each request (two batched encodes)."""
        prompts = count_tokens([r.item.prompt for r in batch], self.encoding)
        completions = count_tokens([r.completion for r in batch], self.encoding)
        return np.asarray(prompts, dtype=float) + np.asarray(completions, dtype=float)

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        return np.exp(-self.token_counts(batch) / self.tau)


@register_scorer("code.cost", 1)
def _make_cost(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    return CostAt1(params, env)


# ---------------------------------------------------------------------------------------------
# code.quality@1: the parts


@functools.cache
def ruff_command() -> tuple[str, ...]:
    """The ruff executable of the installed ``ruff`` package (pinned in pyproject)."""
    try:
        from ruff.__main__ import find_ruff_bin

        return (str(find_ruff_bin()),)
    except (ImportError, FileNotFoundError):
        return (sys.executable, "-m", "ruff")


def parse_code(code: str) -> ast.Module | None:
    """The module's AST, or None when the code does not parse (with this Python's grammar)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for invalid escapes
            return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def ruff_violations(
    codes: Sequence[str],
    *,
    select: str = "E,W,F,B,SIM,C4,UP,N",
    line_length: int = 100,
    target_version: str = "py311",
) -> list[list[str]]:
    """Rule codes ruff reports for each snippet, from ONE ruff run over a temp dir.

    Each snippet is written to its own file (a missing final newline is added, so extraction
    does not cost a W292). ruff runs ``--isolated`` (no config files) with the given rule
    selection, line length and target version, and without a cache.
    """
    if not codes:
        return []
    with tempfile.TemporaryDirectory(prefix="mobench-ruff-") as tmp:
        root = Path(tmp)
        names = [f"snippet_{i:06d}.py" for i in range(len(codes))]
        for name, code in zip(names, codes, strict=True):
            text = code if code.endswith("\n") or not code else code + "\n"
            (root / name).write_bytes(text.encode("utf-8", errors="replace"))
        command = [
            *ruff_command(),
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            "--select",
            select,
            "--line-length",
            str(line_length),
            "--target-version",
            target_version,
            "--output-format",
            "json",
            str(root),
        ]
        proc = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"ruff failed ({proc.returncode}): {proc.stderr.strip()}")
        try:
            diagnostics = json.loads(proc.stdout or "[]")
        except json.JSONDecodeError as exc:
            raise RuntimeError(f"ruff printed invalid JSON: {exc}") from None
    index = {name: i for i, name in enumerate(names)}
    out: list[list[str]] = [[] for _ in codes]
    for diag in diagnostics:
        i = index.get(Path(diag.get("filename", "")).name)
        if i is None:
            raise RuntimeError(f"ruff reported an unexpected file: {diag.get('filename')!r}")
        out[i].append(diag.get("code") or diag.get("name") or "unknown")
    return out


def _functions(tree: ast.Module) -> list[tuple[Function, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """The functions and methods radon's ``cc_visit`` reports, each with its AST node.

    These are module-level functions (also under ``if``/``try``) and methods of classes;
    nested functions count inside their parent, classes themselves are not counted.
    """
    nodes = {
        (n.lineno, n.col_offset): n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    blocks = [b for b in cc_visit_ast(tree) if isinstance(b, Function)]
    return [(b, nodes[(b.lineno, b.col_offset)]) for b in blocks]


def _complexity(functions: Sequence[tuple[Function, Any]]) -> float:
    if not functions:
        return 1.0
    return float(np.mean([block.complexity for block, _ in functions]))


def _annotated(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = node.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    return node.returns is not None and all(
        p.annotation is not None for p in params if p.arg not in ("self", "cls")
    )


@dataclass(frozen=True)
class BestPractice:
    """Docstring and annotation fractions over functions/methods, and ``b = (1 + d + h) / 3``."""

    functions: int
    docstring_fraction: float
    annotation_fraction: float

    @property
    def value(self) -> float:
        if self.functions == 0:
            return 1.0 / 3.0
        return (1.0 + self.docstring_fraction + self.annotation_fraction) / 3.0


def _best_practice(functions: Sequence[tuple[Function, Any]]) -> BestPractice:
    n = len(functions)
    if n == 0:
        return BestPractice(0, 0.0, 0.0)
    docs = sum(ast.get_docstring(node, clean=False) is not None for _, node in functions)
    annotated = sum(_annotated(node) for _, node in functions)
    return BestPractice(n, docs / n, annotated / n)


def _analyse(code: str) -> tuple[float, BestPractice] | None:
    """(kappa, best-practice parts), or None when the code does not parse or cannot be analysed."""
    tree = parse_code(code)
    if tree is None:
        return None
    try:
        functions = _functions(tree)
    except RecursionError:  # pathologically nested code that parsed
        return None
    return _complexity(functions), _best_practice(functions)


def _parsed(code: str) -> ast.Module:
    tree = parse_code(code)
    if tree is None:
        raise SyntaxError("the code does not parse")
    return tree


def cyclomatic_complexity(code: str) -> float:
    """kappa: mean radon cyclomatic complexity of the functions and methods (1 if none)."""
    return _complexity(_functions(_parsed(code)))


def best_practice(code: str) -> BestPractice:
    """The best-practice term's parts for ``code`` (``.value`` is b)."""
    return _best_practice(_functions(_parsed(code)))


# ---------------------------------------------------------------------------------------------
# code.quality@1: the scorer

_QUALITY_DEFAULTS: dict[str, tuple[type, Any]] = {
    "alpha": (float, 0.1),
    "beta": (float, 0.25),
    "kappa0": (float, 5.0),
    "ruff_select": (str, "E,W,F,B,SIM,C4,UP,N"),
    "line_length": (int, 100),
    # Pinned: without it ruff infers a target from the environment, and UP rules depend on it.
    "target_version": (str, "py311"),
}


@dataclass(frozen=True)
class QualityReport:
    """The parts of one quality score; the parts are None when the code does not parse."""

    parses: bool
    violations: list[str] | None
    complexity: float | None
    best_practice: BestPractice | None
    score: float


class QualityAt1:
    """``code.quality@1``: ``exp(-alpha v) * exp(-beta max(0, kappa - kappa0)) * b``."""

    id = "code.quality"
    version = 1

    def __init__(self, params: Mapping[str, Any], env: ScoringEnv | None = None) -> None:
        p = scorer_params("code.quality@1", params, _QUALITY_DEFAULTS)
        self.alpha = p["alpha"]
        self.beta = p["beta"]
        self.kappa0 = p["kappa0"]
        self.select = p["ruff_select"]
        self.line_length = _positive("code.quality@1", "line_length", p["line_length"])
        self.target_version = p["target_version"]

    def reports(self, codes: Sequence[str]) -> list[QualityReport]:
        """Score code snippets (already extracted), with their parts; one ruff run in all."""
        parts = [_analyse(code) for code in codes]
        ok = [i for i, part in enumerate(parts) if part is not None]
        violations = ruff_violations(
            [codes[i] for i in ok],
            select=self.select,
            line_length=self.line_length,
            target_version=self.target_version,
        )
        out = [QualityReport(False, None, None, None, 0.0) for _ in codes]
        for i, found in zip(ok, violations, strict=True):
            part = parts[i]
            assert part is not None
            kappa, bp = part
            value = (
                math.exp(-self.alpha * len(found))
                * math.exp(-self.beta * max(0.0, kappa - self.kappa0))
                * bp.value
            )
            out[i] = QualityReport(True, found, kappa, bp, value)
        return out

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        reports = self.reports([extract_code(r.completion) for r in batch])
        return np.array([r.score for r in reports], dtype=float)


@register_scorer("code.quality", 1)
def _make_quality(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    return QualityAt1(params, env)
