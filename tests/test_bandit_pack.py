"""bandit-concave@1: a deterministic builder, a concave known front, and its scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mobench import bandit_pack
from mobench.errors import PackFormatError
from mobench.objectives.base import ScoreRequest, ScoringEnv, make_scorer
from mobench.pack_index import builtin_pack_dir, open_pack
from mobench.pool import score_pool

SHIPPED = builtin_pack_dir() / "bandit-concave" / "1"


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    bandit_pack.build(tmp_path)
    shipped = sorted(p.name for p in SHIPPED.iterdir() if p.is_file())
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_front_is_concave_and_linear_weights_pick_only_extremes() -> None:
    front = bandit_pack.true_front()
    # t = 0.5: x = 0.5^(1/0.8) = 0.5^1.25 = 0.420448; 0.05 + 0.9·0.420448 = 0.428403
    assert front[5] == pytest.approx([0.428403, 0.428403])
    # every interior point lies strictly below the chord f1 + f2 = 1.0 between the extremes
    assert np.all(front[1:-1].sum(axis=1) < 1.0 - 1e-3)
    # for any weights w >= 0 the best arm under w·f is an extreme (t = 0 or t = 1)
    for w1 in np.linspace(0, 1, 101):
        scores = front @ np.array([w1, 1 - w1])
        assert np.argmax(scores) in (0, len(front) - 1)
    # the concave part is t in [0.2, 0.8]; the decoys are dominated by the front
    assert len(bandit_pack.concave_part()) == 7


def test_pack_scores_every_arm_with_its_stored_value() -> None:
    pack = open_pack("bandit-concave")
    assert [len(pack.split(s)) for s in ("train", "val", "test")] == [6, 2, 2]
    assert len(pack.preferences) == 11
    assert pack.source["true_front"] == bandit_pack.true_front().tolist()
    pool = score_pool(pack, ScoringEnv())
    values = dict(bandit_pack.arms())
    for item in pack.items:
        for cand, row in zip(pool.candidates[item.id], pool.objectives[item.id], strict=True):
            assert tuple(row) == pytest.approx(values[cand.completion])
    # the pool's non-dominated arms are exactly the front
    all_rows = pool.objectives[pack.items[0].id]
    from mobench.metrics import non_dominated

    assert sorted(map(tuple, all_rows[non_dominated(all_rows)])) == sorted(
        map(tuple, bandit_pack.true_front())
    )


def test_scorer_unknown_text_and_bad_params() -> None:
    pack = open_pack("bandit-concave")
    item = pack.items[0]
    scorer = make_scorer(pack.objectives[1], ScoringEnv())
    got = scorer.score([ScoreRequest(item, " pull lever 05\n"), ScoreRequest(item, "free text")])
    assert got.tolist() == [0.428403, 0.0]
    bad = type(pack.objectives[0])("f", "bandit.value@1", params={"index": -1})
    with pytest.raises(PackFormatError, match="index"):
        make_scorer(bad, ScoringEnv())
    no_arms = type(item)("x", "prompt")
    with pytest.raises(PackFormatError, match="arms"):
        scorer.score([ScoreRequest(no_arms, "pull lever 00")])
