"""``mobench rm``: train and evaluate Bradley–Terry reward models on a pack's preference pairs."""

from __future__ import annotations

from pathlib import Path

import typer

from mobench.cli.output import JSON_OPTION, console, emit_json, emit_table, new_app

app = new_app(
    help="Train and evaluate reward models (Bradley-Terry heads over frozen MiniLM features)."
)

PACK_ARGUMENT = typer.Argument(..., help="Pack name, name@version, or a pack folder.")
OBJECTIVE_OPTION = typer.Option(..., "--objective", help="Objective whose pairs to use.")
PACK_DIR_OPTION = typer.Option([], "--pack-dir", help="Extra folder of packs, searched first.")
SOURCE_OPTION = typer.Option(
    None, "--source", help="Local copy of an external pack's data (e.g. an hh-rlhf folder)."
)
NO_VERIFY_SOURCE_OPTION = typer.Option(
    False, "--no-verify-source", help="Use external data even if its sha256 differs."
)
MAX_PAIRS_OPTION = typer.Option(
    None, "--max-pairs", help="Use at most N pairs (a seeded subsample), to bound the time."
)
NO_CACHE_OPTION = typer.Option(
    False, "--no-cache", help="Do not reuse or store embeddings in the mobench cache."
)


def _cache_dir(no_cache: bool) -> Path | None:
    from mobench.cache import default_cache_dir

    return None if no_cache else default_cache_dir() / "embeddings"


@app.command("train")
def train(
    pack: str = PACK_ARGUMENT,
    objective: str = OBJECTIVE_OPTION,
    out: Path = typer.Option(
        Path("reward-models"), "--out", help="Folder for the weights (.npz) and metadata (.json)."
    ),
    source: Path = SOURCE_OPTION,
    no_verify_source: bool = NO_VERIFY_SOURCE_OPTION,
    pack_dir: list[Path] = PACK_DIR_OPTION,
    l2: list[float] = typer.Option(
        [], "--l2", help="L2 strengths to choose from on validation; repeatable (default: grid)."
    ),
    ties: str = typer.Option("half", "--ties", help="Tied pairs: 'half' (target 1/2) or 'ignore'."),
    encoder: str = typer.Option(
        "minilm", "--encoder", help="Frozen sentence encoder (an embedder name: minilm, `hf:<id>`)."
    ),
    max_pairs: int = MAX_PAIRS_OPTION,
    no_cache: bool = NO_CACHE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Train a reward model on PACK's pairs for one objective; report held-out accuracy.

    Fits on the pack's train split (one fit per L2 strength), picks the strength with the
    lowest validation log-loss, refits on train + val and scores the untouched test split. Writes
    `OUT/rm-<pack>-<objective>.npz` and a .json with its sha256, the training pack and data hashes,
    the encoder and the accuracies, and prints the objective params that score with it.
    """
    from mobench.bt_reward import L2_GRID, save_trained, train_reward_model
    from mobench.pack_index import open_pack

    loaded = open_pack(pack, pack_dir, source=source, verify_source=not no_verify_source)
    result = train_reward_model(
        loaded,
        objective,
        encoder=encoder,
        l2_grid=tuple(l2) or L2_GRID,
        ties=ties,
        max_pairs=max_pairs,
        cache_dir=_cache_dir(no_cache),
        progress=None if as_json else lambda msg: console.print(f"[dim]{msg}[/]"),
    )
    weights = out / f"rm-{loaded.name}-{objective}.npz"
    metadata = save_trained(result, weights)
    params = {
        "backend": "bt",
        "model": str(weights.resolve()),
        "sha256": metadata["weights_sha256"],
    }
    if as_json:
        emit_json({"weights": str(weights), "objective_params": params, **metadata})
        return
    accuracy = metadata["accuracy"]
    counts = metadata["training"]["pairs"]
    console.print(f"wrote {weights} (sha256 {metadata['weights_sha256']})")
    emit_table(
        f"{loaded.ref} · {objective} · pairwise accuracy",
        [
            {
                "split": "train+val (fitted)",
                "pairs": counts["train"]["pairs"] + counts["val"]["pairs"],
                "accuracy": accuracy["fit"],
            },
            {
                "split": "val (λ selection)",
                "pairs": counts["val"]["pairs"],
                "accuracy": accuracy["val_at_selection"],
            },
            {
                "split": "test (held out)",
                "pairs": counts["test"]["pairs"],
                "accuracy": accuracy["test"] if accuracy["test"] is not None else "-",
            },
        ],
        ["split", "pairs", "accuracy"],
    )
    console.print(
        f"l2={metadata['training']['l2']:g}; suggested bounds {metadata['suggested_bounds']}\n"
        f"objective params: {params}"
    )


@app.command("eval")
def eval_cmd(
    pack: str = PACK_ARGUMENT,
    objective: str = OBJECTIVE_OPTION,
    model: Path = typer.Option(..., "--model", help="A .npz written by `mobench rm train`."),
    sha256: str = typer.Option(None, "--sha256", help="Refuse the model unless it has this hash."),
    split: list[str] = typer.Option(
        ["test"], "--split", help="Pack split(s) whose pairs to score; repeatable."
    ),
    source: Path = SOURCE_OPTION,
    no_verify_source: bool = NO_VERIFY_SOURCE_OPTION,
    pack_dir: list[Path] = PACK_DIR_OPTION,
    max_pairs: int = MAX_PAIRS_OPTION,
    no_cache: bool = NO_CACHE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Pairwise accuracy of a reward model on PACK's pairs for one objective (ties skipped)."""
    from mobench.bt_reward import evaluate_reward_model, file_sha256, load_model
    from mobench.pack_index import open_pack

    rm = load_model(model, sha256)
    loaded = open_pack(pack, pack_dir, source=source, verify_source=not no_verify_source)
    report = evaluate_reward_model(
        rm,
        loaded,
        objective,
        splits=tuple(split),
        max_pairs=max_pairs,
        cache_dir=_cache_dir(no_cache),
    )
    report = {"model": str(model), "model_sha256": file_sha256(model), **report}
    if as_json:
        emit_json(report)
        return
    console.print(
        f"{loaded.ref} · {objective} · splits {', '.join(split)}: pairwise accuracy "
        f"[bold]{report['accuracy']:.3f}[/] on {report['pairs'] - report['ties']} pairs "
        f"({report['ties']} ties skipped); model {model} sha256 {report['model_sha256'][:16]}…"
    )
