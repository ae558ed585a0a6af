"""The code scorers (pass@1, cost@1, quality@1) pinned to values computed by hand."""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mobench.cache import ResultCache
from mobench.errors import PackFormatError, SandboxUnavailableError
from mobench.objectives import code as code_mod
from mobench.objectives.base import (
    ScoreRequest,
    ScoringEnv,
    make_scorer,
    registered_scorers,
)
from mobench.objectives.code import (
    CostAt1,
    PassAt1,
    QualityAt1,
    best_practice,
    cyclomatic_complexity,
    extract_code,
    ruff_violations,
    sandbox_cache_key,
)
from mobench.packs import Item, ObjectiveSpec
from mobench.sandbox.base import Isolation, Job, JobResult, Limits
from mobench.sandbox.base import TestOutcome as Outcome

# ---------------------------------------------------------------------------------------------
# Snippets with hand-counted properties

# F401 (`os` unused) and E711 (`== None`): exactly 2 violations. One function, complexity 1,
# no docstring, no annotations: b = (1 + 0 + 0) / 3.
TWO_VIOLATIONS = "import os\n\n\ndef f(x):\n    return x == None\n"

# radon: 1 + if + elif + for + nested if + while + conditional expression = 7.
# Docstring and full annotations: b = 1. Ruff-clean.
COMPLEXITY_7 = '''def classify(n: int) -> str:
    """Classify n."""
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    for i in range(3):
        if i == n:
            return "small"
    while n > 100:
        n //= 2
    return "odd" if n % 2 else "even"
'''

# Four methods: __init__ (doc, annotated), get (neither), make (doc, annotated; cls exempt),
# total (no doc; **kwargs unannotated). d = 2/4, h = 2/4, b = (1 + 0.5 + 0.5) / 3 = 2/3.
# Every method has complexity 1; the class itself is not counted. Ruff-clean.
HALF_DOCUMENTED = '''class Box:
    """A box."""

    def __init__(self, x: int) -> None:
        """Store x."""
        self.x = x

    def get(self, y):
        return self.x + y

    @classmethod
    def make(cls, z: int) -> "Box":
        """Build one."""
        return cls(z)

    @staticmethod
    def total(*args: int, **kwargs) -> int:
        return sum(args) + len(kwargs)
'''

# One counted function: the closure is part of outer (radon), so d = h = 1.
WITH_CLOSURE = '''def outer() -> int:
    """Doc."""

    def inner(y):
        return y

    return inner(1)
'''

NO_FUNCTIONS = "x = 1\n"  # clean, no functions: kappa = 1, b = 1/3
NOT_PYTHON = "def broken(:\n    pass\n"


def req(completion: str, prompt: str = "p", tests: str = "", item_id: str = "i") -> ScoreRequest:
    return ScoreRequest(Item(id=item_id, prompt=prompt, tests=tests), completion)


def fenced(code: str, info: str = "python") -> str:
    return f"Here you go:\n```{info}\n{code}```\nDone."


# ---------------------------------------------------------------------------------------------
# Extraction


def test_extract_first_python_block() -> None:
    text = "intro\n```python\na = 1\n```\nthen\n```python\nb = 2\n```\n"
    assert extract_code(text) == "a = 1\n"


def test_extract_skips_other_languages() -> None:
    text = "```bash\npip install x\n```\n```py\nprint(1)\n```\n```\nuntagged\n```"
    assert extract_code(text) == "print(1)\n"
    assert extract_code("```json\n{}\n```\n```\nplain = 1\n```\n") == "plain = 1\n"
    assert extract_code("```pycon\n>>> 1\n```\n```Python\nok = 1\n```") == "ok = 1\n"
    # Only python, py or an empty info string qualify; the info's first word is the language.
    assert extract_code("```python3\nno = 1\n```\n```python title=x\nyes = 1\n```") == ("yes = 1\n")


def test_extract_without_a_block_returns_everything() -> None:
    text = "def f():\n    return 1\n"
    assert extract_code(text) == text
    only_other = "```bash\nls\n```\n"
    assert extract_code(only_other) == only_other
    inline = "Use ```python``` fences, e.g. x = 1"
    assert extract_code(inline) == inline


def test_extract_fence_rules() -> None:
    # A longer fence may contain a shorter one; tildes work too.
    assert extract_code("````python\ns = '''\n```\n'''\n````\n") == "s = '''\n```\n'''\n"
    assert extract_code("~~~python\nt = 1\n~~~\n") == "t = 1\n"
    # A backtick run does not close a tilde fence.
    assert extract_code("~~~\nu = 1\n```\nv = 2\n~~~") == "u = 1\n```\nv = 2\n"
    # Unclosed: the block runs to the end (a truncated answer).
    assert extract_code("text\n```python\nw = 1\nw += 1") == "w = 1\nw += 1"
    # An indented fence (inside a list item) loses its indentation.
    assert extract_code("1. code:\n   ```python\n   def g():\n       pass\n   ```\n") == (
        "def g():\n    pass\n"
    )
    # Windows line endings.
    assert extract_code("```python\r\nx = 1\r\n```\r\n") == "x = 1\r\n"
    # An empty block is a block.
    assert extract_code("```python\n```\nx = 1") == ""


# ---------------------------------------------------------------------------------------------
# Quality: the parts


def test_violations_counted_by_hand() -> None:
    found = ruff_violations([TWO_VIOLATIONS, COMPLEXITY_7, HALF_DOCUMENTED, ""])
    assert sorted(found[0]) == ["E711", "F401"]
    assert found[1:] == [[], [], []]


def test_violations_follow_the_rule_selection() -> None:
    assert ruff_violations([TWO_VIOLATIONS], select="F") == [["F401"]]
    long_line = "x = " + "1 + " * 20 + "1\n"  # 85 characters
    assert len(long_line) - 1 == 85
    assert ruff_violations([long_line], line_length=80) == [["E501"]]
    assert ruff_violations([long_line], line_length=100) == [[]]
    # UP rules depend on the pinned target version (datetime.UTC exists from 3.11).
    utc = "import datetime\n\nx = datetime.timezone.utc\n"
    assert ruff_violations([utc], target_version="py311") == [["UP017"]]
    assert ruff_violations([utc], target_version="py310") == [[]]


def test_missing_final_newline_is_not_a_violation() -> None:
    assert ruff_violations(["x = 1"]) == [[]]


def test_complexity_by_hand() -> None:
    assert cyclomatic_complexity(COMPLEXITY_7) == 7.0
    assert cyclomatic_complexity(TWO_VIOLATIONS) == 1.0
    assert cyclomatic_complexity(NO_FUNCTIONS) == 1.0
    # Mean over functions: 7 and 1 -> 4.
    assert cyclomatic_complexity(COMPLEXITY_7 + "\n\n" + TWO_VIOLATIONS) == 4.0
    # Methods count, classes do not: four methods of complexity 1.
    assert cyclomatic_complexity(HALF_DOCUMENTED) == 1.0
    with pytest.raises(SyntaxError):
        cyclomatic_complexity(NOT_PYTHON)


def test_best_practice_by_hand() -> None:
    bp = best_practice(HALF_DOCUMENTED)
    assert (bp.functions, bp.docstring_fraction, bp.annotation_fraction) == (4, 0.5, 0.5)
    assert bp.value == pytest.approx(2 / 3)
    assert best_practice(COMPLEXITY_7).value == 1.0
    assert best_practice(TWO_VIOLATIONS).value == pytest.approx(1 / 3)
    assert best_practice(NO_FUNCTIONS).value == pytest.approx(1 / 3)
    closure = best_practice(WITH_CLOSURE)
    assert (closure.functions, closure.value) == (1, 1.0)
    asynchronous = best_practice('async def a(x: int) -> int:\n    """D."""\n    return x\n')
    assert (asynchronous.functions, asynchronous.value) == (1, 1.0)


# ---------------------------------------------------------------------------------------------
# Quality: the scorer


def test_quality_scores_by_hand() -> None:
    scorer = QualityAt1({})
    batch = [
        req(fenced(TWO_VIOLATIONS)),  # exp(-0.1 * 2) * 1 * (1/3)
        req(fenced(COMPLEXITY_7)),  # 1 * exp(-0.25 * (7 - 5)) * 1
        req(fenced(HALF_DOCUMENTED)),  # 1 * 1 * 2/3
        req(NO_FUNCTIONS),  # 1 * 1 * 1/3 (no fence: the whole completion)
        req(fenced(NOT_PYTHON)),  # does not parse: 0
        req("Sorry, I cannot help with that."),  # prose does not parse: 0
    ]
    expected = [math.exp(-0.2) / 3, math.exp(-0.5), 2 / 3, 1 / 3, 0.0, 0.0]
    np.testing.assert_allclose(scorer.score(batch), expected, rtol=1e-12)


def test_quality_uses_the_pack_params() -> None:
    scorer = QualityAt1({"alpha": 0.5, "beta": 1.0, "kappa0": 3, "ruff_select": "F"})
    got = scorer.score([req(TWO_VIOLATIONS), req(COMPLEXITY_7)])
    # Only F401 is selected: exp(-0.5) / 3. Complexity 7 vs kappa0 3: exp(-1 * 4).
    np.testing.assert_allclose(got, [math.exp(-0.5) / 3, math.exp(-4.0)], rtol=1e-12)


def test_quality_reports_expose_the_parts() -> None:
    reports = QualityAt1({}).reports([TWO_VIOLATIONS, NOT_PYTHON])
    assert reports[0].parses and sorted(reports[0].violations or []) == ["E711", "F401"]
    assert reports[0].complexity == 1.0
    assert reports[0].best_practice is not None
    assert reports[0].best_practice.value == pytest.approx(1 / 3)
    assert not reports[1].parses and reports[1].score == 0.0


def test_quality_rejects_bad_params() -> None:
    with pytest.raises(PackFormatError, match="alpah"):
        QualityAt1({"alpah": 0.1})
    with pytest.raises(PackFormatError, match="line_length"):
        QualityAt1({"line_length": "100"})


def counting_subprocess(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every subprocess.run call (and still run it)."""
    calls: list[list[str]] = []
    real_run = subprocess.run

    def spy(args: Sequence[str], *rest: Any, **kwargs: Any) -> Any:
        calls.append(list(args))
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    return calls


def test_ruff_runs_once_per_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting_subprocess(monkeypatch)
    snippets = [TWO_VIOLATIONS, COMPLEXITY_7, HALF_DOCUMENTED, NO_FUNCTIONS, NOT_PYTHON] * 8
    scores = QualityAt1({}).score([req(fenced(s)) for s in snippets])
    assert len(calls) == 1
    assert "check" in calls[0] and "--isolated" in calls[0]
    np.testing.assert_allclose(scores[:5], scores[5:10])
    # A batch with nothing that parses does not start ruff at all.
    QualityAt1({}).score([req(NOT_PYTHON)])
    assert len(calls) == 1


# ---------------------------------------------------------------------------------------------
# Cost


def test_cost_by_hand() -> None:
    # o200k_base: "Write a function." = Write| a| function|. (4), "hello world" = 2 -> 6.
    scorer = CostAt1({})
    batch = [req("hello world", prompt="Write a function."), req("", prompt="")]
    np.testing.assert_array_equal(scorer.token_counts(batch), [6, 0])
    np.testing.assert_allclose(scorer.score(batch), [math.exp(-6 / 300), 1.0], rtol=1e-12)
    np.testing.assert_allclose(CostAt1({"tau": 3}).score(batch[:1]), [math.exp(-2.0)])


def test_cost_counts_the_whole_completion() -> None:
    # The completion counts as written (prose and fences included), not the extracted code.
    # "def add(a, b):\n    return a + b\n" is 12 o200k tokens, "```" fences add more.
    scorer = CostAt1({})
    bare = scorer.token_counts([req("def add(a, b):\n    return a + b\n", prompt="")])
    wrapped = scorer.token_counts([req(fenced("def add(a, b):\n    return a + b\n"), prompt="")])
    assert bare[0] == 12
    assert wrapped[0] > bare[0]


def test_cost_other_encoding_and_bad_params() -> None:
    scorer = CostAt1({"encoding": "cl100k_base", "tau": 10.0})
    np.testing.assert_allclose(scorer.score([req("hello world", prompt="")]), [math.exp(-0.2)])
    with pytest.raises(PackFormatError, match="tau"):
        CostAt1({"tau": 0})
    with pytest.raises(PackFormatError, match="unknown"):
        CostAt1({"temperature": 1.0})


# ---------------------------------------------------------------------------------------------
# Pass: a fake sandbox that follows the protocol (runs trusted test code in-process)

ADD_TESTS = """from solution import add


def test_small():
    assert add(1, 2) == 3


def test_negative():
    assert add(-1, -1) == -2


def test_zero():
    assert add(0, 0) == 0


def test_large():
    assert add(10**6, 1) == 10**6 + 1
"""

GOOD = "def add(a, b):\n    return a + b\n"
NO_NEGATIVES = "def add(a, b):\n    if a < 0:\n        return 0\n    return a + b\n"  # 3 of 4
WRONG = "def add(a, b):\n    return a - b\n"  # passes only test_zero
RAISES = "def add(a, b):\n    raise RuntimeError\n"  # errors fail
SLOW = "def add(a, b):  # FAKE-TIMEOUT\n    return a + b\n"  # the fake reports timeouts


class FakeSandbox:
    """In-process stand-in for a real sandbox. ``mode`` simulates misbehaving backends."""

    name = "fake"

    def __init__(self, level: str = "none (test double)", mode: str = "ok") -> None:
        self.level = level
        self.mode = mode
        self.runs: list[list[Job]] = []

    def isolation(self) -> Isolation:
        return Isolation(backend="fake", level=self.level)

    def run(self, jobs: Sequence[Job]) -> list[JobResult]:
        self.runs.append(list(jobs))
        results = [self._run_one(job) for job in jobs]
        if self.mode == "drop-first":
            results = results[1:]
        return results

    def _run_one(self, job: Job) -> JobResult:
        names = job.test_names()
        if self.mode == "garbled":
            outcomes = tuple(Outcome(n, "passed") for n in names)
            return JobResult(job.job_id, "garbled", outcomes, self.isolation(), job.limits)
        if "FAKE-TIMEOUT" in job.code:
            outcomes = tuple(Outcome(n, "timeout") for n in names)
            return JobResult(job.job_id, "timeout", outcomes, self.isolation(), job.limits)
        namespace: dict[str, Any] = {}
        exec(job.code, namespace)
        exec(job.tests.replace("from solution import add", ""), namespace)
        outcomes_list = []
        for name in names:
            try:
                namespace[name]()
                outcomes_list.append(Outcome(name, "passed"))
            except AssertionError:
                outcomes_list.append(Outcome(name, "failed"))
            except Exception as exc:
                outcomes_list.append(Outcome(name, "error", repr(exc)))
        if self.mode == "spoof":  # a result claiming a test the file does not define
            outcomes_list.append(Outcome("test_bonus", "passed"))
        return JobResult(
            job.job_id, "completed", tuple(outcomes_list), self.isolation(), job.limits
        )


def env_with(sandbox: FakeSandbox, cache: ResultCache | None = None) -> ScoringEnv:
    factory: Callable[[], FakeSandbox] = lambda: sandbox  # noqa: E731
    if cache is None:
        return ScoringEnv(sandbox_factory=factory)
    return ScoringEnv(sandbox_factory=factory, cache=cache)


def test_fake_sandbox_follows_the_protocol() -> None:
    from mobench.sandbox.base import Sandbox

    assert isinstance(FakeSandbox(), Sandbox)


def test_pass_fractions_by_hand() -> None:
    sandbox = FakeSandbox()
    scorer = PassAt1({}, env_with(sandbox))
    batch = [
        req(fenced(GOOD), tests=ADD_TESTS, item_id="a"),  # 4/4
        req(fenced(NO_NEGATIVES), tests=ADD_TESTS, item_id="a"),  # 3/4
        req(WRONG, tests=ADD_TESTS, item_id="b"),  # only test_zero: 1/4
        req(fenced(RAISES), tests=ADD_TESTS, item_id="b"),  # errors: 0
        req(fenced(SLOW), tests=ADD_TESTS, item_id="c"),  # timeouts: 0
        req(fenced(GOOD), tests="", item_id="d"),  # no tests: 0, not sent
    ]
    np.testing.assert_allclose(scorer.score(batch), [1.0, 0.75, 0.25, 0.0, 0.0, 0.0])
    assert len(sandbox.runs) == 1  # one sandbox call for the whole batch
    assert len(sandbox.runs[0]) == 5
    assert sandbox.runs[0][0].code == GOOD  # the extracted code, not the completion


def test_pass_sends_each_distinct_job_once() -> None:
    sandbox = FakeSandbox()
    scorer = PassAt1({}, env_with(sandbox))
    batch = [req(fenced(GOOD), tests=ADD_TESTS, item_id=f"x{i}") for i in range(3)]
    np.testing.assert_allclose(scorer.score(batch), [1.0, 1.0, 1.0])
    assert [len(r) for r in sandbox.runs] == [1]


def test_pass_results_are_cached_by_digest_and_isolation(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache.sqlite")
    batch = [
        req(fenced(GOOD), tests=ADD_TESTS),
        req(fenced(NO_NEGATIVES), tests=ADD_TESTS),
        req(fenced(SLOW), tests=ADD_TESTS),
    ]
    first = FakeSandbox()
    scores = PassAt1({}, env_with(first, cache)).score(batch)
    assert len(first.runs) == 1

    job = Job("any-id", GOOD, ADD_TESTS, Limits())
    key = sandbox_cache_key(job, "none (test double)")
    assert key == f"{job.digest()}@none (test double)"
    assert cache.get_many("sandbox", [key])[key]["status"] == "completed"

    rerun = FakeSandbox()
    np.testing.assert_allclose(PassAt1({}, env_with(rerun, cache)).score(batch), scores)
    assert rerun.runs == []  # everything came from the cache

    stronger = FakeSandbox(level="bubblewrap")
    PassAt1({}, env_with(stronger, cache)).score(batch)
    assert len(stronger.runs) == 1  # another isolation level is another result

    other_limits = FakeSandbox()
    PassAt1({"limits": {"wall_seconds": 3}}, env_with(other_limits, cache)).score(batch)
    assert len(other_limits.runs) == 1  # limits are part of the job digest
    assert other_limits.runs[0][0].limits.wall_seconds == 3.0
    cache.close()


def test_untrusted_results_fail_and_are_not_cached(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache.sqlite")
    batch = [req(GOOD, tests=ADD_TESTS), req(NO_NEGATIVES, tests=ADD_TESTS)]

    garbled = FakeSandbox(mode="garbled")
    np.testing.assert_allclose(PassAt1({}, env_with(garbled, cache)).score(batch), [0.0, 0.0])
    dropped = FakeSandbox(mode="drop-first")
    np.testing.assert_allclose(PassAt1({}, env_with(dropped, cache)).score(batch), [0.0, 0.75])

    honest = FakeSandbox()
    np.testing.assert_allclose(PassAt1({}, env_with(honest, cache)).score(batch), [1.0, 0.75])
    assert [len(r) for r in honest.runs] == [1]  # only the dropped job ran again
    cache.close()


def test_spoofed_test_names_do_not_count() -> None:
    spoof = FakeSandbox(mode="spoof")
    got = PassAt1({}, env_with(spoof)).score([req(NO_NEGATIVES, tests=ADD_TESTS)])
    np.testing.assert_allclose(got, [0.75])


def test_pass_rejects_bad_params() -> None:
    env = env_with(FakeSandbox())
    with pytest.raises(PackFormatError, match="memroy_mb"):
        PassAt1({"limits": {"memroy_mb": 1}}, env)
    with pytest.raises(PackFormatError, match="timeout"):
        PassAt1({"timeout": 1}, env)


def test_pass_with_the_real_sandbox() -> None:
    import mobench.sandbox

    try:
        sandbox = mobench.sandbox.make_sandbox()
    except SandboxUnavailableError as exc:
        if os.environ.get("MOBENCH_REQUIRE_SANDBOX") == "1":
            raise
        pytest.skip(f"no sandbox on this host: {exc}")
    loop = "def add(a, b):\n    while True:\n        pass\n"
    params = {"limits": {"per_test_seconds": 2.0, "wall_seconds": 15.0, "cpu_seconds": 10.0}}
    scorer = PassAt1(params, ScoringEnv(sandbox_factory=lambda: sandbox))
    batch = [req(fenced(code), tests=ADD_TESTS) for code in (GOOD, NO_NEGATIVES, WRONG, loop)]
    np.testing.assert_allclose(scorer.score(batch), [1.0, 0.75, 0.25, 0.0])


# ---------------------------------------------------------------------------------------------
# Registry


def test_scorers_are_registered() -> None:
    assert {"code.pass@1", "code.cost@1", "code.quality@1"} <= set(registered_scorers())
    env = env_with(FakeSandbox())
    spec = ObjectiveSpec(name="quality", scorer="code.quality@1", params={"alpha": 0.1})
    scorer = make_scorer(spec, env)
    assert (scorer.id, scorer.version) == ("code.quality", 1)
    assert isinstance(make_scorer(ObjectiveSpec("c", "code.cost@1"), env), CostAt1)
    assert isinstance(make_scorer(ObjectiveSpec("p", "code.pass@1"), env), PassAt1)
    assert code_mod.QualityAt1 is QualityAt1
