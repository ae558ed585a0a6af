"""``mobench packs``: list, show, verify, stats and import task packs."""

from __future__ import annotations

from pathlib import Path

import typer

from mobench.cli.output import JSON_OPTION, console, emit_json, emit_table, new_app
from mobench.errors import MobenchError
from mobench.pack_index import discover, locate, register_root, user_pack_dir
from mobench.packs import Pack, load_pack, read_manifest

app = new_app(help="Inspect, verify and import versioned task packs.")

PACK_DIR_OPTION = typer.Option(
    [], "--pack-dir", help="Extra folder of packs (`<dir>/<name>/<version>/`), searched first."
)
SOURCE_OPTION = typer.Option(
    None,
    "--source",
    help="Local copy of an external pack's data (file or folder); without it the pack's "
    "loader fetches the pinned revision from the hub.",
)
NO_VERIFY_SOURCE_OPTION = typer.Option(
    False, "--no-verify-source", help="Use external data even if its sha256 differs (recorded)."
)


def _is_external(path: Path) -> bool:
    return bool(read_manifest(path)["loader"])


def _load(path: Path, source: Path | None, no_verify_source: bool, verify: bool = True) -> Pack:
    return load_pack(path, verify=verify, source=source, verify_source=not no_verify_source)


@app.command("list")
def list_packs(pack_dir: list[Path] = PACK_DIR_OPTION, as_json: bool = JSON_OPTION) -> None:
    """List every pack on the search path (built-in, user directory, --pack-dir)."""
    rows = []
    for loc in discover(pack_dir):
        try:
            header = read_manifest(loc.path)
            if header["loader"]:
                rows.append(
                    {
                        "pack": loc.ref,
                        "track": header["track"],
                        "items": "external",
                        "candidates": "external",
                        "objectives": ", ".join(o.name for o in header["objectives"]),
                        "origin": loc.origin,
                        "path": str(loc.path),
                        "loader": header["loader"],
                    }
                )
                continue
            pack = load_pack(loc.path, verify=False)
            rows.append(
                {
                    "pack": loc.ref,
                    "track": pack.track,
                    "items": len(pack.items),
                    "candidates": len(pack.candidates),
                    "objectives": ", ".join(pack.objective_names),
                    "origin": loc.origin,
                    "path": str(loc.path),
                }
            )
        except MobenchError as exc:
            rows.append({"pack": loc.ref, "origin": loc.origin, "error": str(exc)})
    if as_json:
        emit_json(rows)
    else:
        emit_table("packs", rows, ["pack", "track", "items", "candidates", "objectives", "origin"])


@app.command("show")
def show(
    ref: str = typer.Argument(..., help="Pack name, name@version, or a pack folder."),
    pack_dir: list[Path] = PACK_DIR_OPTION,
    source: Path = SOURCE_OPTION,
    no_verify_source: bool = NO_VERIFY_SOURCE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Show a pack's manifest: objectives with scorers and bounds, splits, preferences.

    For a pack with external data, pass --source to load and count it."""
    loc = locate(ref, pack_dir)
    header = read_manifest(loc.path)
    if header["loader"] and source is None:
        info = {
            "pack": loc.ref,
            "track": header["track"],
            "description": header["description"],
            "path": str(loc.path),
            "sha256": header["sha256"],
            "objectives": [o.to_json() for o in header["objectives"]],
            "preferences": [list(p) for p in header["preferences"]],
            "reference_point": list(header["reference_point"]),
            "loader": header["loader"],
        }
        if as_json:
            emit_json(info)
        else:
            console.print(f"[bold]{loc.ref}[/] ({header['track']}) — {header['description']}")
            console.print(f"external data: {header['loader']}")
            console.print("pass --source PATH to load a local copy")
        return
    pack = _load(loc.path, source, no_verify_source, verify=False)
    info = {
        "pack": pack.ref,
        "track": pack.track,
        "description": pack.description,
        "path": str(loc.path),
        "sha256": pack.sha256,
        "objectives": [o.to_json() for o in pack.objectives],
        "splits": {s: len(pack.split(s)) for s in ("train", "val", "test")},
        "preferences": [list(p) for p in pack.preferences],
        "reference_point": list(pack.reference_point),
        "items": len(pack.items),
        "candidates": len(pack.candidates),
        "source": dict(pack.source),
    }
    if as_json:
        emit_json(info)
        return
    console.print(f"[bold]{pack.ref}[/] ({pack.track}) — {pack.description}")
    console.print(f"path: {loc.path}\nsha256: {pack.sha256}")
    console.print(f"items: {len(pack.items)} {info['splits']}, candidates: {len(pack.candidates)}")
    emit_table(
        "objectives",
        [
            {
                "name": o.name,
                "scorer": o.scorer,
                "bounds": list(o.bounds),
                "direction": o.direction,
                "params": dict(o.params),
            }
            for o in pack.objectives
        ],
        ["name", "scorer", "bounds", "direction", "params"],
    )
    console.print(f"preferences: {info['preferences']}  reference point: {info['reference_point']}")


@app.command("verify")
def verify(
    refs: list[str] = typer.Argument(None, help="Packs to verify (default: all)."),
    pack_dir: list[Path] = PACK_DIR_OPTION,
    source: Path = SOURCE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Check that each pack's content matches the sha256 in its manifest (exit 1 if not).

    External packs are checked through their manifest hash, and their data file's sha256 when
    --source is given (with one pack named)."""
    targets = [locate(r, pack_dir) for r in refs] if refs else discover(pack_dir)
    rows, failed = [], False
    for loc in targets:
        try:
            if _is_external(loc.path) and source is None:
                header = read_manifest(loc.path)
                from mobench.packs import content_sha256

                digest = content_sha256(header, (), ())
                ok = digest == header["sha256"]
                failed = failed or not ok
                rows.append(
                    {
                        "pack": loc.ref,
                        "status": "ok (manifest; data external)" if ok else "FAILED",
                        "sha256": digest,
                    }
                )
                continue
            pack = _load(loc.path, source, False, verify=True)
            rows.append({"pack": loc.ref, "status": "ok", "sha256": pack.sha256})
        except MobenchError as exc:
            failed = True
            rows.append({"pack": loc.ref, "status": "FAILED", "error": str(exc)})
    if as_json:
        emit_json(rows)
    else:
        emit_table("pack verification", rows, ["pack", "status", "sha256", "error"])
    if failed:
        raise typer.Exit(1)


@app.command("stats")
def stats(
    ref: str = typer.Argument(..., help="Pack name, name@version, or a pack folder."),
    pack_dir: list[Path] = PACK_DIR_OPTION,
    source: Path = SOURCE_OPTION,
    no_verify_source: bool = NO_VERIFY_SOURCE_OPTION,
    allow_weak_sandbox: bool = typer.Option(
        False, "--allow-weak-sandbox", help="Run code without bubblewrap if it is unavailable."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Rescore instead of using the cache."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Score the candidate pool and report its spread: objective ranges, pass-rate spread and
    the fraction of within-item candidate pairs that are trade-offs (neither dominates)."""
    from mobench.cache import NullCache, ResultCache
    from mobench.cli.progress import RichProgress
    from mobench.objectives.base import ScoringEnv
    from mobench.pool import pool_stats, reference_pass_rates, score_pool
    from mobench.sandbox import make_sandbox

    pack = _load(locate(ref, pack_dir).path, source, no_verify_source)
    if not pack.candidates:
        raise MobenchError(f"pack {pack.ref} has no candidate pool to describe")
    env = ScoringEnv(
        sandbox_factory=lambda: make_sandbox("auto", allow_weak=allow_weak_sandbox),
        cache=NullCache() if no_cache else ResultCache(),
    )
    with RichProgress(enabled=not as_json) as progress:
        progress.start("pool", f"scoring {len(pack.candidates)} candidates", len(pack.candidates))
        pool = score_pool(pack, env, lambda done, _n: progress.advance("pool", done))
        references = reference_pass_rates(pack, env)
    result = pool_stats(pack, pool)
    failing = sorted(k for k, v in references.items() if v < 1.0)
    if as_json:
        emit_json(
            {
                "pack": pack.ref,
                **result.to_json(),
                "references_scored": len(references),
                "references_failing": failing,
            }
        )
        return
    console.print(
        f"[bold]{pack.ref}[/]: {result.items} items, {result.candidates} candidates, "
        f"trade-off pair fraction [bold]{result.tradeoff_fraction:.3f}[/] (LRF paper: 0.583)"
    )
    emit_table(
        "objective ranges (normalised)",
        [
            {
                "objective": n,
                "min": result.objective_min[n],
                "max": result.objective_max[n],
                "mean": result.objective_mean[n],
                "span": result.objective_max[n] - result.objective_min[n],
            }
            for n in pack.objective_names
        ],
        ["objective", "min", "max", "mean", "span"],
    )
    first = pack.objective_names[0]
    emit_table(
        f"{first} spread over candidates",
        [{"bucket": k, "candidates": v} for k, v in result.first_objective_histogram.items()],
        ["bucket", "candidates"],
    )
    if references:
        status = "[green]all pass[/]" if not failing else f"[red]failing: {', '.join(failing)}[/]"
        console.print(f"reference solutions in the sandbox: {status} ({len(references)} scored)")
    console.print(
        f"items with at least one candidate at {first} = 1: "
        f"{result.items_with_a_full_score}/{result.items}"
    )


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="A HumanEval- or MBPP-format .jsonl or .jsonl.gz file."),
    fmt: str = typer.Option(..., "--format", help="Input format: humaneval or mbpp."),
    name: str = typer.Option(None, "--name", help="Pack name (default: the file's stem)."),
    version: str = typer.Option("1", "--version", help="Pack version."),
    out: Path = typer.Option(
        None,
        "--out",
        help="Root folder to write `<name>/<version>/` into (default: user pack dir).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import a HumanEval/MBPP file as a coding pack; canonical solutions become candidates."""
    from mobench.importers import import_pack

    pack_name = name or file.name.split(".")[0].replace("-", "_").lower()
    root = out or user_pack_dir()
    pack = import_pack(file, fmt, root, pack_name, version)
    register_root(root)
    info = {
        "pack": pack.ref,
        "path": str(pack.root),
        "items": len(pack.items),
        "sha256": pack.sha256,
    }
    if as_json:
        emit_json(info)
    else:
        console.print(f"wrote [bold]{pack.ref}[/] ({len(pack.items)} items) to {pack.root}")
        console.print(
            f"`mobench packs show {pack.name}` and `mobench run --pack {pack.name}` find it"
        )
