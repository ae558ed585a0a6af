"""``mobench reproduce``: rerun exactly what a run record describes and compare every number.

A record names everything its numbers depend on: the method, its version and hyper-parameters;
the pack name@version and its sha256 (which covers items, candidates and scorer ids@versions);
the preference, seed and protocol (with k for kfold); the sandbox backend and, for Docker, the
image id. :func:`reproduce` checks those against this installation first and *refuses* (a
``MobenchError``) when they cannot be met — a pack whose sha256 differs, another method version,
hyper-parameters the adapter no longer has — because a rerun under different inputs proves
nothing. It then runs that single grid cell through :class:`~mobench.runner.GridRunner` and
compares the fresh record with the recorded one:

- **identity**: run key, method version and kind, pack sha256, scorers, objectives, reference
  point, and the sandbox (backend, isolation level and flags, Docker image id);
- **metrics**: every (nested) number of ``metrics``;
- **responses**: per test item the chosen candidate, the text's sha256 and the objective vector;
- **training**: every number of the training report.

On CPU (the record's device and this one) the comparison is exact: mobench is deterministic there,
so any difference is a finding. Where a GPU ran, kernels are not bit-reproducible and a declared
:class:`Tolerance` applies to numbers (from ``--atol/--rtol``, else the record's
``extra["reproduce_tolerance"]``, else the adapter's ``reproduce_tolerance`` class attribute, else
:data:`GPU_TOLERANCE`); per-response differences are then reported but only metrics decide.
Compute seconds, the training report's wall-clock entries (``seconds_*``, ``*_seconds*``) and
the environment manifest are measurements of a machine: shown, never deciding.

By default scoring starts from an empty scratch cache (shared by the records of one call), so the
sandbox judges every candidate again; ``use_cache=True`` reuses the user's score cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import tempfile
import time
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mobench.errors import MobenchError
from mobench.records import RunRecord

GPU_TOLERANCE_DEFAULT = {"atol": 1e-6, "rtol": 1e-3}
# numbers compared in these sections; other sections are identity (exact) or not compared
NUMERIC_SECTIONS = ("metrics", "training")
IDENTITY_FIELDS = (
    "run_key",
    "method",
    "method_version",
    "method_kind",
    "params",
    "pack",
    "pack_sha256",
    "objectives",
    "scorers",
    "preference",
    "seed",
    "protocol",
    "reference_point",
)
_IMAGE = re.compile(r"image (\S+) id (\S+)")


@dataclass(frozen=True)
class Tolerance:
    """|reproduced − recorded| ≤ atol + rtol·|recorded| (both 0: identical)."""

    atol: float = 0.0
    rtol: float = 0.0

    @property
    def exact(self) -> bool:
        return self.atol == 0.0 and self.rtol == 0.0

    def close(self, recorded: float, reproduced: float) -> bool:
        if self.exact:
            return recorded == reproduced or (math.isnan(recorded) and math.isnan(reproduced))
        return math.isclose(reproduced, recorded, rel_tol=self.rtol, abs_tol=self.atol)


EXACT = Tolerance()
GPU_TOLERANCE = Tolerance(**GPU_TOLERANCE_DEFAULT)


@dataclass(frozen=True)
class Difference:
    """One compared value: where, both values, the absolute difference, and the verdict."""

    field: str
    recorded: Any
    reproduced: Any
    delta: float | None
    ok: bool
    counts: bool = True  # False: reported only (per-response detail under a tolerance)


@dataclass(frozen=True)
class Reproduction:
    """The outcome for one record."""

    path: str
    method: str
    pack: str
    seed: int
    protocol: str
    device: str
    tolerance: Tolerance
    compared: int
    differences: tuple[Difference, ...]
    seconds: float
    reproduced: RunRecord | None = field(default=None, repr=False)

    @property
    def mismatches(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if not d.ok and d.counts)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    @property
    def verdict(self) -> str:
        if not self.ok:
            return "MISMATCH"
        return "identical" if self.tolerance.exact else "within tolerance"

    def to_json(self) -> dict[str, Any]:
        return {
            "record": self.path,
            "method": self.method,
            "pack": self.pack,
            "seed": self.seed,
            "protocol": self.protocol,
            "device": self.device,
            "verdict": self.verdict,
            "ok": self.ok,
            "mode": "exact" if self.tolerance.exact else "tolerance",
            "tolerance": dataclasses.asdict(self.tolerance),
            "compared": self.compared,
            "mismatches": [dataclasses.asdict(d) for d in self.mismatches],
            "differences": [dataclasses.asdict(d) for d in self.differences if not d.ok],
            "seconds": round(self.seconds, 2),
        }


# ---------------------------------------------------------------------------------------------
# Loading and selecting records


def load_record(path: Path) -> RunRecord:
    """A record from disk through the records module (validated; older schemas migrated)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MobenchError(f"{path}: not a readable JSON run record ({exc})") from None
    return RunRecord.from_json(data, str(path))


def record_paths(targets: Iterable[Path]) -> list[Path]:
    """Record files named directly, or every ``*.json`` under a named folder (sorted)."""
    out: list[Path] = []
    for target in targets:
        if target.is_dir():
            found = sorted(p for p in target.rglob("*.json") if p.parent.name != "site")
            if not found:
                raise MobenchError(f"{target}: no run records (*.json) in this folder")
            out.extend(found)
        elif target.is_file():
            out.append(target)
        else:
            raise MobenchError(f"{target}: no such record file or folder")
    return out


def sample_records(paths: Sequence[Path], n: int) -> list[Path]:
    """A deterministic sample of ``n`` records spanning methods.

    Records are grouped by method (sorted by name); ``n`` methods are taken evenly spread over that
    list (all of them, round-robin, when ``n`` exceeds their number), and from each method the
    record whose file name has the smallest sha256 — a fixed pick that varies seeds and protocols
    between methods instead of always taking the first seed.
    """
    if n <= 0 or n >= len(paths):
        return list(paths)
    by_method: dict[str, list[Path]] = {}
    for path in paths:
        by_method.setdefault(load_record(path).method, []).append(path)
    for group in by_method.values():
        group.sort(key=lambda p: hashlib.sha256(p.name.encode()).hexdigest())
    methods = sorted(by_method)
    picked: list[Path] = []
    rank = 0
    while len(picked) < n:
        pool = [m for m in methods if len(by_method[m]) > rank]
        take = min(n - len(picked), len(pool))
        step = len(pool) / take
        picked.extend(by_method[pool[int(i * step)]][rank] for i in range(take))
        rank += 1
    return picked


# ---------------------------------------------------------------------------------------------
# Rebuilding the run


def parse_protocol(protocol: str) -> tuple[str, int]:
    """``kfold6`` → (``kfold``, 6); ``split`` / ``pack`` → (name, 6) (k unused)."""
    match = re.fullmatch(r"kfold(\d+)", protocol)
    if match:
        return "kfold", int(match.group(1))
    if protocol in ("split", "pack"):
        return protocol, 6
    raise MobenchError(f"record protocol {protocol!r} is not one this mobench knows")


def _as_field_value(value: Any, hint: Any) -> Any:
    """A JSON value back into a Params field (lists become tuples where the field is a tuple)."""
    if isinstance(value, list):
        inner = typing.get_args(hint)
        origin = typing.get_origin(hint)
        if origin is tuple or hint is tuple:
            item = inner[0] if inner else Any
            return tuple(_as_field_value(v, item) for v in value)
        return [_as_field_value(v, inner[0] if inner else Any) for v in value]
    return value


def params_from_record(cls: Any, recorded: Mapping[str, Any]) -> Any:
    """The adapter's ``Params`` holding exactly the recorded hyper-parameters (or a refusal)."""
    params_cls = cls.Params
    names = {f.name for f in dataclasses.fields(params_cls)}
    unknown = sorted(set(recorded) - names)
    missing = sorted(names - set(recorded))
    if unknown or missing:
        raise MobenchError(
            f"refusing to reproduce: method {cls.name!r} here has hyper-parameters "
            f"{sorted(names)}, the record has {sorted(recorded)} "
            f"(unknown here: {unknown}, not recorded: {missing})"
        )
    hints = typing.get_type_hints(params_cls)
    params = params_cls(**{k: _as_field_value(v, hints.get(k, Any)) for k, v in recorded.items()})
    if _canonical(dataclasses.asdict(params)) != _canonical(recorded):
        raise MobenchError(
            f"refusing to reproduce: method {cls.name!r} does not rebuild the recorded "
            f"hyper-parameters exactly ({dataclasses.asdict(params)} vs {dict(recorded)})"
        )
    return params


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def sandbox_backend(record: RunRecord, override: str | None) -> str | None:
    """The sandbox backend to judge the pack's code with (None: the pack runs no code)."""
    if override:
        return override
    if not record.sandbox:
        return None
    backend = str(record.sandbox.get("backend", ""))
    from mobench.sandbox import BACKENDS

    if backend not in BACKENDS:
        raise MobenchError(
            f"the record's code was judged by sandbox backend {backend!r}, which mobench cannot "
            f"create here; pass --sandbox with one of {', '.join(BACKENDS)}"
        )
    return backend


def declared_tolerance(record: RunRecord, cls: Any, override: Tolerance | None) -> Tolerance:
    if override is not None:
        return override
    declared = record.extra.get("reproduce_tolerance") or getattr(cls, "reproduce_tolerance", None)
    if declared:
        return Tolerance(float(declared.get("atol", 0.0)), float(declared.get("rtol", 0.0)))
    return GPU_TOLERANCE


def _devices(record: RunRecord) -> set[str]:
    return {str(record.environment.get("device", "cpu"))} | {p.device for p in record.compute}


# ---------------------------------------------------------------------------------------------
# Comparing


_MEASUREMENT = re.compile(r"(^|_)seconds(_|$)")


def is_measurement(field: str) -> bool:
    """Wall-clock seconds a training report carries (``seconds_<phase>``, ``expert_seconds``):
    measurements of a machine like the compute phases, reported but never deciding."""
    name = field.rsplit(".", 1)[-1].split("[", 1)[0]
    return bool(_MEASUREMENT.search(name))


def _flatten(prefix: str, value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in sorted(value):
            out.update(_flatten(f"{prefix}.{key}", value[key]))
        return out
    if isinstance(value, list | tuple) and any(
        isinstance(v, Mapping | list | tuple) for v in value
    ):
        out = {}
        for i, v in enumerate(value):
            out.update(_flatten(f"{prefix}[{i}]", v))
        return out
    return {prefix: value}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare_value(name: str, a: Any, b: Any, tol: Tolerance, counts: bool = True) -> Difference:
    if _number(a) and _number(b):
        delta = abs(float(b) - float(a))
        return Difference(name, a, b, delta, tol.close(float(a), float(b)), counts)
    if (
        isinstance(a, list)
        and isinstance(b, list)
        and len(a) == len(b)
        and all(map(_number, a + b))
    ):
        delta = max((abs(float(y) - float(x)) for x, y in zip(a, b, strict=True)), default=0.0)
        ok = all(tol.close(float(x), float(y)) for x, y in zip(a, b, strict=True))
        return Difference(name, a, b, delta, ok, counts)
    return Difference(name, a, b, None, a == b, counts)


def _sandbox_view(sandbox: Mapping[str, Any]) -> dict[str, Any]:
    """What must match of the isolation: every flag, and the Docker image id (pool sizes and
    other notes describe the host, not the isolation)."""
    view = {k: v for k, v in sandbox.items() if k != "notes"}
    found = _IMAGE.search(str(sandbox.get("notes", "")))
    if found:
        view["image_id"] = found.group(2)
    return view


def compare_records(recorded: RunRecord, fresh: RunRecord, tol: Tolerance) -> list[Difference]:
    """Every compared value of two records (identity, sandbox, metrics, training, responses)."""
    a, b = _canonical(recorded.to_json()), _canonical(fresh.to_json())
    rows = [Difference(k, a.get(k), b.get(k), None, a.get(k) == b.get(k)) for k in IDENTITY_FIELDS]
    sa, sb = _sandbox_view(a["sandbox"]), _sandbox_view(b["sandbox"])
    rows += [
        Difference(f"sandbox.{k}", sa.get(k), sb.get(k), None, sa.get(k) == sb.get(k))
        for k in sorted(set(sa) | set(sb))
    ]
    for section in NUMERIC_SECTIONS:
        fa, fb = _flatten(section, a[section]), _flatten(section, b[section])
        rows += [
            _compare_value(k, fa.get(k), fb.get(k), tol, counts=not is_measurement(k))
            for k in sorted(set(fa) | set(fb))
        ]
    rows += _compare_responses(a["responses"], b["responses"], tol)
    return rows


def _compare_responses(a: list[dict], b: list[dict], tol: Tolerance) -> list[Difference]:
    """One row per response that differs, else one row for all of them. Under a tolerance the
    per-response rows are reported but do not decide (metrics do)."""
    counts = tol.exact
    if [r["item_id"] for r in a] != [r["item_id"] for r in b]:
        return [
            Difference(
                "responses.item_ids",
                [r["item_id"] for r in a],
                [r["item_id"] for r in b],
                None,
                False,
            )
        ]
    rows = []
    for ra, rb in zip(a, b, strict=True):
        where = f"responses[{ra['item_id']}]"
        for key in ("candidate_id", "text_sha256"):
            if ra.get(key) != rb.get(key):
                rows.append(Difference(f"{where}.{key}", ra.get(key), rb.get(key), None, False))
        row = _compare_value(f"{where}.objectives", ra["objectives"], rb["objectives"], tol)
        if not row.ok:
            rows.append(row)
    rows = [dataclasses.replace(r, counts=counts) for r in rows]
    if not rows:
        rows.append(Difference(f"responses ({len(a)})", len(a), len(b), 0.0, True))
    return rows


# ---------------------------------------------------------------------------------------------
# Reproducing


@dataclass
class Reproducer:
    """Reproduces records one after another, sharing one sandbox and one score cache."""

    pack_dirs: tuple[Path, ...] = ()
    sources: Mapping[str, Path] = field(default_factory=dict)
    sandbox: str | None = None  # backend override; None: the record's
    allow_weak_sandbox: bool = False
    use_cache: bool = False  # False: a scratch cache, so every candidate is judged again
    tolerance: Tolerance | None = None  # None: exact on CPU, declared tolerance elsewhere
    sandbox_factory: Callable[[], Any] | None = None  # tests: a fake sandbox
    _sandboxes: dict[str, Any] = field(default_factory=dict)
    _scratch: Any = None
    _scratch_dir: tempfile.TemporaryDirectory[str] | None = None

    def check_inputs(self, record: RunRecord) -> tuple[Any, Any, Any]:
        """The method class, its Params and the pack, or a refusal saying what differs."""
        from mobench.methods import get_method
        from mobench.pack_index import open_pack

        cls = get_method(record.method)
        if str(cls.version) != record.method_version:
            raise MobenchError(
                f"refusing to reproduce: method {record.method!r} here is version "
                f"{cls.version}, the record was made by version {record.method_version}"
            )
        params = params_from_record(cls, record.params)
        name = record.pack.partition("@")[0]
        pack = open_pack(record.pack, self.pack_dirs, source=self.sources.get(name))
        if pack.sha256 != record.pack_sha256:
            raise MobenchError(
                f"refusing to reproduce: pack {pack.ref} here has sha256 {pack.sha256[:16]}…, "
                f"the record was made on {record.pack_sha256[:16]}… (different items, candidates "
                "or scorers)"
            )
        scorers = tuple(o.scorer for o in pack.objectives)
        if scorers != tuple(record.scorers):
            raise MobenchError(
                f"refusing to reproduce: pack {pack.ref} here scores with {scorers}, the record "
                f"with {tuple(record.scorers)}"
            )
        return cls, params, pack

    def _factory(self, backend: str | None) -> Callable[[], Any]:
        if self.sandbox_factory is not None:
            return self.sandbox_factory
        key = backend or "auto"

        def make() -> Any:
            if key not in self._sandboxes:
                from mobench.sandbox import make_sandbox

                self._sandboxes[key] = make_sandbox(key, allow_weak=self.allow_weak_sandbox)
            return self._sandboxes[key]

        return make

    def _cache(self) -> Any:
        if self._scratch is None:
            from mobench.cache import ResultCache

            self._scratch_dir = tempfile.TemporaryDirectory(prefix="mobench-reproduce-cache-")
            self._scratch = ResultCache(Path(self._scratch_dir.name) / "results.sqlite")
        return self._scratch

    def reproduce(self, record: RunRecord, path: str = "record") -> Reproduction:
        from mobench.runner import GridRunner, RunConfig

        started = time.perf_counter()
        cls, params, pack = self.check_inputs(record)
        protocol, folds = parse_protocol(record.protocol)
        # a caller-supplied sandbox (tests, embedding code) stands for the recorded backend
        backend = None if self.sandbox_factory else sandbox_backend(record, self.sandbox)
        with tempfile.TemporaryDirectory(prefix="mobench-reproduce-") as out:
            config = RunConfig(
                packs=(record.pack,),
                methods=(record.method,),
                seeds=(record.seed,),
                protocols=(protocol,),
                folds=folds,
                out_dir=Path(out),
                sandbox_backend=backend or "auto",
                allow_weak_sandbox=self.allow_weak_sandbox,
                force=True,
                pack_dirs=self.pack_dirs,
                sources=self.sources,
                preferences=(tuple(record.preference),),
                method_params={record.method: params},
            )
            runner = GridRunner(config, sandbox_factory=self._factory(backend))
            if not self.use_cache:
                runner.env.cache = self._cache()
            summary = runner.run()
        if len(summary.records) != 1:
            raise MobenchError(f"{path}: the rerun produced {len(summary.records)} records, not 1")
        fresh = summary.records[0]
        on_cpu = _devices(record) | _devices(fresh) == {"cpu"}
        tol = (
            EXACT
            if on_cpu and self.tolerance is None
            else declared_tolerance(record, cls, self.tolerance)
        )
        rows = compare_records(record, fresh, tol)
        return Reproduction(
            path=path,
            method=record.method,
            pack=pack.ref,
            seed=record.seed,
            protocol=record.protocol,
            device=fresh.environment.get("device", runner.device),
            tolerance=tol,
            compared=len(rows),
            differences=tuple(rows),
            seconds=time.perf_counter() - started,
            reproduced=fresh,
        )

    def close(self) -> None:
        for sandbox in self._sandboxes.values():
            close = getattr(sandbox, "close", None)
            if callable(close):
                close()
        self._sandboxes.clear()
        if self._scratch is not None:
            self._scratch.close()
            self._scratch = None
        if self._scratch_dir is not None:
            self._scratch_dir.cleanup()
            self._scratch_dir = None


def reproduce_paths(paths: Sequence[Path], reproducer: Reproducer) -> list[Reproduction]:
    """Reproduce every record in ``paths`` (refusals raise; mismatches are reported)."""
    try:
        return [reproducer.reproduce(load_record(p), str(p)) for p in paths]
    finally:
        reproducer.close()
