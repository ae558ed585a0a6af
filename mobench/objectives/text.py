"""Shared text scorers: ``text.length@1`` and the collapse detector ``collapse@1``.

- ``text.length@1``: o200k_base tokens of the response (tiktoken, offline); the pack's bounds
  map it into [0, 1] (``direction: min`` when shorter is better).
- ``text.collapse@1`` (the metric ``collapse@1``): 1.0 when a response is collapsed, else 0.0;
  :func:`is_collapsed`, :func:`collapse_report` and :func:`collapse_rate` are the public API.

A response is **collapsed** (``collapse@1``) when any of these holds:

1. *empty*: it has no words (:func:`words`): only whitespace, punctuation or symbols;
2. *too short*: it has fewer than :func:`min_tokens_for` o200k_base tokens: :data:`MIN_TOKENS`
   when the prompt asks for more than a yes/no answer (:func:`asks_for_more_than_yes_no`),
   else 1;
3. *repetitive*: in its word sequence (:func:`words`), the positions covered by some
   :data:`REPEAT_N`-gram that occurs at least :data:`REPEAT_MIN_COUNT` times make up at least
   :data:`REPEAT_COVERAGE` of all positions (a passage looped three times or more);
4. *low diversity*: it has at least :data:`DISTINCT_MIN_WORDS` words and its distinct-
   :data:`DISTINCT_N` ratio (distinct n-grams / n-grams) is below :data:`MIN_DISTINCT`.

The thresholds are fixed: changing any of them defines ``collapse@2``. They were checked on
real text: none of the 500 MATH-500 reference solutions is collapsed; of the HH-RLHF test
``chosen`` responses, 8 of 2,354 (helpful-base) and 16 of 2,312 (harmless-base) are, nearly
all empty or one- or two-token answers ("Canada.", "No.") and one answer that repeats a
paragraph template three times.
docs/metrics.md documents the definition.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mobench.errors import PackFormatError
from mobench.objectives.base import Scorer, ScoreRequest, ScoringEnv, register_scorer, scorer_params
from mobench.tokens import count_tokens, get_encoding

# ---------------------------------------------------------------------------------------------
# Params


# ---------------------------------------------------------------------------------------------
# text.length@1


class LengthAt1:
    """``text.length@1``: the response's token count (``encoding``, default o200k_base).

    Params: ``encoding``; ``max_tokens`` (optional) caps the value, so that it stays inside
    the objective's bounds (normalisation clips to the bounds anyway).
    """

    id = "text.length"
    version = 1

    def __init__(self, params: Mapping[str, Any], env: ScoringEnv | None = None) -> None:
        p = scorer_params(
            "text.length@1", params, {"encoding": (str, "o200k_base"), "max_tokens": (int, None)}
        )
        self.encoding = get_encoding(p["encoding"])
        self.max_tokens: int | None = p["max_tokens"]
        if self.max_tokens is not None and self.max_tokens <= 0:
            raise PackFormatError("objective params for text.length@1: 'max_tokens' must be > 0")

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        counts = np.asarray(count_tokens([r.completion for r in batch], self.encoding), float)
        if self.max_tokens is not None:
            counts = np.minimum(counts, float(self.max_tokens))
        return counts


@register_scorer("text.length", 1)
def _make_length(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    return LengthAt1(params, env)


# ---------------------------------------------------------------------------------------------
# collapse@1: thresholds (fixed; changing one means collapse@2)

COLLAPSE_VERSION = 1
#: A response needs at least this many o200k_base tokens when the prompt asks for more than a
#: yes/no answer (:func:`asks_for_more_than_yes_no`); otherwise it needs one.
MIN_TOKENS = 5
#: Length of the word n-grams whose repetition is measured.
REPEAT_N = 8
#: An n-gram is a repeat when it occurs at least this many times.
REPEAT_MIN_COUNT = 3
#: Collapsed when repeated n-grams cover at least this share of the word positions.
REPEAT_COVERAGE = 0.5
#: The n of the distinct-n diversity ratio.
DISTINCT_N = 3
#: Collapsed when distinct-n is below this (for responses of at least DISTINCT_MIN_WORDS words).
MIN_DISTINCT = 0.3
#: Shorter responses are not judged on distinct-n (their ratios are noisy).
DISTINCT_MIN_WORDS = 32
#: Words are runs of word characters, cut into pieces of at most this many characters.
MAX_WORD_CHARS = 16
#: The encoding of the token count.
ENCODING = "o200k_base"

#: List markers at the start of a line (``1.``, ``2)``, ``-``, ``*``, ``•``) are not words: a
#: numbered list that repeats one line would otherwise escape the n-gram rule.
_LIST_MARKER = re.compile(r"(?m)^\s*(?:\d+[.)]|[-*•])\s+")
_WORD = re.compile(rf"\\[A-Za-z]+|\w{{1,{MAX_WORD_CHARS}}}")
_YES_NO_STARTERS = frozenset(
    [
        *("is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "will"),
        *("would", "should", "shall", "may", "might", "must", "has", "have", "had"),
        *("isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "can't"),
        *("couldn't", "won't", "wouldn't", "shouldn't", "hasn't", "haven't"),
    ]
)
# "Can you explain …?", "Would you tell me …?", "Do you know how …?" ask for more than yes/no.
_REQUEST_OPENERS = re.compile(
    r"^(?:can|could|would|will|won't|do|would\s+you\s+mind)\s+(?:you|u)\b", re.IGNORECASE
)
# A sentence that starts with one of these words asks for something.
_REQUEST_WORDS = (
    "please explain describe write tell give list show solve compute calculate find evaluate "
    "simplify determine prove summarize summarise translate suggest recommend name create make "
    "generate help express convert"
)
_REQUEST = re.compile(
    rf"(?:^|[.!?:]\s+|\n)\s*(?:{'|'.join(_REQUEST_WORDS.split())})\b", re.IGNORECASE
)
_QUESTION = re.compile(r"[^.?!\n]*\?")


def words(text: str) -> list[str]:
    """The word sequence repetition is measured on: lower-cased runs of word characters
    (``\\w``), each cut into pieces of at most :data:`MAX_WORD_CHARS` characters (so that
    ``aaaa…`` counts as many repeated words); TeX control words such as ``\\frac`` or
    ``\\left`` are left out (formula-heavy math would otherwise look repetitive), and so are
    list markers at the start of a line (``1.``, ``-``), so a numbered list repeating one line
    still reads as a loop."""
    text = _LIST_MARKER.sub(" ", text.lower())
    return [w for w in _WORD.findall(text) if not w.startswith("\\")]


def _ngrams(units: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(units[i : i + n]) for i in range(len(units) - n + 1)]


def repeat_coverage(
    units: Sequence[str], n: int = REPEAT_N, min_count: int = REPEAT_MIN_COUNT
) -> float:
    """Share of positions inside an occurrence of an n-gram that occurs ≥ ``min_count`` times.

    0.0 for sequences shorter than ``n``. Example: ``a b a b a b`` with n=2, min_count=3:
    ``(a, b)`` occurs 3 times (positions 0, 2, 4) and covers all 6 positions → 1.0.
    """
    if len(units) < n:
        return 0.0
    grams = _ngrams(units, n)
    counts = Counter(grams)
    covered = np.zeros(len(units), dtype=bool)
    for i, gram in enumerate(grams):
        if counts[gram] >= min_count:
            covered[i : i + n] = True
    return float(covered.mean())


def distinct_n(units: Sequence[str], n: int = DISTINCT_N) -> float:
    """Distinct n-grams over all n-grams (1.0 for sequences shorter than ``n``)."""
    grams = _ngrams(units, n)
    return len(set(grams)) / len(grams) if grams else 1.0


def _last_request(prompt: str) -> str:
    """The user's last turn: text after the last ``Human:`` (if any), without ``Assistant:``."""
    text = prompt
    if "Human:" in text:
        text = text.rsplit("Human:", 1)[1]
    text = re.sub(r"\s*Assistant:\s*$", "", text)
    return text.strip()


def is_yes_no_question(prompt: str) -> bool:
    """Whether the prompt's last question can be answered with yes or no.

    The last question of the user's last turn (dialogue prompts: the text after the last
    ``Human:``) must start with an auxiliary verb (is, are, do, does, can, should, …), and not
    be a polite request such as "Can you …", "Could you …", "Would you …", "Do you …".
    """
    questions = _QUESTION.findall(_last_request(prompt))
    if not questions:
        return False
    question = questions[-1].strip()
    first = question.split(maxsplit=1)[0].lower() if question.split() else ""
    return first in _YES_NO_STARTERS and not _REQUEST_OPENERS.match(question)


def asks_for_more_than_yes_no(prompt: str) -> bool:
    """Whether the prompt asks for an answer that needs more than a word or two.

    True when the user's last turn asks something (it has a ``?``, or a sentence starting with
    a request word: please, explain, write, solve, compute, find, …) and its last question is
    not a yes/no question. Statements, thanks and goodbyes ask for nothing.
    """
    turn = _last_request(prompt)
    if "?" not in turn and not _REQUEST.search(turn):
        return False
    return not is_yes_no_question(prompt)


def min_tokens_for(prompt: str) -> int:
    """The ``collapse@1`` length floor: MIN_TOKENS when the prompt asks for more than a
    yes/no (:func:`asks_for_more_than_yes_no`), else 1."""
    return MIN_TOKENS if asks_for_more_than_yes_no(prompt) else 1


@dataclass(frozen=True)
class CollapseReport:
    """The measurements behind one ``collapse@1`` verdict, and the rules that fired."""

    tokens: int
    min_tokens: int
    words: int
    repeat_coverage: float
    distinct: float
    reasons: tuple[str, ...]

    @property
    def collapsed(self) -> bool:
        return bool(self.reasons)


def collapse_report(prompt: str, response: str, tokens: int | None = None) -> CollapseReport:
    """Measure ``response`` (to ``prompt``) against the ``collapse@1`` rules.

    ``tokens`` may pass the response's o200k_base token count when it is already known.
    """
    units = words(response)
    n_tokens = tokens if tokens is not None else count_tokens([response], ENCODING)[0]
    min_tokens = min_tokens_for(prompt)
    coverage = repeat_coverage(units)
    distinct = distinct_n(units)
    reasons = []
    if not units:
        reasons.append("empty: no words")
    elif n_tokens < min_tokens:
        reasons.append(f"too short: {n_tokens} < {min_tokens} tokens")
    if coverage >= REPEAT_COVERAGE:
        reasons.append(
            f"repetitive: {REPEAT_N}-grams seen {REPEAT_MIN_COUNT}+ times cover "
            f"{coverage:.2f} >= {REPEAT_COVERAGE}"
        )
    if len(units) >= DISTINCT_MIN_WORDS and distinct < MIN_DISTINCT:
        reasons.append(f"low diversity: distinct-{DISTINCT_N} {distinct:.2f} < {MIN_DISTINCT}")
    return CollapseReport(n_tokens, min_tokens, len(units), coverage, distinct, tuple(reasons))


def is_collapsed(prompt: str, response: str) -> bool:
    """Whether ``response`` is collapsed under ``collapse@1`` (see the module docstring)."""
    return collapse_report(prompt, response).collapsed


def collapse_rate(prompts: Sequence[str], responses: Sequence[str]) -> float:
    """The share of responses that are collapsed (``collapse@1``); 0.0 for no responses."""
    if len(prompts) != len(responses):
        raise ValueError(f"{len(prompts)} prompts but {len(responses)} responses")
    if not responses:
        return 0.0
    counts = count_tokens(responses, ENCODING)
    flags = [
        collapse_report(p, r, n).collapsed
        for p, r, n in zip(prompts, responses, counts, strict=True)
    ]
    return float(np.mean(flags))


class CollapseAt1:
    """``text.collapse@1``: 1.0 for a collapsed response, 0.0 for a healthy one (no params).

    Declare it with ``direction: min`` (bounds [0, 1]) so that healthy responses score 1.
    """

    id = "text.collapse"
    version = COLLAPSE_VERSION

    def __init__(self, params: Mapping[str, Any], env: ScoringEnv | None = None) -> None:
        scorer_params("text.collapse@1", params, {})

    def score(self, batch: Sequence[ScoreRequest]) -> np.ndarray:
        counts = count_tokens([r.completion for r in batch], ENCODING)
        return np.array(
            [
                float(collapse_report(r.item.prompt, r.completion, n).collapsed)
                for r, n in zip(batch, counts, strict=True)
            ]
        )


@register_scorer("text.collapse", COLLAPSE_VERSION)
def _make_collapse(params: Mapping[str, Any], env: ScoringEnv) -> Scorer:
    return CollapseAt1(params, env)
