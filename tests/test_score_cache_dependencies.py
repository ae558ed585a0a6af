"""Scores cached under one sandbox runner are never reused under another (code.pass depends on
the runner's source digest, not only on the scorer's id@version)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobench.cache import ResultCache
from mobench.objectives import base
from mobench.objectives.base import ScoreRequest, ScoringEnv, score_objectives
from mobench.packs import Pack
from mobench.sandbox import base as sandbox_base


def test_code_pass_is_rescored_when_the_runner_changes(
    tiny_pack: Pack, fake_sandbox_cls: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = fake_sandbox_cls()
    env = ScoringEnv(sandbox_factory=lambda: sandbox, cache=ResultCache(tmp_path / "c.sqlite"))
    cand = tiny_pack.candidates[0]
    batch = [ScoreRequest(tiny_pack.item(cand.item_id), cand.completion)]
    first = score_objectives(tiny_pack, batch, env)
    runs = sandbox.calls
    assert runs >= 1
    score_objectives(tiny_pack, batch, env)
    assert sandbox.calls == runs  # same runner: served from the cache
    # a new runner: both the sandbox-result cache and the score cache must miss
    base._load_builtins()
    monkeypatch.setattr(sandbox_base, "runner_digest", lambda: "another runner")
    monkeypatch.setitem(base._DEPENDS, ("code.pass", 1), lambda: "another runner")
    again = score_objectives(tiny_pack, batch, env)
    assert sandbox.calls == runs + 1  # judged again, not read back from the old cache
    assert (again == first).all()
