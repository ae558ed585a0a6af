"""Sandbox throughput: trivial jobs per second through LocalSandbox (bubblewrap).

    python benchmarks/bench_sandbox.py [--jobs 64] [--tests 1] [--workers N] [--repeat 3]
                                       [--weak] [--json F]

Each job is a one-line candidate with ``--tests`` trivial tests, so the numbers measure the
sandbox's own cost: starting bwrap and the runner, one fork per test, result collection.
``--weak`` also times WeakSandbox (a plain subprocess) in the same run, giving the cost of
isolation as a ratio that compares across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

from mobench.sandbox import Job, Limits, LocalSandbox, Sandbox, WeakSandbox

CODE = "def add(a, b):\n    return a + b\n"


def make_jobs(n: int, tests: int) -> list[Job]:
    source = "from solution import add\n" + "".join(
        f"\n\ndef test_{k}():\n    assert add({k}, 1) == {k + 1}\n" for k in range(tests)
    )
    return [Job(f"bench-{i}", CODE, source, Limits()) for i in range(n)]


def measure(sandbox: Sandbox, jobs: list[Job], repeat: int) -> dict[str, Any]:
    sandbox.run(jobs[:2])  # warm-up: page cache, bwrap version probe
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        results = sandbox.run(jobs)
        times.append(time.perf_counter() - start)
        bad = [r.job_id for r in results if r.passed != r.total or r.status != "completed"]
        if bad:
            raise SystemExit(f"{sandbox.name}: {len(bad)} jobs did not pass, e.g. {bad[0]}")
    best, median = min(times), statistics.median(times)
    return {
        "backend": sandbox.name,
        "seconds_median": round(median, 4),
        "jobs_per_second_median": round(len(jobs) / median, 2),
        "jobs_per_second_best": round(len(jobs) / best, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=64)
    parser.add_argument("--tests", type=int, default=1, help="trivial tests per job")
    parser.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--weak", action="store_true", help="also time WeakSandbox")
    parser.add_argument("--json", dest="json_path", default=None, help="write results here")
    args = parser.parse_args(argv)

    jobs = make_jobs(args.jobs, args.tests)
    report: dict[str, Any] = {
        "jobs": args.jobs,
        "tests_per_job": args.tests,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "runs": [measure(LocalSandbox(workers=args.workers), jobs, args.repeat)],
    }
    report["workers"] = LocalSandbox(workers=args.workers).workers
    if args.weak:
        report["runs"].append(measure(WeakSandbox(workers=args.workers), jobs, args.repeat))
        local, weak = report["runs"]
        report["isolation_cost_ratio"] = round(local["seconds_median"] / weak["seconds_median"], 3)
    for run in report["runs"]:
        print(
            f"{run['backend']:>6}: {run['jobs_per_second_median']:8.1f} jobs/s (median of "
            f"{args.repeat}, best {run['jobs_per_second_best']:.1f}) · {args.jobs} jobs × "
            f"{args.tests} tests · {report['workers']} workers"
        )
    if "isolation_cost_ratio" in report:
        print(f"local / weak time ratio: {report['isolation_cost_ratio']}")
    if args.json_path:
        with open(args.json_path, "w") as fh:
            json.dump(report, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
