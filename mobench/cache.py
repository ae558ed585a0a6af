"""A content-addressed result cache (sqlite), so reruns skip sandbox runs and scoring."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def default_cache_dir() -> Path:
    if path := os.environ.get("MOBENCH_CACHE_DIR"):
        return Path(path)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mobench"


def content_key(*parts: Any) -> str:
    """A sha256 over the JSON of ``parts`` (sorted keys), the address of a cached value."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class ResultCache:
    """Maps (namespace, content key) to a JSON value; safe to share between threads."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_dir() / "results.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS results (ns TEXT, key TEXT, value TEXT, "
            "PRIMARY KEY (ns, key))"
        )
        self._db.commit()

    def get_many(self, namespace: str, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, value FROM results WHERE ns = ? AND key IN ({marks})",
                    [namespace, *chunk],
                )
                found.update((k, json.loads(v)) for k, v in rows)
        return found

    def put_many(self, namespace: str, values: Mapping[str, Any]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                [(namespace, k, json.dumps(v)) for k, v in values.items()],
            )
            self._db.commit()

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM results")
            self._db.commit()

    def close(self) -> None:
        self._db.close()


class NullCache(ResultCache):
    """A cache that stores nothing (``--no-cache``)."""

    def __init__(self) -> None:  # noqa: D107 - no database
        pass

    def get_many(self, namespace: str, keys: Iterable[str]) -> dict[str, Any]:
        return {}

    def put_many(self, namespace: str, values: Mapping[str, Any]) -> None:
        return None

    def clear(self) -> None:
        return None

    def close(self) -> None:
        return None
