"""Finding packs: the built-in ones shipped in the wheel, the user's pack directory, and extras."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from mobench.errors import PackNotFoundError
from mobench.packs import MANIFEST_NAME, Pack, load_pack, read_manifest


@dataclass(frozen=True)
class PackLocation:
    """Where one pack version lives and where it was found."""

    name: str
    version: str
    path: Path
    origin: str  # "builtin" | "user" | "extra"

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


def user_pack_dir() -> Path:
    """The user's own pack directory (``$MOBENCH_HOME/packs`` or the XDG data dir)."""
    if home := os.environ.get("MOBENCH_HOME"):
        return Path(home) / "packs"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "mobench" / "packs"


def _roots_file() -> Path:
    return user_pack_dir().parent / "pack-roots.txt"


def registered_roots() -> list[Path]:
    """Pack roots remembered from ``mobench packs import --out DIR``."""
    path = _roots_file()
    if not path.is_file():
        return []
    return [Path(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def register_root(root: Path) -> None:
    """Remember ``root`` so that packs written there are found by name from now on."""
    root = root.resolve()
    if root in registered_roots() or root == user_pack_dir().resolve():
        return
    path = _roots_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{root}\n")


def builtin_pack_dir() -> Path:
    return Path(str(files("mobench.tasks")))


def search_path(extra: Sequence[Path] = ()) -> list[tuple[Path, str]]:
    """Pack roots in precedence order: explicit extras, ``$MOBENCH_PACK_PATH``, user pack dir,
    roots registered by ``packs import --out``, built-in."""
    roots = [(Path(p), "extra") for p in extra]
    env = os.environ.get("MOBENCH_PACK_PATH", "")
    roots += [(Path(p), "extra") for p in env.split(os.pathsep) if p]
    roots += [(user_pack_dir(), "user")]
    roots += [(p, "imported") for p in registered_roots()]
    roots += [(builtin_pack_dir(), "builtin")]
    return roots


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


def discover(extra: Sequence[Path] = ()) -> list[PackLocation]:
    """Every pack version on the search path; the first root to hold a name@version wins."""
    found: dict[tuple[str, str], PackLocation] = {}
    for root, origin in search_path(extra):
        if not root.is_dir():
            continue
        for manifest in sorted(root.glob(f"*/*/{MANIFEST_NAME}")):
            pack_dir = manifest.parent
            name, version = pack_dir.parent.name, pack_dir.name
            found.setdefault((name, version), PackLocation(name, version, pack_dir, origin))
    return sorted(found.values(), key=lambda p: (p.name, _version_key(p.version)))


def locate(ref: str, extra: Sequence[Path] = ()) -> PackLocation:
    """Resolve ``name`` (newest version) or ``name@version`` or a pack folder path."""
    as_path = Path(ref)
    if (as_path / MANIFEST_NAME).is_file():
        header = read_manifest(as_path)
        return PackLocation(header["name"], header["version"], as_path, "path")
    name, _, version = ref.partition("@")
    matches = [p for p in discover(extra) if p.name == name]
    if version:
        matches = [p for p in matches if p.version == version]
    if not matches:
        known = ", ".join(sorted({p.ref for p in discover(extra)})) or "none"
        raise PackNotFoundError(f"no pack {ref!r} on the pack search path (known: {known})")
    return matches[-1]


def open_pack(
    ref: str,
    extra: Sequence[Path] = (),
    *,
    verify: bool = True,
    source: Path | None = None,
    verify_source: bool = True,
) -> Pack:
    """Locate and load a pack, verifying its hash (and, for external data, the file's)."""
    return load_pack(
        locate(ref, extra).path, verify=verify, source=source, verify_source=verify_source
    )
