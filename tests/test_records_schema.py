"""Run-record schema v2: validation naming file and field, v1 → v2 migration, the JSON Schema."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from mobench.errors import MobenchError
from mobench.methods import get_method
from mobench.record_schema import (
    SCHEMA_VERSION,
    RecordSchemaError,
    json_schema,
    migrate,
    migrate_file,
    schema_path,
    validate,
)
from mobench.records import RunRecord, RunStore

REPO = Path(__file__).resolve().parents[1]
PUBLISHED = sorted((REPO / "leaderboard").glob("*/records/*/*.json"))


def _committed() -> dict:
    """A committed coding24 selector record (three objectives, several responses)."""
    chosen = [p for p in PUBLISHED if p.parent.name == "coding24_v1" and p.name.startswith("lrf-")]
    if not chosen:
        pytest.skip("no committed coding24 leaderboard records in this checkout")
    return json.loads(chosen[0].read_text())


def _as_v1(data: dict) -> dict:
    """The same record as schema_version 1 wrote it (before method_kind / reference_point)."""
    old = {k: v for k, v in data.items() if k not in ("method_kind", "reference_point")}
    old["schema_version"] = 1
    return old


def test_schema_file_ships_with_the_package() -> None:
    path = schema_path()
    assert path.is_file() and path.parent.name == "schemas"
    schema = json_schema()
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    jsonschema.Draft202012Validator.check_schema(schema)


def test_committed_records_load_and_match_the_json_schema() -> None:
    _committed()
    validator = jsonschema.Draft202012Validator(json_schema())
    for path in PUBLISHED:
        data = json.loads(path.read_text())
        assert data["schema_version"] == SCHEMA_VERSION, f"{path} is not migrated"
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, f"{path}: {errors[:3]}"
        record = RunRecord.from_json(data, str(path))
        assert record.method_kind == get_method(record.method).kind
        assert len(record.reference_point) == len(record.objectives)


def test_written_records_match_the_json_schema(tmp_path: Path) -> None:
    record = RunRecord.from_json(_committed())
    path = RunStore(tmp_path).save(record)
    data = json.loads(path.read_text())
    jsonschema.validate(data, json_schema())
    assert RunRecord.from_json(data) == record
    assert RunRecord.from_json(record.to_json()) == record  # tuples accepted as lists


# Cross-field rules (lengths that must equal the number of objectives, means for every named
# objective) are beyond JSON Schema; mobench checks them on load.
CROSS_FIELD = ("'reference_point' must have", "'responses[3].objectives'", "'metrics.means'")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("pack"), "'pack' is missing"),
        (lambda d: d.update(seed="0"), "'seed' must be an integer"),
        (lambda d: d.update(seed=True), "'seed' must be an integer"),
        (lambda d: d.update(method_kind="magic"), "'method_kind' must be one of"),
        (lambda d: d.update(reference_point=[0.0]), "'reference_point' must have one entry"),
        (lambda d: d["responses"][3].update(objectives=[1.0]), "'responses[3].objectives'"),
        (lambda d: d["responses"][0].pop("item_id"), "'responses[0].item_id' is missing"),
        (lambda d: d["compute"][0].update(seconds=-1), "'compute[0].seconds' must be a number"),
        (lambda d: d["metrics"].pop("hypervolume"), "'metrics.hypervolume' must be a number"),
        (lambda d: d["metrics"]["means"].pop("cost"), "'metrics.means' must map every"),
        (lambda d: d.update(surprise=1), "'surprise' is not a run-record field"),
        (lambda d: d.update(schema_version="2"), "'schema_version' must be an integer"),
    ],
)
def test_malformed_records_name_the_file_and_field(mutate, field: str) -> None:
    data = copy.deepcopy(_committed())
    mutate(data)
    with pytest.raises(RecordSchemaError, match="^bad.json: field ") as err:
        RunRecord.from_json(data, "bad.json")
    assert field in str(err.value)
    # the shipped JSON Schema rejects the same record, except for the cross-field rules
    rejected = bool(list(jsonschema.Draft202012Validator(json_schema()).iter_errors(data)))
    assert rejected != field.startswith(CROSS_FIELD)


def test_unknown_versions_are_refused() -> None:
    data = _committed()
    with pytest.raises(MobenchError, match="schema_version 3 is not supported.*upgrade mobench"):
        RunRecord.from_json({**data, "schema_version": 3}, "new.json")
    with pytest.raises(MobenchError, match="schema_version 0 is not supported.*rerun"):
        RunRecord.from_json({**data, "schema_version": 0}, "old.json")
    with pytest.raises(MobenchError, match="'schema_version' is missing"):
        RunRecord.from_json({}, "empty.json")


def test_v1_migrates_to_v2() -> None:
    data = _committed()
    old = _as_v1(data)
    with pytest.raises(RecordSchemaError, match="'method_kind' is missing"):
        validate({**old, "schema_version": 2}, "x.json")
    new = migrate(old, "old.json")
    assert new["schema_version"] == 2
    assert new["method_kind"] == "selector"  # looked up through the entry point
    assert new["reference_point"] == [0.0, 0.0, 0.0]
    assert RunRecord.from_json(old, "old.json") == RunRecord.from_json(data)
    unknown = migrate({**old, "method": "gone-method"}, "old.json")
    assert unknown["method_kind"] == "unknown"


def test_v1_with_another_reference_point_is_refused() -> None:
    old = _as_v1(_committed())
    old["metrics"] = {**old["metrics"], "hypervolume": old["metrics"]["hypervolume"] / 2}
    with pytest.raises(RecordSchemaError, match="reference point is unknown; rerun"):
        migrate(old, "old.json")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the ``mobench`` console entry point in process: (exit code, stdout, stderr)."""
    from mobench.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_migrate_on_disk_via_the_cli(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "runs" / "records" / "coding24_v1"
    target.mkdir(parents=True)
    for src in PUBLISHED[:3] or [pytest.skip("no committed records")]:
        (target / src.name).write_text(json.dumps(_as_v1(json.loads(src.read_text()))))
    code, out, err = _cli(capsys, "leaderboard", "migrate", "runs", "--json")
    assert code == 0, err
    assert len(json.loads(out)["migrated"]) == 3
    for path in target.iterdir():
        assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION
        assert migrate_file(path) is False  # already current
    broken = target / "broken.json"
    broken.write_text(json.dumps({**_as_v1(_committed()), "seed": "x"}))
    code, out, err = _cli(capsys, "leaderboard", "migrate", "runs")
    assert code == 2
    assert "broken.json: field 'seed' must be an integer" in err.replace("\n", "")


def test_published_build_is_one_command(tmp_path: Path, capsys, monkeypatch) -> None:
    """`mobench leaderboard build --published` migrates and rebuilds a copy of leaderboard/."""
    _committed()
    root = tmp_path / "leaderboard"
    shutil.copytree(REPO / "leaderboard" / "coding24" / "records", root / "coding24" / "records")
    first = next((root / "coding24" / "records").rglob("*.json"))
    first.write_text(json.dumps(_as_v1(json.loads(first.read_text()))))
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsys, "leaderboard", "build", "--published", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["migrated"] == [str(Path("leaderboard") / first.relative_to(root))]
    for name in ("index.html", "leaderboard.md", "leaderboard.csv", "leaderboard.json"):
        assert (root / name).is_file()
    assert (root / "methods" / "oracle.html").is_file()
    monkeypatch.chdir(root)
    code, out, err = _cli(capsys, "leaderboard", "build", "--published")
    assert code == 2 and "no published leaderboard" in err
