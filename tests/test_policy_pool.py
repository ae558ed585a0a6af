"""The pool policy: softmax over each item's candidates (hand-computed probabilities and grads)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mobench.errors import MethodError
from mobench.packs import Pack
from mobench.policy import Policy, PolicySpec, Sample, make_policy
from mobench.policy.pool import PoolPolicy


def _tabular(pack: Pack, **kw: object) -> PoolPolicy:
    policy = make_policy(PolicySpec(arch="tabular", **kw), pack, seed=0)  # type: ignore[arg-type]
    assert isinstance(policy, PoolPolicy)
    return policy


def _set_logits(policy: PoolPolicy, item_id: str, logits: list[float]) -> None:
    rows = list(policy.table.rows[item_id])
    with torch.no_grad():
        policy.net.logit[rows] = torch.tensor(logits)  # type: ignore[index]


def test_protocol_and_spec_validation(tiny_pack: Pack) -> None:
    assert isinstance(make_policy(PolicySpec(), tiny_pack, seed=0), Policy)
    with pytest.raises(MethodError, match="arch"):
        PolicySpec(arch="cnn")
    with pytest.raises(MethodError, match="kind"):
        PolicySpec(kind="bandit")
    with pytest.raises(MethodError, match="temperature"):
        PolicySpec(temperature=0.0)


def test_tabular_softmax_probabilities_by_hand(tiny_pack: Pack) -> None:
    policy = _tabular(tiny_pack)
    item = tiny_pack.item("add_00")
    # initial logits are 0: uniform over the 4 candidates
    (lp,) = policy.candidate_logprobs([item])
    assert torch.allclose(lp.exp(), torch.full((4,), 0.25))
    # logits (0, ln 2, ln 3, ln 4): p = (1, 2, 3, 4) / 10
    _set_logits(policy, "add_00", [0.0, math.log(2), math.log(3), math.log(4)])
    (lp,) = policy.candidate_logprobs([item])
    assert torch.allclose(lp.exp(), torch.tensor([0.1, 0.2, 0.3, 0.4]), atol=1e-6)
    # temperature 2 halves the logits: (0, ln 4, 0, 0)/2 -> (1, 2, 1, 1) / 5
    hot = _tabular(tiny_pack, temperature=2.0)
    _set_logits(hot, "add_00", [0.0, math.log(4), 0.0, 0.0])
    (lp,) = hot.candidate_logprobs([item])
    assert torch.allclose(lp.exp(), torch.tensor([0.2, 0.4, 0.2, 0.2]), atol=1e-6)


def test_logprob_and_its_gradient_by_hand(tiny_pack: Pack) -> None:
    policy = _tabular(tiny_pack)
    _set_logits(policy, "add_00", [0.0, math.log(2), math.log(3), math.log(4)])
    item = tiny_pack.item("add_00")
    sample = Sample("add_00", "", "add_00-c2")
    logp = policy.logprob([item], [sample])
    assert logp.shape == (1,)
    assert logp.item() == pytest.approx(math.log(0.3), abs=1e-6)
    logp.sum().backward()
    # d log p_k / d z = onehot_k - p = (0, 0, 1, 0) - (.1, .2, .3, .4)
    grad = policy.net.logit.grad[list(policy.table.rows["add_00"])]  # type: ignore[index]
    assert torch.allclose(grad, torch.tensor([-0.1, -0.2, 0.7, -0.4]), atol=1e-6)
    # other items' logits get no gradient
    assert float(policy.net.logit.grad.abs().sum()) == pytest.approx(1.4, abs=1e-5)  # type: ignore[union-attr]


def test_tabular_condition_slope_by_hand(tiny_pack: Pack) -> None:
    policy = _tabular(tiny_pack, condition_dim=2)
    with torch.no_grad():
        policy.net.slope[policy.table.rows["add_00"][0]] = torch.tensor([1.0, 0.0])  # type: ignore[index]
    item = tiny_pack.item("add_00")
    # z_c0 = 0 + (1, 0)·(ln 2, 5) = ln 2, the others 0: p = (2, 1, 1, 1) / 5
    (lp,) = policy.candidate_logprobs([item], np.array([[math.log(2), 5.0]]))
    assert torch.allclose(lp.exp(), torch.tensor([0.4, 0.2, 0.2, 0.2]), atol=1e-6)
    with pytest.raises(MethodError, match="needs conditions"):
        policy.candidate_logprobs([item])
    with pytest.raises(MethodError, match="shape"):
        policy.candidate_logprobs([item], np.zeros((1, 3)))
    with pytest.raises(MethodError, match="NaN"):
        policy.candidate_logprobs([item], np.array([[np.nan, 0.0]]))


def test_mlp_logits_match_a_manual_forward_pass(tiny_pack: Pack) -> None:
    policy = make_policy(PolicySpec(hidden=5, condition_dim=1), tiny_pack, seed=3)
    assert isinstance(policy, PoolPolicy)
    item = tiny_pack.item("add_01")
    cond = np.array([[0.7]], dtype=np.float32)
    (lp,) = policy.candidate_logprobs([item], cond)
    sd = {k: v.numpy().astype(np.float64) for k, v in policy.state_dict().items()}
    assert policy.table.embeddings is not None
    phi = policy.table.embeddings[list(policy.table.rows["add_01"])].numpy().astype(np.float64)
    x = np.concatenate([phi, np.full((4, 1), 0.7)], axis=1)  # [φ(x, y); c]
    z = np.tanh(x @ sd["hidden.weight"].T + sd["hidden.bias"]) @ sd["out.weight"].T
    z = z[:, 0] + sd["out.bias"][0]
    expected = z - np.log(np.exp(z).sum())
    np.testing.assert_allclose(lp.detach().numpy(), expected, atol=1e-5)
    # the shared representation is the first layer
    shared = policy.shared_parameters()
    assert [tuple(p.shape) for p in shared] == [(5, phi.shape[1] + 1), (5,)]


def test_sampling_frequencies_follow_the_probabilities(tiny_pack: Pack) -> None:
    policy = _tabular(tiny_pack)
    _set_logits(policy, "add_00", [0.0, math.log(2), math.log(3), math.log(4)])
    item = tiny_pack.item("add_00")
    (draws,) = policy.sample([item], 20000, torch.Generator().manual_seed(0))
    ids = [s.candidate_id for s in draws]
    freq = [ids.count(f"add_00-c{k}") / len(ids) for k in range(4)]
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.3, 0.4], atol=0.012)
    # samples carry the candidate text
    cand = {c.candidate_id: c.completion for c in tiny_pack.candidates}
    assert all(s.text == cand[s.candidate_id] for s in draws[:50])  # type: ignore[index]
    assert policy.greedy([item])[0].candidate_id == "add_00-c3"


def test_determinism_given_seed_and_generator(tiny_pack: Pack) -> None:
    items = list(tiny_pack.split("train"))
    a = make_policy(PolicySpec(), tiny_pack, seed=7)
    b = make_policy(PolicySpec(), tiny_pack, seed=7)
    c = make_policy(PolicySpec(), tiny_pack, seed=8)
    for k, v in a.state_dict().items():
        assert torch.equal(v, b.state_dict()[k])
    assert not torch.equal(a.state_dict()["hidden.weight"], c.state_dict()["hidden.weight"])
    sa = a.sample(items, 5, torch.Generator().manual_seed(1))
    sb = b.sample(items, 5, torch.Generator().manual_seed(1))
    assert sa == sb
    # the policy never touches the global RNG
    torch.manual_seed(0)
    before = torch.rand(1)
    torch.manual_seed(0)
    make_policy(PolicySpec(), tiny_pack, seed=99).sample(items, 3, torch.Generator())
    assert torch.equal(torch.rand(1), before)


def test_frozen_copy_and_state_dict_round_trip(tiny_pack: Pack) -> None:
    policy = make_policy(PolicySpec(), tiny_pack, seed=0)
    ref = policy.frozen_copy()
    assert all(not p.requires_grad for p in ref.parameters())
    items = list(tiny_pack.split("train"))[:2]
    samples = [g[0] for g in policy.sample(items, 1, torch.Generator().manual_seed(0))]
    before = ref.logprob(items, samples).detach().clone()
    with torch.no_grad():
        for p in policy.parameters():
            p.add_(0.5)
    assert torch.equal(ref.logprob(items, samples), before)  # the copy is independent
    other = make_policy(PolicySpec(), tiny_pack, seed=5)
    other.load_state_dict(policy.state_dict())
    assert torch.allclose(other.logprob(items, samples), policy.logprob(items, samples))


def test_bad_input_fails_clearly(tiny_pack: Pack) -> None:
    policy = make_policy(PolicySpec(), tiny_pack, seed=0)
    item = tiny_pack.item("add_00")
    with pytest.raises(MethodError, match="not a candidate"):
        policy.logprob([item], [Sample("add_00", "x", "nope")])
    with pytest.raises(MethodError, match="names no candidate"):
        policy.logprob([item], [Sample("add_00", "x")])
    with pytest.raises(MethodError, match="paired"):
        policy.logprob([item], [Sample("add_01", "x", "add_01-c0")])
    with pytest.raises(MethodError, match="n must be"):
        policy.sample([item], 0, torch.Generator())
    bare = Pack(**{**tiny_pack.__dict__, "candidates": ()})
    with pytest.raises(MethodError, match="no candidates"):
        make_policy(PolicySpec(), bare, seed=0)
