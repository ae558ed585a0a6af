"""The run-record schema: validation on load, and migration of older records.

Versions:

- **1** (mobench 0.1): the fields of :class:`mobench.records.RunRecord` up to ``extra``.
- **2** adds ``method_kind`` (``selector`` | ``online`` | ``offline``, or ``unknown`` for a
  method that is no longer registered) and ``reference_point`` (the pack's HV reference point
  in normalised objective space), so the leaderboard computes a method's *front* hypervolume
  from its records alone. Migrating 1 → 2 looks the kind up through the ``mobench.methods``
  entry point and sets the reference point to mobench's default, the origin, after checking
  that it reproduces the record's own ``metrics.hypervolume``; a record whose hypervolume does
  not match (a pack with another reference point) is refused with a message.

The JSON Schema of the current version ships as ``mobench/schemas/run_record.v2.json``; the
checks below are the same rules, with error messages that name the file and the field.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from mobench.errors import MobenchError

SCHEMA_VERSION = 2
OLDEST_MIGRATABLE = 1
METHOD_KINDS = ("selector", "online", "offline", "unknown")
#: Records store objective vectors rounded to 6 decimals; the recomputed HV may differ by this.
_HV_TOLERANCE = 1e-4


class RecordSchemaError(MobenchError):
    """A run record is malformed or of an unsupported schema version (names file and field)."""


def schema_path(version: int = SCHEMA_VERSION) -> Path:
    """The JSON Schema file shipped for record ``version``."""
    return Path(str(files("mobench") / "schemas" / f"run_record.v{version}.json"))


def json_schema(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of run records of ``version``."""
    return dict(json.loads(schema_path(version).read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------
# Validation


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list | tuple) and all(isinstance(x, str) for x in v)


def _is_number_list(v: Any) -> bool:
    return isinstance(v, list | tuple) and all(_is_number(x) for x in v)


_Check = tuple[Callable[[Any], bool], str]
_STR: _Check = (lambda v: isinstance(v, str), "a string")
_OBJ: _Check = (lambda v: isinstance(v, dict), "an object")
_INT: _Check = (_is_int, "an integer")
_NUM_LIST: _Check = (_is_number_list, "a list of numbers")
_STR_LIST: _Check = (_is_str_list, "a list of strings")
_LIST: _Check = (lambda v: isinstance(v, list | tuple), "a list")

_V1_FIELDS: dict[str, _Check] = {
    "run_key": _STR,
    "method": _STR,
    "method_version": _STR,
    "params": _OBJ,
    "pack": _STR,
    "pack_sha256": _STR,
    "objectives": _STR_LIST,
    "scorers": _STR_LIST,
    "preference": _NUM_LIST,
    "seed": _INT,
    "protocol": _STR,
    "responses": _LIST,
    "metrics": _OBJ,
    "training": _OBJ,
    "compute": _LIST,
    "sandbox": _OBJ,
    "environment": _OBJ,
    "schema_version": _INT,
    "extra": _OBJ,
}
_OPTIONAL = {"extra"}
_V2_FIELDS: dict[str, _Check] = {
    **_V1_FIELDS,
    "method_kind": (lambda v: v in METHOD_KINDS, f"one of {', '.join(METHOD_KINDS)}"),
    "reference_point": _NUM_LIST,
}
_FIELDS = {1: _V1_FIELDS, 2: _V2_FIELDS}
_RESPONSE_FIELDS: dict[str, _Check] = {
    "item_id": _STR,
    "candidate_id": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "objectives": _NUM_LIST,
    "text_sha256": _STR,
}
_COMPUTE_FIELDS: dict[str, _Check] = {
    "phase": _STR,
    "seconds": (lambda v: _is_number(v) and v >= 0, "a number >= 0"),
    "device": _STR,
}


def _fail(where: str, field: str, message: str) -> RecordSchemaError:
    return RecordSchemaError(f"{where}: field {field!r} {message}")


def _check_object(
    data: Mapping[str, Any],
    spec: Mapping[str, _Check],
    where: str,
    prefix: str = "",
    optional: frozenset[str] | set[str] = frozenset(),
) -> None:
    for name, (ok, what) in spec.items():
        if name not in data:
            if name in optional:
                continue
            raise _fail(where, prefix + name, "is missing")
        if not ok(data[name]):
            raise _fail(where, prefix + name, f"must be {what}, got {data[name]!r:.60}")
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise _fail(where, prefix + unknown[0], "is not a run-record field")


def _check_version(data: Mapping[str, Any], where: str) -> int:
    if not isinstance(data, Mapping):
        raise RecordSchemaError(f"{where}: a run record must be a JSON object")
    raw = data.get("schema_version")
    if raw is None:
        raise _fail(where, "schema_version", "is missing: not a mobench run record")
    if not _is_int(raw):
        raise _fail(where, "schema_version", f"must be an integer, got {raw!r:.40}")
    version = int(raw)
    reads = f"this mobench (reads {OLDEST_MIGRATABLE} to {SCHEMA_VERSION})"
    if version > SCHEMA_VERSION:
        raise RecordSchemaError(
            f"{where}: field 'schema_version': schema_version {version} is not supported by "
            f"{reads}; upgrade mobench"
        )
    if version < OLDEST_MIGRATABLE:
        raise RecordSchemaError(
            f"{where}: field 'schema_version': schema_version {version} is not supported by "
            f"{reads}; rerun to regenerate it"
        )
    return version


def validate(data: Mapping[str, Any], where: str = "record") -> Mapping[str, Any]:
    """Check ``data`` against the schema of its ``schema_version``; returns it unchanged."""
    version = _check_version(data, where)
    _check_object(data, _FIELDS[version], where, optional=_OPTIONAL)
    m = len(data["objectives"])
    for key in ("scorers", "preference") + (("reference_point",) if version >= 2 else ()):
        if len(data[key]) != m:
            raise _fail(where, key, f"must have one entry per objective ({m})")
    for i, response in enumerate(data["responses"]):
        prefix = f"responses[{i}]."
        if not isinstance(response, dict):
            raise _fail(where, prefix[:-1], "must be an object")
        _check_object(response, _RESPONSE_FIELDS, where, prefix, optional={"text_sha256"})
        if len(response["objectives"]) != m:
            raise _fail(where, prefix + "objectives", f"must have {m} values")
    for i, phase in enumerate(data["compute"]):
        if not isinstance(phase, dict):
            raise _fail(where, f"compute[{i}]", "must be an object")
        _check_object(phase, _COMPUTE_FIELDS, where, f"compute[{i}].")
    metrics = data["metrics"]
    if not _is_number(metrics.get("hypervolume")):
        raise _fail(where, "metrics.hypervolume", "must be a number")
    means = metrics.get("means")
    if not isinstance(means, dict) or not all(
        _is_number(means.get(name)) for name in data["objectives"]
    ):
        raise _fail(where, "metrics.means", "must map every objective to a number")
    if "collapse@1" in metrics and not _is_number(metrics["collapse@1"]):
        raise _fail(where, "metrics.collapse@1", "must be a number")
    return data


# --------------------------------------------------------------------------------------------
# Migration


@cache
def _registered_kind(method: str) -> str:
    """The ``kind`` of a method registered through the entry point, or ``unknown``."""
    from importlib.metadata import entry_points

    from mobench.methods import ENTRY_POINT_GROUP

    for ep in entry_points(group=ENTRY_POINT_GROUP, name=method):
        try:
            kind = getattr(ep.load(), "kind", "unknown")
        except Exception:  # a broken adapter leaves the kind unknown, it does not block loading
            return "unknown"
        return kind if kind in METHOD_KINDS else "unknown"
    return "unknown"


def _v1_to_v2(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    from mobench.metrics import hypervolume

    m = len(data["objectives"])
    origin = [0.0] * m
    recorded = float(data["metrics"]["hypervolume"])
    vectors = [r["objectives"] for r in data["responses"]]
    if vectors and not math.isclose(
        hypervolume(vectors, origin), recorded, rel_tol=0.0, abs_tol=_HV_TOLERANCE
    ):
        raise RecordSchemaError(
            f"{where}: field 'metrics.hypervolume': cannot migrate this schema_version 1 record "
            f"to 2: its hypervolume {recorded:.6f} was not computed against the origin, so its "
            "pack's reference point is unknown; rerun the method to regenerate it"
        )
    out = dict(data)
    out["method_kind"] = _registered_kind(str(data["method"]))
    out["reference_point"] = origin
    out["schema_version"] = 2
    return out


_MIGRATIONS: dict[int, Callable[[Mapping[str, Any], str], dict[str, Any]]] = {1: _v1_to_v2}


def migrate(data: Mapping[str, Any], where: str = "record") -> Mapping[str, Any]:
    """``data`` upgraded to the current schema version (validated at each step)."""
    version = _check_version(data, where)
    current: Mapping[str, Any] = data
    while version < SCHEMA_VERSION:
        validate(current, where)
        current = _MIGRATIONS[version](current, where)
        version = int(current["schema_version"])
    return current


def migrate_file(path: Path) -> bool:
    """Rewrite the record at ``path`` in the current schema (atomically); False if current."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RecordSchemaError(f"{path}: not a readable JSON run record ({exc})") from None
    if isinstance(data, dict) and data.get("schema_version") == SCHEMA_VERSION:
        validate(data, str(path))
        return False
    from mobench.records import RunRecord

    record = RunRecord.from_json(data, str(path))
    write_json_atomic(path, record.to_json())
    return True


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, ensure_ascii=False)
    os.replace(tmp, path)
