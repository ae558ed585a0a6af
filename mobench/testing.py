"""pytest helpers for adapter authors: run mobench's conformance checks in your own test suite.

Enable them in your ``conftest.py``::

    pytest_plugins = ["mobench.testing"]

and write::

    def test_my_method_conforms(mobench_conformance):
        mobench_conformance("my-method")          # the entry-point name (every check)

    def test_on_a_pack_i_need(mobench_conformance):
        mobench_conformance("my-method", pack="synth-bandit")

The plugin is opt-in on purpose (no ``pytest11`` entry point): a pytest11 plugin is imported by
every pytest run in the environment, unrelated projects included, and this one would import numpy,
torch-backed adapters and mobench's registry each time. Importing this module is cheap; mobench
itself loads only when a fixture is used.

Fixtures:

- ``mobench_conformance``: a callable ``(method, pack=None, pack_dirs=()) -> ConformanceReport``
  that fails the test with every failed check listed (``method``: entry-point name, or an adapter
  class to check before it is registered);
- ``conformance_pack``: the built-in conformance pack (a ``mobench.packs.Pack``), written into the
  test's temporary directory, for tests that drive an adapter by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mobench.conformance import ConformanceReport
    from mobench.packs import Pack


def assert_conformant(
    method: str | type, pack: Any = None, pack_dirs: tuple[Path, ...] = ()
) -> ConformanceReport:
    """``mobench.conformance.assert_conformant`` (imported lazily)."""
    from mobench.conformance import assert_conformant as check

    return check(method, pack, pack_dirs)


@pytest.fixture()
def mobench_conformance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., ConformanceReport]]:
    """Check an adapter; keeps mobench's user dirs and caches inside the test's tmp_path."""
    monkeypatch.setenv("MOBENCH_HOME", str(tmp_path / "mobench-home"))
    monkeypatch.setenv("MOBENCH_CACHE_DIR", str(tmp_path / "mobench-cache"))
    yield assert_conformant


@pytest.fixture()
def conformance_pack(tmp_path: Path) -> Pack:
    from mobench.conformance import write_conformance_pack

    return write_conformance_pack(tmp_path / "conformance-packs")
