"""Scorers, one module per family; importing this package registers the built-in ones."""

from mobench.objectives.base import (
    Scorer,
    ScoreRequest,
    ScoringEnv,
    make_scorer,
    register_scorer,
    registered_scorers,
    score_objectives,
)

__all__ = [
    "ScoreRequest",
    "Scorer",
    "ScoringEnv",
    "make_scorer",
    "register_scorer",
    "registered_scorers",
    "score_objectives",
]
