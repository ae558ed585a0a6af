"""The OnlineMethod train loop: a tiny MORLHF-like subclass learns on a code pack and math-synth."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from mobench.errors import MethodError
from mobench.methods import RespondContext, ScoredPool, TrainContext
from mobench.objectives.base import ScoringEnv
from mobench.pack_index import open_pack
from mobench.packs import Pack
from mobench.policy import PolicySpec, make_policy
from mobench.policy.pool import PoolPolicy
from mobench.pool import score_pool
from mobench.rl import Batch, OnlineMethod, OnlineParams, OnlineState, ValPoint, collect
from mobench.rl.rollout import context_rewards
from mobench.runner import _text_scorer


class LinearRL(OnlineMethod):
    """Fixed linear weights (the MORLHF rule) through the base loop; records the hook calls."""

    name = "linear-rl-test"
    summary = "test double"

    def __init__(self, params: Any = None) -> None:
        super().__init__(params)
        self.calls: list[str] = []

    def after_step(self, step: int, batch: Batch, state: OnlineState) -> None:
        self.calls.append(f"step{step}")

    def on_validation(self, point: ValPoint, state: OnlineState) -> None:
        self.calls.append(f"val{point.step}")


def _ctx(pack: Pack, pool: ScoredPool, seed: int = 0, **kw: Any) -> TrainContext:
    train, val = pack.split("train"), pack.split("val")
    known = {i.id for i in train + val}
    pref = pack.preferences[0]
    return TrainContext(pack, train, val, pool.restrict(known), seed, pref, **kw)


def _expected_scalarised(policy: PoolPolicy, ctx: TrainContext) -> float:
    """E_π[w·r] over the validation items, exact (sum over each candidate set)."""
    w = np.asarray(ctx.scalarisation) / sum(ctx.scalarisation)
    with torch.no_grad():
        logps = policy.candidate_logprobs(list(ctx.val))
    return float(
        np.mean(
            [
                lp.exp().numpy() @ (ctx.pool.objectives[i.id] @ w)
                for i, lp in zip(ctx.val, logps, strict=True)
            ]
        )
    )


@pytest.fixture()
def code_ctx(pack_factory: Any, tmp_path: Any, fake_sandbox_cls: Any) -> TrainContext:
    pack = pack_factory(tmp_path / "packs", n_items=12, name="tiny-rl")
    pool = score_pool(pack, ScoringEnv(sandbox_factory=fake_sandbox_cls))
    return _ctx(pack, pool)


def test_improves_scalarised_validation_reward_on_a_code_pack(code_ctx: TrainContext) -> None:
    method = LinearRL(OnlineParams(steps=30, eval_every=10))
    result = method.fit(code_ctx)
    assert isinstance(result.policy, PoolPolicy)
    initial = make_policy(method.policy_spec(code_ctx), code_ctx.pack, seed=0)
    assert isinstance(initial, PoolPolicy)
    before = _expected_scalarised(initial, code_ctx)
    after = _expected_scalarised(result.policy, code_ctx)
    w = np.asarray(code_ctx.scalarisation) / sum(code_ctx.scalarisation)
    best = float(np.mean([(code_ctx.pool.objectives[i.id] @ w).max() for i in code_ctx.val]))
    assert after > before + 0.5 * (best - before)  # more than half of the possible gain
    # the greedy validation point moves up (seed 0 starts at 0.818 and settles on the
    # verbose-but-correct candidate, 0.885; the best, 0.964, is the terse typed one)
    assert result.trajectory[-1].scalarised > result.trajectory[0].scalarised
    # hooks: validation at 0, 10, 20, 30; after_step after every step
    assert method.calls[0] == "val0" and method.calls.count("val30") == 1
    assert [c for c in method.calls if c.startswith("val")] == ["val0", "val10", "val20", "val30"]
    assert sum(c.startswith("step") for c in method.calls) == 30


def test_report_respond_and_determinism(code_ctx: TrainContext) -> None:
    params = OnlineParams(steps=6, eval_every=3, estimator="rloo")
    a, b = LinearRL(params), LinearRL(params)
    report_a, report_b = a.train(code_ctx), b.train(code_ctx)
    assert report_a.metrics == report_b.metrics  # same seed, same record
    m = report_a.metrics
    assert m["device"] == "cpu" and m["steps"] == 6
    assert m["eval_steps"] == [0, 3, 6]
    assert len(m["val_means"]) == 3 and len(m["val_means"][0]) == 3
    assert m["weights"] == [[0.5, 0.25, 0.25]] * 6
    assert m["steps_to_final_front"] in m["eval_steps"]
    assert len(m["losses"]) == len(m["kl"]) == 6
    other = LinearRL(params).train(TrainContext(**{**code_ctx.__dict__, "seed": 1}))
    assert other.metrics["losses"] != m["losses"]
    pack = code_ctx.pack
    test = pack.split("test")
    rctx = RespondContext(pack, test, pack.candidates_by_item(), code_ctx.scalarisation, 0)
    answers = a.respond(rctx)
    assert [r.item_id for r in answers] == [i.id for i in test]
    cands = {c.candidate_id: c.completion for c in pack.candidates}
    assert all(r.candidate_id in cands and r.text == cands[r.candidate_id] for r in answers)
    with pytest.raises(MethodError, match="before train"):
        LinearRL().respond(rctx)


@pytest.mark.parametrize("estimator", ["grpo", "rloo", "reinforce"])
def test_every_estimator_learns_on_math_synth(estimator: str) -> None:
    pack = open_pack("math-synth")
    pool = score_pool(pack, ScoringEnv())
    ctx = _ctx(pack, pool)
    method = LinearRL(OnlineParams(estimator=estimator))
    report = method.train(ctx)
    scal = report.metrics["val_scalarised"]
    assert scal[-1] >= scal[0]
    assert isinstance(method.policy, PoolPolicy)
    initial = make_policy(method.policy_spec(ctx), pack, seed=0)
    assert isinstance(initial, PoolPolicy)
    assert _expected_scalarised(method.policy, ctx) > _expected_scalarised(initial, ctx) + 0.1


def test_collect_shapes_and_pool_rewards(code_ctx: TrainContext) -> None:
    policy = make_policy(PolicySpec(), code_ctx.pack, seed=0)
    items = list(code_ctx.train[:3])
    rollout = collect(policy, items, 4, torch.Generator().manual_seed(0), context_rewards(code_ctx))
    assert rollout.rewards.shape == (3, 4, 3)
    flat = rollout.flat_samples()
    assert [s.item_id for s in flat] == [i.id for i in rollout.flat_items()]
    for k, sample in enumerate(flat):
        cands = code_ctx.pool.candidates[sample.item_id]
        row = [c.candidate_id for c in cands].index(sample.candidate_id)
        np.testing.assert_array_equal(
            rollout.rewards[k // 4, k % 4], code_ctx.pool.objectives[sample.item_id][row]
        )


def test_fresh_text_is_scored_through_score_texts() -> None:
    """math-synth: text outside the pool goes to ctx.score_texts (the runner's scorers)."""
    pack = open_pack("math-synth")
    pool = score_pool(pack, ScoringEnv())
    score_texts = _text_scorer(pack, ScoringEnv())
    item = pack.split("train")[0]
    right = f"The answer is $\\boxed{{{item.reference}}}$."
    vectors = score_texts([item, item], [right, "I do not know."])
    assert vectors.shape == (2, 3) and np.all((vectors >= 0) & (vectors <= 1))
    assert vectors[0, 0] == 1.0 and vectors[1, 0] == 0.0  # math.accuracy
    ctx = _ctx(pack, pool, score_texts=score_texts)
    from mobench.policy import Sample

    cand = pool.candidates[item.id][0]
    rewards = context_rewards(ctx)(
        [item, item], [Sample(item.id, right), Sample(item.id, cand.completion, cand.candidate_id)]
    )
    np.testing.assert_allclose(rewards[0], vectors[0])
    np.testing.assert_allclose(rewards[1], pool.objectives[item.id][0])
    with pytest.raises(MethodError, match="score_texts"):
        context_rewards(_ctx(pack, pool))([item], [Sample(item.id, right)])


def test_bad_hyper_parameters_fail_clearly() -> None:
    with pytest.raises(MethodError, match="estimator"):
        OnlineParams(estimator="ppo")
    with pytest.raises(MethodError, match="steps"):
        OnlineParams(steps=0)
    with pytest.raises(MethodError, match="rloo"):
        OnlineParams(estimator="rloo", samples_per_prompt=1)
    with pytest.raises(MethodError, match="lr"):
        OnlineParams(lr=0.0)


def test_nan_rewards_fail_clearly(code_ctx: TrainContext) -> None:
    class NaNRewards(LinearRL):
        def scalar_rewards(self, rewards: np.ndarray, state: OnlineState) -> np.ndarray:
            return np.full(rewards.shape[:2], np.nan)

    with pytest.raises(MethodError, match="NaN"):
        NaNRewards(OnlineParams(steps=1)).fit(code_ctx)


def test_runner_clock_synchronises_cuda_and_names_the_used_device(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mobench.methods import TrainReport
    from mobench.runner import _Clock, _used_device

    calls: list[str] = []
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)
    monkeypatch.setattr(torch.cuda, "synchronize", lambda *a: calls.append("sync"))
    with _Clock("cuda:NVIDIA H200").phase("train"):
        calls.append("work")
    assert calls == ["sync", "work", "sync"]  # before the start and before the stop reading
    calls.clear()
    with _Clock("cpu").phase("train"):
        pass
    assert calls == []
    reports = [TrainReport({"device": "cpu"}), TrainReport({"device": "cpu"})]
    assert _used_device(reports, "cuda:NVIDIA H200") == "cpu"
    assert _used_device([TrainReport({})], "cuda:X") == "cuda:X"
