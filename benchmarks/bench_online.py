"""One online training with the pool policy vs one LRF training, same folds (``tox -e bench``).

    python benchmarks/bench_online.py [--repeats 3] [--json F]

For coding24 (the CI main job's pack) and math-synth, times ``train`` of a plain linear-
scalarisation ``OnlineMethod`` (default ``OnlineParams``: 40 RLOO steps of 8 prompts × 4
samples, validation every 5 steps) and of ``lrf-baseline`` (default hyper-parameters) on the
first kfold6 fold and the split fold of seed 0; median of ``--repeats`` after one warm-up each
(the pool policy's embedding table is built once per pack and process). Reports seconds and the
ratio online / LRF (target: ≤ 0.2, well inside the cost of the selector CI already runs; on the
2-core development machine it measured 0.01–0.03, about 0.2 s per online training against the
1.5 s budget for coding24). Ratios only; nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any


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
    from mobench.rl import OnlineMethod
    from mobench.sandbox import make_sandbox

    class Linear(OnlineMethod):
        name = "bench-linear"
        summary = "w·r with the base loop's defaults"

    def timed(method: Any, ctx: TrainContext) -> float:
        method.train(ctx)  # warm-up
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            method.train(ctx)
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    lrf = get_method("lrf-baseline")
    rows = []
    print("| pack | fold | online s | lrf-baseline s | ratio |")
    print("|---|---|---:|---:|---:|")
    for name in ("coding24", "math-synth"):
        pack = open_pack(name)
        pool = score_pool(pack, ScoringEnv(sandbox_factory=lambda: make_sandbox("auto")))
        for protocol in ("kfold", "split"):
            fold = make_folds(pack, protocol, 0, 6)[0]
            known = {i.id for i in fold.train + fold.val}
            ctx = TrainContext(
                pack, fold.train, fold.val, pool.restrict(known), 0, pack.preferences[0]
            )
            online = timed(Linear(), ctx)
            base = timed(lrf(lrf.Params()), ctx)
            rows.append({"pack": name, "fold": protocol, "online_s": online, "lrf_s": base})
            print(f"| {name} | {protocol} | {online:.3f} | {base:.3f} | {online / base:.2f} |")
    if args.json_path:
        with open(args.json_path, "w") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
