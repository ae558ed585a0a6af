"""The ``hf`` backend of the reward-model scorers, on a tiny randomly initialised model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from mobench.bt_reward import RewardModelError
from mobench.objectives.base import ScoreRequest, ScoringEnv, make_scorer
from mobench.objectives.reward_models import HFRewardScorer, chat_messages, hh_transcript
from mobench.packs import Item, ObjectiveSpec

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny_rm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer BERT sequence classifier (one logit) from a config, with MiniLM's tokenizer."""
    from mobench.embeddings import minilm_model_path

    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(minilm_model_path())
    except Exception as exc:  # pragma: no cover - the tokenizer ships with a declared dependency
        pytest.skip(f"no offline tokenizer: {exc}")
    config = transformers.BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=128,
        num_labels=1,
    )
    torch.manual_seed(0)
    model = transformers.AutoModelForSequenceClassification.from_config(config)
    folder = tmp_path_factory.mktemp("tiny-rm")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _requests() -> list[ScoreRequest]:
    single = Item("a", "How do I boil an egg?")
    dialogue = Item("b", "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: tell me a joke\n\nAssistant:")
    return [
        ScoreRequest(single, "Six minutes in boiling water."),
        ScoreRequest(single, "I can't help with that."),
        ScoreRequest(dialogue, "Why did the chicken cross the road? " * 3),
        ScoreRequest(dialogue, "No."),
        ScoreRequest(single, "word " * 300),  # longer than the model's 128 positions
    ]


def test_templates() -> None:
    assert hh_transcript("Boil an egg?") == "\n\nHuman: Boil an egg?\n\nAssistant:"
    dialogue = "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: joke?\n\nAssistant:"
    assert hh_transcript(dialogue) == dialogue
    assert chat_messages(dialogue, " ha ") == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "joke?"},
        {"role": "assistant", "content": "ha"},
    ]
    scorer = HFRewardScorer("hh.helpful", {"model": "x"})
    assert scorer.texts([ScoreRequest(Item("a", "Boil an egg?"), " Six minutes. ")]) == [
        "\n\nHuman: Boil an egg?\n\nAssistant: Six minutes."
    ]


def test_hf_backend_scores_batched_and_matches_the_model(tiny_rm: Path) -> None:
    params = {"backend": "hf", "model": str(tiny_rm), "batch_size": 2, "device": "cpu"}
    spec = ObjectiveSpec("helpful", "hh.helpful@1", (-1.0, 1.0), "max", params)
    scorer = make_scorer(spec, ScoringEnv())
    batch = _requests()
    scores = scorer.score(batch)
    assert scores.shape == (len(batch),) and np.all(np.isfinite(scores))
    assert len(set(np.round(scores, 6))) > 1  # a random model still tells inputs apart
    one_by_one = make_scorer(
        ObjectiveSpec("helpful", "hh.helpful@1", (-1, 1), "max", {**params, "batch_size": 1}),
        ScoringEnv(),
    ).score(batch)
    np.testing.assert_allclose(scores, one_by_one, atol=1e-5)
    # direct computation for the first request
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_rm)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(tiny_rm).eval()
    text = "\n\nHuman: How do I boil an egg?\n\nAssistant: Six minutes in boiling water."
    with torch.no_grad():
        logit = model(**tokenizer(text, return_tensors="pt")).logits[0, 0].item()
    assert scores[0] == pytest.approx(logit, abs=1e-5)
    # inputs longer than the model's window lose their start (old turns), never the response
    assert isinstance(scorer, HFRewardScorer)
    tok, _, _ = scorer._load()
    assert tok.truncation_side == "left"


def test_hf_backend_chat_template_and_errors(tiny_rm: Path, tmp_path: Path) -> None:
    params = {"backend": "hf", "model": str(tiny_rm), "template": "chat", "device": "cpu"}
    with pytest.raises(RewardModelError, match="no chat template"):
        make_scorer(
            ObjectiveSpec("h", "hh.harmless@1", (-1, 1), "max", params), ScoringEnv()
        ).score(_requests()[:1])
    shutil.copytree(tiny_rm, tmp_path / "chat")
    tokenizer = transformers.AutoTokenizer.from_pretrained(tmp_path / "chat")
    tokenizer.chat_template = (
        "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    )
    tokenizer.save_pretrained(tmp_path / "chat")
    params["model"] = str(tmp_path / "chat")
    scorer = make_scorer(ObjectiveSpec("h", "hh.harmless@1", (-1, 1), "max", params), ScoringEnv())
    assert isinstance(scorer, HFRewardScorer)
    assert scorer.texts(_requests()[:1], scorer._load()[0]) == [
        "user: How do I boil an egg?\nassistant: Six minutes in boiling water.\n"
    ]
    assert scorer.score(_requests()[:2]).shape == (2,)
    missing = {"backend": "hf", "model": str(tiny_rm / "nope")}
    with pytest.raises(RewardModelError, match="cannot load"):
        make_scorer(
            ObjectiveSpec("h", "hh.harmless@1", (-1, 1), "max", missing), ScoringEnv()
        ).score(_requests()[:1])
    with pytest.raises(RewardModelError, match="dtype"):
        HFRewardScorer("hh.helpful", {"model": "x", "dtype": "float8"})
    with pytest.raises(RewardModelError, match="template"):
        make_scorer(
            ObjectiveSpec("h", "hh.harmless@1", (-1, 1), "max", {**params, "template": "x"}),
            ScoringEnv(),
        )
