"""LRF selectors: pair labels, loss, weights, model shapes, determinism, and behaviour."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from mobench.baselines.lrf import (
    PAPER_SCALARISATION,
    LocalRewardModel,
    LRFBaseline,
    LRFParams,
    LRFPareto,
    build_pairs,
    candidate_pairs,
    ranking_loss,
    tradeoff_fraction,
    training_pairs,
)
from mobench.baselines.random_select import RandomSelect
from mobench.embeddings import pair_text
from mobench.errors import MethodError
from mobench.methods import RespondContext, Response, ScoredPool, TrainContext
from mobench.metrics import dominates
from mobench.packs import Candidate, Item, ObjectiveSpec, Pack

LAMBDA = (0.5, 0.25, 0.25)
FAST = LRFParams(lr=1e-3, epochs=3)  # the paper's model, fewer epochs and a larger step

# Hand case: S = λ·R with λ = (0.5, 0.25, 0.25)
#   A = (1.0, 0.5, 0.5)  S = 0.75
#   B = (0.0, 1.0, 1.0)  S = 0.50   A vs B: A better on pass, B on cost and quality -> trade-off
#   C = (0.0, 0.5, 0.5)  S = 0.25   A dominates C, B dominates C
HAND = np.array([[1.0, 0.5, 0.5], [0.0, 1.0, 1.0], [0.0, 0.5, 0.5]])


# ---------------------------------------------------------------------------------------------
# A small synthetic pool whose texts carry the hidden objective vectors


def _completion(name: str, r: np.ndarray) -> str:
    """Code whose features track R: asserts ~ pass, filler lines ~ (1 - cost), docs ~ quality."""
    head = f"def {name}(values: list[int]) -> int:" if r[2] > 0.5 else f"def {name}(values):"
    lines = [head]
    if r[2] > 0.3:
        lines.append('    """Return the sum of the values."""')
    lines += [f"    assert isinstance(values[{k}], int)" for k in range(round(r[0] * 5))]
    lines += [f"    tmp{k} = sum(values) * {k}" for k in range(round((1.0 - r[1]) * 8))]
    lines += [f"    # step {k}: check the bounds" for k in range(round(r[2] * 4))]
    lines.append("    return sum(values)")
    return "\n".join(lines)


def _objectives(n: int = 3) -> tuple[ObjectiveSpec, ...]:
    return tuple(ObjectiveSpec(name, f"test.{name}@1") for name in ("pass", "cost", "quality")[:n])


def make_pack(
    objectives: dict[str, np.ndarray], splits: dict[str, str], texts: dict[str, list[str]]
) -> tuple[Pack, ScoredPool]:
    items = tuple(
        Item(id=item_id, prompt=f"Write {item_id}: sum a list.", split=splits[item_id])
        for item_id in objectives
    )
    candidates = {
        item_id: tuple(
            Candidate(item_id, f"{item_id}-c{j}", text) for j, text in enumerate(texts[item_id])
        )
        for item_id in objectives
    }
    pack = Pack(
        name="synthetic",
        version="0.0.0",
        track="code",
        description="",
        objectives=_objectives(),
        preferences=(LAMBDA,),
        reference_point=(0.0, 0.0, 0.0),
        items=items,
        candidates=tuple(c for group in candidates.values() for c in group),
        sha256="0" * 64,
    )
    return pack, ScoredPool(candidates, objectives)


def synthetic_pool(
    n_tasks: int = 30, k: int = 8, seed: int = 0, split: tuple[int, int] = (14, 4)
) -> tuple[Pack, ScoredPool]:
    rng = np.random.default_rng(seed)
    objectives, splits, texts = {}, {}, {}
    for t in range(n_tasks):
        item_id = f"task{t:02d}"
        values = rng.uniform(0.0, 1.0, size=(k, 3))
        objectives[item_id] = values
        splits[item_id] = "train" if t < split[0] else "val" if t < sum(split) else "test"
        texts[item_id] = [_completion(f"f{t}", r) for r in values]
    return make_pack(objectives, splits, texts)


def contexts(pack: Pack, pool: ScoredPool, seed: int = 0) -> tuple[TrainContext, RespondContext]:
    test = pack.split("test")
    train_ctx = TrainContext(pack, pack.split("train"), pack.split("val"), pool, seed, LAMBDA)
    respond_ctx = RespondContext(
        pack, test, {i.id: pool.candidates[i.id] for i in test}, LAMBDA, seed
    )
    return train_ctx, respond_ctx


def picked(pool: ScoredPool, responses: list[Response]) -> list[tuple[np.ndarray, int]]:
    """(objective matrix, chosen row) per response."""
    out = []
    for r in responses:
        ids = [c.candidate_id for c in pool.candidates[r.item_id]]
        out.append((np.asarray(pool.objectives[r.item_id]), ids.index(r.candidate_id)))
    return out


def mean_score(pool: ScoredPool, responses: list[Response]) -> float:
    return float(np.mean([values[j] @ np.array(LAMBDA) for values, j in picked(pool, responses)]))


def dominated_rate(pool: ScoredPool, responses: list[Response]) -> float:
    return float(
        np.mean(
            [
                any(dominates(other, values[j]) for other in values)
                for values, j in picked(pool, responses)
            ]
        )
    )


# ---------------------------------------------------------------------------------------------
# Pairs


def test_candidate_pairs_hand_case() -> None:
    pairs = candidate_pairs(HAND, LAMBDA)
    assert [(p.preferred, p.rejected) for p in pairs] == [(0, 1), (0, 2), (1, 2)]
    assert [p.tradeoff for p in pairs] == [True, False, False]
    assert [p.dominant for p in pairs] == [False, True, True]
    baseline = training_pairs(pairs, pareto_only=False)
    pareto = training_pairs(pairs, pareto_only=True)
    assert [(p.preferred, p.rejected) for p in baseline] == [(0, 1), (0, 2), (1, 2)]
    assert [(p.preferred, p.rejected) for p in pareto] == [(0, 2), (1, 2)]
    assert tradeoff_fraction(pairs) == pytest.approx(1 / 3)


def test_equal_scalarised_scores_are_dropped() -> None:
    # D = (0.5, 0, 0) has S = 0.25 like C: the pair (C, D) has no label.
    # A dominates D; B vs D is a trade-off labelled B > D.
    values = np.vstack([HAND, [0.5, 0.0, 0.0]])
    pairs = candidate_pairs(values, LAMBDA)
    assert [(p.preferred, p.rejected) for p in pairs] == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3)]
    assert [(p.preferred, p.rejected) for p in training_pairs(pairs, pareto_only=True)] == [
        (0, 2),
        (0, 3),
        (1, 2),
    ]
    assert tradeoff_fraction(pairs) == pytest.approx(2 / 5)
    # identical vectors never form a pair
    assert candidate_pairs(np.array([[0.2, 0.3, 0.4]] * 3), LAMBDA) == []
    assert tradeoff_fraction([]) == 0.0


def test_labels_follow_the_scalarisation() -> None:
    # With λ = (0.2, 0.4, 0.4) B (S = 0.8) beats A (S = 0.6): the trade-off pair flips.
    pairs = candidate_pairs(HAND, (0.2, 0.4, 0.4))
    assert [(p.preferred, p.rejected) for p in pairs] == [(1, 0), (0, 2), (1, 2)]
    # With λ = (0, 0.5, 0.5) A and C tie (S = 0.5): dropped although A dominates C.
    pairs = candidate_pairs(HAND, (0.0, 0.5, 0.5))
    assert [(p.preferred, p.rejected) for p in pairs] == [(1, 0), (1, 2)]


def test_build_pairs_indexes_a_flat_text_list() -> None:
    objectives = {"a": HAND, "b": HAND[[2, 0]]}  # b: C then A, so A (row 1) is preferred
    texts = {"a": ["x = 1", "y = 2", "z = 3"], "b": ["p = 0", "q = 1"]}
    pack, pool = make_pack(objectives, {"a": "train", "b": "train"}, texts)
    data = build_pairs(pack.split("train"), pool, LAMBDA, pareto_only=False)
    assert data.texts == (
        pair_text("Write a: sum a list.", "x = 1"),
        pair_text("Write a: sum a list.", "y = 2"),
        pair_text("Write a: sum a list.", "z = 3"),
        pair_text("Write b: sum a list.", "p = 0"),
        pair_text("Write b: sum a list.", "q = 1"),
    )
    assert data.used == ((0, 1), (0, 2), (1, 2), (4, 3))
    assert data.tradeoff_fraction == pytest.approx(1 / 4)
    pareto = build_pairs(pack.split("train"), pool, LAMBDA, pareto_only=True)
    assert pareto.used == ((0, 2), (1, 2), (4, 3))
    assert pareto.labelled == data.labelled


# ---------------------------------------------------------------------------------------------
# Loss, weights, model


def test_ranking_loss_values() -> None:
    zero = ranking_loss(torch.tensor([0.3]), torch.tensor([0.3]))
    assert float(zero) == pytest.approx(math.log(2.0))
    one = ranking_loss(torch.tensor([1.0]), torch.tensor([0.0]))
    assert float(one) == pytest.approx(math.log(1.0 + math.exp(-1.0)))
    mean = ranking_loss(torch.tensor([0.0, 2.0]), torch.tensor([0.0, 0.0]))
    assert float(mean) == pytest.approx((math.log(2.0) + math.log(1.0 + math.exp(-2.0))) / 2)
    huge = ranking_loss(torch.tensor([0.0]), torch.tensor([200.0]))  # stable: ≈ 200, not inf
    assert float(huge) == pytest.approx(200.0)


def test_softmax_weights_and_score() -> None:
    model = LocalRewardModel(dim=4, hidden=(5, 3), n_objectives=3, dropout=0.0)
    assert model.weights().tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    with torch.no_grad():
        model.u.copy_(torch.tensor([math.log(2.0), 0.0, 0.0]))
    assert model.weights().tolist() == pytest.approx([0.5, 0.25, 0.25])
    x = torch.randn(6, 4, generator=torch.Generator().manual_seed(0))
    r_hat = model.rewards(x)
    assert r_hat.shape == (6, 3)
    expected = 0.5 * r_hat[:, 0] + 0.25 * r_hat[:, 1] + 0.25 * r_hat[:, 2]
    torch.testing.assert_close(model(x), expected)


def test_mlp_layer_shapes() -> None:
    model = LocalRewardModel(dim=768, hidden=(512, 256), n_objectives=3, dropout=0.1)
    layers = list(model.mlp)
    assert [type(layer) for layer in layers] == [
        nn.Linear,
        nn.ReLU,
        nn.Dropout,
        nn.Linear,
        nn.ReLU,
        nn.Linear,
    ]
    linears = [layer for layer in layers if isinstance(layer, nn.Linear)]
    assert [(layer.in_features, layer.out_features) for layer in linears] == [
        (768, 512),
        (512, 256),
        (256, 3),
    ]
    assert layers[2].p == pytest.approx(0.1)
    assert model.u.shape == (3,)


def test_params_are_the_paper_defaults() -> None:
    params = LRFParams()
    assert (params.embedding, params.hidden, params.dropout) == ("hashed", (512, 256), 0.1)
    assert (params.lr, params.batch_size, params.epochs, params.weight_decay) == (
        1e-4,
        16,
        20,
        0.01,
    )
    assert LRFBaseline.Params is LRFParams and LRFPareto.Params is LRFParams
    assert PAPER_SCALARISATION == LAMBDA
    assert LRFBaseline().params == params


# ---------------------------------------------------------------------------------------------
# Training


@pytest.fixture(scope="module")
def small() -> tuple[Pack, ScoredPool]:
    return synthetic_pool(n_tasks=8, k=4, seed=1, split=(5, 2))


def test_training_is_deterministic_under_a_seed(small: tuple[Pack, ScoredPool]) -> None:
    pack, pool = small
    params = LRFParams(epochs=2, hidden=(32, 16))
    rng_before = torch.get_rng_state()
    deterministic = torch.are_deterministic_algorithms_enabled()
    threads = torch.get_num_threads()
    runs = []
    for seed in (7, 7, 8):
        train_ctx, respond_ctx = contexts(pack, pool, seed)
        method = LRFPareto(params)
        report = method.train(train_ctx)
        assert method.model is not None
        state = {k: v.clone() for k, v in method.model.state_dict().items()}
        runs.append((report.metrics, state, method.respond(respond_ctx)))
    (m1, s1, r1), (m2, s2, r2), (m3, s3, _) = runs
    assert m1 == m2 and r1 == r2
    assert all(torch.equal(s1[k], s2[k]) for k in s1)
    assert not all(torch.equal(s1[k], s3[k]) for k in s1)
    # the caller's RNG, determinism flag and thread count are left as they were
    assert torch.equal(torch.get_rng_state(), rng_before)
    assert torch.are_deterministic_algorithms_enabled() == deterministic
    assert torch.get_num_threads() == threads


def test_report_and_best_validation_model(small: tuple[Pack, ScoredPool]) -> None:
    pack, pool = small
    train_ctx, respond_ctx = contexts(pack, pool)
    method = LRFBaseline(LRFParams(epochs=4, lr=1e-3, hidden=(32, 16)))
    metrics = method.train(train_ctx).metrics
    labelled = build_pairs(train_ctx.train, pool, LAMBDA, pareto_only=False)
    assert metrics["training_pairs"] == len(labelled.used) == metrics["labelled_pairs"]
    assert metrics["tradeoff_pair_fraction"] == pytest.approx(labelled.tradeoff_fraction)
    assert len(metrics["learned_weights"]) == 3
    assert sum(metrics["learned_weights"]) == pytest.approx(1.0)
    assert metrics["epochs"] == 4 and 1 <= metrics["best_epoch"] <= 4
    assert metrics["embedding"] == "hashed" and metrics["embedding_dim"] == 768
    assert math.isfinite(metrics["train_loss"])
    # the kept model is the one whose validation loss is reported
    val = build_pairs(train_ctx.val, pool, LAMBDA, pareto_only=False)
    scores = method.scores(val.texts)
    pairs = np.array(val.used)
    recomputed = float(np.mean(np.log1p(np.exp(scores[pairs[:, 1]] - scores[pairs[:, 0]]))))
    assert metrics["val_loss"] == pytest.approx(recomputed, rel=1e-4)
    assert metrics["validation_pairs"] == len(val.used)
    responses = method.respond(respond_ctx)
    assert [r.item_id for r in responses] == [i.id for i in respond_ctx.items]
    for r in responses:
        chosen = {c.candidate_id: c for c in pool.candidates[r.item_id]}[r.candidate_id]
        assert r.text == chosen.completion


def test_no_training_pairs_is_a_clear_error() -> None:
    # Two candidates that trade off: the baseline has one pair, the Pareto variant none.
    objectives = {"a": np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 1.0]]), "v": np.zeros((2, 3))}
    texts = {"a": ["x = 1", "y = 2"], "v": ["x = 1", "y = 2"]}
    pack, pool = make_pack(objectives, {"a": "train", "v": "val"}, texts)
    train_ctx, _ = contexts(pack, pool)
    report = LRFBaseline(LRFParams(epochs=1, hidden=(8, 4))).train(train_ctx)
    assert report.metrics["training_pairs"] == 1
    assert report.metrics["tradeoff_pair_fraction"] == 1.0
    assert report.metrics["val_loss"] is None  # identical validation vectors: no val pairs
    with pytest.raises(MethodError, match="no training pairs"):
        LRFPareto(LRFParams(epochs=1)).train(train_ctx)


def test_reported_pair_counts_on_the_hand_case_with_a_tie() -> None:
    # A, B, C of HAND plus D = (0.5, 0, 0), which ties C: 6 pairs, 5 labelled, 2 of them
    # trade-offs (A-B, B-D); the dropped tie C-D is a trade-off too (3 of all 6 pairs)
    objectives = {"a": np.vstack([HAND, [0.5, 0.0, 0.0]])}
    pack, pool = make_pack(objectives, {"a": "train"}, {"a": ["a = 1", "b = 2", "c = 3", "d"]})
    train_ctx, _ = contexts(pack, pool)
    params = LRFParams(epochs=1, hidden=(8, 4))
    base = LRFBaseline(params).train(train_ctx).metrics
    pareto = LRFPareto(params).train(train_ctx).metrics
    assert (base["training_pairs"], pareto["training_pairs"]) == (5, 3)
    assert base["labelled_pairs"] == pareto["labelled_pairs"] == 5
    assert base["tradeoff_pair_fraction"] == pareto["tradeoff_pair_fraction"] == pytest.approx(0.4)
    assert pareto["pool_tradeoff_fraction"] == pytest.approx(3 / 6)
    assert pareto["val_loss"] is None and pareto["validation_pairs"] == 0


def test_respond_before_train_and_bad_input() -> None:
    pack, pool = synthetic_pool(n_tasks=3, k=2, split=(2, 0))
    train_ctx, respond_ctx = contexts(pack, pool)
    with pytest.raises(MethodError, match="before train"):
        LRFBaseline().respond(respond_ctx)
    bad = TrainContext(pack, train_ctx.train, (), pool, 0, (0.5, 0.5))
    with pytest.raises(MethodError, match="objectives of shape"):
        LRFBaseline().train(bad)
    with pytest.raises(MethodError, match="non-negative"):
        LRFBaseline().train(TrainContext(pack, train_ctx.train, (), pool, 0, (1.0, -1.0, 0.0)))
    assert LRFBaseline().supports(pack)


# ---------------------------------------------------------------------------------------------
# Behaviour on a synthetic pool


def test_trained_lrf_beats_random_on_a_synthetic_pool() -> None:
    pack, pool = synthetic_pool(n_tasks=30, k=8, seed=0)
    train_ctx, respond_ctx = contexts(pack, pool)
    random_responses = RandomSelect().respond(respond_ctx)
    random_score = mean_score(pool, random_responses)
    best = float(
        np.mean([(pool.objectives[i.id] @ np.array(LAMBDA)).max() for i in respond_ctx.items])
    )

    baseline, pareto = LRFBaseline(FAST), LRFPareto(FAST)
    base_report = baseline.train(train_ctx).metrics
    pareto_report = pareto.train(train_ctx).metrics
    base_responses = baseline.respond(respond_ctx)
    pareto_responses = pareto.respond(respond_ctx)
    base_score = mean_score(pool, base_responses)
    pareto_score = mean_score(pool, pareto_responses)

    # both learn: their picks' true λ·R clearly beat random's (and never exceed the best)
    assert base_score >= random_score + 0.4 * (best - random_score), (base_score, random_score)
    assert pareto_score >= random_score + 0.25 * (best - random_score), (pareto_score, random_score)
    assert max(base_score, pareto_score) <= best + 1e-12
    # Pareto LRF drops the trade-off pairs: fewer, never contradictory, training pairs
    assert pareto_report["training_pairs"] < base_report["training_pairs"]
    assert pareto_report["tradeoff_pair_fraction"] == base_report["tradeoff_pair_fraction"]
    assert 0.5 < base_report["tradeoff_pair_fraction"] < 0.95  # 3 uniform objectives: ≈ 3/4
    assert pareto_report["training_pairs"] == pytest.approx(
        base_report["labelled_pairs"] * (1 - base_report["tradeoff_pair_fraction"])
    )
    # and its picks are dominated no more often than random's, nor (but for one item) than
    # the baseline's
    pareto_dominated = dominated_rate(pool, pareto_responses)
    assert pareto_dominated <= dominated_rate(pool, random_responses)
    slack = 1.0 / len(respond_ctx.items)
    assert pareto_dominated <= dominated_rate(pool, base_responses) + slack
