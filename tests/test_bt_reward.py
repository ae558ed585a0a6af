"""Bradley–Terry reward models: loss and gradient by hand, the fit, files, hashes, the scorers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from mobench.bt_reward import (
    BTRewardModel,
    RewardModelError,
    bt_loss_grad,
    dialogue_context,
    evaluate_reward_model,
    feature_text,
    file_sha256,
    fit_bt,
    load_model,
    pack_pairs,
    pairwise_accuracy,
    save_trained,
    train_reward_model,
)
from mobench.objectives.base import ScoreRequest, ScoringEnv, make_scorer, registered_scorers
from mobench.packs import Candidate, Item, ObjectiveSpec, Pack, PreferencePair, write_pack

ENCODER = "hashed:64"  # fast and offline; the MiniLM path is covered by the hh-mini tests


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_bt_loss_and_gradient_by_hand() -> None:
    diffs = np.array([[1.0, 0.0], [0.0, 2.0]])
    targets = np.array([1.0, 0.0])  # pair 0: a wins; pair 1: b wins
    w = np.array([0.5, -0.25])
    loss, grad = bt_loss_grad(w, diffs, targets, l2=0.1)
    # z = (0.5, -0.5): pair 0 costs -log σ(0.5), pair 1 costs -log σ(0.5) = -log(1 - σ(-0.5))
    per_pair = math.log(1.0 + math.exp(-0.5))  # 0.474077
    assert loss == pytest.approx(per_pair + 0.05 * (0.25 + 0.0625), abs=1e-12)
    assert loss == pytest.approx(0.489702, abs=1e-6)
    # ∇ = mean((σ(z) - t) d) + λ w = ((σ(.5)-1)·(1,0) + σ(-.5)·(0,2)) / 2 + 0.1·(0.5, -0.25)
    s = _sigmoid(0.5)
    expected = np.array([(s - 1.0) / 2 + 0.05, (1.0 - s) * 2 / 2 - 0.025])
    np.testing.assert_allclose(grad, expected, atol=1e-12)
    np.testing.assert_allclose(grad, [-0.138771, 0.352541], atol=1e-6)


def test_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    diffs, w = rng.normal(size=(7, 4)), rng.normal(size=4)
    targets = np.array([1, 0, 0.5, 1, 1, 0, 0.5])
    _, grad = bt_loss_grad(w, diffs, targets, 0.3)
    eps = 1e-6
    numeric = [
        (
            bt_loss_grad(w + eps * e, diffs, targets, 0.3)[0]
            - bt_loss_grad(w - eps * e, diffs, targets, 0.3)[0]
        )
        / (2 * eps)
        for e in np.eye(4)
    ]
    np.testing.assert_allclose(grad, numeric, atol=1e-7)


def test_tie_has_target_one_half() -> None:
    diffs, tie = np.array([[1.0]]), np.array([0.5])
    loss, grad = bt_loss_grad(np.zeros(1), diffs, tie, 0.0)
    assert loss == pytest.approx(math.log(2.0)) and grad[0] == pytest.approx(0.0)
    loss, grad = bt_loss_grad(np.array([2.0]), diffs, tie, 0.0)
    assert loss == pytest.approx(0.5 * math.log1p(math.exp(-2)) + 0.5 * math.log1p(math.exp(2)))
    assert grad[0] == pytest.approx(_sigmoid(2.0) - 0.5)


def test_fit_reaches_the_unique_optimum() -> None:
    # one pair, a wins, d = 1: the optimum solves 1 - σ(w) = λ w
    w, steps = fit_bt(np.array([[1.0]]), np.array([1.0]), l2=0.1)
    assert 1.0 - _sigmoid(w[0]) == pytest.approx(0.1 * w[0], abs=1e-9)
    assert 0 < steps < 50
    # the same pair labelled both ways cancels out: w = 0
    w, _ = fit_bt(np.array([[1.0, 2.0], [1.0, 2.0]]), np.array([1.0, 0.0]), l2=0.01)
    np.testing.assert_allclose(w, 0.0, atol=1e-12)
    with pytest.raises(RewardModelError, match="positive"):
        fit_bt(np.ones((1, 1)), np.ones(1), l2=0.0)


def test_pairwise_accuracy_skips_ties_and_halves_equal_scores() -> None:
    a = np.array([2.0, 0.0, 1.0, 5.0, 3.0])
    b = np.array([1.0, 1.0, 1.0, 0.0, 3.0])
    winners = ["a", "a", "b", "tie", "a"]
    # hits: 1 (2>1), 0 (0<1), 0.5 (equal), tie skipped, 0.5 (equal) → 2 / 4
    assert pairwise_accuracy(a, b, winners) == pytest.approx(0.5)
    assert math.isnan(pairwise_accuracy(a[:1], b[:1], ["tie"]))


def test_dialogue_context_keeps_the_last_human_turn() -> None:
    prompt = "\n\nHuman: hi\n\nAssistant: hello!\n\nHuman: how do I boil an egg?\n\nAssistant:"
    assert dialogue_context(prompt) == "Human: how do I boil an egg?\n\nAssistant:"
    assert dialogue_context("Boil an egg.") == "Human: Boil an egg.\n\nAssistant:"
    assert feature_text("Boil an egg.", " Six minutes. ") == (
        "Human: Boil an egg.\n\nAssistant:\nSix minutes."
    )
    long_turn = "word " * 400
    context = dialogue_context(f"\n\nHuman: {long_turn}\n\nAssistant:")
    assert len(context) <= 600 + len("Human: \n\nAssistant:")


# ---------------------------------------------------------------------------------------------
# a small synthetic pack: good answers mention the fix, bad ones refuse


GOOD = [
    "Sure, {t}: first check the settings, then restart it, and it should work.",
    "Here is how {t}: open the panel, change the option and save.",
    "Good question about {t}. Step one, clean it; step two, test it again.",
]
BAD = [
    "I can't help with that.",
    "No.",
    "That is not something I will talk about.",
]


def make_pref_pack(root: Path, n: int = 30, name: str = "prefs") -> Pack:
    topics = [f"fixing thing number {i}" for i in range(n)]
    items, cands, pairs = [], [], []
    splits = ["train"] * (n * 6 // 10) + ["val"] * (n * 2 // 10)
    splits += ["test"] * (n - len(splits))
    for i, topic in enumerate(topics):
        item_id = f"q{i:02d}"
        items.append(Item(item_id, f"\n\nHuman: help me with {topic}?\n\nAssistant:", splits[i]))
        good, bad = GOOD[i % 3].format(t=topic), BAD[i % 3]
        cands += [Candidate(item_id, f"{item_id}-g", good), Candidate(item_id, f"{item_id}-b", bad)]
        a_first = i % 2 == 0
        a, b = (f"{item_id}-g", f"{item_id}-b") if a_first else (f"{item_id}-b", f"{item_id}-g")
        pairs.append(PreferencePair(item_id, a, b, "helpful", "a" if a_first else "b"))
        pairs.append(PreferencePair(item_id, a, b, "harmless", "tie"))
    folder = write_pack(
        root / name / "1",
        name=name,
        version="1",
        track="dialogue",
        objectives=[ObjectiveSpec("helpful", "hh.helpful@1", (-3.0, 3.0))],
        items=items,
        candidates=cands,
        pairs=pairs,
    )
    from mobench.packs import load_pack

    return load_pack(folder)


def test_train_on_a_pack_separates_good_from_bad(tmp_path: Path) -> None:
    pack = make_pref_pack(tmp_path)
    pairs = pack_pairs(pack, "helpful")
    assert len(pairs) == 30 and set(pairs.splits) == {"train", "val", "test"}
    result = train_reward_model(pack, "helpful", encoder=ENCODER)
    meta = result.metadata
    assert meta["accuracy"]["test"] == 1.0
    assert meta["training"]["pairs"] == {
        "train": {"pairs": 18, "ties": 0},
        "val": {"pairs": 6, "ties": 0},
        "test": {"pairs": 6, "ties": 0},
    }
    assert meta["encoder"] == ENCODER and meta["pack"] == "prefs@1"
    assert meta["pack_sha256"] == pack.sha256 and len(meta["data_sha256"]) == 64
    lo, hi = meta["suggested_bounds"]
    assert lo < 0 < hi
    report = evaluate_reward_model(result.model, pack, "helpful", splits=("test",))
    assert report["accuracy"] == 1.0 and report["pairs"] == 6
    with pytest.raises(RewardModelError, match="no preference pairs on objective 'humor'"):
        train_reward_model(pack, "humor", encoder=ENCODER)
    # all-tie objective: trains (targets 1/2) and has no accuracy to report
    tied = train_reward_model(pack, "harmless", encoder=ENCODER)
    assert math.isnan(tied.metadata["accuracy"]["test"])


def test_model_file_is_deterministic_and_hash_checked(tmp_path: Path) -> None:
    model = BTRewardModel(
        w=np.array([0.5, -1.0, 2.0]), b=0.25, objective="helpful", encoder=ENCODER
    )
    first = model.save(tmp_path / "a.npz")
    second = model.save(tmp_path / "b.npz")
    assert first == second == file_sha256(tmp_path / "a.npz")
    again = load_model(tmp_path / "a.npz", first)
    np.testing.assert_array_equal(again.w, model.w)
    assert (again.b, again.objective, again.encoder) == (0.25, "helpful", ENCODER)
    with pytest.raises(RewardModelError, match="differs"):
        load_model(tmp_path / "a.npz", "0" * 64)
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(RewardModelError, match="not a readable"):
        load_model(tmp_path / "bad.npz")
    with pytest.raises(RewardModelError, match="no such"):
        load_model(tmp_path / "missing.npz")


def test_bt_scorer_scores_with_the_named_model_and_refuses_another(tmp_path: Path) -> None:
    assert {"hh.helpful@1", "hh.harmless@1", "hh.humor@1"} <= set(registered_scorers())
    pack = make_pref_pack(tmp_path)
    result = train_reward_model(pack, "helpful", encoder=ENCODER)
    meta = save_trained(result, tmp_path / "rm" / "rm-prefs-helpful.npz")
    saved = json.loads((tmp_path / "rm" / "rm-prefs-helpful.json").read_text())
    assert saved["weights_sha256"] == meta["weights_sha256"]
    assert saved["weights_sha256"] == file_sha256(tmp_path / "rm" / "rm-prefs-helpful.npz")
    params = {
        "backend": "bt",
        "model": str(tmp_path / "rm" / "rm-prefs-helpful.npz"),
        "sha256": meta["weights_sha256"],
    }
    spec = ObjectiveSpec("helpful", "hh.helpful@1", (-3.0, 3.0), "max", params)
    scorer = make_scorer(spec, ScoringEnv())
    item = pack.item("q00")
    by_id = {c.candidate_id: c.completion for c in pack.candidates}
    scores = scorer.score([ScoreRequest(item, by_id["q00-g"]), ScoreRequest(item, by_id["q00-b"])])
    assert scores.shape == (2,) and scores[0] > scores[1]
    np.testing.assert_allclose(
        scores, result.model.score([item.prompt] * 2, [by_id["q00-g"], by_id["q00-b"]])
    )
    # same file, another hash in the params: refused
    wrong = ObjectiveSpec("helpful", "hh.helpful@1", (-3, 3), "max", {**params, "sha256": "f" * 64})
    with pytest.raises(RewardModelError, match="differs"):
        make_scorer(wrong, ScoringEnv())
    # the file changed under the same params: refused
    other = BTRewardModel(w=result.model.w * 2, b=0.0, objective="helpful", encoder=ENCODER)
    other.save(tmp_path / "rm" / "rm-prefs-helpful.npz")
    with pytest.raises(RewardModelError, match="differs"):
        make_scorer(spec, ScoringEnv())
    with pytest.raises(RewardModelError, match="needs params"):
        make_scorer(ObjectiveSpec("helpful", "hh.helpful@1", (-3, 3)), ScoringEnv())
    with pytest.raises(RewardModelError, match="backend"):
        make_scorer(ObjectiveSpec("x", "hh.humor@1", (0, 1), "max", {"backend": "?"}), ScoringEnv())


def test_pack_relative_model_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = make_pref_pack(tmp_path / "packs")
    result = train_reward_model(pack, "helpful", encoder=ENCODER)
    digest = result.model.save(pack.root / "rm-helpful.npz")
    monkeypatch.setenv("MOBENCH_PACK_PATH", str(tmp_path / "packs"))
    params = {"backend": "bt", "model": "pack:prefs@1/rm-helpful.npz", "sha256": digest}
    scorer = make_scorer(
        ObjectiveSpec("helpful", "hh.helpful@1", (-3, 3), "max", params), ScoringEnv()
    )
    assert scorer.score([ScoreRequest(pack.items[0], "Sure, here is how.")]).shape == (1,)
    bad = {**params, "model": "pack:prefs@1"}
    with pytest.raises(RewardModelError, match="pack:NAME@VERSION/FILE"):
        make_scorer(ObjectiveSpec("helpful", "hh.helpful@1", (-3, 3), "max", bad), ScoringEnv())


def test_disk_embedding_cache_is_reused(tmp_path: Path) -> None:
    from mobench import bt_reward

    calls: list[int] = []

    class Counting:
        name, dim = "count", 3

        def embed(self, texts):  # noqa: ANN001, ANN202 - test double
            calls.append(len(texts))
            return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    texts = ["one", "two", "three", "two"]
    first = bt_reward.embed_cached(
        texts, encoder="count-test", embedder=Counting(), cache_dir=tmp_path
    )
    assert calls == [3] and first.shape == (4, 3) and first[1, 0] == 3
    bt_reward._MEMO.clear()
    again = bt_reward.embed_cached(
        texts, encoder="count-test", embedder=Counting(), cache_dir=tmp_path
    )
    assert calls == [3]  # all from the disk cache
    np.testing.assert_array_equal(first, again)


# ---------------------------------------------------------------------------------------------
# mobench rm train / eval


def _mobench(*args: str):
    from typer.testing import CliRunner

    from mobench.cli import _register, app

    if not app.registered_groups:
        _register()
    return CliRunner().invoke(app, list(args))


def test_rm_train_and_eval_commands(tmp_path: Path) -> None:
    make_pref_pack(tmp_path / "packs")
    out = tmp_path / "models"
    trained = _mobench(
        "rm",
        "train",
        "prefs",
        "--objective",
        "helpful",
        "--encoder",
        ENCODER,
        "--pack-dir",
        str(tmp_path / "packs"),
        "--out",
        str(out),
        "--no-cache",
        "--json",
    )
    assert trained.exit_code == 0, trained.output
    info = json.loads(trained.output)
    weights = out / "rm-prefs-helpful.npz"
    assert info["weights"] == str(weights)
    assert info["weights_sha256"] == file_sha256(weights) == info["objective_params"]["sha256"]
    assert info["held_out_accuracy"] == 1.0 and info["pack"] == "prefs@1"
    meta = json.loads(weights.with_suffix(".json").read_text())
    assert meta["weights_sha256"] == info["weights_sha256"] and meta["encoder"] == ENCODER

    evaluated = _mobench(
        "rm",
        "eval",
        "prefs",
        "--objective",
        "helpful",
        "--model",
        str(weights),
        "--sha256",
        info["weights_sha256"],
        "--split",
        "val",
        "--split",
        "test",
        "--pack-dir",
        str(tmp_path / "packs"),
        "--no-cache",
        "--json",
    )
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.output)
    assert report["accuracy"] == 1.0 and report["pairs"] == 12
    assert report["splits"] == ["val", "test"]

    table = _mobench(
        "rm",
        "eval",
        "prefs",
        "--objective",
        "helpful",
        "--model",
        str(weights),
        "--pack-dir",
        str(tmp_path / "packs"),
        "--no-cache",
    )
    assert table.exit_code == 0 and "pairwise accuracy" in table.output
    shown = _mobench(
        "rm",
        "train",
        "prefs",
        "--objective",
        "helpful",
        "--encoder",
        ENCODER,
        "--l2",
        "0.01",
        "--pack-dir",
        str(tmp_path / "packs"),
        "--out",
        str(tmp_path / "m2"),
        "--no-cache",
    )
    assert shown.exit_code == 0, shown.output
    assert "held out" in shown.output and "objective params" in shown.output
    assert json.loads((tmp_path / "m2" / "rm-prefs-helpful.json").read_text())["training"][
        "l2_grid"
    ] == [0.01]

    refused = _mobench(
        "rm",
        "eval",
        "prefs",
        "--objective",
        "helpful",
        "--model",
        str(weights),
        "--sha256",
        "0" * 64,
        "--pack-dir",
        str(tmp_path / "packs"),
    )
    assert refused.exit_code != 0
    assert isinstance(refused.exception, RewardModelError)
