"""Math scorers of the dynamic-reward-weighting paper's setting: accuracy, conciseness, clarity.

The three objectives follow Lu et al., "Learning to Optimize Multi-Objective Alignment Through
Dynamic Reward Weighting" (arXiv:2509.11452), which trains on Math500 for accuracy, conciseness
and clarity. Evaluation here uses fixed, documented definitions (params come from the pack):

- ``math.accuracy@1``: 1.0 when the response's last ``\\boxed{…}`` (or ``\\fbox{…}``) answer is
  equivalent to the item's reference answer, else 0.0. Equivalence: a normalised string match,
  else ``math_verify`` (parse + verify) in worker processes with a per-comparison time bound
  (:mod:`mobench.math_answers`). Params: ``timeout_seconds`` (default 5.0); a comparison that
  runs past it counts as not equivalent.
- ``math.conciseness@1``: ``clip((max_tokens - n) / (max_tokens - min_tokens), 0, 1)`` with n
  the response's o200k_base tokens: 1 at or below ``min_tokens``, 0 at or above ``max_tokens``,
  linear in between (shorter is better). Params: ``min_tokens``, ``max_tokens`` (required),
  ``encoding``.
- ``math.clarity@1``: 1.0 when the response has a non-empty boxed answer AND at least
  ``min_markers`` (default 2) step markers (:func:`step_markers`), else 0.0.

Training-time methods can use the paper's own conciseness signal, a reward for being shorter
than the running average length: :class:`RunningLengthReward`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mobench.errors import PackFormatError
from mobench.math_answers import (
    DEFAULT_TIMEOUT_SECONDS,
    boxed_answers,
    equivalent_many,
    last_boxed,
    normalise_answer,
)
from mobench.objectives.base import Scorer, ScoreRequest, ScoringEnv, register_scorer, scorer_params
from mobench.tokens import count_tokens, get_encoding

__all__ = [
    "AccuracyAt1",
    "ClarityAt1",
    "ConcisenessAt1",
    "RunningLengthReward",
    "boxed_answers",
    "conciseness",
    "last_boxed",
    "normalise_answer",
    "step_markers",
]

# ---------------------------------------------------------------------------------------------
# math.accuracy@1


class AccuracyAt1:
    """``math.accuracy@1``: the last boxed answer against ``item.reference`` (1.0 or 0.0).

    No boxed answer, an empty one, or an item without a reference scores 0.
    """

    id = "math.accuracy"
    version = 1

    def __init__(self, params: Mapping[str, Any], env: ScoringEnv | None = None) -> None:
        p = scorer_params(
            "math.accuracy@1", params, {"timeout_seconds": (float, DEFAULT_TIMEOUT_SECONDS)}
        )
        if p["timeout_seconds"] <= 0:
            raise PackFormatError("objective params for math.accuracy@1: 'timeout_seconds' > 0")
        self.timeout = float(p["timeout_seconds"])

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        pairs = [(r.item.reference, last_boxed(r.completion) or "") for r in batch]
        return np.array(equivalent_many(pairs, self.timeout), dtype=float)


@register_scorer("math.accuracy", 1)
def _make_accuracy(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    return AccuracyAt1(params, env)


# ---------------------------------------------------------------------------------------------
# math.conciseness@1


def conciseness(tokens: np.ndarray | Sequence[int], min_tokens: int, max_tokens: int) -> np.ndarray:
    """``clip((max_tokens - n) / (max_tokens - min_tokens), 0, 1)`` for token counts ``n``."""
    n = np.asarray(tokens, dtype=float)
    return np.clip((max_tokens - n) / (max_tokens - min_tokens), 0.0, 1.0)


class ConcisenessAt1:
    """``math.conciseness@1``: response tokens mapped linearly onto [0, 1], shorter is better."""

    id = "math.conciseness"
    version = 1

    def __init__(self, params: Mapping[str, Any], env: ScoringEnv | None = None) -> None:
        p = scorer_params(
            "math.conciseness@1",
            params,
            {"min_tokens": (int, None), "max_tokens": (int, None), "encoding": (str, "o200k_base")},
        )
        lo, hi = p["min_tokens"], p["max_tokens"]
        if lo is None or hi is None or not 0 <= lo < hi:
            raise PackFormatError(
                "objective params for math.conciseness@1: need 'min_tokens' and 'max_tokens' "
                f"with 0 <= min_tokens < max_tokens, got {lo!r} and {hi!r}"
            )
        self.min_tokens, self.max_tokens = int(lo), int(hi)
        self.encoding = get_encoding(p["encoding"])

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        tokens = count_tokens([r.completion for r in batch], self.encoding)
        return conciseness(tokens, self.min_tokens, self.max_tokens)


@register_scorer("math.conciseness", 1)
def _make_conciseness(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    return ConcisenessAt1(params, env)


# ---------------------------------------------------------------------------------------------
# math.clarity@1

# An enumerator or bullet opening a line (after indentation, a quote or heading mark, and an
# optional bold/italic opener): "1.", "2)", "(3)", "a)", "(b)", "-", "*", "•".
_LINE_MARKER = re.compile(
    r"^[ \t]*(?:[>#]+[ \t]*)?(?:\*\*|__)?"
    r"(?P<marker>\d{1,2}[.)]|\(\d{1,2}\)|[A-Za-z]\)|\([A-Za-z]\)|[-*•])"
    r"(?=[ \t])"
)
_ORDINALS = (
    "First",
    "Firstly",
    "Second",
    "Secondly",
    "Third",
    "Thirdly",
    "Fourth",
    "Fifth",
    "Next",
    "Then",
    "Finally",
    "Lastly",
)
# A capitalised ordinal word, or "Step N", opening a sentence (line start, or after . ! ?).
_SENTENCE_MARKER = re.compile(
    r"(?:^|(?<=[.!?])[ \t]+)[ \t]*(?:\*\*|__)?"
    rf"(?P<marker>(?:{'|'.join(_ORDINALS)})\b|Step[ \t]+\d+\b)"
)


def step_markers(text: str) -> list[str]:
    """The step markers of ``text``, in order.

    Markers are (1) an enumerator or bullet opening a line: numbered ``1.`` ``2)`` ``(3)``,
    lettered ``a)`` ``(b)``, or a bullet ``-`` ``*`` ``•``, each followed by a space or tab;
    (2) a capitalised ordinal word (First, Firstly, Second, Secondly, Third, Thirdly, Fourth,
    Fifth, Next, Then, Finally, Lastly) or ``Step N`` opening a sentence: at the start of a line
    or after ``.``, ``!`` or ``?`` and a space. Markdown bold (``**``) may precede either.
    A line's enumerator and an ordinal word right after it count once ("1. First, …").
    """
    found: list[str] = []
    for line in text.splitlines():
        opener = _LINE_MARKER.match(line)
        rest = line
        if opener is not None:
            found.append(opener["marker"])
            rest = line[opener.end() :]
        for match in _SENTENCE_MARKER.finditer(rest):
            if opener is not None and not rest[: match.start("marker")].strip(" \t*_"):
                continue  # "1. First, …": the enumerator already counted this step
            found.append(match["marker"])
    return found


class ClarityAt1:
    """``math.clarity@1``: 1.0 for a non-empty boxed answer and ≥ ``min_markers`` step markers."""

    id = "math.clarity"
    version = 1

    def __init__(self, params: Mapping[str, Any], env: ScoringEnv | None = None) -> None:
        p = scorer_params("math.clarity@1", params, {"min_markers": (int, 2)})
        if p["min_markers"] < 1:
            raise PackFormatError("objective params for math.clarity@1: 'min_markers' >= 1")
        self.min_markers = int(p["min_markers"])

    def clear(self, text: str) -> bool:
        answer = last_boxed(text)
        return bool(answer and answer.strip()) and len(step_markers(text)) >= self.min_markers

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        return np.array([float(self.clear(r.completion)) for r in batch])


@register_scorer("math.clarity", 1)
def _make_clarity(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    return ClarityAt1(params, env)


# ---------------------------------------------------------------------------------------------
# The paper's training-time conciseness reward


class RunningLengthReward:
    """The training-time conciseness reward of Lu et al., "Learning to Optimize Multi-Objective
    Alignment Through Dynamic Reward Weighting" (arXiv:2509.11452): a response earns 1 when it
    is shorter than the running average length of the responses generated so far, else 0.

    The running average is the mean token count (o200k_base by default) of every response
    passed to :meth:`update`. :meth:`step` is the usual training-loop call: it folds the new
    batch into the average first and then rewards each response of the batch against it (so
    the first batch is compared with its own mean). A response exactly as long as the average
    earns 0. :meth:`score` rewards without updating; before any update it returns 0s.
    """

    def __init__(self, encoding: str = "o200k_base") -> None:
        self.encoding = get_encoding(encoding)
        self.count = 0
        self.total = 0.0

    @property
    def mean(self) -> float | None:
        """The running average length, or None before the first update."""
        return self.total / self.count if self.count else None

    def lengths(self, responses: Sequence[str]) -> np.ndarray:
        return np.asarray(count_tokens(responses, self.encoding), dtype=float)

    def update(self, lengths: Sequence[float] | np.ndarray) -> None:
        """Fold token counts into the running average."""
        values = np.asarray(lengths, dtype=float)
        self.count += int(values.size)
        self.total += float(values.sum())

    def score(self, lengths: Sequence[float] | np.ndarray) -> np.ndarray:
        """1.0 where a length is below the running average, else 0.0 (no update)."""
        values = np.asarray(lengths, dtype=float)
        mean = self.mean
        if mean is None:
            return np.zeros_like(values)
        return (values < mean).astype(float)

    def step(self, responses: Sequence[str]) -> np.ndarray:
        """Update the average with ``responses``, then reward each one against it."""
        lengths = self.lengths(responses)
        self.update(lengths)
        return self.score(lengths)
