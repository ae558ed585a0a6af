"""``mobench reproduce``: a fresh record reproduces exactly; a tampered one fails with a diff."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from mobench.coding_pack import CODING_OBJECTIVES
from mobench.errors import MobenchError
from mobench.packs import Candidate, Item, write_pack
from mobench.reproduce import (
    Reproducer,
    Tolerance,
    is_measurement,
    load_record,
    parse_protocol,
    reproduce_paths,
    sample_records,
)
from mobench.runner import GridRunner, RunConfig

LRF_SMALL = {"epochs": "2", "hidden": "16,8"}


def _grid(tmp_path: Path, pack_root: Path, sandbox, pack: str = "tiny", **kw) -> list[Path]:
    config = RunConfig(
        packs=(pack,),
        methods=kw.pop("methods", ("random", "lrf-baseline")),
        seeds=(0,),
        protocols=("kfold", "split"),
        folds=3,
        out_dir=tmp_path / "runs",
        pack_dirs=(pack_root,),
        overrides={"lrf-baseline": LRF_SMALL},
        **kw,
    )
    factory = (lambda: sandbox) if sandbox is not None else None
    return sorted(GridRunner(config, sandbox_factory=factory).run().written)


def _edit(path: Path, change) -> Path:
    data = json.loads(path.read_text())
    change(data)
    out = path.with_name("tampered-" + path.name)
    out.write_text(json.dumps(data))
    return out


@pytest.fixture()
def written(tmp_path: Path, tiny_pack, fake_sandbox_cls):
    sandbox = fake_sandbox_cls()
    root = tiny_pack.root.parents[1]
    paths = _grid(tmp_path, root, sandbox)
    return paths, Reproducer(pack_dirs=(root,), sandbox_factory=lambda: sandbox)


def test_a_fresh_record_reproduces_identically(written) -> None:
    paths, reproducer = written
    assert len(paths) == 4  # random, lrf-baseline × kfold3, split
    results = reproduce_paths(paths, reproducer)
    for result in results:
        assert result.ok and result.verdict == "identical", result.mismatches
        assert result.tolerance.exact and result.device == "cpu"
        fields = {d.field for d in result.differences}
        assert {"run_key", "pack_sha256", "metrics.hypervolume", "metrics.means.pass"} <= fields
        assert "sandbox.backend" in fields
    lrf = [r for r in results if r.method == "lrf-baseline"]
    assert all(any(d.field.startswith("training.") for d in r.differences) for r in lrf)
    # the rerun's key is the record's: the same inputs were rebuilt
    assert all(r.reproduced.run_key == load_record(Path(r.path)).run_key for r in results)


def test_a_changed_metric_or_response_fails_with_a_diff(written) -> None:
    paths, reproducer = written
    kfold = next(p for p in paths if p.name.startswith("lrf-baseline__") and "__kfold3__" in p.name)

    def bump(data: dict) -> None:
        data["metrics"]["hypervolume"] += 1e-9
        data["responses"][0]["objectives"][1] = 0.123456

    [result] = reproduce_paths([_edit(kfold, bump)], reproducer)
    assert not result.ok and result.verdict == "MISMATCH"
    bad = {d.field: d for d in result.mismatches}
    assert set(bad) == {
        "metrics.hypervolume",
        f"responses[{json.loads(kfold.read_text())['responses'][0]['item_id']}].objectives",
    }
    assert bad["metrics.hypervolume"].delta == pytest.approx(1e-9, rel=1e-3)


def test_training_seconds_are_shown_but_do_not_decide(written) -> None:
    paths, reproducer = written
    kfold = next(p for p in paths if p.name.startswith("lrf-baseline__") and "__kfold3__" in p.name)

    def retime(data: dict) -> None:  # another machine's wall clock, same results
        data["training"]["seconds_train"] = 123.0
        data["training"]["folds"][0]["expert_seconds"] = [1.0, 2.0]

    [result] = reproduce_paths([_edit(kfold, retime)], reproducer)
    assert result.ok and result.verdict == "identical"
    shown = {d.field for d in result.differences if not d.ok}
    assert shown == {"training.seconds_train", "training.folds[0].expert_seconds"}


def test_measurement_fields_by_name() -> None:
    assert is_measurement("training.seconds_total")
    assert is_measurement("training.folds[2].seconds_stage1_sft_0")
    assert is_measurement("training.expert_seconds[1]")
    assert is_measurement("training.expert_seconds_total")
    assert not is_measurement("training.pairs")
    assert not is_measurement("training.secondsish")
    assert not is_measurement("metrics.hypervolume")


def test_a_changed_pack_hash_is_refused(written, tmp_path: Path) -> None:
    paths, reproducer = written

    def rehash(data: dict) -> None:
        data["pack_sha256"] = "0" * 64

    with pytest.raises(MobenchError, match="refusing to reproduce: pack tiny@1 here has sha256"):
        reproduce_paths([_edit(paths[0], rehash)], reproducer)


def test_other_method_version_or_params_are_refused(written) -> None:
    paths, reproducer = written
    lrf = next(p for p in paths if "lrf-baseline" in p.name)
    older = _edit(lrf, lambda d: d.update(method_version="0"))
    with pytest.raises(MobenchError, match="version 1, the record was made by version 0"):
        reproduce_paths([older], reproducer)
    extra = _edit(lrf, lambda d: d["params"].update(momentum=0.9))
    with pytest.raises(MobenchError, match=r"unknown here: \['momentum'\]"):
        reproduce_paths([extra], reproducer)


def test_tolerance_applies_only_off_cpu(written) -> None:
    paths, reproducer = written
    random_split = next(p for p in paths if p.name.startswith("random__") and "__split__" in p.name)

    def on_gpu(shift: float):
        def change(data: dict) -> None:
            data["environment"]["device"] = "cuda:NVIDIA H100"
            for phase in data["compute"]:
                phase["device"] = "cuda:NVIDIA H100"
            data["metrics"]["scalarised"] += shift
            data["responses"][0]["candidate_id"] = "not-the-same"

        return change

    [close] = reproduce_paths([_edit(random_split, on_gpu(1e-9))], reproducer)
    assert close.ok and close.verdict == "within tolerance" and not close.tolerance.exact
    # per-response differences are reported but, under a tolerance, only metrics decide
    assert any(not d.ok and not d.counts for d in close.differences)
    [far] = reproduce_paths([_edit(random_split, on_gpu(0.05))], reproducer)
    assert not far.ok and [d.field for d in far.mismatches] == ["metrics.scalarised"]
    strict = Reproducer(
        pack_dirs=reproducer.pack_dirs,
        sandbox_factory=reproducer.sandbox_factory,
        tolerance=Tolerance(),
    )
    [exact] = reproduce_paths([_edit(random_split, on_gpu(1e-9))], strict)
    assert not exact.ok


def test_sample_is_deterministic_and_spans_methods(written, tmp_path: Path) -> None:
    paths, _ = written
    first = sample_records(paths, 2)
    assert first == sample_records(list(reversed(paths)), 2)
    assert {load_record(p).method for p in first} == {"random", "lrf-baseline"}
    assert sample_records(paths, 0) == paths and len(sample_records(paths, 3)) == 3


def test_protocol_names() -> None:
    assert parse_protocol("kfold6") == ("kfold", 6) and parse_protocol("split")[0] == "split"
    with pytest.raises(MobenchError):
        parse_protocol("bootstrap")


def _plain_pack(root: Path) -> None:
    """A code-free pack (cost and quality only): its records need no sandbox to reproduce."""
    items, candidates = [], []
    for i in range(6):
        items.append(Item(id=f"q{i}", prompt=f"Write f{i}.", split="test"))
        for j in range(3):
            text = f"```python\ndef f{i}(x):\n" + "    x = x + 1\n" * j + "    return x\n```"
            candidates.append(Candidate(f"q{i}", f"q{i}-c{j}", text, 10, 5 + j))
    write_pack(
        root / "plain" / "1",
        name="plain",
        version="1",
        track="code",
        objectives=CODING_OBJECTIVES[1:],
        items=items,
        candidates=candidates,
        preferences=[(0.5, 0.5)],
    )


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["mobench", "reproduce", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        cwd=cwd,
        check=False,
    )


def test_cli_exit_codes_json_and_diff(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    _plain_pack(packs)
    paths = _grid(tmp_path, packs, None, pack="plain", methods=("random", "oracle"))
    split = next(p for p in paths if p.name.startswith("oracle__") and "__split__" in p.name)
    ok = _cli(str(tmp_path / "runs" / "records"), "--pack-dir", str(packs), "--json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert report["ok"] and len(report["records"]) == 4
    assert {r["verdict"] for r in report["records"]} == {"identical"}
    tampered = _edit(split, lambda d: d["metrics"]["means"].update(cost=0.5))
    bad = _cli(str(tampered), "--pack-dir", str(packs), cwd=tmp_path)
    assert bad.returncode == 1
    assert "MISMATCH" in bad.stdout and "metrics.means.cost" in bad.stdout
    refused = _cli(
        str(_edit(split, lambda d: d.update(pack_sha256="f" * 64))),
        "--pack-dir",
        str(packs),
        cwd=tmp_path,
    )
    assert refused.returncode == 2 and "refusing to reproduce" in refused.stderr
