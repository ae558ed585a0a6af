"""Task packs: versioned, hashed folders of items, candidates and objective definitions.

A pack lives in ``<root>/<name>/<version>/`` and holds ``manifest.json`` plus the data files it
names (``items.jsonl`` and, optionally, ``candidates.jsonl``). The manifest's ``sha256`` covers a
canonical serialisation of everything that affects scores; a pack whose content does not match
it is refused.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mobench.errors import PackFormatError, PackIntegrityError

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class ObjectiveSpec:
    """One objective: its scorer (``id@version``), raw bounds and direction."""

    name: str
    scorer: str
    bounds: tuple[float, float] = (0.0, 1.0)
    direction: str = "max"
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def scorer_id(self) -> str:
        return self.scorer.split("@", 1)[0]

    @property
    def scorer_version(self) -> int:
        return int(self.scorer.split("@", 1)[1])

    def normalise(self, raw: np.ndarray) -> np.ndarray:
        """Map raw scorer values into [0, 1] with 1 the best (DESIGN.md, Scorer contract)."""
        lo, hi = self.bounds
        unit = (np.asarray(raw, dtype=float) - lo) / (hi - lo)
        if self.direction == "min":
            unit = 1.0 - unit
        return np.clip(unit, 0.0, 1.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scorer": self.scorer,
            "bounds": list(self.bounds),
            "direction": self.direction,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class Item:
    """A prompt with what its scorers need (reference answer, unit tests, entry point)."""

    id: str
    prompt: str
    split: str = "test"
    reference: str = ""
    tests: str = ""
    entry_point: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "prompt": self.prompt}
        for key in ("reference", "tests", "entry_point"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        data.update(self.meta)
        return data


@dataclass(frozen=True)
class Candidate:
    """A pre-generated response to an item, with its provenance and token counts."""

    item_id: str
    candidate_id: str
    completion: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    provenance: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "candidate_id": self.candidate_id,
            "completion": self.completion,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "provenance": dict(self.provenance),
        }


@dataclass(frozen=True)
class PreferencePair:
    """A pairwise label on one objective: which of two candidates of an item is better."""

    item_id: str
    a: str  # candidate id
    b: str  # candidate id
    objective: str
    winner: str  # "a" | "b" | "tie"

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "a": self.a,
            "b": self.b,
            "objective": self.objective,
            "winner": self.winner,
        }


@dataclass(frozen=True)
class Pack:
    """A loaded, verified task pack."""

    name: str
    version: str
    track: str
    description: str
    objectives: tuple[ObjectiveSpec, ...]
    preferences: tuple[tuple[float, ...], ...]
    reference_point: tuple[float, ...]
    items: tuple[Item, ...]
    candidates: tuple[Candidate, ...]
    sha256: str
    root: Path | None = None
    source: Mapping[str, Any] = field(default_factory=dict, hash=False)
    pairs: tuple[PreferencePair, ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def objective_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.objectives)

    def split(self, name: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.split == name)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def candidates_by_item(self) -> dict[str, tuple[Candidate, ...]]:
        grouped: dict[str, list[Candidate]] = {item.id: [] for item in self.items}
        for cand in self.candidates:
            grouped[cand.item_id].append(cand)
        return {key: tuple(value) for key, value in grouped.items()}

    def normalise(self, raw: np.ndarray) -> np.ndarray:
        """Normalise an (n, m) matrix of raw objective values column by column into [0, 1]."""
        raw = np.asarray(raw, dtype=float)
        return np.stack(
            [spec.normalise(raw[:, j]) for j, spec in enumerate(self.objectives)], axis=1
        )


# ---------------------------------------------------------------------------------------------
# Canonical content and hashing


def canonical_content(
    header: Mapping[str, Any],
    items: Sequence[Item],
    candidates: Sequence[Candidate],
    pairs: Sequence[PreferencePair] = (),
) -> bytes:
    """The bytes the pack hash covers: everything that affects scores, in a fixed order.

    A pack with an external ``loader`` hashes its manifest (objectives, loader spec with the
    dataset id, revision and file sha256) instead of the items: the loader verifies the data
    against the file hash the manifest pins.
    """
    if header.get("loader"):
        items, candidates, pairs = (), (), ()
    payload: dict[str, Any] = {
        "name": header["name"],
        "version": header["version"],
        "track": header["track"],
        "objectives": [o.to_json() for o in header["objectives"]],
        "splits": {s: sorted(i.id for i in items if i.split == s) for s in SPLITS},
        "preferences": [list(p) for p in header["preferences"]],
        "reference_point": list(header["reference_point"]),
        "items": [i.to_json() for i in sorted(items, key=lambda i: i.id)],
        "candidates": [
            c.to_json() for c in sorted(candidates, key=lambda c: (c.item_id, c.candidate_id))
        ],
    }
    if pairs:
        payload["pairs"] = [p.to_json() for p in pairs]
    if header.get("loader"):
        payload["loader"] = dict(header["loader"])
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_sha256(
    header: Mapping[str, Any],
    items: Sequence[Item],
    candidates: Sequence[Candidate],
    pairs: Sequence[PreferencePair] = (),
) -> str:
    return hashlib.sha256(canonical_content(header, items, candidates, pairs)).hexdigest()


# ---------------------------------------------------------------------------------------------
# Reading


class _Fields:
    """Typed access to a JSON object that names the file and field in every error."""

    def __init__(self, data: Any, where: str, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise PackFormatError(f"{where}: {path or 'top level'} must be a JSON object")
        self.data, self.where, self.path = data, where, path

    def _name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _fail(self, key: str, what: str) -> PackFormatError:
        return PackFormatError(f"{self.where}: field '{self._name(key)}' {what}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self._fail(key, "is missing")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self._fail(key, f"must be {names}, got {type(value).__name__}")
        return value

    def numbers(self, key: str, length: int | None = None) -> tuple[float, ...]:
        value = self.get(key, list)
        ok = all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        )
        if not ok:
            raise self._fail(key, "must be a list of finite numbers")
        if length is not None and len(value) != length:
            raise self._fail(key, f"must have {length} entries, got {len(value)}")
        return tuple(float(v) for v in value)

    def sub(self, key: str, index: int | None = None) -> _Fields:
        value = self.data[key] if index is None else self.data[key][index]
        name = self._name(key) if index is None else f"{self._name(key)}[{index}]"
        return _Fields(value, self.where, name)


def _read_objectives(manifest: _Fields) -> tuple[ObjectiveSpec, ...]:
    raw = manifest.get("objectives", list)
    if not raw:
        raise PackFormatError(f"{manifest.where}: field 'objectives' must not be empty")
    specs = []
    for i in range(len(raw)):
        f = manifest.sub("objectives", i)
        scorer = f.get("scorer", str)
        if "@" not in scorer or not scorer.split("@", 1)[1].isdigit():
            raise f._fail("scorer", f"must look like 'family.name@VERSION', got {scorer!r}")
        bounds = f.numbers("bounds", 2) if "bounds" in f.data else (0.0, 1.0)
        if not bounds[0] < bounds[1]:
            raise f._fail("bounds", f"must be [low, high] with low < high, got {list(bounds)}")
        direction = f.get("direction", str, "max")
        if direction not in ("max", "min"):
            raise f._fail("direction", f"must be 'max' or 'min', got {direction!r}")
        specs.append(
            ObjectiveSpec(
                name=f.get("name", str),
                scorer=scorer,
                bounds=(bounds[0], bounds[1]),
                direction=direction,
                params=dict(f.get("params", dict, {})),
            )
        )
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise PackFormatError(f"{manifest.where}: field 'objectives' has duplicate names {names}")
    return tuple(specs)


def read_json_lines(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, value)`` for each non-blank line of a JSONL file (``.gz`` too); errors name the
    file and line."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    yield where, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise PackFormatError(f"{where}: not valid JSON ({exc.msg})") from None
    except FileNotFoundError:
        raise PackFormatError(f"{path}: no such file") from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise PackFormatError(f"{path}: cannot read ({exc})") from None


def _read_jsonl(path: Path) -> Iterator[tuple[str, _Fields]]:
    if not path.is_file():
        raise PackFormatError(f"{path}: data file named in the manifest does not exist")
    for where, data in read_json_lines(path):
        yield where, _Fields(data, where)


def _read_items(path: Path, splits: Mapping[str, str]) -> tuple[Item, ...]:
    items, seen = [], set()
    for where, f in _read_jsonl(path):
        item_id = f.get("id", str)
        if item_id in seen:
            raise PackFormatError(f"{where}: field 'id' repeats item {item_id!r}")
        seen.add(item_id)
        known = {"id", "prompt", "reference", "tests", "entry_point"}
        items.append(
            Item(
                id=item_id,
                prompt=f.get("prompt", str),
                split=splits.get(item_id, "test"),
                reference=f.get("reference", str, ""),
                tests=f.get("tests", str, ""),
                entry_point=f.get("entry_point", str, ""),
                meta={k: v for k, v in f.data.items() if k not in known},
            )
        )
    return tuple(items)


def _read_candidates(path: Path, item_ids: set[str]) -> tuple[Candidate, ...]:
    out, seen = [], set()
    for where, f in _read_jsonl(path):
        item_id = f.get("item_id", str)
        if item_id not in item_ids:
            raise PackFormatError(f"{where}: field 'item_id' names unknown item {item_id!r}")
        cand_id = f.get("candidate_id", str)
        if cand_id in seen:
            raise PackFormatError(f"{where}: field 'candidate_id' repeats {cand_id!r}")
        seen.add(cand_id)
        out.append(
            Candidate(
                item_id=item_id,
                candidate_id=cand_id,
                completion=f.get("completion", str),
                prompt_tokens=f.get("prompt_tokens", int, 0),
                completion_tokens=f.get("completion_tokens", int, 0),
                provenance=dict(f.get("provenance", dict, {})),
            )
        )
    return tuple(out)


def _read_splits(manifest: _Fields) -> dict[str, str]:
    splits = manifest.sub("splits")
    assignment: dict[str, str] = {}
    for name in splits.data:
        if name not in SPLITS:
            raise splits._fail(name, f"is not a split; use one of {', '.join(SPLITS)}")
        for item_id in splits.get(name, list):
            if not isinstance(item_id, str):
                raise splits._fail(name, "must list item ids (strings)")
            if item_id in assignment:
                raise splits._fail(name, f"puts item {item_id!r} in two splits")
            assignment[item_id] = name
    return assignment


def read_manifest(pack_dir: Path) -> dict[str, Any]:
    """Read and validate ``manifest.json``; return its fields with typed objectives."""
    path = pack_dir / MANIFEST_NAME
    if not path.is_file():
        raise PackFormatError(f"{path}: no manifest (a pack folder needs {MANIFEST_NAME})")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PackFormatError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    f = _Fields(raw, str(path))
    fmt = f.get("format", int)
    if fmt != MANIFEST_FORMAT:
        raise f._fail("format", f"is {fmt}; this mobench reads format {MANIFEST_FORMAT}")
    objectives = _read_objectives(f)
    m = len(objectives)
    prefs = []
    for i, pref in enumerate(f.get("preferences", list, [])):
        if not isinstance(pref, list) or len(pref) != m:
            raise f._fail(f"preferences[{i}]", f"must be a list of {m} numbers")
        if any(not isinstance(v, int | float) or v < 0 for v in pref) or sum(pref) <= 0:
            raise f._fail(f"preferences[{i}]", "must be non-negative with a positive sum")
        prefs.append(tuple(float(v) for v in pref))
    ref_point = f.numbers("reference_point", m) if "reference_point" in f.data else (0.0,) * m
    loader = dict(f.get("loader", dict, {}))
    if loader and not isinstance(loader.get("name"), str):
        raise f._fail("loader.name", "must name a registered loader (a string)")
    files = f.sub("files") if "files" in f.data or not loader else _Fields({}, f.where, "files")
    name = f.get("name", str)
    version = f.get("version", str)
    if not name or "@" in name or "/" in name:
        raise f._fail("name", f"must be a plain name without '@' or '/', got {name!r}")
    return {
        "name": name,
        "version": version,
        "track": f.get("track", str),
        "description": f.get("description", str, ""),
        "objectives": objectives,
        "preferences": tuple(prefs),
        "reference_point": ref_point,
        "splits": _read_splits(f),
        "items_file": files.get("items", str, "") if loader else files.get("items", str),
        "candidates_file": files.get("candidates", str, ""),
        "pairs_file": files.get("pairs", str, ""),
        "loader": loader,
        "source": dict(f.get("source", dict, {})),
        "sha256": f.get("sha256", str),
    }


def _read_pairs(path: Path, candidates: Sequence[Candidate]) -> tuple[PreferencePair, ...]:
    owner = {c.candidate_id: c.item_id for c in candidates}
    pairs = []
    for _where, f in _read_jsonl(path):
        pair = PreferencePair(
            item_id=f.get("item_id", str),
            a=f.get("a", str),
            b=f.get("b", str),
            objective=f.get("objective", str),
            winner=f.get("winner", str),
        )
        if pair.winner not in ("a", "b", "tie"):
            raise f._fail("winner", f"must be 'a', 'b' or 'tie', got {pair.winner!r}")
        for key in ("a", "b"):
            if owner.get(getattr(pair, key)) != pair.item_id:
                raise f._fail(key, f"is not a candidate of item {pair.item_id!r}")
        pairs.append(pair)
    return tuple(pairs)


@dataclass(frozen=True)
class LoadedData:
    """What a pack's data files (or its external loader) provide."""

    items: tuple[Item, ...]
    candidates: tuple[Candidate, ...] = ()
    pairs: tuple[PreferencePair, ...] = ()
    source: Mapping[str, Any] = field(default_factory=dict)


def _read_local_data(pack_dir: Path, header: Mapping[str, Any]) -> LoadedData:
    items = _read_items(pack_dir / header["items_file"], header["splits"])
    unknown = set(header["splits"]) - {i.id for i in items}
    if unknown:
        raise PackFormatError(
            f"{pack_dir / MANIFEST_NAME}: field 'splits' names unknown items {sorted(unknown)}"
        )
    candidates: tuple[Candidate, ...] = ()
    if header["candidates_file"]:
        candidates = _read_candidates(pack_dir / header["candidates_file"], {i.id for i in items})
    pairs: tuple[PreferencePair, ...] = ()
    if header["pairs_file"]:
        pairs = _read_pairs(pack_dir / header["pairs_file"], candidates)
    return LoadedData(items, candidates, pairs)


def load_pack(
    pack_dir: Path | str,
    *,
    verify: bool = True,
    source: Path | None = None,
    verify_source: bool = True,
) -> Pack:
    """Load the pack in ``pack_dir``; refuse it when its content does not match its sha256.

    Packs whose manifest names a ``loader`` read their data from outside the pack: from
    ``source`` (a local file or folder) or, without one, from the hub through the loader's
    pinned revision. The loader checks the data's sha256 unless ``verify_source`` is false.
    """
    pack_dir = Path(pack_dir)
    header = read_manifest(pack_dir)
    if header["loader"]:
        from mobench.loaders import run_loader

        data = run_loader(header, source, verify_source)
    else:
        data = _read_local_data(pack_dir, header)
    items, candidates, pairs = data.items, data.candidates, data.pairs
    digest = content_sha256(header, items, candidates, pairs)
    if verify and digest != header["sha256"]:
        raise PackIntegrityError(
            f"pack {header['name']}@{header['version']} in {pack_dir} does not match its hash: "
            f"manifest says sha256 {header['sha256'][:16]}…, content hashes to {digest[:16]}…. "
            "The pack was modified after it was published; restore it or rebuild it with a "
            "new version."
        )
    return Pack(
        name=header["name"],
        version=header["version"],
        track=header["track"],
        description=header["description"],
        objectives=header["objectives"],
        preferences=header["preferences"],
        reference_point=header["reference_point"],
        items=items,
        candidates=candidates,
        sha256=digest,
        root=pack_dir,
        source={**header["source"], **data.source},
        pairs=pairs,
    )


# ---------------------------------------------------------------------------------------------
# Writing


def write_pack(
    pack_dir: Path,
    *,
    name: str,
    version: str,
    track: str,
    objectives: Sequence[ObjectiveSpec],
    items: Sequence[Item] = (),
    candidates: Sequence[Candidate] = (),
    pairs: Sequence[PreferencePair] = (),
    preferences: Sequence[Sequence[float]] = (),
    reference_point: Sequence[float] | None = None,
    description: str = "",
    source: Mapping[str, Any] | None = None,
    loader: Mapping[str, Any] | None = None,
) -> Path:
    """Write a pack (manifest with its sha256 and its data files); returns the pack folder.

    With ``loader``, no data files are written: the manifest pins the external source.
    """
    pack_dir.mkdir(parents=True, exist_ok=True)
    header: dict[str, Any] = {
        "name": name,
        "version": version,
        "track": track,
        "objectives": tuple(objectives),
        "preferences": tuple(tuple(float(v) for v in p) for p in preferences),
        "reference_point": tuple(reference_point or (0.0,) * len(objectives)),
        "loader": dict(loader or {}),
    }
    data: dict[str, Sequence[Item | Candidate | PreferencePair]] = {
        "items": items,
        "candidates": candidates,
        "pairs": pairs,
    }
    files = {key: f"{key}.jsonl" for key, rows in data.items() if rows and not loader}
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "name": name,
        "version": version,
        "track": track,
        "description": description,
        "objectives": [o.to_json() for o in objectives],
        "splits": {s: [i.id for i in items if i.split == s] for s in SPLITS},
        "preferences": [list(p) for p in header["preferences"]],
        "reference_point": list(header["reference_point"]),
        "files": files,
        "source": dict(source or {}),
    }
    if loader:
        manifest["loader"] = dict(loader)
        manifest["splits"] = {}
    manifest["sha256"] = content_sha256(header, items, candidates, pairs)
    for key, filename in files.items():
        _write_jsonl(pack_dir / filename, (row.to_json() for row in data[key]))
    (pack_dir / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return pack_dir


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
