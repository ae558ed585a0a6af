"""coding24@1 in the real sandbox: every reference passes; the pool has the promised spread."""

from __future__ import annotations

import numpy as np
import pytest

from mobench.cache import ResultCache
from mobench.objectives.base import ScoringEnv
from mobench.pack_index import open_pack
from mobench.pool import pool_stats, reference_pass_rates, score_pool
from mobench.sandbox import make_sandbox
from mobench.sandbox.base import discover_tests


@pytest.fixture(scope="module")
def coding24():
    return open_pack("coding24@1")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return ScoringEnv(
        sandbox_factory=lambda: make_sandbox("local"),
        cache=ResultCache(tmp_path_factory.mktemp("cache") / "c.sqlite"),
    )


def test_every_task_has_eight_tests_and_a_signature(coding24) -> None:
    for item in coding24.items:
        assert len(discover_tests(item.tests)) >= 8, item.id
        assert item.entry_point in item.prompt, item.id
        assert f"from solution import {item.entry_point}" in item.tests, item.id


def test_all_reference_solutions_pass_in_the_sandbox(coding24, env) -> None:
    rates = reference_pass_rates(coding24, env)
    assert len(rates) == 24
    assert [item for item, rate in rates.items() if rate < 1.0] == []


def test_pool_spread_matches_the_issue_targets(coding24, env) -> None:
    pool = score_pool(coding24, env)
    stats = pool_stats(coding24, pool)
    assert stats.candidates >= 192
    assert 0.4 <= stats.tradeoff_fraction <= 0.75
    for name in coding24.objective_names:
        assert stats.objective_max[name] - stats.objective_min[name] >= 0.5, name
    passes = np.concatenate([pool.objectives[i.id][:, 0] for i in coding24.items])
    assert 0 < np.mean(passes == 1.0) < 1 and np.any((passes > 0) & (passes < 1))
    assert stats.items_with_a_full_score == 24
