"""Offline tiktoken encodings (seeded from bpe-openai) and batched token counting."""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load
import tiktoken.registry

from mobench import tokens


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fresh encoding caches, and any attempt by tiktoken to download fails the test."""

    def no_download(blobpath: str) -> bytes:
        raise AssertionError(f"tiktoken tried to download {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", no_download)
    tokens.get_encoding.cache_clear()
    saved = dict(tiktoken.registry.ENCODINGS)
    tiktoken.registry.ENCODINGS.clear()
    yield
    tiktoken.registry.ENCODINGS.clear()
    tiktoken.registry.ENCODINGS.update(saved)
    tokens.get_encoding.cache_clear()


def test_cache_key_is_tiktokens_sha1_of_the_url() -> None:
    table = tokens.BUNDLED_TABLES["o200k_base"]
    assert table.cache_key == hashlib.sha1(table.url.encode()).hexdigest()
    assert table.cache_key == "fb374d419588a4632f3f557e76b4b70aebbca790"


@pytest.mark.parametrize("name", sorted(tokens.BUNDLED_TABLES))
def test_urls_and_hashes_match_tiktoken(name: str) -> None:
    import tiktoken_ext.openai_public as public

    source = inspect.getsource(public)
    table = tokens.BUNDLED_TABLES[name]
    assert f'"{table.url}"' in source
    assert f'expected_hash="{table.sha256}"' in source


@pytest.mark.parametrize("name", sorted(tokens.BUNDLED_TABLES))
def test_bundled_table_is_byte_identical(name: str) -> None:
    data = tokens.bundled_table_bytes(name)
    assert hashlib.sha256(data).hexdigest() == tokens.BUNDLED_TABLES[name].sha256


def test_seeds_user_cache_dir_without_clobbering(
    offline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_dir = tmp_path / "user-cache"
    user_dir.mkdir()
    (user_dir / "unrelated").write_text("keep me")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(user_dir))

    enc = tokens.get_encoding("o200k_base")

    assert isinstance(enc, tiktoken.Encoding)
    assert enc.name == "o200k_base"

    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(user_dir)
    assert (user_dir / "unrelated").read_text() == "keep me"
    seeded = user_dir / tokens.BUNDLED_TABLES["o200k_base"].cache_key
    assert (
        hashlib.sha256(seeded.read_bytes()).hexdigest()
        == tokens.BUNDLED_TABLES["o200k_base"].sha256
    )


def test_repairs_a_corrupt_cached_table(
    offline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    table = tokens.BUNDLED_TABLES["cl100k_base"]
    (tmp_path / table.cache_key).write_bytes(b"garbage")
    enc = tokens.get_encoding("cl100k_base")
    assert enc.encode_ordinary("hello world") == [15339, 1917]


def test_defaults_to_mobench_cache_when_unset(
    offline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setenv("MOBENCH_CACHE_DIR", str(tmp_path))
    tokens.get_encoding("o200k_base")

    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(tmp_path / "tiktoken")
    assert (tmp_path / "tiktoken" / tokens.BUNDLED_TABLES["o200k_base"].cache_key).is_file()


def test_data_gym_cache_dir_is_respected(
    offline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(tmp_path))
    tokens.get_encoding("o200k_base")

    assert "TIKTOKEN_CACHE_DIR" not in os.environ
    assert (tmp_path / tokens.BUNDLED_TABLES["o200k_base"].cache_key).is_file()


def test_harmony_uses_the_o200k_table(
    offline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    enc = tokens.get_encoding("o200k_harmony")
    assert enc.encode_ordinary("hello world") == tokens.get_encoding("o200k_base").encode_ordinary(
        "hello world"
    )


def test_disabled_cache_gives_a_clear_error(offline: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    with pytest.raises(tokens.TokenizerUnavailableError, match="o200k_base"):
        tokens.get_encoding("o200k_base")


def test_known_o200k_token_counts() -> None:
    enc = tokens.get_encoding("o200k_base")
    # Pieces written out by hand: the counts below are their lengths.
    cases = {
        "hello world": ["hello", " world"],
        "Write a function.": ["Write", " a", " function", "."],
        "def add(a, b):\n    return a + b\n": [
            "def",
            " add",
            "(a",
            ",",
            " b",
            "):\n",
            "   ",
            " return",
            " a",
            " +",
            " b",
            "\n",
        ],
        "": [],
    }
    for text, pieces in cases.items():
        assert [enc.decode([t]) for t in enc.encode_ordinary(text)] == pieces
    assert tokens.count_tokens(cases) == [2, 4, 12, 0]
    assert tokens.count_tokens(iter(cases), enc) == [2, 4, 12, 0]


def test_special_token_text_is_ordinary_text() -> None:
    # "<|endoftext|>" in a completion is counted as the 7 ordinary pieces it spells.
    assert tokens.count_tokens(["<|endoftext|>"]) == [7]


def test_count_tokens_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = tokens.get_encoding("o200k_base")
    calls: list[int] = []
    original = tiktoken.Encoding.encode_ordinary_batch

    def spy(self: tiktoken.Encoding, text: list[str], **kwargs: object) -> list[list[int]]:
        calls.append(len(text))
        return original(self, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tiktoken.Encoding, "encode_ordinary_batch", spy)
    assert tokens.count_tokens(["a b", "c"] * 50, enc) == [2, 1] * 50
    assert calls == [100]
