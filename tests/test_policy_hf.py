"""The hf policy on a tiny randomly initialised Llama and a local byte tokenizer (no download)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from mobench.errors import MethodError
from mobench.methods import TrainContext
from mobench.objectives.base import ScoringEnv
from mobench.pack_index import open_pack
from mobench.packs import Item, Pack
from mobench.policy import Policy, PolicySpec, Sample, make_policy
from mobench.policy.hf import HFPolicy, smollm2_gguf_path
from mobench.policy.tiny import byte_tokenizer, random_llama
from mobench.pool import score_pool
from mobench.rl import OnlineMethod, OnlineParams
from mobench.runner import _text_scorer

SPEC = PolicySpec(kind="hf", max_new_tokens=6, device="cpu")


@pytest.fixture(scope="module")
def math_pack() -> Pack:
    return open_pack("math-synth")


def _policy(pack: Pack, spec: PolicySpec = SPEC, seed: int = 0) -> HFPolicy:
    return HFPolicy(spec, pack, seed, model=random_llama(seed=seed), tokenizer=byte_tokenizer())


def _manual_logprob(
    policy: HFPolicy, prompt: str, response_ids: list[int], t: float = 1.0
) -> float:
    """Σ_t log softmax(z_t / T)[y_t] over the response tokens, one unpadded sequence."""
    prompt_ids = policy.tokenizer(prompt + "\n")["input_ids"]
    ids = torch.tensor([prompt_ids + response_ids])
    with torch.no_grad():
        logits = policy.model(input_ids=ids).logits[0].double() / t
    logp = torch.log_softmax(logits, dim=-1)
    start = len(prompt_ids)
    return float(sum(logp[start - 1 + k, tok] for k, tok in enumerate(response_ids)))


def test_sample_and_greedy_are_deterministic(math_pack: Pack) -> None:
    policy = _policy(math_pack)
    assert isinstance(policy, Policy)
    items = list(math_pack.split("train")[:2])
    a = policy.sample(items, 3, torch.Generator().manual_seed(5))
    b = policy.sample(items, 3, torch.Generator().manual_seed(5))
    assert a == b and [len(g) for g in a] == [3, 3]
    assert all(
        s.item_id == item.id and s.candidate_id is None
        for item, g in zip(items, a, strict=True)
        for s in g
    )
    c = policy.sample(items, 3, torch.Generator().manual_seed(6))
    assert c != a
    assert policy.greedy(items) == policy.greedy(items)
    # sampling leaves the global RNG alone
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    policy.sample(items, 1, torch.Generator().manual_seed(1))
    assert torch.equal(torch.rand(1), expected)


def test_logprob_matches_a_manual_computation(math_pack: Pack) -> None:
    policy = _policy(math_pack)
    short, long = math_pack.split("train")[0], math_pack.split("train")[1]
    # text the policy did not generate: its bytes + end-of-sequence
    eos = policy.tokenizer.eos_token_id
    samples = [Sample(short.id, "x = 4"), Sample(long.id, "The answer is 12.")]
    got = policy.logprob([short, long], samples)  # one padded batch of two lengths
    for item, sample, value in zip([short, long], samples, got.tolist(), strict=True):
        ids = policy.tokenizer(sample.text, add_special_tokens=False)["input_ids"] + [eos]
        assert value == pytest.approx(_manual_logprob(policy, item.prompt, ids), abs=1e-4)
    # generated text is scored on exactly the generated tokens
    (group,) = policy.sample([short], 1, torch.Generator().manual_seed(0))
    prompt = policy.prompts([short])[0]
    generated = list(policy._tokens[(prompt, group[0].text)])
    value = policy.logprob([short], group).item()
    assert value == pytest.approx(_manual_logprob(policy, short.prompt, generated), abs=1e-4)
    # temperature 2 scores softmax(z / 2)
    hot = HFPolicy(
        PolicySpec(kind="hf", temperature=2.0, device="cpu"),
        math_pack,
        0,
        model=policy.model,
        tokenizer=policy.tokenizer,
    )
    ids = policy.tokenizer("x = 4", add_special_tokens=False)["input_ids"] + [eos]
    value = hot.logprob([short], [samples[0]]).item()
    assert value == pytest.approx(_manual_logprob(policy, short.prompt, ids, t=2.0), abs=1e-4)


def test_logprob_is_differentiable_and_the_reference_frozen(math_pack: Pack) -> None:
    policy = _policy(math_pack)
    ref = policy.frozen_copy()
    item = math_pack.split("train")[0]
    sample = Sample(item.id, "42")
    before = ref.logprob([item], [sample]).item()
    loss = -policy.logprob([item], [sample]).sum()
    loss.backward()
    grads = [p.grad for p in policy.parameters()]
    assert all(g is not None for g in grads) and any(float(g.abs().sum()) > 0 for g in grads)
    assert list(ref.parameters()) == []  # nothing trainable in the reference
    torch.optim.SGD(list(policy.parameters()), lr=1.0).step()
    assert ref.logprob([item], [sample]).item() == pytest.approx(before, abs=1e-6)
    assert policy.logprob([item], [sample]).item() > before  # gradient ascent on log p
    shared = policy.shared_parameters()
    assert shared and all(any(p is q for q in policy.parameters()) for p in shared)


def test_lora_trains_only_the_adapters(math_pack: Pack) -> None:
    policy = _policy(math_pack, PolicySpec(kind="hf", lora=True, lora_rank=4, device="cpu"))
    names = [n for n, p in policy.model.named_parameters() if p.requires_grad]
    assert names and all("lora_" in n for n in names)
    assert set(policy.state_dict()) == set(names)
    frozen = {n: p.detach().clone() for n, p in policy.model.named_parameters() if "lora_" not in n}
    item = math_pack.split("train")[0]
    opt = torch.optim.Adam(list(policy.parameters()), lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (-policy.logprob([item], [Sample(item.id, "7")]).sum()).backward()
        opt.step()
    after = dict(policy.model.named_parameters())
    assert all(torch.equal(v, after[n]) for n, v in frozen.items())
    moved = [n for n in names if "lora_B" in n and float(after[n].detach().abs().sum()) > 0]
    assert moved  # lora_B starts at 0 and moved


def test_conditions_are_written_into_the_prompt(math_pack: Pack) -> None:
    policy = _policy(math_pack, PolicySpec(kind="hf", condition_dim=3, device="cpu"))
    item = math_pack.split("train")[0]
    (prompt,) = policy.prompts([item], np.array([[0.8, 0.5, 0.25]]))
    assert prompt.startswith("Target rewards: accuracy=0.80, conciseness=0.50, clarity=0.25\n")
    assert prompt.endswith(item.prompt)
    with pytest.raises(MethodError, match="needs conditions"):
        policy.prompts([item])


def test_state_dict_round_trip_and_errors(math_pack: Pack) -> None:
    a, b = _policy(math_pack, seed=0), _policy(math_pack, seed=1)
    item = math_pack.split("train")[0]
    sample = Sample(item.id, "5")
    assert a.logprob([item], [sample]).item() != pytest.approx(b.logprob([item], [sample]).item())
    b.load_state_dict(a.state_dict())
    assert a.logprob([item], [sample]).item() == pytest.approx(b.logprob([item], [sample]).item())
    with pytest.raises(MethodError, match="unknown"):
        b.load_state_dict({"nope": torch.zeros(1)})
    with pytest.raises(MethodError, match="paired"):
        a.logprob([item], [Sample("other", "5")])
    with pytest.raises(MethodError, match="cannot load"):
        make_policy(PolicySpec(kind="hf", model=str(Path("/nonexistent/model"))), math_pack)


class _Linear(OnlineMethod):
    name = "linear-hf-test"
    summary = "test double"


def test_online_loop_runs_on_the_hf_policy(math_pack: Pack, tmp_path: Path) -> None:
    """Two steps with fresh text scored through ctx.score_texts; the model loads from a folder."""
    folder = tmp_path / "tiny-llama"
    random_llama(seed=0).save_pretrained(folder)
    byte_tokenizer().save_pretrained(folder)
    pool = score_pool(math_pack, ScoringEnv())
    train, val = math_pack.split("train")[:3], math_pack.split("val")[:2]
    ctx = TrainContext(
        math_pack,
        train,
        val,
        pool.restrict({i.id for i in train + val}),
        0,
        math_pack.preferences[0],
        score_texts=_text_scorer(math_pack, ScoringEnv()),
    )
    params = OnlineParams(
        policy="hf",
        model=str(folder),
        max_new_tokens=4,
        steps=2,
        prompts_per_step=2,
        samples_per_prompt=2,
        eval_every=1,
        lr=1e-3,
        device="cpu",
    )
    method = _Linear(params)
    assert method.supports(math_pack)
    report = method.train(ctx)
    assert report.metrics["eval_steps"] == [0, 1, 2]
    assert report.metrics["device"] == "cpu"
    assert np.all(np.isfinite(report.metrics["losses"]))
    from mobench.methods import RespondContext

    test = math_pack.split("test")[:2]
    answers = method.respond(RespondContext(math_pack, test, {}, ctx.scalarisation, 0))
    assert [a.item_id for a in answers] == [i.id for i in test]
    assert all(a.candidate_id is None and isinstance(a.text, str) for a in answers)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("MOBENCH_SLOW") != "1", reason="set MOBENCH_SLOW=1")
def test_smollm2_from_the_wheel_answers(math_pack: Pack) -> None:
    try:
        smollm2_gguf_path()
    except MethodError as exc:
        pytest.skip(str(exc))
    policy = make_policy(PolicySpec(kind="hf", max_new_tokens=24, device="cpu"), math_pack)
    item: Any = Item("t", "What is 2 + 3? Answer with the number only.")
    (answer,) = policy.greedy([item])
    assert "5" in answer.text
    assert (
        policy.logprob([item], [answer]).item() > policy.logprob([item], [Sample("t", "7")]).item()
    )
