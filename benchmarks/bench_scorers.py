"""Scorer and metric hot paths: batched ruff vs one ruff per file, and 3-D hypervolume.

    python benchmarks/bench_scorers.py [--snippets 200] [--points 100000] [--repeat 3] [--json F]

Reports times and the per-file / batched ratio measured in the same run (so the ratio, not
the absolute seconds, is what compares across machines).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mobench.metrics import hv_contributions, hypervolume
from mobench.objectives.code import QualityAt1, extract_code, ruff_violations

_TEMPLATES = (
    'def f{i}(x: int) -> int:\n    """Return x plus {i}."""\n    return x + {i}\n',
    "import os\n\n\ndef g{i}(x):\n    if x == None:\n        return {i}\n    return x\n",
    "class C{i}:\n    def m(self, a, b):\n        for k in range(a):\n"
    "            if k % 2 and b:\n                b += k\n        return b\n",
    "def h{i}(items):\n    out = []\n    for it in items:\n        out.append(it * {i})\n"
    "    return list([o for o in out])\n",
    "def Bad{i}(a: int, b: int=1) -> int:\n    l = lambda z: z\n    return l(a) + b\n",
)


def make_snippets(n: int) -> list[str]:
    """``n`` deterministic snippets (clean, with violations, with complexity), as completions."""
    return [
        f"Here is my answer.\n```python\n{_TEMPLATES[i % len(_TEMPLATES)].format(i=i)}```\n"
        for i in range(n)
    ]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_ruff(n_snippets: int, repeat: int) -> dict[str, Any]:
    completions = make_snippets(n_snippets)
    codes = [extract_code(c) for c in completions]
    batched_s, batched = timed(lambda: ruff_violations(codes), repeat)
    per_file_s, per_file = timed(lambda: [ruff_violations([c])[0] for c in codes], repeat)
    if batched != per_file:
        raise AssertionError("batched and per-file ruff runs disagree")
    from mobench.objectives.base import ScoreRequest
    from mobench.packs import Item

    scorer = QualityAt1({})
    batch = [ScoreRequest(Item(id=str(i), prompt=""), c) for i, c in enumerate(completions)]
    score_s, scores = timed(lambda: scorer.score(batch), repeat)
    return {
        "snippets": n_snippets,
        "violations": sum(len(v) for v in batched),
        "ruff_batched_s": batched_s,
        "ruff_per_file_s": per_file_s,
        "ruff_ratio_per_file_over_batched": per_file_s / batched_s,
        "quality_score_batch_s": score_s,
        "quality_mean": float(np.mean(scores)),
    }


def bench_hv(n_points: int, repeat: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    # Points on a curved front plus dominated points below it, all in [0, 1]^3.
    front = rng.dirichlet([1.0, 1.0, 1.0], size=n_points // 2) ** 0.5
    inside = front * rng.uniform(0.0, 1.0, size=(len(front), 1))
    points = np.vstack([front, inside])[:n_points]
    hv_s, hv = timed(lambda: hypervolume(points), repeat)
    hvc_s, _ = timed(lambda: hv_contributions(front), repeat)
    return {
        "points": len(points),
        "hypervolume": hv,
        "hv_s": hv_s,
        "hv_contributions_points": len(front),
        "hv_contributions_s": hvc_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snippets", type=int, default=200)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    ruff = bench_ruff(args.snippets, args.repeat)
    hv = bench_hv(args.points, args.repeat)
    print(f"quality@1 over {ruff['snippets']} snippets ({ruff['violations']} violations)")
    print(f"  ruff, one batched call   {ruff['ruff_batched_s']:8.3f} s")
    print(f"  ruff, one call per file  {ruff['ruff_per_file_s']:8.3f} s")
    print(f"  ratio per-file/batched   {ruff['ruff_ratio_per_file_over_batched']:8.1f} x")
    print(f"  full quality score       {ruff['quality_score_batch_s']:8.3f} s (batched)")
    print(
        f"hypervolume of {hv['points']} 3-D points   {hv['hv_s']:8.3f} s "
        f"(HV {hv['hypervolume']:.6f})"
    )
    print(
        f"contributions of {hv['hv_contributions_points']} front points "
        f"{hv['hv_contributions_s']:8.3f} s"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"ruff": ruff, "hypervolume": hv}, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
