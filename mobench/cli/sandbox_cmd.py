"""``mobench sandbox``: the isolation this host provides, and one candidate run against tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from mobench.cli.output import JSON_OPTION, console, emit_json, emit_table
from mobench.errors import MobenchError
from mobench.sandbox import Job, JobResult, Limits, make_sandbox, probe_isolation

app = typer.Typer(
    help=(
        "Inspect and use the sandbox that runs untrusted candidate code against unit tests.\n\n"
        "The local backend is bubblewrap: no network, read-only root, a fresh tmpfs scratch "
        "dir, a cleared environment, an unprivileged uid, rlimits and timeouts. See "
        "docs/sandbox.md for the threat model."
    ),
    no_args_is_help=True,
)

ALLOW_WEAK_OPTION = typer.Option(
    False,
    "--allow-weak-sandbox",
    help=(
        "If bubblewrap cannot run here, run the candidate as a plain subprocess with rlimits "
        "and timeouts only. This is NO isolation: never use it for untrusted code."
    ),
)


CHECK_HELP = (
    "Show the isolation actually available on this host.\n\n"
    "Finds bwrap, reads its version, tries a user namespace, then runs one tiny job whose "
    "tests check each feature from inside the sandbox (uid, network, environment, read-only "
    "root, hidden host files, pid namespace, process and memory limits).\n\n"
    "Exit code 0 when the bubblewrap sandbox works and every check passes, 1 otherwise."
)
RUN_HELP = (
    "Run one candidate against a test file and print each test's outcome.\n\n"
    "Each test runs in its own process; an outcome is passed, failed (AssertionError), "
    "error (any other exception, import failure, crash) or timeout.\n\n"
    "Exit code 0 when every test passes, 1 otherwise. Refuses to run when bubblewrap "
    "cannot, unless --allow-weak-sandbox."
)
CODE_ARG = typer.Argument(..., help="Candidate code; saved as solution.py in the sandbox.")
TESTS_ARG = typer.Argument(
    ..., help="Test file: `from solution import X` and top-level `def test_*():` with asserts."
)


@app.command("check", help=CHECK_HELP)
def check(as_json: bool = JSON_OPTION) -> None:
    """Show the isolation actually available on this host."""
    report = probe_isolation()
    if as_json:
        emit_json(report)
    else:
        _print_report(report)
    _exit(0 if report["local_usable"] else 1)


def _print_report(report: dict[str, Any]) -> None:
    bwrap = report["bwrap"]
    rows: list[dict[str, Any]] = [
        {
            "feature": "bubblewrap binary",
            "status": _mark(bool(bwrap["path"])),
            "detail": escape(f"{bwrap['path'] or 'not found'}")
            + (f" (version {bwrap['version']})" if bwrap["version"] else ""),
        },
        {
            "feature": "user namespaces",
            "status": _mark(report["user_namespaces"]),
            "detail": "not needed when running as root" if report["host_uid"] == 0 else "",
        },
    ]
    if report["problem"]:
        problem = escape(report["problem"])
        rows.append({"feature": "sandbox starts", "status": _mark(False), "detail": problem})
    for feature, result in report["checks"].items():
        detail = escape(result["detail"])
        rows.append({"feature": feature, "status": _mark(result["ok"]), "detail": detail})
    emit_table("sandbox isolation on this host", rows, ["feature", "status", "detail"])
    if report["isolation"]:
        console.print(f"[dim]{report['isolation']['notes']}[/]", highlight=False)
    if report["local_usable"]:
        console.print("[green]backend: local (bubblewrap)[/]")
    else:
        console.print(
            "[bold red]the bubblewrap sandbox is not fully usable here[/]; "
            "`mobench sandbox run` and `mobench run` refuse to run candidate code "
            "unless you pass --allow-weak-sandbox (no isolation)."
        )


def _mark(ok: bool) -> str:
    return "[green]yes[/]" if ok else "[red]no[/]"


@app.command("run", help=RUN_HELP)
def run(
    code: Path = CODE_ARG,
    tests: Path = TESTS_ARG,
    as_json: bool = JSON_OPTION,
    allow_weak: bool = ALLOW_WEAK_OPTION,
    timeout: float = typer.Option(
        Limits.wall_seconds, "--timeout", min=0.1, help="Wall-clock limit for the whole job (s)."
    ),
    per_test_timeout: float = typer.Option(
        Limits.per_test_seconds, "--per-test-timeout", min=0.1, help="Limit per test (s)."
    ),
    memory_mb: int = typer.Option(
        Limits.memory_mb, "--memory-mb", min=32, help="Address-space limit per test (MiB)."
    ),
) -> None:
    """Run one candidate against a test file and print each test's outcome."""
    code_text, tests_text = _read(code), _read(tests)
    sandbox = make_sandbox("auto", allow_weak=allow_weak)
    limits = Limits(
        wall_seconds=timeout,
        per_test_seconds=min(per_test_timeout, timeout),
        memory_mb=memory_mb,
    )
    job = Job(code.stem, code_text, tests_text, limits)
    result = sandbox.run([job])[0]
    ok = result.total > 0 and result.passed == result.total
    if as_json:
        emit_json({**result.to_json(), "passed": result.passed, "all_passed": ok})
    else:
        _print_result(result)
    _exit(0 if ok else 1)


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
        f"isolation: {result.isolation.level} · {result.wall_seconds:.2f}s",
        highlight=False,
        markup=False,
    )
    if result.isolation.level.startswith("weak"):
        console.print("[bold yellow]warning:[/] ran WITHOUT isolation (--allow-weak-sandbox)")
    if result.status != "completed" and result.stderr_tail.strip():
        console.print("[dim]stderr (tail):[/]")
        console.print(result.stderr_tail[-2000:], highlight=False, markup=False)
