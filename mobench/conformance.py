"""Adapter conformance: what every method adapter must do before it joins the leaderboard.

``check_method(name)`` runs these checks (``mobench methods check NAME`` prints them; the
pytest helpers in :mod:`mobench.testing` assert them):

==================  ==========================================================================
registered          the ``mobench.methods`` entry point loads a class whose ``name`` matches it,
                    with ``kind`` (selector | online | offline), ``version``, ``summary``
params              ``Params`` is a frozen dataclass whose every field has a default; ``Params()``
                    is JSON-serialisable and the CLI's ``--param`` converter can rebuild it
supports            the method supports the conformance pack (else the run checks are skipped)
well-formed         one ``Response`` per test item, text answers, candidate ids that belong to
                    the item (or none, for generated text), through the real grid runner
deterministic       two runs with the same seed give the same responses, metrics and training
nan-objectives      NaN objective values (rewards) in the training pool: a ``MethodError``, or
                    provably unaffected (the same responses as without them)
empty-candidates    a test item without candidates: a ``MethodError`` — unless the method
                    generates text (no candidate ids), then a well-formed answer
empty-training      no candidates for any training item: a ``MethodError`` or well-formed
                    responses (never another exception)
compute             the record carries train and respond seconds (finite, ≥ 0) with a device kind,
                    and a JSON-serialisable training report (non-empty for online / offline
                    methods, which must say what they trained)
==================  ==========================================================================

The checks run on a small built-in pack written at check time with the project's pack writer
(:func:`write_conformance_pack`: 12 items of code answers, 4 candidates each, objectives cost,
quality and brevity — none needs the sandbox, so a check takes seconds). ``pack=`` checks on
another pack instead (e.g. one an offline method needs).
"""

from __future__ import annotations

import dataclasses
import json
import math
import tempfile
import time
import traceback
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mobench.errors import MethodError
from mobench.methods import KINDS, ScoredPool, build_params, registry
from mobench.packs import Candidate, Item, ObjectiveSpec, Pack, load_pack, write_pack
from mobench.records import RunRecord

CONFORMANCE_PACK = "mobench-conformance"
CHECKS = (
    "registered",
    "params",
    "supports",
    "well-formed",
    "deterministic",
    "nan-objectives",
    "empty-candidates",
    "empty-training",
    "compute",
)


@dataclass(frozen=True)
class CheckResult:
    """One check: ``pass``, ``fail`` or ``skip``, and what was seen."""

    check: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class ConformanceReport:
    method: str
    kind: str
    pack: str
    results: tuple[CheckResult, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(r.status != "fail" for r in self.results)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status == "fail")

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "kind": self.kind,
            "pack": self.pack,
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "checks": [dataclasses.asdict(r) for r in self.results],
        }


# ---------------------------------------------------------------------------------------------
# The conformance pack

_STYLES = (
    "def {f}(xs):\n    return sum(xs)\n",
    'def {f}(xs: list[int]) -> int:\n    """Sum of xs."""\n    return sum(xs)\n',
    "def {f}(xs):\n    t = 0\n    for x in xs:\n        t = t + x\n    return t\n",
    "Here is a long explanation first.\n\n```python\nimport os, sys\n"
    "def {f}(xs) :\n    total=0\n    for i in range(len(xs)) :\n        total+=xs[i]\n"
    "    return total\n```\n\nThis loops over the list and adds every element. ",
)


def write_conformance_pack(root: Path) -> Pack:
    """Write (or reuse) the conformance pack under ``root`` and load it.

    12 items (6 train, 3 val, 3 test), each with 4 candidate answers in different styles and
    lengths, scored on ``cost`` (code.cost@1), ``quality`` (code.quality@1) and ``brevity``
    (text.length@1, fewer tokens is better): objectives that need no sandbox.
    """
    from mobench.coding_pack import CODING_OBJECTIVES

    folder = root / CONFORMANCE_PACK / "1"
    if (folder / "manifest.json").is_file():
        return load_pack(folder)
    splits = ["train"] * 6 + ["val"] * 3 + ["test"] * 3
    items, candidates = [], []
    for i, split in enumerate(splits):
        f = f"total_{i}"
        items.append(
            Item(id=f"sum{i:02d}", prompt=f"Write {f}(xs) returning the sum.", split=split)
        )
        for j, style in enumerate(_STYLES):
            text = style.format(f=f) + "# padding\n" * ((i + j) % 3)
            candidates.append(
                Candidate(f"sum{i:02d}", f"sum{i:02d}-c{j}", text, 12, len(text) // 4)
            )
    objectives = (
        *CODING_OBJECTIVES[1:],
        ObjectiveSpec("brevity", "text.length@1", (0.0, 200.0), "min", {"max_tokens": 200}),
    )
    written = write_pack(
        folder,
        name=CONFORMANCE_PACK,
        version="1",
        track="code",
        objectives=objectives,
        items=items,
        candidates=candidates,
        preferences=[(0.5, 0.25, 0.25)],
        description="mobench adapter conformance pack (no sandbox needed)",
    )
    return load_pack(written)


# ---------------------------------------------------------------------------------------------
# The checks


class _Checker:
    def __init__(self, name: str, cls: Any, pack: Pack, pack_dirs: Sequence[Path], out: Path):
        from mobench.runner import GridRunner, RunConfig

        self.name, self.cls, self.pack = name, cls, pack
        self.pref = (
            tuple(pack.preferences[0]) if pack.preferences else (1.0,) * len(pack.objectives)
        )
        config = RunConfig(
            packs=(pack.ref,),
            methods=(name,),
            seeds=(0,),
            protocols=("pack",),
            out_dir=out,
            pack_dirs=tuple(pack_dirs),
            use_cache=False,
            force=True,
        )
        self.runner = GridRunner(config)
        self._pool: ScoredPool | None = None

    @property
    def pool(self) -> ScoredPool:
        if self._pool is None:
            self._pool = self.runner._score_pool(self.pack)
        return self._pool

    def run(self, pool: ScoredPool | None = None, seed: int = 0) -> RunRecord:
        """One grid cell (protocol ``pack``: the pack's own splits) through the real runner."""
        params = self.cls.Params()
        key = f"conformance-{self.name}-{seed}"
        return self.runner._run_one(
            self.pack, pool or self.pool, self.cls, params, self.pref, seed, "pack", key
        )

    def split_ids(self, split: str) -> set[str]:
        return {i.id for i in self.pack.split(split)}


def _responses(record: RunRecord) -> list[tuple[str, str | None, str]]:
    return [(r.item_id, r.candidate_id, r.text_sha256) for r in record.responses]


def _well_formed(record: RunRecord, pack: Pack, pool: ScoredPool) -> str:
    """'' when every test item has one answer with a valid candidate id (or none)."""
    test_ids = sorted(i.id for i in pack.split("test"))
    got = sorted(r.item_id for r in record.responses)
    if got != test_ids:
        return f"answered {got}, asked {test_ids}"
    for r in record.responses:
        ids = {c.candidate_id for c in pool.candidates.get(r.item_id, ())}
        if r.candidate_id is not None and r.candidate_id not in ids:
            return f"item {r.item_id!r}: candidate id {r.candidate_id!r} is not one of its own"
        if not r.text_sha256:
            return f"item {r.item_id!r}: no text"
        if len(r.objectives) != len(pack.objectives) or not all(map(math.isfinite, r.objectives)):
            return f"item {r.item_id!r}: objective vector {r.objectives}"
    return ""


def _bad_input(run: Callable[[], RunRecord], fallback: Callable[[RunRecord], str]) -> CheckResult:
    """A MethodError passes; any other exception fails; a completed run is judged by
    ``fallback`` (returns '' to pass, else why it fails)."""
    try:
        record = run()
    except MethodError as exc:
        return CheckResult("", "pass", f"MethodError: {_first_line(exc)}")
    except Exception as exc:  # the point of the check: anything else is a crash
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return CheckResult(
            "",
            "fail",
            f"crashed with {type(exc).__name__}: {_first_line(exc)} "
            f"({Path(where.filename).name}:{where.lineno}); raise mobench.errors.MethodError",
        )
    why = fallback(record)
    return CheckResult("", "fail" if why else "pass", why or "completed, unaffected")


def _training_json(record: RunRecord) -> str:
    return json.dumps(record.training, sort_keys=True, default=str)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


def _with_nan(pool: ScoredPool, item_ids: set[str]) -> ScoredPool:
    objectives = dict(pool.objectives)
    for item_id in item_ids & set(objectives):
        values = np.array(objectives[item_id], dtype=float)
        values[0, 0] = np.nan
        values[-1, -1] = np.nan
        objectives[item_id] = values
    return ScoredPool(pool.candidates, objectives)


def _without_candidates(pool: ScoredPool, item_ids: set[str]) -> ScoredPool:
    candidates = dict(pool.candidates)
    objectives = dict(pool.objectives)
    width = next(iter(pool.objectives.values())).shape[1] if pool.objectives else 0
    for item_id in item_ids:
        candidates[item_id] = ()
        objectives[item_id] = np.zeros((0, width))
    return ScoredPool(candidates, objectives)


def _check_registration(name: str) -> tuple[CheckResult, Any]:
    entries = registry()
    if name not in entries:
        known = ", ".join(entries) or "none"
        why = f"no entry point {name!r} in group mobench.methods (registered: {known})"
        return CheckResult("registered", "fail", why), None
    entry = entries[name]
    if entry.cls is None:
        return CheckResult(
            "registered", "fail", f"{entry.target} failed to load: {entry.error}"
        ), None
    cls = entry.cls
    for attr in ("version", "summary"):
        if not isinstance(getattr(cls, attr, None), str) or not getattr(cls, attr):
            return CheckResult("registered", "fail", f"{attr} must be a non-empty string"), cls
    if cls.kind not in KINDS:
        return CheckResult("registered", "fail", f"kind {cls.kind!r} is not one of {KINDS}"), cls
    return CheckResult("registered", "pass", f"{entry.target} ({cls.kind}, v{cls.version})"), cls


def _check_params(cls: Any) -> CheckResult:
    params_cls = cls.Params
    fields = dataclasses.fields(params_cls)
    missing = [
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        return CheckResult("params", "fail", f"fields without a default: {missing}")
    try:
        params = params_cls()
        typing.get_type_hints(params_cls)
        values = dataclasses.asdict(params)
        json.dumps(values, allow_nan=False)
    except Exception as exc:
        return CheckResult("params", "fail", f"{type(exc).__name__}: {_first_line(exc)}")
    if fields:
        try:
            setattr(params, fields[0].name, getattr(params, fields[0].name))
        except dataclasses.FrozenInstanceError:
            pass
        else:
            return CheckResult("params", "fail", "Params instances can be modified (not frozen)")
    if build_params(cls, {}) != params:
        return CheckResult("params", "fail", "build_params(cls, {}) differs from Params()")
    return CheckResult("params", "pass", f"{len(fields)} hyper-parameters with defaults")


def check_method(
    name: str,
    pack: str | Pack | None = None,
    pack_dirs: Sequence[Path] = (),
    checks: Sequence[str] = CHECKS,
) -> ConformanceReport:
    """Run the conformance checks for the method registered as ``name``."""
    started = time.perf_counter()
    registered, cls = _check_registration(name)
    if registered.status == "fail":
        kind = str(getattr(cls, "kind", "?"))
        return ConformanceReport(name, kind, "", (registered,), time.perf_counter() - started)
    report = check_adapter(cls, pack, pack_dirs, checks)
    return dataclasses.replace(
        report, results=(registered, *report.results), seconds=time.perf_counter() - started
    )


def check_adapter(
    cls: Any,
    pack: str | Pack | None = None,
    pack_dirs: Sequence[Path] = (),
    checks: Sequence[str] = CHECKS,
) -> ConformanceReport:
    """Every check but registration, for an adapter class (registered or not yet)."""
    started = time.perf_counter()
    name, kind = str(getattr(cls, "name", cls)), str(getattr(cls, "kind", "?"))
    results = [_check_params(cls)]
    if results[-1].status != "fail":
        with tempfile.TemporaryDirectory(prefix="mobench-conformance-") as tmp:
            target, dirs = _resolve_pack(pack, Path(tmp), pack_dirs)
            results += _run_checks(name, cls, target, dirs, Path(tmp) / "runs", checks)
            ref = target.ref
    else:
        ref = ""
    return ConformanceReport(name, kind, ref, tuple(results), time.perf_counter() - started)


def _resolve_pack(
    pack: str | Pack | None, tmp: Path, pack_dirs: Sequence[Path]
) -> tuple[Pack, tuple[Path, ...]]:
    from mobench.pack_index import open_pack

    if pack is None:
        built = write_conformance_pack(tmp / "packs")
        return built, (tmp / "packs", *pack_dirs)
    if isinstance(pack, Pack):
        if pack.root is None:
            raise MethodError(f"pack {pack.ref} was not loaded from a folder; pass its name")
        return pack, (pack.root.parents[1], *pack_dirs)
    return open_pack(pack, tuple(pack_dirs)), tuple(pack_dirs)


def _run_checks(
    name: str, cls: Any, pack: Pack, pack_dirs: Sequence[Path], out: Path, checks: Sequence[str]
) -> list[CheckResult]:
    method = cls(cls.Params())
    if not method.supports(pack):
        why = f"{name} does not support {pack.ref}; check it on a pack it supports (--pack)"
        return [CheckResult("supports", "fail", why)]
    out_results = [CheckResult("supports", "pass", pack.ref)]
    checker = _Checker(name, cls, pack, pack_dirs, out)
    try:
        first = checker.run()
    except Exception as exc:
        why = f"a clean run raised {type(exc).__name__}: {_first_line(exc)}"
        return [*out_results, CheckResult("well-formed", "fail", why)]
    why = _well_formed(first, pack, checker.pool)
    generates = all(r.candidate_id is None for r in first.responses)
    out_results.append(
        CheckResult(
            "well-formed", "fail" if why else "pass", why or f"{len(first.responses)} answers"
        )
    )
    if "deterministic" in checks:
        second = checker.run()
        same = _responses(first) == _responses(second) and first.metrics == second.metrics
        detail = "two runs with seed 0: identical responses and metrics"
        if not same:
            detail = "two runs with the same seed give different responses or metrics"
        elif _training_json(first) != _training_json(second):
            detail += " (the training reports differ)"
        out_results.append(CheckResult("deterministic", "pass" if same else "fail", detail))
    if "nan-objectives" in checks:
        nan_pool = _with_nan(checker.pool, checker.split_ids("train") | checker.split_ids("val"))

        def unaffected(record: RunRecord) -> str:
            if _responses(record) != _responses(first):
                return "NaN objectives were accepted silently and changed the answers"
            return _well_formed(record, pack, checker.pool)

        result = _bad_input(lambda: checker.run(nan_pool), unaffected)
        out_results.append(dataclasses.replace(result, check="nan-objectives"))
    if "empty-candidates" in checks:
        test_item = sorted(checker.split_ids("test"))[0]
        empty = _without_candidates(checker.pool, {test_item})

        def generated(record: RunRecord) -> str:
            if not generates:
                return f"answered item {test_item!r}, which has no candidates, without an error"
            return _well_formed(record, pack, empty)

        result = _bad_input(lambda: checker.run(empty), generated)
        out_results.append(dataclasses.replace(result, check="empty-candidates"))
    if "empty-training" in checks:
        bare = _without_candidates(checker.pool, checker.split_ids("train"))
        result = _bad_input(lambda: checker.run(bare), lambda r: _well_formed(r, pack, bare))
        out_results.append(dataclasses.replace(result, check="empty-training"))
    if "compute" in checks:
        out_results.append(_check_compute(first, cls.kind))
    return out_results


def _check_compute(record: RunRecord, kind: str) -> CheckResult:
    phases = {p.phase: p for p in record.compute}
    for phase in ("train", "respond"):
        p = phases.get(phase)
        if p is None:
            return CheckResult("compute", "fail", f"no {phase} phase in the record's compute")
        if not (math.isfinite(p.seconds) and p.seconds >= 0 and p.device):
            return CheckResult("compute", "fail", f"{phase}: {p.seconds} s on {p.device!r}")
    try:
        json.dumps(record.training, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return CheckResult("compute", "fail", f"training report is not plain JSON ({exc})")
    folds = record.training.get("folds", [])
    if kind in ("online", "offline") and not any(folds):
        return CheckResult("compute", "fail", f"an {kind} method must report what it trained")
    seconds = sum(p.seconds for p in record.compute)
    return CheckResult(
        "compute", "pass", f"{seconds:.2f} s on {phases['train'].device}; {len(folds)} fold report"
    )


def check_all(
    pack: str | Pack | None = None, pack_dirs: Sequence[Path] = ()
) -> list[ConformanceReport]:
    """Every registered method's report (those that fail to load report that)."""
    return [check_method(name, pack, pack_dirs) for name in registry()]


def assert_conformant(
    method: str | type, pack: str | Pack | None = None, pack_dirs: Sequence[Path] = ()
) -> ConformanceReport:
    """Raise ``AssertionError`` listing every failed check (for third parties' test suites).

    ``method`` is a registered name (every check) or an adapter class (all but registration).
    """
    if isinstance(method, str):
        report = check_method(method, pack, pack_dirs)
    else:
        report = check_adapter(method, pack, pack_dirs)
    if not report.ok:
        lines = "\n".join(f"  {r.check}: {r.detail}" for r in report.failures)
        raise AssertionError(f"method {report.method!r} is not conformant:\n{lines}")
    return report


__all__ = [
    "CHECKS",
    "CONFORMANCE_PACK",
    "CheckResult",
    "ConformanceReport",
    "assert_conformant",
    "check_adapter",
    "check_all",
    "check_method",
    "write_conformance_pack",
]
