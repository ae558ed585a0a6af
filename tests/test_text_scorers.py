"""text.length@1 and collapse@1: hand-computed cases, clear collapsed and healthy texts."""

from __future__ import annotations

import numpy as np
import pytest

from mobench.errors import PackFormatError
from mobench.objectives import text
from mobench.objectives.base import ScoreRequest, ScoringEnv, make_scorer
from mobench.objectives.text import (
    asks_for_more_than_yes_no,
    collapse_rate,
    collapse_report,
    distinct_n,
    is_collapsed,
    is_yes_no_question,
    repeat_coverage,
    words,
)
from mobench.packs import Item, ObjectiveSpec
from mobench.tokens import count_tokens

OPEN = "Explain how photosynthesis works."
YES_NO = "Is the sky blue?"

HEALTHY_MATH = (
    "We need $3x + 5 = 20$.\n\n1. Subtract 5 from both sides: $3x = 15$.\n"
    "2. Divide both sides by 3: $x = \\frac{15}{3} = 5$.\n\nSo the answer is $\\boxed{5}$."
)
HEALTHY_CHAT = (
    "Photosynthesis is how plants turn light into chemical energy. Chlorophyll in the leaves "
    "absorbs sunlight, which powers reactions that split water and release oxygen. The energy "
    "captured is then used to fix carbon dioxide from the air into sugars such as glucose, "
    "which the plant uses to grow."
)


def _req(prompt: str, completion: str) -> ScoreRequest:
    return ScoreRequest(Item("q", prompt), completion)


def test_words_lowercase_cut_long_runs_and_skip_tex_commands() -> None:
    assert words("The \\frac{1}{2} of X!") == ["the", "1", "2", "of", "x"]
    assert words("a" * 40) == ["a" * 16, "a" * 16, "a" * 8]
    assert words("!!! ... ???") == []


def test_repeat_coverage_by_hand() -> None:
    assert repeat_coverage(list("ababab"), n=2, min_count=3) == 1.0  # (a, b) at 0, 2, 4
    assert repeat_coverage(list("ababab"), n=2, min_count=4) == 0.0
    # (a, b) at 0 and 4 only: seen twice, not three times.
    assert repeat_coverage(list("abxyabz"), n=2, min_count=2) == pytest.approx(4 / 7)
    assert repeat_coverage(list("abc"), n=8) == 0.0


def test_distinct_n_by_hand() -> None:
    assert distinct_n(list("abab"), 2) == pytest.approx(2 / 3)  # ab, ba, ab
    assert distinct_n(list("abcd"), 3) == 1.0
    assert distinct_n(["a"], 3) == 1.0


def test_prompt_kinds() -> None:
    assert is_yes_no_question(YES_NO)
    assert is_yes_no_question("Tell me about it. Should I bring an umbrella?")
    assert not is_yes_no_question("Can you explain how vaccines work?")
    assert not is_yes_no_question("What is the capital of France?")
    assert not is_yes_no_question(OPEN)
    assert asks_for_more_than_yes_no(OPEN)
    assert asks_for_more_than_yes_no("Can you explain how vaccines work?")
    assert asks_for_more_than_yes_no("Compute $3 + 4$.")
    assert not asks_for_more_than_yes_no(YES_NO)
    assert not asks_for_more_than_yes_no("\n\nHuman: Thanks a lot!\n\nAssistant:")
    dialogue = "\n\nHuman: Is it raining?\n\nAssistant: Yes.\n\nHuman: Why is that?\n\nAssistant:"
    assert asks_for_more_than_yes_no(dialogue)


def test_too_short_boundary() -> None:
    assert count_tokens(["one two three four five", "one two three four"]) == [5, 4]
    assert text.MIN_TOKENS == 5
    assert not is_collapsed(OPEN, "one two three four five")  # 5 tokens: at the floor
    report = collapse_report(OPEN, "one two three four")  # 4 tokens < 5
    assert report.collapsed and report.reasons == ("too short: 4 < 5 tokens",)
    assert not is_collapsed(YES_NO, "Yes")  # a yes/no question may be answered in a word
    assert not is_collapsed("Thanks, that was useful.", "Welcome")
    assert is_collapsed(YES_NO, "")
    assert is_collapsed(YES_NO, "  ...  !!! ")  # no words at all


def test_repetition_boundary_at_half_coverage() -> None:
    block = " ".join(f"w{i}" for i in range(8))  # 8 distinct words, repeated 3 times
    fillers = [f"f{i}" for i in range(25)]
    # 24 repeated + 24 filler words: the 8-gram of the block occurs 3 times (0, 8, 16) and
    # covers 24 of 48 positions = 0.5 → collapsed; one more filler: 24/49 < 0.5 → healthy.
    at_half = " ".join([block] * 3 + fillers[:24])
    below = " ".join([block] * 3 + fillers)
    report = collapse_report(OPEN, at_half)
    assert report.words == 48 and report.repeat_coverage == 0.5
    assert report.collapsed and report.reasons[0].startswith("repetitive")
    report = collapse_report(OPEN, below)
    assert report.words == 49 and report.repeat_coverage == pytest.approx(24 / 49)
    assert not report.collapsed
    # Seen twice only (not three times): no repeat coverage at all.
    assert collapse_report(OPEN, " ".join([block] * 2)).repeat_coverage == 0.0


def test_low_diversity_boundary() -> None:
    seq = "a b " * 16  # 32 words; trigrams alternate (a,b,a), (b,a,b): 2 distinct of 30
    report = collapse_report(OPEN, seq)
    assert report.words == 32 and report.distinct == pytest.approx(2 / 30)
    assert any(r.startswith("low diversity") for r in report.reasons)
    short = collapse_report(OPEN, "a b " * 15)  # 30 words: below DISTINCT_MIN_WORDS
    assert not any(r.startswith("low diversity") for r in short.reasons)


@pytest.mark.parametrize(
    "response",
    [
        "",
        "I",
        "I'm sorry. " * 20,
        "the " * 50,
        "a" * 300,
        "The answer is 5. " * 6,
        "Let me think. Let me think about this. Let me think about this carefully. " * 5,
        "!!!!!!!!!!!!!!!!!!!!!!!!!!",
    ],
)
def test_clear_collapsed_texts(response: str) -> None:
    assert is_collapsed(OPEN, response), collapse_report(OPEN, response)


@pytest.mark.parametrize("response", [HEALTHY_MATH, HEALTHY_CHAT, "Yes, it is."])
def test_clear_healthy_texts(response: str) -> None:
    assert not is_collapsed(OPEN, response), collapse_report(OPEN, response)


def test_collapse_rate() -> None:
    prompts = [OPEN, OPEN, YES_NO, OPEN]
    responses = [HEALTHY_CHAT, "ok", "No.", "again and " * 30]
    assert collapse_rate(prompts, responses) == 0.5
    assert collapse_rate([], []) == 0.0
    with pytest.raises(ValueError):
        collapse_rate([OPEN], [])


def test_collapse_scorer_registered_as_text_collapse() -> None:
    spec = ObjectiveSpec("collapse", "text.collapse@1", direction="min")
    scorer = make_scorer(spec, ScoringEnv())
    got = scorer.score([_req(OPEN, HEALTHY_CHAT), _req(OPEN, "ok"), _req(OPEN, "")])
    np.testing.assert_array_equal(got, [0.0, 1.0, 1.0])
    with pytest.raises(PackFormatError, match="unknown 'n'"):
        make_scorer(ObjectiveSpec("c", "text.collapse@1", params={"n": 3}), ScoringEnv())


def test_length_scorer() -> None:
    spec = ObjectiveSpec("length", "text.length@1", bounds=(0.0, 100.0), direction="min")
    scorer = make_scorer(spec, ScoringEnv())
    np.testing.assert_array_equal(
        scorer.score([_req(OPEN, "one two three four"), _req(OPEN, "")]), [4.0, 0.0]
    )
    capped = make_scorer(
        ObjectiveSpec("length", "text.length@1", params={"max_tokens": 3}), ScoringEnv()
    )
    np.testing.assert_array_equal(capped.score([_req(OPEN, "one two three four")]), [3.0])
    with pytest.raises(PackFormatError, match="max_tokens"):
        make_scorer(
            ObjectiveSpec("length", "text.length@1", params={"max_tokens": "3"}), ScoringEnv()
        )


def test_numbered_list_repeating_one_line_is_collapsed() -> None:
    looped = "\n".join(f"{i}. Pack water. Pack water." for i in range(1, 9))
    assert is_collapsed(OPEN, looped)
    healthy = "\n".join(
        f"{i}. {step}"
        for i, step in enumerate(
            ["Pack water.", "Bring a map.", "Tell a friend your route.", "Check the weather."],
            start=1,
        )
    )
    assert not is_collapsed(OPEN, healthy)
