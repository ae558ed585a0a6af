"""Executors: the same grid in process, in a process pool and on Ray gives the same records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobench.errors import MobenchError
from mobench.executors import (
    GridTask,
    InProcessExecutor,
    ProcessPoolGridExecutor,
    init_ray,
    make_executor,
)
from mobench.records import RunRecord
from mobench.runner import GridRunner, RunConfig

# what must not depend on the executor (compute seconds are measurements and may differ)
SAME = ("run_key", "method", "params", "preference", "seed", "protocol", "responses", "metrics")


def _config(tmp_path: Path, pack_root: Path, name: str, **kw) -> RunConfig:
    base = {
        "packs": ("tiny",),
        "methods": ("random", "oracle", "lrf-baseline"),
        "seeds": (0, 1),
        "protocols": ("kfold", "split"),
        "folds": 3,
        "out_dir": tmp_path / name,
        "pack_dirs": (pack_root,),
        "overrides": {"lrf-baseline": {"epochs": "2", "hidden": "16,8"}},
    }
    base.update(kw)
    return RunConfig(**base)


def _essence(records: tuple[RunRecord, ...]) -> list[dict]:
    rows = [{k: v for k, v in r.to_json().items() if k in SAME} for r in records]
    rows = [{**row, "training": r.training} for row, r in zip(rows, records, strict=True)]
    return json.loads(json.dumps(rows))


def _run(tmp_path: Path, tiny_pack, sandbox, name: str, **kw) -> tuple[RunRecord, ...]:
    config = _config(tmp_path, tiny_pack.root.parents[1], name, **kw)
    summary = GridRunner(config, sandbox_factory=lambda: sandbox).run()
    assert len(summary.written) == 3 * 2 * 2 and summary.skipped == 0
    return summary.records


def test_plan_lists_every_grid_task_with_its_run_key(tmp_path: Path, tiny_pack) -> None:
    config = _config(tmp_path, tiny_pack.root.parents[1], "plan")
    [(pack, todo, done)] = list(GridRunner(config).plan())
    assert pack.ref == "tiny@1" and done == 0
    assert [t.index for t in todo] == list(range(12))
    assert len({t.run_key for t in todo}) == 12
    assert {t.cls.name for t in todo} == {"random", "oracle", "lrf-baseline"}
    assert all(isinstance(t, GridTask) and t.preference == (0.5, 0.25, 0.25) for t in todo)


def test_preferences_filter_and_exact_params(tmp_path: Path, tiny_pack) -> None:
    from mobench.baselines.lrf import LRFBaseline

    params = LRFBaseline.Params(epochs=3)
    config = _config(
        tmp_path,
        tiny_pack.root.parents[1],
        "pref",
        methods=("lrf-baseline",),
        seeds=(4,),
        protocols=("split",),
        preferences=((1.0, 0.0, 0.0),),
        method_params={"lrf-baseline": params},
    )
    [(_pack, [task], _done)] = list(GridRunner(config).plan())
    assert task.preference == (1.0, 0.0, 0.0) and task.params is params and task.seed == 4
    bad = RunConfig(**{**config.__dict__, "preferences": ((1.0, 0.0),)})
    with pytest.raises(MobenchError, match="2 weights"):
        list(GridRunner(bad).plan())


def test_make_executor_choices() -> None:
    assert isinstance(make_executor("local", 1), InProcessExecutor)
    assert isinstance(make_executor("local", 3), ProcessPoolGridExecutor)
    with pytest.raises(MobenchError, match="at least 1"):
        make_executor("local", 0)
    with pytest.raises(MobenchError, match="unknown executor"):
        make_executor("dask")


def test_process_pool_gives_the_in_process_records(
    tmp_path: Path, tiny_pack, fake_sandbox_cls
) -> None:
    sandbox = fake_sandbox_cls()
    serial = _run(tmp_path, tiny_pack, sandbox, "serial")
    pooled = _run(tmp_path, tiny_pack, sandbox, "pooled", workers=2)
    assert _essence(pooled) == _essence(serial)
    assert all(r.sandbox["backend"] == "fake" for r in pooled)  # the parent's isolation
    # the written files hold the same records too, in the same places
    for a, b in zip(serial, pooled, strict=True):
        assert a.run_key == b.run_key


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    init_ray(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_gives_the_in_process_records(
    tmp_path: Path, tiny_pack, fake_sandbox_cls, ray_local
) -> None:
    sandbox = fake_sandbox_cls()
    serial = _run(tmp_path, tiny_pack, sandbox, "serial")
    on_ray = _run(tmp_path, tiny_pack, sandbox, "ray", executor="ray")
    assert _essence(on_ray) == _essence(serial)
    assert ray_local.is_initialized()  # the executor leaves a Ray it did not start running


def test_ray_task_errors_surface_as_the_adapters_error(
    tmp_path: Path, tiny_pack, fake_sandbox_cls, ray_local
) -> None:
    config = _config(
        tmp_path,
        tiny_pack.root.parents[1],
        "bad",
        methods=("lrf-baseline",),
        seeds=(0,),
        protocols=("split",),
        overrides={"lrf-baseline": {"embedding": "no-such-embedder"}},
        executor="ray",
    )
    sandbox = fake_sandbox_cls()
    with pytest.raises(MobenchError, match="unknown embedder") as caught:
        GridRunner(config, sandbox_factory=lambda: sandbox).run()
    assert "Ray" not in type(caught.value).__name__  # the adapter's own error, unwrapped


def test_ray_sandbox_runs_job_batches_as_tasks(ray_local) -> None:
    from mobench.executors import RaySandbox
    from mobench.sandbox import Job, Limits, WeakSandbox

    tests = "from solution import f\n\n\ndef test_one():\n    assert f() == 1\n"
    jobs = [
        Job(f"job{i}", f"def f():\n    return {i % 2}\n", tests, Limits(wall_seconds=30))
        for i in range(5)
    ]
    sandbox = RaySandbox("weak", allow_weak=True, batches=2)
    got = sandbox.run(jobs)
    expected = WeakSandbox().run(jobs)
    assert [r.job_id for r in got] == [f"job{i}" for i in range(5)]
    assert [[o.status for o in r.outcomes] for r in got] == [
        [o.status for o in r.outcomes] for r in expected
    ]
    assert [r.outcomes[0].status for r in got] == ["failed", "passed"] * 2 + ["failed"]
    assert sandbox.isolation().backend == "weak"


def test_cli_passes_executor_and_workers(tmp_path: Path) -> None:
    import subprocess

    out = subprocess.run(
        ["mobench", "run", "--workers", "0", "--out", str(tmp_path / "runs")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    assert out.returncode == 2 and "--workers must be at least 1" in out.stderr
    help_text = subprocess.run(
        ["mobench", "run", "--help"], capture_output=True, text=True, timeout=300, check=False
    ).stdout
    assert "--executor" in help_text and "--workers" in help_text
