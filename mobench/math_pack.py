"""The math track's shared pieces: objectives, preferences, prompt and splits; pack writers.

Both math packs (``math500@1`` with external data, ``math-synth@1`` built by
:mod:`mobench.math_synth`) score accuracy, conciseness and clarity (``mobench.objectives.math``)
under the three preference vectors of the dynamic-reward-weighting paper (arXiv:2509.11452):
accuracy-focused (0.5, 0.25, 0.25), balanced (1/3, 1/3, 1/3) and efficiency-focused
(0.25, 0.375, 0.375).

Rebuild the shipped packs with ``python -m mobench.math_pack [TASKS_DIR]``.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

from mobench.packs import ObjectiveSpec

ACCURACY_FOCUSED = (0.5, 0.25, 0.25)
BALANCED = (1 / 3, 1 / 3, 1 / 3)
EFFICIENCY_FOCUSED = (0.25, 0.375, 0.375)
MATH_PREFERENCES = (ACCURACY_FOCUSED, BALANCED, EFFICIENCY_FOCUSED)

#: The instruction appended to every problem (the common "boxed answer" prompt).
BOXED_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."

SPLIT_SEED = 42
SPLIT_FRACTIONS = (0.6, 0.2, 0.2)


def math_prompt(problem: str) -> str:
    """The prompt of a math item: the problem, a blank line, then :data:`BOXED_INSTRUCTION`."""
    return f"{problem.strip()}\n\n{BOXED_INSTRUCTION}"


def math_objectives(
    min_tokens: int, max_tokens: int, timeout_seconds: float = 5.0, min_markers: int = 2
) -> tuple[ObjectiveSpec, ...]:
    """accuracy / conciseness / clarity, all in [0, 1] and maximised, with the pack's params."""
    return (
        ObjectiveSpec(
            name="accuracy",
            scorer="math.accuracy@1",
            bounds=(0.0, 1.0),
            params={"timeout_seconds": float(timeout_seconds)},
        ),
        ObjectiveSpec(
            name="conciseness",
            scorer="math.conciseness@1",
            bounds=(0.0, 1.0),
            params={"min_tokens": min_tokens, "max_tokens": max_tokens, "encoding": "o200k_base"},
        ),
        ObjectiveSpec(
            name="clarity",
            scorer="math.clarity@1",
            bounds=(0.0, 1.0),
            params={"min_markers": min_markers},
        ),
    )


def assign_splits(
    ids: Sequence[str],
    seed: int = SPLIT_SEED,
    fractions: Sequence[float] = SPLIT_FRACTIONS,
) -> dict[str, str]:
    """Deterministic train / val / test assignment of ``ids``.

    Items are ordered by ``sha256(f"{seed}:{id}")`` (independent of input order, Python version
    and platform); the first ``round(fractions[0] * n)`` go to train, the next
    ``round(fractions[1] * n)`` to val, the rest to test. 500 items give 300 / 100 / 100.
    """
    if len(fractions) != 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(
            f"split fractions must be three non-negative numbers summing to 1, got {fractions}"
        )
    if len(set(ids)) != len(ids):
        raise ValueError("item ids must be unique to be split")
    order = sorted(ids, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())
    n_train = round(fractions[0] * len(order))
    n_val = round(fractions[1] * len(order))
    out = dict.fromkeys(order[:n_train], "train")
    out.update(dict.fromkeys(order[n_train : n_train + n_val], "val"))
    out.update(dict.fromkeys(order[n_train + n_val :], "test"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``math500/1`` and ``math-synth/1`` under TASKS_DIR (default: the source tree's)."""
    from mobench.loaders.math500 import write_math500_pack
    from mobench.math_synth import write_math_synth_pack

    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "tasks"
    for folder in (write_math500_pack(root), write_math_synth_pack(root)):
        print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
