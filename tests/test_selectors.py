"""Random and oracle selectors, and the registration of all selector adapters."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mobench.baselines.lrf import LRFBaseline, LRFParams, LRFPareto
from mobench.baselines.oracle import Oracle
from mobench.baselines.random_select import RandomSelect
from mobench.errors import MethodError
from mobench.methods import (
    Method,
    RespondContext,
    Response,
    ScoredPool,
    TrainContext,
    build_params,
    default_params,
    registry,
)
from mobench.packs import Candidate, Item, ObjectiveSpec, Pack

SELECTORS = {"random": RandomSelect, "lrf-baseline": LRFBaseline, "lrf-pareto": LRFPareto}
ALL = {**SELECTORS, "oracle": Oracle}


def build(n_items: int, k: int, *, with_candidates: bool = True) -> Pack:
    items = tuple(Item(id=f"item{i:04d}", prompt=f"task {i}", split="test") for i in range(n_items))
    candidates = tuple(
        Candidate(item.id, f"{item.id}-c{j}", f"answer {j} to {item.id}")
        for item in items
        for j in range(k)
    )
    return Pack(
        name="tiny",
        version="0.0.0",
        track="code",
        description="",
        objectives=tuple(ObjectiveSpec(n, f"test.{n}@1") for n in ("pass", "cost", "quality")),
        preferences=((0.5, 0.25, 0.25),),
        reference_point=(0.0, 0.0, 0.0),
        items=items,
        candidates=candidates if with_candidates else (),
        sha256="0" * 64,
    )


def respond_ctx(
    pack: Pack,
    seed: int = 0,
    preference: tuple[float, ...] = (0.5, 0.25, 0.25),
    revealed: dict[str, np.ndarray] | None = None,
    items: tuple[Item, ...] | None = None,
) -> RespondContext:
    chosen = pack.items if items is None else items
    return RespondContext(
        pack, chosen, pack.candidates_by_item(), preference, seed, revealed=revealed
    )


def picks(responses: list[Response]) -> list[int]:
    return [int(r.candidate_id.rsplit("-c", 1)[1]) for r in responses if r.candidate_id]


# ---------------------------------------------------------------------------------------------
# Registration and the adapter contract


def test_registry_lists_the_four_selectors_without_errors() -> None:
    entries = registry()
    for name, cls in ALL.items():
        assert name in entries
        assert entries[name].error == ""
        assert entries[name].cls is cls


@pytest.mark.parametrize("name", sorted(ALL))
def test_adapter_contract(name: str) -> None:
    cls = ALL[name]
    assert cls.name == name and cls.kind == "selector"
    assert cls.version and cls.summary
    assert cls.privileged is (name == "oracle")
    assert dataclasses.is_dataclass(cls.Params)
    assert cls.Params.__dataclass_params__.frozen  # type: ignore[attr-defined]
    method = cls()
    assert isinstance(method, Method)
    assert method.params == cls.Params()
    assert method.supports(build(2, 3))
    assert not method.supports(build(2, 3, with_candidates=False))
    assert isinstance(default_params(cls), dict)


def test_lrf_params_from_the_command_line() -> None:
    params = build_params(LRFPareto, {"hidden": "64,32", "lr": "0.001", "embedding": "minilm"})
    assert params == LRFParams(embedding="minilm", hidden=(64, 32), lr=1e-3)
    assert default_params(LRFBaseline)["hidden"] == (512, 256)


# ---------------------------------------------------------------------------------------------
# Random


def test_random_is_seeded() -> None:
    pack = build(50, 5)
    first = RandomSelect().respond(respond_ctx(pack, seed=3))
    again = RandomSelect().respond(respond_ctx(pack, seed=3))
    other = RandomSelect().respond(respond_ctx(pack, seed=4))
    assert first == again
    assert picks(first) != picks(other)
    # a pick depends on the seed and the item only, not on the other items or their order
    subset = tuple(reversed(pack.items[10:20]))
    partial = RandomSelect().respond(respond_ctx(pack, seed=3, items=subset))
    by_item = {r.item_id: r for r in first}
    assert partial == [by_item[item.id] for item in subset]


def test_random_returns_the_candidate_text() -> None:
    pack = build(20, 4)
    by_id = {c.candidate_id: c for c in pack.candidates}
    RandomSelect().train(
        TrainContext(pack, (), (), ScoredPool({}, {}), 0, (0.5, 0.25, 0.25))
    )  # a no-op
    for r in RandomSelect().respond(respond_ctx(pack)):
        assert r.candidate_id is not None
        assert by_id[r.candidate_id].item_id == r.item_id
        assert r.text == by_id[r.candidate_id].completion


def test_random_is_uniform_ish() -> None:
    k, n = 4, 4000
    counts = np.bincount(
        picks(RandomSelect().respond(respond_ctx(build(n, k), seed=11))), minlength=k
    )
    expected = n / k
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 16.27, counts  # χ²(3) at p = 0.001


def test_random_needs_candidates() -> None:
    pack = build(1, 2)
    ctx = RespondContext(pack, pack.items, {}, (0.5, 0.25, 0.25), 0)
    with pytest.raises(MethodError, match="no candidates"):
        RandomSelect().respond(ctx)


# ---------------------------------------------------------------------------------------------
# Oracle


def test_oracle_picks_the_best_measured_scalarised_score() -> None:
    pack = build(2, 3)
    revealed = {
        # λ = (0.5, 0.25, 0.25): scores 0.50, 0.75, 0.40 -> candidate 1
        "item0000": np.array([[1.0, 0.0, 0.0], [0.5, 1.0, 1.0], [0.0, 0.8, 0.8]]),
        # scores 0.25, 0.25, 0.30 -> candidate 2; ties elsewhere would go to the first
        "item0001": np.array([[0.5, 0.0, 0.0], [0.0, 0.5, 0.5], [0.2, 0.4, 0.4]]),
    }
    responses = Oracle().respond(respond_ctx(pack, revealed=revealed))
    assert picks(responses) == [1, 2]
    assert responses[0] == Response("item0000", "answer 1 to item0000", "item0000-c1")
    # the evaluated preference, not a fixed one, decides: pass only -> candidate 0 in item0000
    pass_only = Oracle().respond(respond_ctx(pack, preference=(1.0, 0.0, 0.0), revealed=revealed))
    assert picks(pass_only) == [0, 0]  # item0001: 0.5 vs 0.0 vs 0.2


def test_oracle_ties_go_to_the_first_candidate() -> None:
    pack = build(1, 3)
    revealed = {"item0000": np.array([[0.0, 0.0, 0.0], [0.4, 0.4, 0.4], [0.4, 0.4, 0.4]])}
    assert picks(Oracle().respond(respond_ctx(pack, revealed=revealed))) == [1]


def test_oracle_needs_revealed_objectives() -> None:
    pack = build(1, 3)
    assert Oracle().train(TrainContext(pack, (), (), ScoredPool({}, {}), 0, ())).metrics == {}
    with pytest.raises(MethodError, match="not revealed"):
        Oracle().respond(respond_ctx(pack))
    with pytest.raises(MethodError, match="shape"):
        Oracle().respond(respond_ctx(pack, revealed={"item0000": np.zeros((2, 3))}))
    with pytest.raises(MethodError, match="no revealed objectives"):
        Oracle().respond(respond_ctx(pack, revealed={}))


def test_selector_base_rejects_nan_or_misshaped_scores(tiny_pack) -> None:
    from mobench.methods import RespondContext, Selector

    class Broken(Selector):
        name = "broken"
        summary = "returns NaN"

        @dataclasses.dataclass(frozen=True)
        class Params:
            pass

        def __init__(self, bad) -> None:
            super().__init__()
            self.bad = bad

        def candidate_scores(self, ctx):
            return {item.id: self.bad for item in ctx.items}

    items = tiny_pack.split("test")
    ctx = RespondContext(tiny_pack, items, tiny_pack.candidates_by_item(), (1.0, 0, 0), 0)
    for bad in (np.array([np.nan, 0, 0, 0]), np.zeros(3)):
        with pytest.raises(MethodError, match="expected 4 finite values"):
            Broken(bad).respond(ctx)
    picks = Broken(np.array([0.0, 2.0, 1.0, 2.0])).respond(ctx)
    assert [p.candidate_id.endswith("-c1") for p in picks] == [True, True]  # ties: first
