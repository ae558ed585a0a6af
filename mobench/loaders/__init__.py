"""External data loaders for packs whose manifest pins a dataset instead of shipping it.

A manifest's ``loader`` object names a registered loader and carries what it needs (dataset id,
pinned revision, expected file sha256, split seed). ``load_pack(dir, source=PATH)`` calls the
loader with the user's local copy, or with ``None`` to fetch through Hugging Face ``datasets``
at the pinned revision. Loader modules in this package register themselves on import.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mobench.errors import PackFormatError, PackIntegrityError
from mobench.packs import LoadedData

LoaderFn = Callable[[Mapping[str, Any], Path | None, bool], LoadedData]
_LOADERS: dict[str, LoaderFn] = {}


def register_loader(name: str) -> Callable[[LoaderFn], LoaderFn]:
    """Decorator registering ``fn(header, source, verify_source) -> LoadedData``."""

    def wrap(fn: LoaderFn) -> LoaderFn:
        _LOADERS[name] = fn
        return fn

    return wrap


def _load_modules() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def run_loader(header: Mapping[str, Any], source: Path | None, verify_source: bool) -> LoadedData:
    """Run the loader a manifest names."""
    _load_modules()
    name = header["loader"]["name"]
    if name not in _LOADERS:
        raise PackFormatError(
            f"pack {header['name']}@{header['version']}: field 'loader.name' names unknown "
            f"loader {name!r} (known: {', '.join(sorted(_LOADERS)) or 'none'})"
        )
    return _LOADERS[name](header, source, verify_source)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file_hash(path: Path, expected: str, verify: bool, what: str) -> dict[str, Any]:
    """Compare a source file's sha256 with the manifest's; refuse a mismatch unless told not to.

    Returns the provenance to record in the pack's ``source``.
    """
    actual = file_sha256(path)
    if actual != expected and verify:
        raise PackIntegrityError(
            f"{path}: sha256 {actual[:16]}… differs from the canonical {what} "
            f"({expected[:16]}…); pass --no-verify-source to use it anyway (recorded in results)"
        )
    return {"file": str(path), "file_sha256": actual, "verified": actual == expected}
