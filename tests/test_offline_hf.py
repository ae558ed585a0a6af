"""MOPO, ParetoHqD and RiC on the hf policy: a tiny randomly initialised Llama (no download)."""

from __future__ import annotations

from mobench.baselines.mopo import MOPO, MOPOParams
from mobench.baselines.paretohqd import ParetoHqD, ParetoHqDParams
from mobench.baselines.ric import RiC, RiCParams
from mobench.methods import RespondContext, TrainContext
from mobench.objectives.base import ScoringEnv
from mobench.pack_index import open_pack
from mobench.policy.tiny import byte_tokenizer, random_llama
from mobench.pool import score_pool
from mobench.runner import _text_scorer


def test_offline_methods_run_on_the_hf_policy(tmp_path) -> None:
    """A few steps of each method on a tiny random Llama (no download): generated text is
    scored through ctx.score_texts, RiC's condition goes into the prompt."""
    folder = tmp_path / "tiny-llama"
    random_llama(seed=0).save_pretrained(folder)
    byte_tokenizer().save_pretrained(folder)
    pack = open_pack("math-synth")
    pool = score_pool(pack, ScoringEnv())
    train, val, test = pack.split("train")[:2], pack.split("val")[:1], pack.split("test")[:2]
    ctx = TrainContext(
        pack,
        train,
        val,
        pool.restrict({i.id for i in train + val}),
        0,
        pack.preferences[0],
        score_texts=_text_scorer(pack, ScoringEnv()),
    )
    hf = {"policy": "hf", "model": str(folder), "max_new_tokens": 4, "device": "cpu"}
    methods = [
        MOPO(MOPOParams(**hf, steps=2, prompts_per_step=2, samples_per_prompt=2, lr=1e-3)),
        ParetoHqD(ParetoHqDParams(**hf, sft_steps=1, stage2_steps=1, samples_per_prompt=1)),
        RiC(RiCParams(**hf, steps=1, lr=1e-3)),
    ]
    for method in methods:
        report = method.train(ctx)
        assert report.metrics["seconds_total"] > 0
        if method.name == "mopo":  # fresh text was scored, and timed as such
            assert report.metrics["seconds_scoring"] > 0
        answers = method.respond(
            RespondContext(pack, test, {i.id: pool.candidates[i.id] for i in test}, (1, 1, 1), 0)
        )
        assert [a.item_id for a in answers] == [i.id for i in test]
        assert all(isinstance(a.text, str) and a.candidate_id is None for a in answers)
    assert methods[0].state is not None and methods[0].state.lower_bounds  # MOPO ran its dual
