"""GPU check: a few steps of every online method with the hf policy on a SmolLM2-sized model.

``python -m mobench.rl.gpu_check`` builds a randomly initialised Llama with SmolLM2-135M's
architecture (30 layers, hidden 576, 9 heads, 3 kv heads, intermediate 1536, vocab 49152) from
its config — no download — with a local byte-level tokenizer, saves it to a temporary folder,
and trains each online method (morlhf, drw-hv, drw-grad, pama, mgda-ub, rewarded-soups, loaded
from the method registry; one that does not load is skipped with a note) for ``--steps`` steps
on math-synth train prompts, fresh generations scored by the math-synth scorers. It prints the
environment and a markdown table: method | GPU seconds (device-synchronised) | steps | peak GPU
memory. ``--model tiny`` runs a 2-layer, 32-wide model instead (the CPU test uses it).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

ONLINE_METHODS = ("morlhf", "drw-hv", "drw-grad", "pama", "mgda-ub", "rewarded-soups")


@dataclasses.dataclass(frozen=True)
class CheckRow:
    """One method's result: seconds of synchronised wall time, steps, peak memory (MiB)."""

    method: str
    seconds: float | None
    steps: int
    peak_mib: float | None
    note: str = ""


def environment() -> dict[str, Any]:
    """Python, torch, transformers, mobench versions and the device."""
    import transformers

    import mobench

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "mobench": mobench.__version__,
        "cuda": torch.cuda.is_available(),
    }
    if torch.cuda.is_available():
        info["device"] = torch.cuda.get_device_name(0)
        info["cuda_version"] = torch.version.cuda
    else:
        info["device"] = "cpu"
    return info


def _sync() -> None:
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def build_model_folder(kind: str, root: Path, seed: int = 0) -> Path:
    """Save a random Llama (SmolLM2-135M's shape, or the tiny test shape) and its tokenizer."""
    from mobench.policy.tiny import SMOLLM2_135M, TINY_LLAMA, byte_tokenizer, random_llama

    config = SMOLLM2_135M if kind == "smollm2" else TINY_LLAMA
    folder = root / f"random-{kind}"
    random_llama(config, seed=seed).save_pretrained(folder)
    byte_tokenizer(int(config["vocab_size"])).save_pretrained(folder)
    return folder


def _params(cls: Any, overrides: dict[str, Any]) -> Any:
    fields = {f.name for f in dataclasses.fields(cls.Params)}
    return cls.Params(**{k: v for k, v in overrides.items() if k in fields})


def run_check(
    methods: Sequence[str] = ONLINE_METHODS,
    *,
    model: str = "smollm2",
    steps: int = 5,
    prompts: int = 4,
    samples: int = 4,
    max_new_tokens: int = 32,
    val_items: int = 4,
    device: str = "auto",
    lr: float = 1e-5,
    log: Any = print,
) -> list[CheckRow]:
    """Train each method for ``steps`` steps on the hf policy; one row per method."""
    from mobench.methods import ScoredPool, TrainContext, get_method
    from mobench.objectives.base import ScoringEnv
    from mobench.pack_index import open_pack
    from mobench.policy import PolicySpec
    from mobench.policy.hf import load_model
    from mobench.runner import _text_scorer

    pack = open_pack("math-synth")
    train = pack.split("train")[: max(prompts, 1) * 2]
    val = pack.split("val")[:val_items]
    score_texts = _text_scorer(pack, ScoringEnv())
    rows: list[CheckRow] = []
    with tempfile.TemporaryDirectory(prefix="mobench-gpu-check-") as tmp:
        start = time.perf_counter()
        folder = build_model_folder(model, Path(tmp))
        log(f"built the random {model} model in {time.perf_counter() - start:.1f} s")
        # warm-up outside the timings: the model's first load from disk (cached for every
        # method), the CUDA context, and the math scorers' worker processes
        load_model(PolicySpec(kind="hf", model=str(folder)))
        if torch.cuda.is_available():
            torch.zeros(1, device="cuda")
        score_texts(list(val[:1]), ["\\boxed{0}"])
        overrides = {
            "policy": "hf",
            "model": str(folder),
            "steps": steps,
            "prompts_per_step": prompts,
            "samples_per_prompt": samples,
            "max_new_tokens": max_new_tokens,
            "eval_every": steps,
            "lr": lr,
            "device": device,
        }
        for name in methods:
            try:
                cls = get_method(name)
                method = cls(_params(cls, overrides))
            except Exception as exc:  # not written yet, or broken: skip with a note
                log(f"skipped {name}: {type(exc).__name__}: {exc}")
                rows.append(CheckRow(name, None, 0, None, f"skipped: {type(exc).__name__}"))
                continue
            ctx = TrainContext(
                pack,
                train,
                val,
                ScoredPool({}, {}),
                0,
                pack.preferences[0],
                "cuda" if torch.cuda.is_available() else "cpu",
                score_texts=score_texts,
            )
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
                torch.cuda.reset_peak_memory_stats()
            _sync()
            start = time.perf_counter()
            try:
                report = method.train(ctx)
            except Exception as exc:
                _sync()
                log(f"failed {name}: {type(exc).__name__}: {exc}")
                rows.append(CheckRow(name, None, 0, None, f"failed: {type(exc).__name__}: {exc}"))
                continue
            _sync()
            seconds = time.perf_counter() - start
            peak = torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_available() else None
            done = int(report.metrics.get("steps", steps))
            rows.append(CheckRow(name, seconds, done, peak))
            log(f"{name}: {seconds:.1f} s, {done} steps")
            del method, report
    return rows


def markdown_table(rows: Sequence[CheckRow], device: str) -> str:
    """method | GPU seconds (device-synchronised) | steps | peak GPU memory."""
    lines = [
        f"| method | {'GPU' if device != 'cpu' else 'CPU'} seconds (device-synchronised) "
        "| steps | peak GPU memory |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        secs = f"{r.seconds:.2f}" if r.seconds is not None else r.note
        peak = f"{r.peak_mib:.0f} MiB" if r.peak_mib is not None else "—"
        lines.append(f"| {r.method} | {secs} | {r.steps} | {peak} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mobench.rl.gpu_check", description=__doc__)
    parser.add_argument("--model", choices=("smollm2", "tiny"), default="smollm2")
    parser.add_argument("--methods", default=",".join(ONLINE_METHODS))
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--prompts", type=int, default=4)
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--val-items", type=int, default=4)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args(argv)
    env = environment()
    print("## environment")
    for key, value in env.items():
        print(f"- {key}: {value}")
    sys.stdout.flush()
    rows = run_check(
        [m for m in args.methods.split(",") if m],
        model=args.model,
        steps=args.steps,
        prompts=args.prompts,
        samples=args.samples,
        max_new_tokens=args.max_new_tokens,
        val_items=args.val_items,
        device=args.device,
        log=lambda msg: print(msg, flush=True),
    )
    print()
    print(
        f"## {args.model} ({'random init'}), {args.steps} steps, {args.prompts} prompts × "
        f"{args.samples} samples, max_new_tokens {args.max_new_tokens}, on {env['device']}"
    )
    print(markdown_table(rows, env["device"]))
    if args.json is not None:
        payload = {"environment": env, "rows": [dataclasses.asdict(r) for r in rows]}
        args.json.write_text(json.dumps(payload, indent=2))
    return 0 if all(r.seconds is not None for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
