"""math.accuracy@1, math.conciseness@1, math.clarity@1 and the running-length reward."""

from __future__ import annotations

import numpy as np
import pytest

from mobench.errors import PackFormatError
from mobench.math_answers import (
    VerifierPool,
    boxed_answers,
    equivalent_many,
    last_boxed,
    normalise_answer,
    string_match,
)
from mobench.objectives.base import ScoreRequest, ScoringEnv, make_scorer
from mobench.objectives.math import RunningLengthReward, conciseness, step_markers
from mobench.packs import Item, ObjectiveSpec
from mobench.tokens import count_tokens

ACCURACY = ObjectiveSpec("accuracy", "math.accuracy@1", params={"timeout_seconds": 5.0})


def _batch(reference: str, *completions: str) -> list[ScoreRequest]:
    item = Item("q", "Compute it. Put the final answer in \\boxed{}.", reference=reference)
    return [ScoreRequest(item, c) for c in completions]


# --- extraction ------------------------------------------------------------------------------


def test_boxed_extraction_handles_nesting_fbox_and_bare_form() -> None:
    text = r"a \boxed{\frac{1}{2}} b \fbox{3} c \boxed 5$ d \boxed{\boxed{7}} \boxed{open"
    assert boxed_answers(text) == [r"\frac{1}{2}", "3", "5", r"\boxed{7}"]
    assert last_boxed(text) == r"\boxed{7}"
    assert last_boxed(r"so $\boxed{\{1, 2\}}$.") == r"\{1, 2\}"  # escaped braces are literal
    assert last_boxed(r"first \boxed{1}, then \boxed{ 2 }") == " 2 "
    assert last_boxed(r"\boxed{}") == ""
    assert last_boxed("no box here") is None
    assert last_boxed(r"\boxedx{3}") is None  # another command
    assert last_boxed(r"\boxed{x^{2}") is None  # truncated


def test_normalise_answer() -> None:
    cases = {
        r"\left( 3, \frac{\pi}{2} \right)": r"(3,\frac{\pi}{2})",
        r"\dfrac{1}{2}": r"\frac{1}{2}",
        r"\frac12": r"\frac{1}{2}",
        r"\text{Evelyn}": "evelyn",
        r"90^\circ": "90",
        r"90^{\circ}": "90",
        r"10\%": "10",
        "$5$.": "5",
        "x = 5": "5",
        r"1{,}000": "1000",
        "1,000": "1000",
        "(1,2)": "(1,2)",
        ".5": "0.5",
        r"3\!\sqrt2": r"3\sqrt{2}",
    }
    for raw, want in cases.items():
        assert normalise_answer(raw) == want, raw
    assert string_match(r"\dfrac{1}{2}", r"\frac12")
    assert not string_match("", "")


# --- accuracy --------------------------------------------------------------------------------


def test_accuracy_equivalences_through_math_verify() -> None:
    scorer = make_scorer(ACCURACY, ScoringEnv())
    got = scorer.score(
        _batch(
            r"\frac{1}{2}",
            r"The answer is $\boxed{0.5}$.",
            r"So $\boxed{1/2}$",
            r"\boxed{\dfrac{1}{2}}",
            r"\boxed{\frac{2}{4}}",
            r"\boxed{0.6}",
            "The answer is 1/2.",  # no box
            r"\boxed{}",
            r"\boxed{0.5} on second thought \boxed{3}",  # the last box counts
            r"\fbox{0.5}",
        )
    )
    np.testing.assert_array_equal(got, [1, 1, 1, 1, 0, 0, 0, 0, 1])


def test_accuracy_string_fallback_and_text_answers() -> None:
    scorer = make_scorer(ACCURACY, ScoringEnv())
    np.testing.assert_array_equal(
        scorer.score(_batch(r"\text{(C)}", r"\boxed{\text{(C)}}", r"\boxed{(D)}")), [1, 0]
    )
    np.testing.assert_array_equal(scorer.score(_batch("", r"\boxed{1}")), [0])


def test_accuracy_params_are_checked() -> None:
    with pytest.raises(PackFormatError, match="timeout_seconds"):
        make_scorer(
            ObjectiveSpec("a", "math.accuracy@1", params={"timeout_seconds": 0}), ScoringEnv()
        )
    with pytest.raises(PackFormatError, match="unknown 'tau'"):
        make_scorer(ObjectiveSpec("a", "math.accuracy@1", params={"tau": 1}), ScoringEnv())


def test_a_comparison_past_its_deadline_counts_as_not_equivalent() -> None:
    pool = VerifierPool(1)
    try:
        # sympy would evaluate 9^(9^(9^9)) for minutes; the worker is killed after 1 s.
        got = pool.verify_many([("9^{9^{9^{9}}}", "10"), (r"\frac{1}{2}", "0.5")], timeout=1.0)
        assert got == [False, True]
        assert pool.stats.timed_out == 1 and pool.stats.compared == 2
        assert equivalent_many([(r"\frac{1}{2}", "0.5")], pool=pool) == [True]
    finally:
        pool.close()


# --- conciseness -----------------------------------------------------------------------------


def test_conciseness_bounds_by_hand() -> None:
    np.testing.assert_allclose(conciseness([0, 10, 15, 20, 99], 10, 20), [1, 1, 0.5, 0, 0])
    spec = ObjectiveSpec(
        "conciseness", "math.conciseness@1", params={"min_tokens": 2, "max_tokens": 6}
    )
    scorer = make_scorer(spec, ScoringEnv())
    texts = ["one two", "one two three four", "one two three four five six seven"]
    assert count_tokens(texts) == [2, 4, 7]
    np.testing.assert_allclose(scorer.score(_batch("1", *texts)), [1.0, 0.5, 0.0])


@pytest.mark.parametrize(
    "params", [{}, {"min_tokens": 10, "max_tokens": 10}, {"min_tokens": -1, "max_tokens": 5}]
)
def test_conciseness_needs_valid_bounds(params: dict[str, int]) -> None:
    with pytest.raises(PackFormatError, match="min_tokens"):
        make_scorer(ObjectiveSpec("c", "math.conciseness@1", params=params), ScoringEnv())


# --- clarity ---------------------------------------------------------------------------------


def test_step_markers() -> None:
    text = (
        "1. First, add.\n2) Then divide.\nThen x. Next y! Finally z.\n**Step 3:** go\n"
        "- a\n* b\n• c\na) x\n(b) y\n(4) z\n1.5 is a number\n**bold** is not a bullet\n"
        "then lower-case is not a marker. The First word mid-sentence is not either."
    )
    assert step_markers(text) == [
        "1.",
        "2)",
        "Then",
        "Next",
        "Finally",
        "Step 3",
        "-",
        "*",
        "•",
        "a)",
        "(b)",
        "(4)",
    ]
    assert step_markers("So First we go.") == []


@pytest.mark.parametrize(
    ("completion", "clear"),
    [
        ("1. Add 2 and 3.\n2. Get 5.\n\\boxed{5}", 1.0),
        ("First, add. Then, check. \\boxed{5}", 1.0),
        ("- add\n- check\nAnswer: \\boxed{5}", 1.0),
        ("Step 1: add. Step 2: done. \\boxed{5}", 1.0),
        ("1. Add 2 and 3.\n2. Get 5.\nThe answer is 5.", 0.0),  # no box
        ("1. Add 2 and 3.\n2. Get 5.\n\\boxed{ }", 0.0),  # empty box
        ("1. Add 2 and 3 to get \\boxed{5}.", 0.0),  # one marker
        ("Adding gives \\boxed{5}.", 0.0),
    ],
)
def test_clarity(completion: str, clear: float) -> None:
    scorer = make_scorer(ObjectiveSpec("clarity", "math.clarity@1"), ScoringEnv())
    assert scorer.score(_batch("5", completion))[0] == clear
    strict = make_scorer(
        ObjectiveSpec("clarity", "math.clarity@1", params={"min_markers": 3}), ScoringEnv()
    )
    assert strict.score(_batch("5", "1. a\n2. b\n\\boxed{5}"))[0] == 0.0


# --- running-length reward -------------------------------------------------------------------


def test_running_length_reward_by_hand() -> None:
    reward = RunningLengthReward()
    assert reward.mean is None
    np.testing.assert_array_equal(reward.score([5]), [0.0])
    reward.update([10, 20, 30])  # mean 20
    np.testing.assert_array_equal(reward.score([15, 20, 25]), [1.0, 0.0, 0.0])
    reward.update([40])  # mean (60 + 40) / 4 = 25
    assert reward.mean == 25.0
    np.testing.assert_array_equal(reward.score([24, 25]), [1.0, 0.0])


def test_running_length_reward_step_counts_tokens() -> None:
    reward = RunningLengthReward()
    # 2 and 4 tokens: mean 3 after the update; the 2-token response is shorter.
    np.testing.assert_array_equal(reward.step(["one two", "one two three four"]), [1.0, 0.0])
    assert reward.mean == 3.0 and reward.count == 2
