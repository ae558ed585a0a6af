"""feature-ridge: a mobench method adapter in its own package (docs/writing-an-adapter.md).

Ridge regression W = (XᵀX + αI)⁻¹ XᵀY from text features φ(y) to objective vectors on the
training pool; a test candidate scores w · φ(y)W (w: the preference, summing to 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from mobench.errors import MethodError
from mobench.methods import RespondContext, Selector, TrainContext, TrainReport


def features(text: str) -> np.ndarray:
    """φ(y): bias, log length, lines / 10, code fence, docstring, comment lines / 10."""
    lines = text.splitlines()
    comments = sum(line.strip().startswith("#") for line in lines)
    fence, doc = float("```" in text), float('"""' in text)
    return np.array([1.0, np.log1p(len(text)), len(lines) / 10, fence, doc, comments / 10])


class FeatureRidge(Selector):
    """Ridge regression from text features to objectives; answers with the best w·r̂."""

    name: ClassVar[str] = "feature-ridge"
    summary: ClassVar[str] = "ridge regression from text features to objectives (example)"

    @dataclass(frozen=True)
    class Params:
        alpha: float = 1.0  # the ridge penalty α

    def train(self, ctx: TrainContext) -> TrainReport:
        if self.params.alpha <= 0:
            raise MethodError(f"{self.name}: alpha must be > 0, got {self.params.alpha}")
        texts, targets = [], []
        for item in ctx.train:
            texts += [c.completion for c in ctx.pool.candidates.get(item.id, ())]
            targets += list(ctx.pool.objectives.get(item.id, ()))
        if not texts:
            raise MethodError(f"{self.name}: the training items have no candidates to fit")
        x, y = np.stack([features(t) for t in texts]), np.asarray(targets, dtype=float)
        if not np.all(np.isfinite(y)):
            raise MethodError(f"{self.name}: training objectives contain NaN or inf")
        gram = x.T @ x + self.params.alpha * np.eye(x.shape[1])
        self.weights = np.linalg.solve(gram, x.T @ y)
        mse = float(np.mean((x @ self.weights - y) ** 2))
        return TrainReport({"training_rows": len(texts), "fit_mse": mse})

    def candidate_scores(self, ctx: RespondContext) -> dict[str, np.ndarray]:
        w = np.asarray(ctx.preference, dtype=float) / sum(ctx.preference)
        projection = self.weights @ w  # φ(y) · projection = w · r̂(y)
        return {
            i.id: np.array([features(c.completion) @ projection for c in ctx.candidates[i.id]])
            for i in ctx.items
        }
