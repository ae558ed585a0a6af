"""Executors: the same grid in process, in a local process pool and on Ray (``tox -e bench``).

    python benchmarks/bench_executors.py [--workers N] [--seeds 6] [--json F]

The grid is lrf-baseline (default hyper-parameters, the training-bound case) and random on the
built-in conformance pack (no sandbox, so the grid's own work is what is timed) over ``--seeds``
seeds × kfold and split. Reports wall seconds per executor, the speed-up over in-process
(target: ≥ 0.5 × min(N, cores) for the pool and Ray, i.e. half of ideal scaling, after start-up
costs) and whether every executor wrote the same metrics and responses (it must). Ratios only;
nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _essence(records: tuple) -> list:
    keep = ("run_key", "metrics", "responses")
    return [{k: v for k, v in r.to_json().items() if k in keep} for r in records]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--json", dest="json_path", default=None)
    args, _ = parser.parse_known_args(argv)

    from mobench.conformance import write_conformance_pack
    from mobench.runner import GridRunner, RunConfig

    tmp = Path(tempfile.mkdtemp(prefix="mobench-bench-exec-"))
    os.environ.setdefault("MOBENCH_CACHE_DIR", str(tmp / "cache"))
    write_conformance_pack(tmp / "packs")
    kinds = [("in-process", "local", 1), (f"pool x{args.workers}", "local", args.workers)]
    if not args.no_ray:
        try:
            import ray

            ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
            kinds.append((f"ray x{args.workers}", "ray", args.workers))
        except ImportError:
            print("ray: skipped (not installed)")
    rows: dict[str, dict] = {}
    reference = None
    for label, executor, workers in kinds:
        config = RunConfig(
            packs=("mobench-conformance",),
            methods=("lrf-baseline", "random"),
            seeds=tuple(range(args.seeds)),
            protocols=("kfold", "split"),
            folds=4,
            out_dir=tmp / label.replace(" ", "_"),
            pack_dirs=(tmp / "packs",),
            executor=executor,
            workers=workers,
        )
        started = time.perf_counter()
        summary = GridRunner(config).run()
        seconds = time.perf_counter() - started
        essence = _essence(summary.records)
        reference = essence if reference is None else reference
        rows[label] = {
            "seconds": round(seconds, 2),
            "runs": len(summary.records),
            "same_records": essence == reference,
        }
    base = rows["in-process"]["seconds"]
    ideal = min(args.workers, os.cpu_count() or 1)
    for label, row in rows.items():
        row["speedup"] = round(base / row["seconds"], 2)
        target = "" if label == "in-process" else f" (target >= {0.5 * ideal:.1f})"
        same = "same records" if row["same_records"] else "RECORDS DIFFER"
        print(
            f"{label:>12}: {row['seconds']:7.2f} s, {row['runs']} runs, "
            f"speed-up {row['speedup']:.2f}{target}, {same}"
        )
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"rows": rows, "cores": os.cpu_count()}))
    return 0 if all(r["same_records"] for r in rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
