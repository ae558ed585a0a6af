"""``math-synth@1``: a deterministic generator of small math problems with candidate solutions.

The generator writes 120 problems (24 each of arithmetic, fractions, linear equations,
percentages and simple counting) and, for every problem, 8 candidate solutions in distinct
styles that imitate model output:

==================  =========================================================================
style               what it is (intended accuracy / clarity; length)
==================  =========================================================================
step_by_step        correct, numbered / "Step N" / ordinal steps, boxed (1 / 1; medium)
terse               correct one-liner with a boxed answer (1 / 0; very short)
wrong_steps         step-by-step with one slip, boxed wrong answer (0 / 1; medium)
no_box              correct reasoning, final answer not boxed (0 / 0; medium)
verbose             correct, rambling, double-checks itself, boxed (1 / either; long)
repetitive          collapsed: loops over a phrase (collapse@1 fires; long)
terse_wrong         a one-line wrong answer, boxed (0 / 0; very short)
short_steps_wrong   two bare equation steps with a slip, boxed (0 / 1; short)
==================  =========================================================================

Everything is drawn from :class:`DetRng`, a sha256 counter generator seeded per problem
(``"{SEED}:{family}:{index}"``), so the output is identical on every Python version and
platform (no ``random``, no ``hash()``); ``tests/test_math_synth.py`` regenerates the pack and
compares its sha256 with the shipped one. Changing any output means a new generator and pack
version.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from mobench.math_pack import MATH_PREFERENCES, assign_splits, math_objectives, math_prompt
from mobench.packs import Candidate, Item, write_pack
from mobench.tokens import count_tokens

GENERATOR_VERSION = 1
SEED = 20250914
PROBLEMS_PER_FAMILY = 24
FAMILIES = ("arithmetic", "fractions", "linear", "percentages", "counting")
STYLES = (
    "step_by_step",
    "terse",
    "wrong_steps",
    "no_box",
    "verbose",
    "repetitive",
    "terse_wrong",
    "short_steps_wrong",
)
#: Conciseness bounds of the pack: 24 tokens or fewer score 1, 256 or more score 0.
MIN_TOKENS = 24
MAX_TOKENS = 256

_T = TypeVar("_T")


class DetRng:
    """A deterministic generator: sha256 of ``"{seed}:{counter}"``, read as integers.

    Identical on every platform and Python version (unlike ``random``'s algorithms, which
    Python does not promise to keep); the small modulo bias is irrelevant here.
    """

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.counter = 0

    def _next(self) -> int:
        block = hashlib.sha256(f"{self.seed}:{self.counter}".encode()).digest()
        self.counter += 1
        return int.from_bytes(block[:8], "big")

    def randint(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi]."""
        return lo + self._next() % (hi - lo + 1)

    def choice(self, options: Sequence[_T]) -> _T:
        return options[self.randint(0, len(options) - 1)]

    def sample(self, options: Sequence[_T], k: int) -> list[_T]:
        """``k`` distinct elements, in draw order."""
        pool = list(options)
        return [pool.pop(self.randint(0, len(pool) - 1)) for _ in range(k)]


# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    """A generated problem with a correct and a wrong (one-slip) solution path."""

    id: str
    family: str
    variant: int
    statement: str
    answer: str  # LaTeX of the reference answer
    ask: str  # "evaluate $…$", for restatements
    rule: str  # the rule the solution uses, for the verbose style
    steps: tuple[str, ...]  # correct steps, each a clause starting with "we"
    compact: str  # a one-line equation chain to the answer (LaTeX, no dollars)
    check: str  # a sentence that double-checks the answer
    wrong_answer: str
    wrong_steps: tuple[str, ...]
    wrong_compact: str


def tex_number(value: Fraction | int) -> str:
    """An integer as digits, a fraction as ``\\frac{p}{q}`` (sign in front)."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def _decimal(value: Fraction) -> str:
    """A terminating decimal for ``value`` (used where the generator makes sure it is one)."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _signed(term: int) -> str:
    """`` + 5`` / `` - 5`` for writing ``ax + b`` style expressions."""
    return f" + {term}" if term >= 0 else f" - {-term}"


def _lin(a: int, b: int) -> str:
    """``ax + b`` in LaTeX (``a`` ≥ 2)."""
    return f"{a}x{_signed(b)}" if b else f"{a}x"


def _arithmetic(rng: DetRng, variant: int, pid: str) -> Problem:
    steps: tuple[str, ...]
    wsteps: tuple[str, ...]
    rule = (
        "multiplication comes before addition and subtraction unless parentheses say "
        "otherwise, and what is inside parentheses is done first"
    )
    if variant == 0:
        a, b, c = rng.randint(3, 19), rng.randint(3, 19), rng.randint(2, 60)
        p, ans, wsum = a * b, a * b + c, b + c
        expr, wrong = f"{a} \\times {b} + {c}", a * (b + c)
        steps = (
            f"we multiply first: ${a} \\times {b} = {p}$.",
            f"we add ${c}$: ${p} + {c} = {ans}$.",
        )
        wsteps = (
            f"we add first: ${b} + {c} = {wsum}$.",
            f"we multiply by ${a}$: ${a} \\times {wsum} = {wrong}$.",
        )
        compact, wcompact = f"{expr} = {p} + {c} = {ans}", f"{a} \\times {wsum} = {wrong}"
    elif variant == 1:
        a, b, c = rng.randint(2, 40), rng.randint(3, 12), rng.randint(3, 12)
        d = rng.randint(1, a + b * c - 1)
        p, ans = b * c, a + b * c - d
        wrong = (a + b) * c - d
        expr = f"{a} + {b} \\times {c} - {d}"
        steps = (
            f"we do the multiplication first: ${b} \\times {c} = {p}$.",
            f"we add ${a}$: ${a} + {p} = {a + p}$.",
            f"we subtract ${d}$: ${a + p} - {d} = {ans}$.",
        )
        wsteps = (
            f"we work from left to right: ${a} + {b} = {a + b}$.",
            f"we multiply by ${c}$: ${a + b} \\times {c} = {(a + b) * c}$.",
            f"we subtract ${d}$: ${(a + b) * c} - {d} = {wrong}$.",
        )
        compact = f"{a} + {p} - {d} = {ans}"
        wcompact = f"({a} + {b}) \\times {c} - {d} = {wrong}"
    elif variant == 2:
        a, b, c = rng.randint(2, 30), rng.randint(2, 30), rng.randint(3, 15)
        ans, wrong = (a + b) * c, a + b * c
        expr = f"({a} + {b}) \\times {c}"
        steps = (
            f"we evaluate the parentheses: ${a} + {b} = {a + b}$.",
            f"we multiply: ${a + b} \\times {c} = {ans}$.",
        )
        wsteps = (
            f"we multiply ${b} \\times {c} = {b * c}$.",
            f"we add ${a}$: ${a} + {b * c} = {wrong}$.",
        )
        compact, wcompact = f"{a + b} \\times {c} = {ans}", f"{a} + {b * c} = {wrong}"
    else:
        a = rng.randint(6, 25)
        b = rng.randint(2, a - 1)
        ans, wrong = a * a - b * b, (a - b) ** 2
        expr = f"{a}^2 - {b}^2"
        steps = (
            f"we square each number: ${a}^2 = {a * a}$ and ${b}^2 = {b * b}$.",
            f"we subtract: ${a * a} - {b * b} = {ans}$.",
        )
        wsteps = (
            f"we subtract first: ${a} - {b} = {a - b}$.",
            f"we square the difference: ${a - b}^2 = {wrong}$.",
        )
        compact, wcompact = f"{a * a} - {b * b} = {ans}", f"({a} - {b})^2 = {wrong}"
        rule = "a power applies to its own base before any subtraction is done"
    statement = rng.choice(("Compute", "Evaluate", "Find the value of")) + f" ${expr}$."
    check = f"Recomputing it in one line: ${compact}$, so the value is ${ans}$."
    return Problem(
        pid,
        "arithmetic",
        variant,
        statement,
        str(ans),
        f"evaluate ${expr}$",
        rule,
        steps,
        compact,
        check,
        str(wrong),
        wsteps,
        wcompact,
    )


def _fractions(rng: DetRng, variant: int, pid: str) -> Problem:
    steps: tuple[str, ...]
    wsteps: tuple[str, ...]
    while True:
        b, d = rng.sample(range(2, 13), 2)
        a, c = rng.randint(1, b - 1), rng.randint(1, d - 1)
        x, y = Fraction(a, b), Fraction(c, d)
        if variant != 1 or x > y:
            break
    fa, fc = f"\\frac{{{a}}}{{{b}}}", f"\\frac{{{c}}}{{{d}}}"
    lcm = b * d // math.gcd(b, d)
    na, nc = a * lcm // b, c * lcm // d
    rule = "fractions can only be added or subtracted once they share a denominator"
    if variant in (0, 1):
        op, ans = ("+", x + y) if variant == 0 else ("-", x - y)
        num = na + nc if variant == 0 else na - nc
        raw = f"\\frac{{{num}}}{{{lcm}}}"
        steps = (
            f"we write both fractions over the common denominator ${lcm}$: "
            f"${fa} = \\frac{{{na}}}{{{lcm}}}$ and ${fc} = \\frac{{{nc}}}{{{lcm}}}$.",
            f"we {'add' if variant == 0 else 'subtract'} the numerators: "
            f"$\\frac{{{na} {op} {nc}}}{{{lcm}}} = {raw}$.",
            f"we reduce to lowest terms: ${raw} = {tex_number(ans)}$.",
        )
        if variant == 0:
            wrong = Fraction(a + c, b + d)
            wsteps = (
                f"we add the numerators: ${a} + {c} = {a + c}$.",
                f"we add the denominators: ${b} + {d} = {b + d}$.",
                f"we simplify: $\\frac{{{a + c}}}{{{b + d}}} = {tex_number(wrong)}$.",
            )
            wcompact = f"\\frac{{{a} + {c}}}{{{b} + {d}}} = {tex_number(wrong)}"
        else:
            wrong = -ans
            wsteps = (
                f"we use the common denominator ${lcm}$: "
                f"${fa} = \\frac{{{na}}}{{{lcm}}}$ and ${fc} = \\frac{{{nc}}}{{{lcm}}}$.",
                f"we subtract the numerators: ${nc} - {na} = {nc - na}$.",
                f"we reduce: $\\frac{{{nc - na}}}{{{lcm}}} = {tex_number(wrong)}$.",
            )
            wcompact = f"\\frac{{{nc} - {na}}}{{{lcm}}} = {tex_number(wrong)}"
        compact = f"{raw} = {tex_number(ans)}"
    elif variant == 2:
        op, ans, wrong = "\\times", x * y, x / y
        raw = f"\\frac{{{a * c}}}{{{b * d}}}"
        steps = (
            f"we multiply the numerators and the denominators: "
            f"$\\frac{{{a} \\times {c}}}{{{b} \\times {d}}} = {raw}$.",
            f"we reduce to lowest terms: ${raw} = {tex_number(ans)}$.",
        )
        wsteps = (
            f"we flip the second fraction: $\\frac{{{d}}}{{{c}}}$.",
            f"we multiply: $\\frac{{{a} \\times {d}}}{{{b} \\times {c}}} = {tex_number(wrong)}$.",
        )
        compact = f"{raw} = {tex_number(ans)}"
        wcompact = f"\\frac{{{a * d}}}{{{b * c}}} = {tex_number(wrong)}"
        rule = "to multiply fractions we multiply numerators and denominators separately"
    else:
        op, ans, wrong = "\\div", x / y, x * y
        raw = f"\\frac{{{a * d}}}{{{b * c}}}"
        steps = (
            f"we multiply by the reciprocal of the second fraction: "
            f"${fa} \\times \\frac{{{d}}}{{{c}}} = {raw}$.",
            f"we reduce to lowest terms: ${raw} = {tex_number(ans)}$.",
        )
        wsteps = (
            f"we divide straight across: $\\frac{{{a}}}{{{b}}}$ by $\\frac{{{c}}}{{{d}}}$.",
            f"we get $\\frac{{{a * c}}}{{{b * d}}} = {tex_number(wrong)}$.",
        )
        compact = f"{fa} \\times \\frac{{{d}}}{{{c}}} = {tex_number(ans)}"
        wcompact = f"\\frac{{{a * c}}}{{{b * d}}} = {tex_number(wrong)}"
        rule = "dividing by a fraction is the same as multiplying by its reciprocal"
    expr = f"{fa} {op} {fc}"
    statement = f"Compute ${expr}$. Express your answer as a common fraction in lowest terms."
    check = (
        f"As a decimal check, ${fa} \\approx {float(x):.3f}$ and ${fc} \\approx {float(y):.3f}$, "
        f"and the result is about ${float(ans):.3f}$, which matches ${tex_number(ans)}$."
    )
    return Problem(
        pid,
        "fractions",
        variant,
        statement,
        tex_number(ans),
        f"compute ${expr}$",
        rule,
        steps,
        compact,
        check,
        tex_number(wrong),
        wsteps,
        wcompact,
    )


def _linear(rng: DetRng, variant: int, pid: str) -> Problem:
    steps: tuple[str, ...]
    wsteps: tuple[str, ...]
    x = rng.choice([v for v in range(-9, 13) if v != 0])
    rule = "whatever we do to one side of an equation we must also do to the other side"
    if variant == 0:
        a = rng.randint(2, 9)
        b = rng.choice([v for v in range(-20, 21) if v != 0])
        c = a * x + b
        eq = f"{_lin(a, b)} = {c}"
        wrong = Fraction(c + b, a)
        verb, amount = ("subtract", b) if b > 0 else ("add", -b)
        wverb = "add" if verb == "subtract" else "subtract"
        steps = (
            f"we {verb} ${amount}$ on both sides: ${a}x = {c - b}$.",
            f"we divide both sides by ${a}$: $x = \\frac{{{c - b}}}{{{a}}} = {x}$.",
        )
        wsteps = (
            f"we {wverb} ${amount}$ on both sides: ${a}x = {c + b}$.",
            f"we divide by ${a}$: $x = {tex_number(wrong)}$.",
        )
        compact, wcompact = f"{a}x = {c - b} \\Rightarrow x = {x}", f"x = {tex_number(wrong)}"
        check = f"Substituting $x = {x}$ gives ${a} \\cdot ({x}){_signed(b)} = {c}$, as required."
    elif variant == 1:
        a, c = rng.sample(range(2, 13), 2)
        b = rng.randint(-15, 15)
        d = a * x + b - c * x
        eq = f"{_lin(a, b)} = {_lin(c, d)}"
        k, r = a - c, d - b
        wrong = Fraction(r, a + c)
        steps = (
            f"we collect the $x$ terms on the left and the constants on the right: "
            f"$({a} - {c})x = {d} - ({b})$.",
            f"we simplify both sides: ${k}x = {r}$.",
            f"we divide by ${k}$: $x = {x}$.",
        )
        wsteps = (
            f"we move $-{c}x$ across but keep its sign: $({a} + {c})x = {r}$.",
            f"we simplify: ${a + c}x = {r}$.",
            f"we divide by ${a + c}$: $x = {tex_number(wrong)}$.",
        )
        compact, wcompact = (
            f"{k}x = {r} \\Rightarrow x = {x}",
            f"{a + c}x = {r}, x = {tex_number(wrong)}",
        )
        check = (
            f"Substituting $x = {x}$ makes the left side ${a * x + b}$ and the right side "
            f"${c * x + d}$, so both sides agree."
        )
    elif variant == 2:
        a, b = rng.randint(2, 9), rng.randint(1, 9)
        c = a * (x - b)
        eq = f"{a}(x - {b}) = {c}"
        q = x - b
        wrong = Fraction(q - b)
        steps = (
            f"we divide both sides by ${a}$: $x - {b} = {q}$.",
            f"we add ${b}$ to both sides: $x = {q} + {b} = {x}$.",
        )
        wsteps = (
            f"we divide both sides by ${a}$: $x - {b} = {q}$.",
            f"we subtract ${b}$: $x = {q} - {b} = {tex_number(wrong)}$.",
        )
        compact, wcompact = f"x - {b} = {q} \\Rightarrow x = {x}", f"x = {q} - {b} = {wrong}"
        check = f"Substituting $x = {x}$: ${a}({x} - {b}) = {a} \\cdot {q} = {c}$, which matches."
    else:
        a = rng.randint(2, 9)
        b = rng.choice([v for v in range(-12, 13) if v != 0])
        x = a * rng.choice([v for v in range(-6, 8) if v != 0])
        q = x // a
        c = q + b
        eq = f"\\frac{{x}}{{{a}}}{_signed(b)} = {c}"
        wrong = Fraction(q, a)
        steps = (
            f"we move the constant to the right side: $\\frac{{x}}{{{a}}} = {c} - ({b}) = {q}$.",
            f"we multiply both sides by ${a}$: $x = {a} \\cdot ({q}) = {x}$.",
        )
        wsteps = (
            f"we move the constant: $\\frac{{x}}{{{a}}} = {q}$.",
            f"we divide both sides by ${a}$: $x = {tex_number(wrong)}$.",
        )
        compact, wcompact = (
            f"\\frac{{x}}{{{a}}} = {q} \\Rightarrow x = {x}",
            f"x = {tex_number(wrong)}",
        )
        check = (
            f"Substituting $x = {x}$: $\\frac{{{x}}}{{{a}}}{_signed(b)} = {q}{_signed(b)} = {c}$."
        )
    statement = rng.choice(("Solve for $x$:", "Find $x$ if")) + f" ${eq}$."
    return Problem(
        pid,
        "linear",
        variant,
        statement,
        str(x),
        f"solve ${eq}$ for $x$",
        rule,
        steps,
        compact,
        check,
        tex_number(wrong),
        wsteps,
        wcompact,
    )


def _multiple_for(p: int, lo: int, hi: int, rng: DetRng) -> int:
    """A number in [lo, hi] whose p% is an integer."""
    step = 100 // math.gcd(p, 100)
    return step * rng.randint(max(1, -(-lo // step)), max(1, hi // step))


def _percentages(rng: DetRng, variant: int, pid: str) -> Problem:
    steps: tuple[str, ...]
    wsteps: tuple[str, ...]
    p = rng.choice((5, 10, 12, 15, 20, 25, 30, 35, 40, 45, 60, 75, 80))
    rule = f"$p\\%$ means $\\frac{{p}}{{100}}$, so {p}% of a quantity is {p} hundredths of it"
    if variant == 0:
        n = _multiple_for(p, 40, 900, rng)
        part = p * n // 100
        statement = f"What is ${p}\\%$ of ${n}$?"
        ask, ans, wrong = f"find ${p}\\%$ of ${n}$", part, Fraction(p * n, 10)
        steps = (
            f"we write the percentage as a fraction: ${p}\\% = \\frac{{{p}}}{{100}}$.",
            f"we multiply: $\\frac{{{p}}}{{100}} \\times {n} = {part}$.",
        )
        wsteps = (
            f"we write the percentage as a decimal: ${p}\\% = {p / 10:g}$.",
            f"we multiply: ${p / 10:g} \\times {n} = {tex_number(wrong)}$.",
        )
        compact = f"\\frac{{{p}}}{{100}} \\times {n} = {part}"
        wcompact = f"{p / 10:g} \\times {n} = {tex_number(wrong)}"
        check = (
            f"Since $10\\%$ of ${n}$ is ${_decimal(Fraction(n, 10))}$, the result "
            f"${part}$ is reasonable."
        )
    elif variant == 1:
        n = _multiple_for(p, 20, 400, rng)
        off = p * n // 100
        statement = (
            f"A jacket costs $\\${n}$. It is on sale for ${p}\\%$ off. "
            "What is the sale price, in dollars?"
        )
        ask, ans, wrong = (
            f"find the price of a ${n}$-dollar jacket after ${p}\\%$ off",
            n - off,
            Fraction(off),
        )
        steps = (
            f"we find the discount: ${p}\\%$ of ${n}$ is $\\frac{{{p}}}{{100}} \\times {n} = "
            f"{off}$.",
            f"we subtract it from the price: ${n} - {off} = {n - off}$.",
        )
        wsteps = (
            f"we find the discount: ${p}\\%$ of ${n}$ is $\\frac{{{p}}}{{100}} \\times {n} = "
            f"{off}$.",
            f"we take this as the price: ${off}$ dollars.",
        )
        compact, wcompact = f"{n} - {off} = {n - off}", f"\\frac{{{p}}}{{100}} \\times {n} = {off}"
        check = f"Equivalently, the price is ${100 - p}\\%$ of ${n}$, which is ${n - off}$."
    elif variant == 2:
        n = _multiple_for(p, 100, 5000, rng)
        inc = p * n // 100
        statement = (
            f"A town has ${n}$ residents. Its population grows by ${p}\\%$. "
            "How many residents does it have now?"
        )
        ask, ans, wrong = f"increase ${n}$ by ${p}\\%$", n + inc, Fraction(n - inc)
        steps = (
            f"we find the increase: $\\frac{{{p}}}{{100}} \\times {n} = {inc}$.",
            f"we add it to the population: ${n} + {inc} = {n + inc}$.",
        )
        wsteps = (
            f"we find the change: $\\frac{{{p}}}{{100}} \\times {n} = {inc}$.",
            f"we subtract it: ${n} - {inc} = {n - inc}$.",
        )
        compact, wcompact = f"{n} + {inc} = {n + inc}", f"{n} - {inc} = {n - inc}"
        check = f"Equivalently, ${100 + p}\\%$ of ${n}$ is ${n + inc}$, so the count checks out."
    else:
        b = rng.choice((20, 25, 40, 50, 80, 200, 250, 400, 500))
        q = rng.choice([v for v in range(5, 96) if b * v % 100 == 0])
        a = b * q // 100
        statement = f"${a}$ is what percent of ${b}$?"
        ask, ans, wrong = f"express ${a}$ as a percentage of ${b}$", q, Fraction(q, 100)
        steps = (
            f"we divide: $\\frac{{{a}}}{{{b}}} = {_decimal(Fraction(q, 100))}$.",
            f"we multiply by $100$ to get a percentage: ${_decimal(Fraction(q, 100))} "
            f"\\times 100 = {q}$.",
        )
        wsteps = (
            f"we divide: $\\frac{{{a}}}{{{b}}} = {_decimal(Fraction(q, 100))}$.",
            f"we report this as the answer: ${_decimal(Fraction(q, 100))}$.",
        )
        compact = f"\\frac{{{a}}}{{{b}}} \\times 100 = {q}"
        wcompact = f"\\frac{{{a}}}{{{b}}} = {_decimal(Fraction(q, 100))}"
        check = f"Indeed ${q}\\%$ of ${b}$ is $\\frac{{{q}}}{{100}} \\times {b} = {a}$."
        return Problem(
            pid,
            "percentages",
            variant,
            statement,
            str(ans),
            ask,
            rule,
            steps,
            compact,
            check,
            _decimal(wrong),
            wsteps,
            wcompact,
        )
    return Problem(
        pid,
        "percentages",
        variant,
        statement,
        str(ans),
        ask,
        rule,
        steps,
        compact,
        check,
        tex_number(wrong),
        wsteps,
        wcompact,
    )


def _counting(rng: DetRng, variant: int, pid: str) -> Problem:
    steps: tuple[str, ...]
    wsteps: tuple[str, ...]
    rule = "we count the choices at each stage and multiply them"
    if variant == 0:
        n, k = rng.randint(6, 12), rng.randint(2, 4)
        ans, wrong = math.comb(n, k), math.perm(n, k)
        falling = " \\times ".join(str(n - i) for i in range(k))
        statement = f"In how many ways can a committee of ${k}$ people be chosen from ${n}$ people?"
        ask = f"count the ${k}$-person committees from ${n}$ people"
        steps = (
            f"we note that the order of the members does not matter, so we count combinations "
            f"$\\binom{{{n}}}{{{k}}}$.",
            f"we compute $\\binom{{{n}}}{{{k}}} = \\frac{{{falling}}}{{{k}!}} = "
            f"\\frac{{{wrong}}}{{{math.factorial(k)}}} = {ans}$.",
        )
        wsteps = (
            f"we choose the members one after another: ${falling}$.",
            f"we get ${wrong}$ ways.",
        )
        compact, wcompact = f"\\binom{{{n}}}{{{k}}} = {ans}", f"{falling} = {wrong}"
        check = (
            f"Choosing the ${n - k}$ people left out instead gives "
            f"$\\binom{{{n}}}{{{n - k}}} = {ans}$ too."
        )
        rule = "when order does not matter we divide the ordered count by the orderings"
    elif variant == 1:
        n = rng.randint(4, 8)
        ans, wrong = math.factorial(n), math.factorial(n - 1)
        chain = " \\times ".join(str(n - i) for i in range(n))
        statement = f"In how many ways can ${n}$ different books be arranged in a row on a shelf?"
        ask = f"count the orderings of ${n}$ different books"
        steps = (
            f"we have ${n}$ choices for the first position, ${n - 1}$ for the second, and so on.",
            f"we multiply: ${n}! = {chain} = {ans}$.",
        )
        wsteps = (
            f"we fix one book and arrange the other ${n - 1}$ around it.",
            f"we get $({n} - 1)! = {wrong}$.",
        )
        compact, wcompact = f"{n}! = {ans}", f"({n}-1)! = {wrong}"
        check = (
            f"For example, with ${n}$ books the first spot alone has ${n}$ options, and "
            f"${ans}$ is divisible by ${n}$."
        )
    elif variant == 2:
        n = rng.randint(5, 30)
        ans, wrong = n * (n - 1) // 2, n * (n - 1)
        statement = (
            f"At a party, each of ${n}$ people shakes hands once with every other "
            f"person. How many handshakes take place?"
        )
        ask = f"count the handshakes among ${n}$ people"
        steps = (
            f"we see that each person shakes ${n - 1}$ hands, giving ${n} \\times {n - 1} = "
            f"{wrong}$ handshake ends.",
            f"we divide by $2$ because every handshake involves two people: "
            f"$\\frac{{{wrong}}}{{2}} = {ans}$.",
        )
        wsteps = (
            f"we see that each person shakes ${n - 1}$ hands.",
            f"we multiply: ${n} \\times {n - 1} = {wrong}$.",
        )
        compact, wcompact = f"\\binom{{{n}}}{{2}} = {ans}", f"{n} \\times {n - 1} = {wrong}"
        check = f"This is $\\binom{{{n}}}{{2}} = {ans}$, the number of pairs of people."
        rule = "each handshake is an unordered pair of people"
    elif variant == 3:
        s, t, h = rng.randint(2, 9), rng.randint(2, 9), rng.randint(2, 6)
        ans, wrong = s * t * h, s + t + h
        statement = (
            f"Sam has ${s}$ shirts, ${t}$ pairs of pants and ${h}$ hats. An outfit is one shirt, "
            "one pair of pants and one hat. How many different outfits can he make?"
        )
        ask = f"count outfits from ${s}$ shirts, ${t}$ pants and ${h}$ hats"
        steps = (
            f"we pair each of the ${s}$ shirts with each of the ${t}$ pants: ${s} \\times {t} "
            f"= {s * t}$.",
            f"we combine each of those with one of the ${h}$ hats: ${s * t} \\times {h} = {ans}$.",
        )
        wsteps = (
            f"we count the items: ${s}$ shirts, ${t}$ pants and ${h}$ hats.",
            f"we add them: ${s} + {t} + {h} = {wrong}$.",
        )
        compact, wcompact = f"{s} \\times {t} \\times {h} = {ans}", f"{s} + {t} + {h} = {wrong}"
        check = (
            f"With one fixed hat there are ${s * t}$ shirt and pants pairs, and there are "
            f"${h}$ hats."
        )
    else:
        d, n = rng.randint(3, 13), rng.randint(50, 500)
        ans, wrong = n // d, n // d + 1
        statement = (
            f"How many positive integers less than or equal to ${n}$ are multiples of ${d}$?"
        )
        ask = f"count the multiples of ${d}$ up to ${n}$"
        steps = (
            f"we note the multiples are ${d}, {2 * d}, \\ldots, {d * ans}$, since ${d * ans} "
            f"\\le {n} < {d * (ans + 1)}$.",
            f"we count them: $\\left\\lfloor \\frac{{{n}}}{{{d}}} \\right\\rfloor = {ans}$.",
        )
        wsteps = (
            f"we divide: $\\frac{{{n}}}{{{d}}} \\approx {n / d:.2f}$.",
            f"we round up and count the endpoint too: ${ans} + 1 = {wrong}$.",
        )
        compact = f"\\left\\lfloor \\frac{{{n}}}{{{d}}} \\right\\rfloor = {ans}"
        wcompact = f"{ans} + 1 = {wrong}"
        check = (
            f"The largest multiple is ${d} \\times {ans} = {d * ans}$, and the next one, "
            f"${d * (ans + 1)}$, is too big."
        )
        rule = "the multiples of $d$ up to $n$ are $d, 2d, \\ldots$ up to $\\lfloor n/d \\rfloor d$"
    return Problem(
        pid,
        "counting",
        variant,
        statement,
        str(ans),
        ask,
        rule,
        steps,
        compact,
        check,
        str(wrong),
        wsteps,
        wcompact,
    )


_FAMILY_MAKERS: dict[str, tuple[int, Callable[[DetRng, int, str], Problem]]] = {
    "arithmetic": (4, _arithmetic),
    "fractions": (4, _fractions),
    "linear": (4, _linear),
    "percentages": (4, _percentages),
    "counting": (5, _counting),
}


def problems(seed: int = SEED, per_family: int = PROBLEMS_PER_FAMILY) -> list[Problem]:
    """All problems: ``per_family`` of each family, cycling through the family's variants."""
    out = []
    for family in FAMILIES:
        variants, make = _FAMILY_MAKERS[family]
        for index in range(per_family):
            rng = DetRng(f"{seed}:{family}:{index}")
            out.append(make(rng, index % variants, f"{family}-{index:03d}"))
    return out


# ---------------------------------------------------------------------------------------------
# Candidate styles


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _bare(step: str) -> str:
    """The last ``$…$`` formula of a step (its equation), or the step itself."""
    found = re.findall(r"\$[^$]+\$", step)
    return found[-1] if found else step


def _boxed(answer: str) -> str:
    return f"$\\boxed{{{answer}}}$"


def _step_by_step(p: Problem, rng: DetRng) -> tuple[int, str]:
    template = rng.randint(0, 3)
    opener = rng.choice(
        (
            "Let's solve this step by step.",
            f"We need to {p.ask}.",
            "I'll work through this carefully.",
            f"To {p.ask}, we proceed in steps.",
        )
    )
    closer = rng.choice(
        ("Therefore, the final answer is", "So the answer is", "The final answer is")
    )
    if template == 0:
        body = "\n".join(f"{i}. {_cap(s)}" for i, s in enumerate(p.steps, start=1))
    elif template == 1:
        body = "\n\n".join(f"**Step {i}:** {_cap(s)}" for i, s in enumerate(p.steps, start=1))
    elif template == 2:
        words = ["First", *["Next"] * (len(p.steps) - 2), "Finally"]
        body = " ".join(f"{w}, {s}" for w, s in zip(words, p.steps, strict=True))
    else:  # detailed: the rule, the steps, and a check
        steps = "\n".join(f"{i}. {_cap(s)}" for i, s in enumerate(p.steps, start=1))
        body = f"Recall that {p.rule}.\n\n{steps}\n\n**Check.** {p.check}"
    return template, f"{opener}\n\n{body}\n\n{closer} {_boxed(p.answer)}."


def _terse(p: Problem, rng: DetRng) -> tuple[int, str]:
    template = rng.randint(0, 2)
    text = (
        f"${p.compact}$, so the answer is {_boxed(p.answer)}.",
        f"{_boxed(p.answer)}",
        f"Answer: {_boxed(p.answer)} (since ${p.compact}$).",
    )[template]
    return template, text


def _wrong_steps(p: Problem, rng: DetRng) -> tuple[int, str]:
    template = rng.randint(0, 1)
    opener = rng.choice(("Let's work through this step by step.", f"We need to {p.ask}."))
    if template == 0:
        body = "\n".join(f"{i}. {_cap(s)}" for i, s in enumerate(p.wrong_steps, start=1))
    else:
        body = "\n".join(f"- {_cap(s)}" for s in p.wrong_steps)
    return template, f"{opener}\n\n{body}\n\nSo the final answer is {_boxed(p.wrong_answer)}."


def _no_box(p: Problem, rng: DetRng) -> tuple[int, str]:
    template = rng.randint(0, 1)
    answer = f"${p.answer}$"
    if template == 0:
        body = "\n".join(f"{i}. {_cap(s)}" for i, s in enumerate(p.steps, start=1))
        return template, f"Here is the solution.\n\n{body}\n\nThe answer is {answer}."
    later = " ".join(f"After that, {s}" for s in p.steps[1:])
    return template, f"To {p.ask}, {p.steps[0]} {later} This gives {answer}."


_MUSINGS = (
    "I want to be careful here, because it is easy to make a small slip with this kind of problem.",
    "It's worth slowing down a little so that no sign or digit gets lost along the way.",
    "Sometimes problems like this hide a trick, but I don't see one here.",
    "I think that's right, but it doesn't hurt to be thorough.",
    "Let me make sure I read the question correctly before going further.",
    "This kind of question shows up a lot, and the main risk is rushing it.",
    "Hmm, okay, I think the approach is clear now.",
    "Actually, it is good practice to estimate the size of the answer before trusting it.",
    "Nothing about the wording suggests anything unusual, so the direct approach should work.",
    "I'll write out every intermediate value so it is easy to follow.",
    "That's a reasonable size for the answer, given the numbers involved.",
    "Okay, good, everything seems consistent so far.",
)


def _verbose(p: Problem, rng: DetRng) -> tuple[int, str]:
    template = rng.randint(0, 1)
    musings = rng.sample(_MUSINGS, 4)
    opener = rng.choice(
        (
            f"Okay, let's see. The problem asks us to {p.ask}.",
            f"Alright, so we are asked to {p.ask}. Let me think about this.",
            f"Let me start by restating the task: we need to {p.ask}.",
        )
    )
    if template == 0:
        words = ["First", *["Then"] * (len(p.steps) - 2), "Finally"]
        core = " ".join(f"{w}, {s}" for w, s in zip(words, p.steps, strict=True))
    else:
        links = ["So", *["And so"] * (len(p.steps) - 1)]
        core = " ".join(f"{w} {s}" for w, s in zip(links, p.steps, strict=True))
    text = (
        f"{opener} {musings[0]}\n\nThe key fact to remember is that {p.rule}. {musings[1]}\n\n"
        f"{core}\n\nHmm, wait. Let me double-check this by going over the numbers again. "
        f"{p.check} {musings[2]}\n\nActually, let me also think about whether the answer makes "
        f"sense as a whole. We wanted to {p.ask}, and the computation above does exactly that "
        f"without skipping anything. {musings[3]}\n\nSo, after all of that, I'm confident the "
        f"final answer is {_boxed(p.answer)}."
    )
    return template, text


def _repetitive(p: Problem, rng: DetRng) -> tuple[int, str]:
    template = rng.randint(0, 2)
    loops = rng.randint(24, 40)
    if template == 0:
        loop = f"Let me check the calculation again. {_cap(p.steps[0])} "
        return template, f"{_cap(p.steps[0])} " + loop * loops
    if template == 1:
        loop = f"The answer is ${p.answer}$. "
        return template, loop * loops + _boxed(p.answer)
    loop = "Wait, let me think about this again. "
    return template, f"We need to {p.ask}. " + loop * loops + f"So {_boxed(p.wrong_answer)}."


def _terse_wrong(p: Problem, rng: DetRng) -> tuple[int, str]:
    template = rng.randint(0, 1)
    text = (
        f"${p.wrong_compact}$, so the answer is {_boxed(p.wrong_answer)}.",
        f"The answer is {_boxed(p.wrong_answer)}.",
    )[template]
    return template, text


def _short_steps_wrong(p: Problem, rng: DetRng) -> tuple[int, str]:
    template = rng.randint(0, 1)
    marks = ("1.", "2.") if template == 0 else ("-", "-")
    lines = [f"{marks[0]} {_bare(p.wrong_steps[0])}", f"{marks[1]} {_bare(p.wrong_steps[-1])}"]
    return template, "\n".join(lines) + f"\n\n{_boxed(p.wrong_answer)}"


_RENDER: dict[str, Callable[[Problem, DetRng], tuple[int, str]]] = {
    "step_by_step": _step_by_step,
    "terse": _terse,
    "wrong_steps": _wrong_steps,
    "no_box": _no_box,
    "verbose": _verbose,
    "repetitive": _repetitive,
    "terse_wrong": _terse_wrong,
    "short_steps_wrong": _short_steps_wrong,
}
_CORRECT = {"step_by_step", "terse", "verbose"}


def build(seed: int = SEED) -> tuple[list[Item], list[Candidate]]:
    """The pack's items (with splits) and candidates (with token counts and provenance)."""
    probs = problems(seed)
    splits = assign_splits([p.id for p in probs])
    items = [
        Item(
            id=p.id,
            prompt=math_prompt(p.statement),
            split=splits[p.id],
            reference=p.answer,
            meta={"family": p.family, "variant": p.variant},
        )
        for p in probs
    ]
    rows: list[tuple[Problem, str, int, str]] = []
    for p in probs:
        for style in STYLES:
            rng = DetRng(f"{seed}:{p.id}:{style}")
            template, text = _RENDER[style](p, rng)
            rows.append((p, style, template, text))
    prompt_tokens = dict(
        zip([i.id for i in items], count_tokens([i.prompt for i in items]), strict=True)
    )
    completion_tokens = count_tokens([text for *_, text in rows])
    candidates = [
        Candidate(
            item_id=p.id,
            candidate_id=f"{p.id}-{style}",
            completion=text,
            prompt_tokens=prompt_tokens[p.id],
            completion_tokens=n,
            provenance={
                "generator": "mobench.math_synth",
                "generator_version": GENERATOR_VERSION,
                "seed": seed,
                "style": style,
                "template": template,
                "intended_correct": style in _CORRECT or (style == "repetitive" and template == 1),
            },
        )
        for (p, style, template, text), n in zip(rows, completion_tokens, strict=True)
    ]
    return items, candidates


def write_math_synth_pack(root: Path, seed: int = SEED) -> Path:
    """Generate and write ``<root>/math-synth/1`` (items, candidates, manifest)."""
    items, candidates = build(seed)
    return write_pack(
        root / "math-synth" / "1",
        name="math-synth",
        version="1",
        track="math",
        description=(
            f"{len(items)} generated problems (arithmetic, fractions, linear equations, "
            f"percentages, counting) with {len(STYLES)} candidate solutions each: step-by-step, "
            "terse, wrong, unboxed, verbose, repetitive, terse wrong, short wrong steps"
        ),
        objectives=math_objectives(MIN_TOKENS, MAX_TOKENS),
        items=items,
        candidates=candidates,
        preferences=MATH_PREFERENCES,
        source={
            "generator": "mobench.math_synth",
            "generator_version": GENERATOR_VERSION,
            "seed": seed,
        },
    )


def describe(items: Sequence[Item], candidates: Sequence[Candidate]) -> dict[str, Any]:
    """Counts per family and style (for reports and tests)."""
    families: dict[str, int] = {}
    for item in items:
        families[str(item.meta["family"])] = families.get(str(item.meta["family"]), 0) + 1
    styles: dict[str, int] = {}
    for cand in candidates:
        style = str(cand.provenance["style"])
        styles[style] = styles.get(style, 0) + 1
    return {
        "items": len(items),
        "candidates": len(candidates),
        "families": families,
        "styles": styles,
    }
