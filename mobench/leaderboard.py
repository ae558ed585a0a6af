"""Aggregating run records into leaderboard tables; markdown, CSV, JSON and PNG renderers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mobench.records import RunRecord

FORMATS = ("md", "csv", "json", "png")


def _row(record: RunRecord) -> dict[str, Any]:
    row: dict[str, Any] = {
        "pack": record.pack,
        "protocol": record.protocol,
        "method": record.method,
        "preference": "/".join(f"{w:g}" for w in record.preference),
        "seed": record.seed,
        "hv": record.metrics["hypervolume"],
        "collapse": record.metrics.get("collapse@1", float("nan")),
        "training_pairs": record.training.get("training_pairs", 0),
        "compute_s": record.compute_seconds,
        "device": ",".join(sorted({p.device for p in record.compute})) or "cpu",
        "val_loss": record.training.get("val_loss", float("nan")),
        "weights": record.training.get("learned_weights"),
    }
    for name in record.objectives:
        row[name] = record.metrics["means"][name]
    return row


def _mean_weights(column: pd.Series) -> str:
    """Mean learned objective weights over seeds, as ``w1/w2/w3`` ('' when a method has none)."""
    vectors = [v for v in column if isinstance(v, list) and v]
    if not vectors:
        return ""
    return "/".join(f"{w:.2f}" for w in pd.DataFrame(vectors).mean(axis=0))


def leaderboard_table(records: Sequence[RunRecord]) -> pd.DataFrame:
    """One row per (pack, protocol, preference, method): HV mean ± std over seeds and means."""
    if not records:
        return pd.DataFrame()
    frame = pd.DataFrame([_row(r) for r in records])
    objective_cols = [c for r in records for c in r.objectives]
    objective_cols = list(dict.fromkeys(objective_cols))
    keys = ["pack", "protocol", "preference", "method"]
    grouped = frame.groupby(keys, sort=False)
    table = grouped.agg(
        hv_mean=("hv", "mean"),
        hv_std=("hv", lambda s: float(s.std(ddof=0))),
        seeds=("seed", "nunique"),
        training_pairs=("training_pairs", "mean"),
        compute_s=("compute_s", "mean"),
        device=("device", "first"),
        val_loss=("val_loss", "mean"),
        collapse=("collapse", "mean"),
        weights=("weights", _mean_weights),
        **{name: (name, "mean") for name in objective_cols if name in frame},
    ).reset_index()
    table = table.sort_values(
        ["pack", "protocol", "preference", "hv_mean"], ascending=[True, True, True, False]
    )
    return table.reset_index(drop=True)


_NON_OBJECTIVE = {
    "pack",
    "protocol",
    "preference",
    "method",
    "hv_mean",
    "hv_std",
    "seeds",
    "training_pairs",
    "compute_s",
    "device",
    "val_loss",
    "weights",
    "collapse",
}


def board_blocks(table: pd.DataFrame) -> list[tuple[str, list[str], list[list[str]]]]:
    """The leaderboard as (title, header, rows of cells) blocks, one per pack/protocol/λ."""
    blocks = []
    for (pack, protocol, pref), block in table.groupby(
        ["pack", "protocol", "preference"], sort=False
    ):
        objective_cols = [
            c for c in block.columns if c not in _NON_OBJECTIVE and block[c].notna().any()
        ]
        title = f"{pack} — protocol `{protocol}`, preference λ = ({pref.replace('/', ', ')})"
        header = [
            "#",
            "method",
            "HV ± std",
            *objective_cols,
            "collapse",
            "pairs",
            "secs",
            "device",
            "seeds",
            "w (learned)",
            "val loss",
        ]
        rows = []
        for rank, data in enumerate(block.to_dict(orient="records"), start=1):
            rows.append(
                [
                    str(rank),
                    data["method"],
                    f"{data['hv_mean']:.4f} ± {data['hv_std']:.4f}",
                    *(f"{data[c]:.3f}" for c in objective_cols),
                    "–" if pd.isna(data["collapse"]) else f"{data['collapse']:.3f}",
                    f"{data['training_pairs']:.0f}",
                    f"{data['compute_s']:.2f}",
                    data["device"],
                    str(data["seeds"]),
                    data["weights"] or "–",
                    "–" if pd.isna(data["val_loss"]) else f"{data['val_loss']:.4f}",
                ]
            )
        blocks.append((title, header, rows))
    return blocks


FOOTNOTE = (
    "HV: hypervolume of the selected responses' objective vectors (normalised to [0, 1], "
    "reference point 0), pooled over each seed's test items; collapse: share of responses "
    "that collapse@1 flags (docs/metrics.md); secs: compute seconds per seed; "
    "w: the learned objective weights softmax(u); val loss: the best validation ranking loss. "
    "`kfoldK`: every item tested once across K folds; `split`: one 70/15/15 split per seed; "
    "`pack`: the pack's splits."
)


def to_markdown(table: pd.DataFrame) -> str:
    """One markdown table per (pack, protocol, preference) block, methods ranked by HV."""
    if table.empty:
        return "_No run records yet: run `mobench run` first._\n"
    out = ["# mobench leaderboard", ""]
    for title, header, rows in board_blocks(table):
        out += [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(row) + " |" for row in rows]
        out.append("")
    out.append(FOOTNOTE)
    return "\n".join(out) + "\n"


def plot_hv(table: pd.DataFrame, path: Path) -> None:
    """Bar chart of HV mean ± std per method, one panel per (pack, protocol, preference)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    blocks = list(table.groupby(["pack", "protocol", "preference"], sort=False))
    fig, axes = plt.subplots(
        1, max(len(blocks), 1), figsize=(5 * max(len(blocks), 1), 3.6), squeeze=False
    )
    for ax, ((pack, protocol, pref), block) in zip(axes[0], blocks, strict=False):
        ax.barh(block["method"], block["hv_mean"], xerr=block["hv_std"], color="#4477aa")
        ax.invert_yaxis()
        ax.set_xlabel("hypervolume (higher is better)")
        ax.set_title(f"{pack} · {protocol} · λ={pref}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_fronts(records: Sequence[RunRecord], path: Path) -> None:
    """Per pack and protocol, every pair of objectives: each run's mean objective vector
    (small dots, one per seed) and each method's mean (large marker); top-right is better."""
    import itertools

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups: dict[tuple[str, str], list[RunRecord]] = {}
    for record in records:
        groups.setdefault((record.pack, record.protocol), []).append(record)
    rows = sorted(groups)
    n_cols = max(len(list(itertools.combinations(groups[k][0].objectives, 2))) for k in rows)
    fig, axes = plt.subplots(
        len(rows), n_cols, figsize=(4.2 * n_cols, 3.8 * len(rows)), squeeze=False
    )
    methods = sorted({r.method for r in records})
    colours = {m: plt.get_cmap("tab10")(i % 10) for i, m in enumerate(methods)}
    for row, key in enumerate(rows):
        runs = groups[key]
        names = runs[0].objectives
        for col, (i, j) in enumerate(itertools.combinations(range(len(names)), 2)):
            ax = axes[row][col]
            for method in methods:
                means = [
                    [r.metrics["means"][names[i]], r.metrics["means"][names[j]]]
                    for r in runs
                    if r.method == method
                ]
                if not means:
                    continue
                xs, ys = zip(*means, strict=True)
                ax.scatter(xs, ys, s=12, alpha=0.45, color=colours[method])
                ax.scatter(
                    sum(xs) / len(xs),
                    sum(ys) / len(ys),
                    s=90,
                    marker="D",
                    color=colours[method],
                    edgecolor="black",
                    label=method,
                )
            ax.set_xlabel(names[i])
            ax.set_ylabel(names[j])
            ax.set_title(f"{key[0]} · {key[1]}", fontsize=9)
            ax.grid(alpha=0.3)
        for col in range(len(list(itertools.combinations(names, 2))), n_cols):
            axes[row][col].axis("off")
    axes[0][0].legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_leaderboard(
    records: Sequence[RunRecord], out_dir: Path, formats: Sequence[str] = ("md", "csv")
) -> list[Path]:
    """Write the leaderboard in each requested format; returns the files written."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown leaderboard formats {sorted(unknown)}; choose from {FORMATS}")
    out_dir.mkdir(parents=True, exist_ok=True)
    table = leaderboard_table(records)
    written = []
    if "md" in formats:
        path = out_dir / "leaderboard.md"
        path.write_text(to_markdown(table), encoding="utf-8")
        written.append(path)
    if "csv" in formats:
        path = out_dir / "leaderboard.csv"
        table.to_csv(path, index=False, float_format="%.6g")
        written.append(path)
    if "json" in formats:
        path = out_dir / "leaderboard.json"
        path.write_text(
            json.dumps(json.loads(table.to_json(orient="records")), indent=1), encoding="utf-8"
        )
        written.append(path)
    if "png" in formats and not table.empty:
        path = out_dir / "leaderboard.png"
        plot_hv(table, path)
        fronts = out_dir / "objectives.png"
        plot_fronts(records, fronts)
        written += [path, fronts]
    return written
