"""Sandbox throughput: a thin wrapper around ``mobench sandbox bench`` (``tox -e bench``).

    python benchmarks/bench_sandbox.py [--jobs 200] [--repeat 3] [--no-docker] [--json F]

Measures, side by side in one run, jobs/s and ms/job for the unsandboxed multiprocessing
baseline, bubblewrap per job, the warm bubblewrap pool and (when available) docker per job and
the warm docker pool; see ``mobench.sandbox.bench``. The targets are ratios, never asserted.
"""

from __future__ import annotations

import argparse
import json
import sys

from mobench.sandbox.bench import run_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-docker", action="store_true")
    parser.add_argument("--json", dest="json_path", default=None, help="also write the report here")
    args, _ = parser.parse_known_args(argv)  # run_all.py passes its own arguments through
    report = run_bench(jobs=args.jobs, repeat=args.repeat, docker=not args.no_docker)
    for name, row in report["rows"].items():
        if "skipped" in row:
            print(f"{name:>16}: skipped ({row['skipped']})")
        else:
            print(
                f"{name:>16}: {row['ms_per_job']:8.2f} ms/job {row['jobs_per_second']:8.1f} jobs/s"
                f"  ({row['what']}, {row['jobs']} jobs, median of {row['runs']})"
            )
    for key, target in report["targets"].items():
        met = "met" if target["met"] else "NOT met"
        print(f"{key}: {target['ratio']} (target {target['target']}) {met}")
    if args.json_path:
        with open(args.json_path, "w") as fh:
            json.dump(report, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
