"""mobench's hypervolume and collapse rate as Hugging Face ``evaluate`` modules: same numbers."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import numpy as np
import pytest

import mobench
from mobench.metrics import hypervolume
from mobench.objectives.text import collapse_rate

evaluate = pytest.importorskip("evaluate")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hv_metric():
    return evaluate.load(mobench.evaluate_path("hypervolume"))


@pytest.fixture(scope="module")
def collapse_metric():
    return evaluate.load(mobench.evaluate_path("collapse_rate"))


def test_hypervolume_by_hand(hv_metric) -> None:
    # two points, origin reference: 1·0.5 + 0.5·(1 − 0.5) = 0.75
    out = hv_metric.compute(predictions=[[1.0, 0.5], [0.5, 1.0]], reference_point=[0.0, 0.0])
    assert out == {"hypervolume": 0.75}
    # reference (0.5, 0.25): (0.5, 1) is not strictly above it, so (1−0.5)·(0.5−0.25) = 0.125
    out = hv_metric.compute(predictions=[[1.0, 0.5], [0.5, 1.0]], reference_point=[0.5, 0.25])
    assert out["hypervolume"] == pytest.approx(0.125)


@pytest.mark.parametrize(("n", "m"), [(1, 2), (12, 2), (30, 3), (25, 4)])
def test_hypervolume_equals_mobench(hv_metric, n: int, m: int) -> None:
    points = np.random.default_rng(n * m).random((n, m))
    ref = np.full(m, 0.1)
    got = hv_metric.compute(predictions=points.tolist(), reference_point=ref.tolist())
    assert got["hypervolume"] == hypervolume(points, ref)  # exactly mobench's number
    assert hv_metric.compute(predictions=points.tolist())["hypervolume"] == hypervolume(points)


def test_hypervolume_in_batches(hv_metric) -> None:
    points = np.random.default_rng(7).random((20, 3))
    for start in range(0, 20, 6):
        hv_metric.add_batch(predictions=points[start : start + 6].tolist())
    assert hv_metric.compute(reference_point=0.0)["hypervolume"] == hypervolume(points)


def test_hypervolume_of_a_published_front(hv_metric) -> None:
    from mobench.fronts import front_table, seed_fronts
    from mobench.records import RunStore

    store = REPO / "leaderboard" / "coding24"
    if not (store / "records").is_dir():
        pytest.skip("no committed leaderboard in this checkout")
    records = RunStore(store).load_all()
    fronts = seed_fronts(records)
    for front in fronts[:4]:
        got = hv_metric.compute(
            predictions=front.points.tolist(), reference_point=list(front.reference_point)
        )
        assert got["hypervolume"] == front.hypervolume
    # and the leaderboard's front HV of a method is the mean of those per seed
    table = front_table(records)
    row = table.iloc[0]
    per_seed = [
        hv_metric.compute(predictions=f.points.tolist())["hypervolume"]
        for f in fronts
        if (f.method, f.protocol, f.config) == (row.method, row.protocol, row.config)
    ]
    assert row.front_hv_mean == pytest.approx(float(np.mean(per_seed)), abs=1e-12)


PROMPTS = [
    "Explain why the sky is blue.",
    "Explain why the sky is blue.",
    "Is water wet?",
    "Write a short poem about the sea.",
    "Solve 2x + 3 = 7 and show your steps.",
]
RESPONSES = [
    "",  # empty: collapsed
    "Sunlight scatters off air molecules, and blue light scatters the most, so the sky "
    "looks blue from every direction.",
    "Yes.",  # a yes/no question: one word is enough
    "the sea the sea the sea the sea the sea the sea the sea the sea the sea the sea",
    "Subtract 3 from both sides to get 2x = 4, then divide by 2: x = 2.",
]


def test_collapse_rate_equals_mobench(collapse_metric) -> None:
    expected = collapse_rate(PROMPTS, RESPONSES)
    got = collapse_metric.compute(predictions=RESPONSES, prompts=PROMPTS)
    assert got == {"collapse_rate": expected}
    assert 0.0 < expected < 1.0  # the set mixes collapsed and healthy answers


def test_collapse_rate_by_hand(collapse_metric) -> None:
    answer = "Tides rise and fall twice a day because the moon pulls on the oceans."
    got = collapse_metric.compute(predictions=["", answer], prompts=["Explain tides."] * 2)
    assert got == {"collapse_rate": 0.5}  # one empty answer out of two


def test_unknown_module_and_missing_inputs(collapse_metric) -> None:
    with pytest.raises(ValueError, match="no evaluate module 'bleu'"):
        mobench.evaluate_path("bleu")
    with pytest.raises(ValueError, match="prompts"):
        collapse_metric.compute(predictions=["a"])


def test_modules_are_package_data() -> None:
    """The pyproject package-data globs ship both module files (and the record schema)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "mobench.evaluate_metrics" in config["packages"]
    globs = config["package-data"]["mobench.evaluate_metrics"]
    root = REPO / "mobench" / "evaluate_metrics"
    for name in ("hypervolume", "collapse_rate"):
        rel = f"{name}/{name}.py"
        assert (root / rel).is_file() and any(fnmatch.fnmatch(rel, g) for g in globs)
        assert Path(mobench.evaluate_path(name), f"{name}.py").is_file()
    assert any(
        fnmatch.fnmatch("schemas/run_record.v2.json", g) for g in config["package-data"]["mobench"]
    )
