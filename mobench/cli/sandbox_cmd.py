"""``mobench sandbox``: the isolation matrix, one candidate run, the throughput bench."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from mobench.cli.output import JSON_OPTION, console, emit_json, emit_table, new_app
from mobench.errors import MobenchError
from mobench.sandbox import BACKENDS, JobResult, Limits, make_sandbox, probe_isolation
from mobench.sandbox.base import Job

app = new_app(
    help=(
        "Inspect, use and benchmark the sandbox that runs untrusted candidate code against "
        "unit tests.\n\n"
        "Backends: local (one bubblewrap sandbox per job), pool (warm bubblewrap workers, "
        "the default), docker and docker-pool (when an engine is reachable), weak (no "
        "isolation, only with --allow-weak-sandbox). In every backend the tests run outside "
        "the candidate's process, which gets a fresh process per test. See docs/sandbox.md "
        "for the threat model."
    ),
)

ALLOW_WEAK_OPTION = typer.Option(
    False,
    "--allow-weak-sandbox",
    help=(
        "If bubblewrap cannot run here, run the candidate as a plain subprocess with rlimits "
        "and timeouts only. This is NO isolation: never use it for untrusted code."
    ),
)
NO_DOCKER_OPTION = typer.Option(False, "--no-docker", help="Leave the Docker backends out.")

CHECK_HELP = (
    "Show the isolation matrix of this host: one column per backend (local, pool, and "
    "docker / docker-pool when mobench.sandbox.docker is importable).\n\n"
    "Every cell is checked live: a probe job's candidate inspects its own surroundings (uid, "
    "network, environment, writable paths, host files, pid namespace, process and memory "
    "limits, whether the test source is anywhere it can read) and the probe's tests judge "
    "what it reports.\n\n"
    "Exit code 0 when the bubblewrap backends (local and pool) pass every check, 1 otherwise."
)
RUN_HELP = (
    "Run one candidate against a test file and print each test's outcome.\n\n"
    "Each test gets a fresh candidate process; an outcome is passed, failed "
    "(AssertionError), error (any other exception, import failure, crash, exit) or timeout.\n\n"
    "Exit code 0 when every test passes, 1 otherwise. Refuses to run when the backend cannot, "
    "unless --allow-weak-sandbox (auto backend only)."
)
BENCH_HELP = (
    "Throughput of each backend on trivial jobs, side by side: jobs/s and ms/job for the "
    "unsandboxed multiprocessing baseline (one forked process per job, as classic code-eval "
    "harnesses do), bubblewrap per job, the warm bubblewrap pool, and docker per job / the "
    "warm docker pool when Docker is available. Targets (reported, not enforced): pool "
    "per-job cost <= the baseline's and >= 3x cheaper than bubblewrap per job; docker pool "
    ">= 5x cheaper than docker per job."
)
CODE_ARG = typer.Argument(..., help="Candidate code; imported as module `solution`.")
TESTS_ARG = typer.Argument(
    ..., help="Test file: `from solution import X` and top-level `def test_*():` with asserts."
)


@app.command("check", help=CHECK_HELP)
def check(as_json: bool = JSON_OPTION, no_docker: bool = NO_DOCKER_OPTION) -> None:
    """Show the isolation matrix of this host."""
    report = probe_isolation(docker=not no_docker)
    if as_json:
        emit_json(report)
    else:
        _print_matrix(report)
    ok = all(report["backends"][name]["usable"] for name in ("local", "pool"))
    _exit(0 if ok else 1)


def _mark(ok: bool | None) -> str:
    if ok is None:
        return "[dim]-[/]"
    return "[green]yes[/]" if ok else "[red]no[/]"


def _print_matrix(report: dict[str, Any]) -> None:
    backends: dict[str, dict[str, Any]] = report["backends"]
    names = list(backends)
    features: list[str] = []
    for entry in backends.values():
        features += [f for f in entry.get("checks", {}) if f not in features]
    rows: list[dict[str, Any]] = []
    bwrap = report["bwrap"]
    version = f"bwrap {bwrap['version']}" if bwrap["version"] else "bwrap not found"
    rows.append({"feature": "backend usable", **{n: _mark(backends[n]["usable"]) for n in names}})
    for feature in features:
        row: dict[str, Any] = {"feature": escape(feature)}
        for name in names:
            check = backends[name].get("checks", {}).get(feature)
            row[name] = _mark(check["ok"] if check else None)
        rows.append(row)
    for label, key in (
        ("pid namespace", "pid_namespace"),
        ("a uid per test", "per_test_uid"),
        ("tests outside the candidate's process", "separate_judge"),
    ):
        row = {"feature": label}
        for name in names:
            isolation = backends[name].get("isolation")
            row[name] = _mark(bool(isolation.get(key)) if isolation else None)
        rows.append(row)
    emit_table(
        f"sandbox isolation on this host ({escape(version)}, uid {report['host_uid']})",
        rows,
        ["feature", *names],
    )
    for name in names:
        entry = backends[name]
        if entry.get("problem"):
            console.print(f"[bold]{name}[/]: [red]{escape(str(entry['problem']))}[/]")
        elif entry.get("isolation"):
            console.print(f"[bold]{name}[/]: [dim]{escape(entry['isolation']['notes'])}[/]")
        failed = {k: v for k, v in entry.get("checks", {}).items() if not v["ok"]}
        for feature, result in failed.items():
            console.print(f"  [red]{escape(feature)}[/]: {escape(result['detail'])}")
    if not all(backends[n]["usable"] for n in ("local", "pool")):
        console.print(
            "[bold red]the bubblewrap sandbox is not fully usable here[/]; "
            "`mobench sandbox run` and `mobench run` refuse to run candidate code "
            "unless you pass --allow-weak-sandbox (no isolation)."
        )


@app.command("run", help=RUN_HELP)
def run(
    code: Path = CODE_ARG,
    tests: Path = TESTS_ARG,
    backend: str = typer.Option(
        "auto", "--backend", help=f"Sandbox backend: {', '.join(BACKENDS)}."
    ),
    as_json: bool = JSON_OPTION,
    allow_weak: bool = ALLOW_WEAK_OPTION,
    timeout: float = typer.Option(
        Limits.wall_seconds, "--timeout", min=0.1, help="Wall-clock limit for the whole job (s)."
    ),
    per_test_timeout: float = typer.Option(
        Limits.per_test_seconds, "--per-test-timeout", min=0.1, help="Limit per test (s)."
    ),
    memory_mb: int = typer.Option(
        Limits.memory_mb, "--memory-mb", min=32, help="Address-space limit per process (MiB)."
    ),
) -> None:
    """Run one candidate against a test file and print each test's outcome."""
    code_text, tests_text = _read(code), _read(tests)
    sandbox = make_sandbox(backend, allow_weak=allow_weak)
    limits = Limits(
        wall_seconds=timeout,
        per_test_seconds=min(per_test_timeout, timeout),
        memory_mb=memory_mb,
    )
    job = Job(code.stem, code_text, tests_text, limits)
    try:
        result = sandbox.run([job])[0]
    finally:
        close = getattr(sandbox, "close", None)
        if callable(close):
            close()
    ok = result.total > 0 and result.passed == result.total
    if as_json:
        emit_json({**result.to_json(), "passed": result.passed, "all_passed": ok})
    else:
        _print_result(result)
    _exit(0 if ok else 1)


@app.command("bench", help=BENCH_HELP)
def bench(
    as_json: bool = JSON_OPTION,
    jobs: int = typer.Option(200, "--jobs", min=4, help="Trivial jobs per timed run."),
    repeat: int = typer.Option(3, "--repeat", min=1, help="Timed runs per row (median)."),
    no_docker: bool = NO_DOCKER_OPTION,
) -> None:
    """Throughput of each backend, side by side."""
    from mobench.sandbox.bench import run_bench

    report = run_bench(jobs=jobs, repeat=repeat, docker=not no_docker)
    if as_json:
        emit_json(report)
        return
    rows = []
    base = report["rows"]["multiprocessing"]["ms_per_job"]
    for name, row in report["rows"].items():
        if "skipped" in row:
            rows.append({"backend": name, "what": f"skipped: {escape(str(row['skipped']))}"})
            continue
        rows.append(
            {
                "backend": name,
                "what": row["what"],
                "jobs": row["jobs"],
                "ms/job": f"{row['ms_per_job']:.2f}",
                "jobs/s": f"{row['jobs_per_second']:.1f}",
                "× baseline cost": f"{row['ms_per_job'] / base:.2f}",
            }
        )
    host = report["host"]
    emit_table(
        f"sandbox throughput ({host['cpus']} CPUs, Python {host['python']}, "
        f"median of {report['repeat']} runs)",
        rows,
        ["backend", "what", "jobs", "ms/job", "jobs/s", "× baseline cost"],
    )
    labels = {
        "pool_vs_multiprocessing": "pool cost / multiprocessing cost",
        "local_vs_pool_speedup": "bubblewrap-per-job cost / pool cost",
        "docker_vs_docker_pool_speedup": "docker-per-job cost / docker-pool cost",
    }
    for key, target in report["targets"].items():
        verdict = "[green]met[/]" if target["met"] else "[yellow]not met[/]"
        console.print(f"{labels[key]}: {target['ratio']} (target {target['target']}) {verdict}")


def _exit(code: int) -> None:
    # SystemExit rather than typer.Exit: mobench.cli.main runs typer with standalone_mode=False,
    # where typer.Exit's code is returned, not used as the process exit status.
    raise SystemExit(code)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MobenchError(f"cannot read {path}: {exc}") from exc


def _print_result(result: JobResult) -> None:
    colours = {"passed": "green", "failed": "red", "error": "red", "timeout": "yellow"}
    rows = [
        {
            "test": escape(o.name),
            "status": f"[{colours[o.status]}]{o.status}[/]",
            "seconds": o.seconds,
            "detail": escape(o.detail),
        }
        for o in result.outcomes
    ]
    emit_table(
        f"sandbox run: {escape(result.job_id)}", rows, ["test", "status", "seconds", "detail"]
    )
    console.print(
        f"{result.passed}/{result.total} passed · job {result.status} · "
        f"backend {result.isolation.backend} · isolation: {result.isolation.level} · "
        f"{result.wall_seconds:.2f}s",
        highlight=False,
        markup=False,
    )
    if result.isolation.level.startswith("weak"):
        console.print("[bold yellow]warning:[/] ran WITHOUT isolation (--allow-weak-sandbox)")
    if result.status != "completed" and result.stderr_tail.strip():
        console.print("[dim]stderr (tail):[/]")
        console.print(result.stderr_tail[-2000:], highlight=False, markup=False)
