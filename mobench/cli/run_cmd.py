"""``mobench run``: evaluate methods on packs over seeds, write records, build the leaderboard."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from mobench.cli.output import JSON_OPTION, console, emit_json, print_board
from mobench.errors import MobenchError
from mobench.protocols import PROTOCOLS
from mobench.runner import DEFAULT_PACKS, DEFAULT_PROTOCOLS, GridRunner, RunConfig


def _parse_params(raw: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for entry in raw:
        target, sep, value = entry.partition("=")
        method, dot, key = target.partition(".")
        if not sep or not dot or not method or not key:
            raise MobenchError(
                f"--param {entry!r} must look like METHOD.KEY=VALUE (lrf-pareto.lr=1e-3)"
            )
        out[method][key] = value
    return dict(out)


def run(
    pack: list[str] = typer.Option(
        list(DEFAULT_PACKS),
        "--pack",
        "--packs",
        "-p",
        help="Pack name, name@version or folder; repeatable or comma-separated.",
    ),
    method: list[str] = typer.Option(
        [], "--method", "-m", help="Method to run; repeatable (default: all that support the pack)."
    ),
    seeds: int = typer.Option(3, "--seeds", help="Number of seeds (0..N-1)."),
    seed: list[int] = typer.Option(
        [], "--seed", help="Explicit seed; repeatable, overrides --seeds."
    ),
    protocol: list[str] = typer.Option(
        list(DEFAULT_PROTOCOLS),
        "--protocol",
        help="Evaluation protocol; repeatable: kfold, split or pack "
        "(kfold: every item tested once; split: 70/15/15 per seed; pack: the pack's splits).",
    ),
    folds: int = typer.Option(6, "--folds", help="Number of folds for the kfold protocol."),
    out: Path = typer.Option(Path("mobench-runs"), "--out", help="Folder for records and tables."),
    param: list[str] = typer.Option(
        [], "--param", help="Hyper-parameter override METHOD.KEY=VALUE; repeatable."
    ),
    pack_dir: list[Path] = typer.Option([], "--pack-dir", help="Extra folder of packs."),
    source: list[str] = typer.Option(
        [], "--source", help="Local data for an external pack, NAME=PATH (e.g. math500=test.jsonl)."
    ),
    no_verify_source: bool = typer.Option(
        False, "--no-verify-source", help="Use external data even if its sha256 differs."
    ),
    sandbox: str = typer.Option(
        "auto",
        "--sandbox",
        help="Sandbox backend: auto (the warm bubblewrap pool), pool, local, docker, "
        "docker-pool, weak.",
    ),
    allow_weak_sandbox: bool = typer.Option(
        False,
        "--allow-weak-sandbox",
        help="If bubblewrap cannot run, run code without isolation (recorded in every result).",
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not reuse cached scores."),
    force: bool = typer.Option(False, "--force", help="Redo runs that already have records."),
    executor: str = typer.Option(
        "local",
        "--executor",
        help="Where runs execute: local (this machine) or ray (Ray tasks; RAY_ADDRESS joins a "
        "cluster, else a local Ray starts). Records are the same either way.",
    ),
    workers: int = typer.Option(
        1, "--workers", help="local executor: processes (1 = in this process, the default)."
    ),
    suite: str = typer.Option(
        "",
        "--suite",
        help="Run a method suite instead of the grid: 'synthetic' trains every preference "
        "method (or those of --method) on the five synth-* structures and reports each one's "
        "distance to the known optimum (OUT/synthetic-suite.{md,json}).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Run methods × packs × preferences × seeds and build the leaderboard.

    With no options this evaluates every registered method that supports coding24 on 3 seeds
    under the kfold and split protocols. Records go to OUT/records/ (one JSON per run); an
    interrupted run resumes where it stopped, and cached sandbox results and scores make a rerun
    fast. The leaderboard is written to OUT/leaderboard.{md,csv,png}.
    """
    from mobench.cli.progress import RichProgress
    from mobench.leaderboard import leaderboard_table, write_leaderboard

    if suite:
        from mobench.synthetic_suite import run_suite_command

        run_suite_command(suite, method, seed[0] if seed else 0, pack_dir, out, as_json)
        return

    sources = {}
    for entry in source:
        name, sep, path = entry.partition("=")
        if not sep or not name or not path:
            raise MobenchError(f"--source {entry!r} must look like PACK=PATH")
        sources[name] = Path(path)
    config = RunConfig(
        packs=tuple(p.strip() for entry in pack for p in entry.split(",") if p.strip()),
        sources=sources,
        verify_sources=not no_verify_source,
        methods=tuple(method),
        seeds=tuple(seed) if seed else tuple(range(seeds)),
        protocols=tuple(protocol),
        folds=folds,
        out_dir=out,
        overrides=_parse_params(param),
        sandbox_backend=sandbox,
        allow_weak_sandbox=allow_weak_sandbox,
        use_cache=not no_cache,
        force=force,
        pack_dirs=tuple(pack_dir),
        executor=executor,
        workers=workers,
    )
    bad = sorted(set(config.protocols) - set(PROTOCOLS))
    if bad:
        raise MobenchError(f"unknown protocol(s) {bad}; choose from {', '.join(PROTOCOLS)}")
    started = time.perf_counter()
    try:
        with RichProgress(enabled=not as_json) as progress:
            summary = GridRunner(config, progress, _sandbox_factory(config)).run()
    except KeyboardInterrupt:
        console.print(
            f"[yellow]interrupted[/]: finished runs are kept in {out}/records; "
            "rerun the same command to resume"
        )
        raise typer.Exit(130) from None
    records = summary.records
    from mobench.records import RunStore

    all_records = RunStore(out).load_all()
    written = write_leaderboard(all_records, out, ("md", "csv", "png"))
    elapsed = time.perf_counter() - started
    if as_json:
        emit_json(
            {
                "records_written": [str(p) for p in summary.written],
                "skipped_existing": summary.skipped,
                "leaderboard": [str(p) for p in written],
                "seconds": round(elapsed, 2),
                "rows": leaderboard_table(all_records).to_dict(orient="records"),
            }
        )
        return
    console.print(
        f"{len(records)} new run records, {summary.skipped} already done, "
        f"{elapsed:.1f} s; leaderboard in {out}/"
    )
    print_board(leaderboard_table(all_records))


def _sandbox_factory(config: RunConfig) -> Callable[[], Any] | None:
    """On Ray, sandbox batches run as Ray tasks too (each worker keeps its own sandbox)."""
    if config.executor != "ray":
        return None
    from mobench.executors import RaySandbox

    return lambda: RaySandbox(config.sandbox_backend, allow_weak=config.allow_weak_sandbox)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
