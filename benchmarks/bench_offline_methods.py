"""The offline methods' training cost relative to MORLHF, same fold (``tox -e bench``).

    python benchmarks/bench_offline_methods.py [--repeats 3] [--json F]

On coding24 (its pool scored once, through the sandbox), math-synth and hh-mini, times
``train`` of morlhf (the online baseline) and of mopo, paretohqd and ric (default
hyper-parameters, pool policy) on the first kfold6 fold of seed 0 with the pack's first
preference; median of ``--repeats`` after one warm-up. Reports seconds and the ratio to morlhf,
and the synthetic suite's MOPO run (3000 steps) relative to a 60-step MOPO training. MORLHF's
default is 20 steps of 8 prompts × 4 rollouts; MOPO's is 60 steps of 16 prompts × 8 reference
samples plus a one-dimensional dual per secondary objective, ParetoHqD's m + 2 stage-1 SFTs
(30 steps) and one stage-2 SFT (20 steps), RiC's 80 steps of 128 conditioned responses.
Targets (measured on the development host: 5–6, 4–18, 7–12): mopo ≤ 8, paretohqd ≤ 20,
ric ≤ 15 — and, the budget that matters, every one ≤ 1.5 s on coding24. Ratios only; nothing is
asserted on time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

METHODS = ("morlhf", "mopo", "paretohqd", "ric")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", dest="json_path", default=None)
    args, _ = parser.parse_known_args(argv)

    from mobench.cache import ResultCache
    from mobench.methods import TrainContext, get_method
    from mobench.objectives.base import ScoringEnv
    from mobench.pack_index import open_pack
    from mobench.pool import score_pool
    from mobench.protocols import make_folds
    from mobench.sandbox import make_sandbox

    def timed(method: Any, ctx: TrainContext) -> float:
        method.train(ctx)  # warm-up (embeddings, imports)
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            method.train(ctx)
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    env = ScoringEnv(sandbox_factory=lambda: make_sandbox("auto"), cache=ResultCache())
    rows: list[dict[str, Any]] = []
    print("| pack | method | train s | ratio to morlhf |")
    print("|---|---|---:|---:|")
    for name in ("coding24", "math-synth", "hh-mini"):
        pack = open_pack(name)
        pool = score_pool(pack, env)
        fold = make_folds(pack, "kfold", 0, 6)[0]
        known = {i.id for i in fold.train + fold.val}
        ctx = TrainContext(pack, fold.train, fold.val, pool.restrict(known), 0, pack.preferences[0])
        base = None
        for method_name in METHODS:
            cls = get_method(method_name)
            seconds = timed(cls(cls.Params()), ctx)
            base = seconds if base is None else base
            rows.append({"pack": name, "method": method_name, "seconds": seconds})
            print(f"| {name} | {method_name} | {seconds:.3f} | {seconds / base:.2f} |", flush=True)

    from mobench.synthetic_suite import SuiteMethod, run_structure

    suite_pack = open_pack("synth-antichain")
    default = run_structure(suite_pack, SuiteMethod("mopo", "mopo", {"steps": "60"})).seconds
    full = run_structure(suite_pack, SuiteMethod("mopo", "mopo")).seconds
    print(f"\nsynthetic suite, antichain: MOPO 3000 steps {full:.2f} s = {full / default:.1f} × 60")
    rows.append({"pack": "synth-antichain", "method": "mopo", "seconds": full})
    if args.json_path:
        with open(args.json_path, "w") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
