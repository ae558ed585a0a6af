"""The six online methods' training cost relative to MORLHF, same folds (``tox -e bench``).

    python benchmarks/bench_online_methods.py [--repeats 3] [--json F]

For math-synth and hh-mini (no sandbox needed), times ``train`` of morlhf, drw-hv, drw-grad,
pama, mgda-ub and rewarded-soups (default hyper-parameters, pool policy) on the first kfold6
fold of seed 0 with the pack's first preference; median of ``--repeats`` after one warm-up.
rewarded-soups runs with ``memoise=False`` so every repeat pays its m experts. Reports seconds
and the ratio to morlhf. Targets: drw-hv ≤ 1.5 (morlhf's work plus ΔHV; noise at these
sizes), pama ≤ 2.5 (two PPO updates per batch), drw-grad and mgda-ub ≤ 3 (m extra gradient
passes over the shared layer), rewarded-soups ≤ m + 0.5 (m experts). Ratios only; nothing
is asserted on time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

METHODS = ("morlhf", "drw-hv", "drw-grad", "pama", "mgda-ub", "rewarded-soups")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", dest="json_path", default=None)
    args, _ = parser.parse_known_args(argv)

    from mobench.methods import TrainContext, get_method
    from mobench.objectives.base import ScoringEnv
    from mobench.pack_index import open_pack
    from mobench.pool import score_pool
    from mobench.protocols import make_folds

    def timed(method: Any, ctx: TrainContext) -> float:
        method.train(ctx)  # warm-up
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            method.train(ctx)
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    rows = []
    print("| pack | method | train s | ratio to morlhf |")
    print("|---|---|---:|---:|")
    for name in ("math-synth", "hh-mini"):
        pack = open_pack(name)
        pool = score_pool(pack, ScoringEnv())
        fold = make_folds(pack, "kfold", 0, 6)[0]
        known = {i.id for i in fold.train + fold.val}
        ctx = TrainContext(pack, fold.train, fold.val, pool.restrict(known), 0, pack.preferences[0])
        base = None
        for method_name in METHODS:
            cls = get_method(method_name)
            extra = {"memoise": False} if method_name == "rewarded-soups" else {}
            seconds = timed(cls(cls.Params(**extra)), ctx)
            base = seconds if base is None else base
            rows.append({"pack": name, "method": method_name, "seconds": seconds})
            print(f"| {name} | {method_name} | {seconds:.3f} | {seconds / base:.2f} |", flush=True)
    if args.json_path:
        with open(args.json_path, "w") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
