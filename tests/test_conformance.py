"""Adapter conformance: the reference adapters pass; each kind of broken adapter is caught."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from mobench.conformance import CHECKS, check_adapter, check_method, write_conformance_pack
from mobench.methods import RespondContext, Response, Selector, TrainContext, TrainReport

REFERENCE = ("random", "oracle", "lrf-baseline", "lrf-pareto")


@pytest.mark.parametrize("name", REFERENCE)
def test_reference_adapters_conform(name: str) -> None:
    report = check_method(name)
    assert report.ok, report.failures
    assert [r.check for r in report.results] == list(CHECKS)
    assert report.pack == "mobench-conformance@1"


def test_the_conformance_pack_needs_no_sandbox(tmp_path: Path) -> None:
    pack = write_conformance_pack(tmp_path)
    assert not any(item.tests for item in pack.items)
    assert [len(pack.split(s)) for s in ("train", "val", "test")] == [6, 3, 3]
    assert write_conformance_pack(tmp_path).sha256 == pack.sha256  # reused, same content


class _Base(Selector):
    """A minimal well-behaved selector (first candidate) to break one way at a time."""

    name: ClassVar[str] = "broken"
    summary: ClassVar[str] = "test double"

    @dataclass(frozen=True)
    class Params:
        k: int = 1

    def candidate_scores(self, ctx: RespondContext) -> dict[str, np.ndarray]:
        return {i.id: -np.arange(len(ctx.candidates[i.id]), dtype=float) for i in ctx.items}


class CrashesOnNaN(_Base):
    def train(self, ctx: TrainContext) -> TrainReport:
        values = np.concatenate([ctx.pool.objectives[i.id] for i in ctx.train])
        if np.isnan(values).any():
            raise ValueError("nan in objectives")  # not a MethodError
        return TrainReport({"rows": int(values.shape[0])})


class SilentOnNaN(_Base):
    """Uses the training objectives but never checks them: NaN flips its picks silently."""

    def train(self, ctx: TrainContext) -> TrainReport:
        means = np.mean([ctx.pool.objectives[i.id].sum() for i in ctx.train])
        self.flip = bool(np.isnan(means))
        return TrainReport({})

    def candidate_scores(self, ctx: RespondContext) -> dict[str, np.ndarray]:
        scores = super().candidate_scores(ctx)
        return {k: -v if self.flip else v for k, v in scores.items()}


_counter = itertools.count()


class Nondeterministic(_Base):
    def candidate_scores(self, ctx: RespondContext) -> dict[str, np.ndarray]:
        turn = next(_counter)
        return {i.id: np.eye(len(ctx.candidates[i.id]))[turn % 2] for i in ctx.items}


class ForeignCandidate(_Base):
    def respond(self, ctx: RespondContext) -> list[Response]:
        return [Response(i.id, "def f(): pass", "someone-elses-c0") for i in ctx.items]


class IgnoresEmptyCandidates(_Base):
    """Answers from the pack's candidates instead of the ones it was offered."""

    def respond(self, ctx: RespondContext) -> list[Response]:
        by_item = ctx.pack.candidates_by_item()
        return [
            Response(i.id, by_item[i.id][0].completion, by_item[i.id][0].candidate_id)
            for i in ctx.items
        ]


class MutableParams(_Base):
    @dataclass
    class Params:
        k: int = 1


class NoDefaults(_Base):
    @dataclass(frozen=True)
    class Params:
        k: int


class NoComputeReport(_Base):
    kind: ClassVar[str] = "online"  # an online method must say what it trained


@pytest.mark.parametrize(
    ("cls", "check", "says"),
    [
        (CrashesOnNaN, "nan-objectives", "crashed with ValueError"),
        (SilentOnNaN, "nan-objectives", "accepted silently"),
        (Nondeterministic, "deterministic", "different responses"),
        (ForeignCandidate, "well-formed", "not one of its own"),
        (IgnoresEmptyCandidates, "empty-candidates", "without an error"),
        (MutableParams, "params", "not frozen"),
        (NoDefaults, "params", "without a default: ['k']"),
        (NoComputeReport, "compute", "must report what it trained"),
    ],
)
def test_broken_adapters_are_caught(cls: type, check: str, says: str) -> None:
    report = check_adapter(cls)
    assert not report.ok
    failed = {r.check: r.detail for r in report.failures}
    assert check in failed and says in failed[check], failed
    # a well-behaved base passes everything, so each failure is the one broken behaviour
    # (answering with foreign ids also answers items it was offered nothing for)
    if cls is not ForeignCandidate:
        assert set(failed) == {check}


def test_the_well_behaved_base_passes() -> None:
    assert check_adapter(_Base).ok


def test_cli_check_json_and_exit_codes(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["mobench", "methods", "check", *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=dict(os.environ),
            cwd=tmp_path,
            check=False,
        )

    ok = cli("random", "oracle", "--json")
    assert ok.returncode == 0, ok.stderr
    reports = json.loads(ok.stdout)
    assert [r["method"] for r in reports] == ["random", "oracle"]
    assert all(r["ok"] for r in reports)
    missing = cli("no-such-method")
    assert missing.returncode == 1 and "no entry point 'no-such-method'" in missing.stdout
