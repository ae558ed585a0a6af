"""Local Reward Functions (LRF) on code embeddings: the baseline and the Pareto variant.

What the paper specifies, and where it lives here:

* **Model.** An MLP maps the embedding φ(x, y) ∈ R^d of prompt x and completion y (d = 768) to
  a reward vector r̂ ∈ R^3 (pass, cost, quality): d → 512 (ReLU, dropout 0.1) → 256 (ReLU) → 3
  (:class:`LocalRewardModel`).
* **Weights.** A learnable vector u gives objective weights w = softmax(u), and the score is the
  scalar ŝ = w · r̂ (:meth:`LocalRewardModel.forward`).
* **Loss.** For a labelled pair (a preferred to b) the logistic ranking loss is
  −log σ(ŝ_a − ŝ_b) (:func:`ranking_loss`), averaged over a mini-batch.
* **Labels.** Pairs are candidates of the same task. The label comes from the true scalarised
  score S = λ · R with the fixed scalarisation λ = (0.5, 0.25, 0.25)
  (``TrainContext.scalarisation``); pairs with S_a = S_b carry no label and are dropped
  (:func:`candidate_pairs`).
* **Baseline LRF** trains on *all* labelled pairs. **Pareto LRF** trains *only* on pairs where
  one candidate Pareto-dominates the other, the dominant one preferred, so the trade-off pairs —
  whose scalarised label contradicts one of the objectives — never enter training. Both report
  ``tradeoff_pair_fraction``, the fraction of labelled training-task pairs that are trade-off
  pairs (and ``pool_tradeoff_fraction``, the same over all within-task pairs, ties included,
  as :func:`mobench.metrics.tradeoff_fraction` counts it).
* **Training.** AdamW, learning rate 1e-4, batch 16, 20 epochs, weight decay 0.01; the model
  with the best validation ranking loss (pairs built the same way from the validation tasks)
  is kept.
* **Inference.** For each test item, the candidate with the largest ŝ (ties: the first).

Training runs on the CPU under ``torch.manual_seed(seed)`` with deterministic algorithms, inside
a forked RNG state (the caller's global torch RNG is left untouched), so the same seed gives the
same model and the same picks.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np
import torch
from torch import nn

from mobench.embeddings import Embedder, make_embedder, pair_text
from mobench.errors import MethodError
from mobench.methods import (
    RespondContext,
    ScoredPool,
    Selector,
    TrainContext,
    TrainReport,
)
from mobench.metrics import dominates, is_tradeoff
from mobench.metrics import tradeoff_fraction as pool_tradeoff_fraction
from mobench.packs import Item

PAPER_SCALARISATION = (0.5, 0.25, 0.25)
TIE_TOLERANCE = 1e-12  # |S_a - S_b| at or below this counts as S_a = S_b (float round-off)


# ---------------------------------------------------------------------------------------------
# Pairs


class LabelledPair(NamedTuple):
    """Two candidates of one task, ``preferred`` having the larger S = λ·R."""

    preferred: int
    rejected: int
    dominant: bool  # the preferred candidate Pareto-dominates the rejected one
    tradeoff: bool  # each candidate is strictly better on some objective


def candidate_pairs(objectives: np.ndarray, scalarisation: Sequence[float]) -> list[LabelledPair]:
    """All labelled pairs among one task's candidates (rows of ``objectives``).

    Each unordered pair {i, j}, i < j, is labelled by S = λ·R: the candidate with the larger S
    is preferred; pairs with equal S are dropped. With λ ≥ 0, a candidate that dominates the
    other always has the larger (or an equal) S, so for dominant pairs the S-label and the
    dominance orientation agree.
    """
    values = np.asarray(objectives, dtype=float)
    scores = values @ np.asarray(scalarisation, dtype=float)
    pairs = []
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            if abs(scores[i] - scores[j]) <= TIE_TOLERANCE:
                continue
            a, b = (i, j) if scores[i] > scores[j] else (j, i)
            pairs.append(
                LabelledPair(
                    a, b, dominates(values[a], values[b]), is_tradeoff(values[a], values[b])
                )
            )
    return pairs


def training_pairs(pairs: Sequence[LabelledPair], *, pareto_only: bool) -> list[LabelledPair]:
    """The pairs a variant trains on: all of them (baseline) or the dominant ones (Pareto)."""
    return [p for p in pairs if p.dominant] if pareto_only else list(pairs)


def tradeoff_fraction(pairs: Sequence[LabelledPair]) -> float:
    """Share of labelled pairs that are trade-off pairs (0.0 when there are none)."""
    return sum(p.tradeoff for p in pairs) / len(pairs) if pairs else 0.0


@dataclass(frozen=True)
class PairData:
    """Candidate texts of some tasks, their labelled pairs, and the pairs used for training."""

    texts: tuple[str, ...]
    labelled: tuple[tuple[int, int, bool, bool], ...]  # global (preferred, rejected, dom, trade)
    used: tuple[tuple[int, int], ...]  # global (preferred, rejected) pairs to train on

    @property
    def tradeoff_fraction(self) -> float:
        return sum(p[3] for p in self.labelled) / len(self.labelled) if self.labelled else 0.0


def build_pairs(
    items: Sequence[Item],
    pool: ScoredPool,
    scalarisation: Sequence[float],
    *,
    pareto_only: bool,
) -> PairData:
    """Within-task pairs over ``items``, indexing one flat list of φ(x, y) texts."""
    m = len(scalarisation)
    texts: list[str] = []
    labelled: list[tuple[int, int, bool, bool]] = []
    used: list[tuple[int, int]] = []
    for item in items:
        candidates = pool.candidates.get(item.id, ())
        if not candidates:
            continue
        objectives = np.asarray(pool.objectives[item.id], dtype=float)
        if objectives.shape != (len(candidates), m):
            raise MethodError(
                f"item {item.id!r}: {len(candidates)} candidates and a {m}-objective "
                f"scalarisation, but objectives of shape {objectives.shape}"
            )
        if not np.all(np.isfinite(objectives)):
            raise MethodError(f"item {item.id!r}: objective vectors contain NaN or inf")
        offset = len(texts)
        texts.extend(pair_text(item.prompt, c.completion) for c in candidates)
        pairs = candidate_pairs(objectives, scalarisation)
        labelled.extend((offset + p[0], offset + p[1], p[2], p[3]) for p in pairs)
        used.extend(
            (offset + p.preferred, offset + p.rejected)
            for p in training_pairs(pairs, pareto_only=pareto_only)
        )
    return PairData(tuple(texts), tuple(labelled), tuple(used))


# ---------------------------------------------------------------------------------------------
# Model and loss


class LocalRewardModel(nn.Module):
    """r̂ = MLP(φ) ∈ R^m, w = softmax(u), ŝ = w · r̂.

    Hidden layers use ReLU; dropout follows the first hidden layer (the paper's
    d → 512 (ReLU, dropout 0.1) → 256 (ReLU) → 3). u starts at 0, i.e. equal weights.
    """

    def __init__(self, dim: int, hidden: Sequence[int], n_objectives: int, dropout: float) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = dim
        for index, size in enumerate(hidden):
            layers += [nn.Linear(width, size), nn.ReLU()]
            if index == 0 and dropout > 0.0:
                layers.append(nn.Dropout(dropout))
            width = size
        layers.append(nn.Linear(width, n_objectives))
        self.mlp = nn.Sequential(*layers)
        self.u = nn.Parameter(torch.zeros(n_objectives))

    def weights(self) -> torch.Tensor:
        """w = softmax(u)."""
        return torch.softmax(self.u, dim=0)

    def rewards(self, x: torch.Tensor) -> torch.Tensor:
        """r̂ for each row of x."""
        return self.mlp(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """ŝ = w · r̂ for each row of x."""
        return self.rewards(x) @ self.weights()


def ranking_loss(s_preferred: torch.Tensor, s_rejected: torch.Tensor) -> torch.Tensor:
    """Mean of −log σ(ŝ_a − ŝ_b), computed stably as softplus(−(ŝ_a − ŝ_b))."""
    return nn.functional.softplus(s_rejected - s_preferred).mean()


@contextmanager
def seeded_deterministic(seed: int) -> Iterator[None]:
    """Fork torch's CPU RNG, seed it, enable deterministic algorithms, use one CPU thread.

    One thread makes the floating-point reduction order independent of the host's core count
    (and is the fastest choice for a model this small); everything is restored on exit.
    """
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    threads = torch.get_num_threads()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(threads)
            torch.use_deterministic_algorithms(was_deterministic, warn_only=warn_only)


def _pair_loss(model: LocalRewardModel, x: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
    scores = model(x)
    return ranking_loss(scores[pairs[:, 0]], scores[pairs[:, 1]])


# ---------------------------------------------------------------------------------------------
# The adapters


@dataclass(frozen=True)
class LRFParams:
    """Hyper-parameters, defaulting to the LRF paper's values."""

    embedding: str = "hashed"  # mobench.embeddings spec: hashed (d = 768), minilm, hf:<model>
    hidden: tuple[int, ...] = (512, 256)
    dropout: float = 0.1
    lr: float = 1e-4
    batch_size: int = 16
    epochs: int = 20
    weight_decay: float = 0.01


class _LRFSelector(Selector):
    """The shared LRF implementation; subclasses choose which pairs it trains on."""

    pareto_only: ClassVar[bool]
    Params: ClassVar[type[LRFParams]] = LRFParams

    def __init__(self, params: LRFParams | None = None) -> None:
        self.params = params if params is not None else LRFParams()
        if self.params.epochs < 1 or self.params.batch_size < 1:
            raise MethodError(f"{self.name}: epochs and batch_size must be at least 1")
        if not self.params.hidden or min(self.params.hidden) < 1:
            raise MethodError(f"{self.name}: hidden must list positive layer widths")
        self.model: LocalRewardModel | None = None
        self.embedder: Embedder | None = None

    def _embed(self, texts: Sequence[str]) -> torch.Tensor:
        assert self.embedder is not None
        matrix = np.asarray(self.embedder.embed(texts), dtype=np.float32)
        if matrix.shape != (len(texts), self.embedder.dim) or not np.all(np.isfinite(matrix)):
            raise MethodError(
                f"{self.name}: embedder {self.embedder.name!r} returned a bad matrix "
                f"(shape {matrix.shape}, expected {(len(texts), self.embedder.dim)}, or NaN)"
            )
        return torch.from_numpy(matrix)

    def train(self, ctx: TrainContext) -> TrainReport:
        scalarisation = tuple(ctx.scalarisation) or PAPER_SCALARISATION
        if any(v < 0 or not math.isfinite(v) for v in scalarisation):
            raise MethodError(
                f"{self.name}: scalarisation must be non-negative, got {scalarisation}"
            )
        train = build_pairs(ctx.train, ctx.pool, scalarisation, pareto_only=self.pareto_only)
        val = build_pairs(ctx.val, ctx.pool, scalarisation, pareto_only=self.pareto_only)
        if not train.used:
            which = "Pareto-dominant pairs" if self.pareto_only else "pairs with S_a != S_b"
            raise MethodError(
                f"{self.name}: no training pairs: the {len(ctx.train)} training items have no "
                f"within-task candidate {which} under scalarisation {scalarisation} "
                f"({len(train.labelled)} labelled pairs in all)"
            )
        p = self.params
        self.embedder = make_embedder(p.embedding)
        x_train = self._embed(train.texts)
        x_val = self._embed(val.texts) if val.used else None
        pairs = torch.tensor(train.used, dtype=torch.long)
        val_pairs = torch.tensor(val.used, dtype=torch.long) if val.used else None

        with seeded_deterministic(ctx.seed):
            model = LocalRewardModel(self.embedder.dim, p.hidden, len(scalarisation), p.dropout)
            optimiser = torch.optim.AdamW(model.parameters(), lr=p.lr, weight_decay=p.weight_decay)
            order = torch.Generator().manual_seed(ctx.seed)
            best_state: dict[str, torch.Tensor] | None = None
            best_val: float | None = None
            best_epoch = p.epochs
            train_loss = math.nan
            for epoch in range(1, p.epochs + 1):
                model.train()
                total = 0.0
                for batch in torch.randperm(len(pairs), generator=order).split(p.batch_size):
                    chosen = pairs[batch]
                    # one forward pass over [preferred; rejected] (dropout per row)
                    scores = model(x_train[torch.cat([chosen[:, 0], chosen[:, 1]])])
                    loss = ranking_loss(scores[: len(batch)], scores[len(batch) :])
                    optimiser.zero_grad()
                    loss.backward()
                    optimiser.step()
                    total += float(loss.detach()) * len(batch)
                train_loss = total / len(pairs)
                if not math.isfinite(train_loss):
                    raise MethodError(
                        f"{self.name}: training loss became {train_loss} at epoch {epoch}"
                    )
                if x_val is not None and val_pairs is not None:
                    model.eval()
                    with torch.no_grad():
                        val_loss = float(_pair_loss(model, x_val, val_pairs))
                    if best_val is None or val_loss < best_val:
                        best_val, best_epoch = val_loss, epoch
                        best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            if best_state is not None:
                model.load_state_dict(best_state)
            model.eval()
        self.model = model
        metrics: dict[str, Any] = {
            "training_pairs": len(train.used),
            "labelled_pairs": len(train.labelled),
            "tradeoff_pair_fraction": train.tradeoff_fraction,
            # the harness's definition: over all within-task pairs, ties included
            "pool_tradeoff_fraction": pool_tradeoff_fraction(
                [ctx.pool.objectives[i.id] for i in ctx.train if i.id in ctx.pool.objectives]
            ),
            "validation_pairs": len(val.used),
            "learned_weights": [float(v) for v in model.weights().detach()],
            "val_loss": best_val,
            "train_loss": train_loss,
            "epochs": p.epochs,
            "best_epoch": best_epoch,
            "embedding": self.embedder.name,
            "embedding_dim": self.embedder.dim,
        }
        return TrainReport(metrics)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """ŝ for φ texts under the trained model (eval mode, no dropout)."""
        if self.model is None:
            raise MethodError(f"{self.name}: respond() called before train()")
        x = self._embed(texts)
        with torch.no_grad():
            return self.model.eval()(x).double().numpy()

    def candidate_scores(self, ctx: RespondContext) -> dict[str, np.ndarray]:
        """ŝ = w·r̂(φ(x, y)) for every candidate, embedded in one batch."""
        if self.model is None:
            raise MethodError(f"{self.name}: respond() called before train()")
        texts = [
            pair_text(item.prompt, c.completion)
            for item in ctx.items
            for c in ctx.candidates[item.id]
        ]
        values = self.scores(texts) if texts else np.zeros(0)
        scores, start = {}, 0
        for item in ctx.items:
            stop = start + len(ctx.candidates[item.id])
            scores[item.id] = values[start:stop]
            start = stop
        return scores


class LRFBaseline(_LRFSelector):
    """Baseline LRF: ranking loss on **all** within-task pairs labelled by S = λ·R."""

    name: ClassVar[str] = "lrf-baseline"
    summary: ClassVar[str] = (
        "LRF: MLP on code embeddings, softmax-weighted reward, ranking loss on all λ-labelled pairs"
    )
    pareto_only: ClassVar[bool] = False


class LRFPareto(_LRFSelector):
    """Pareto LRF: ranking loss **only** on Pareto-dominant pairs (dominant one preferred)."""

    name: ClassVar[str] = "lrf-pareto"
    summary: ClassVar[str] = (
        "LRF trained only on Pareto-dominant pairs; reports the trade-off-pair fraction"
    )
    pareto_only: ClassVar[bool] = True
