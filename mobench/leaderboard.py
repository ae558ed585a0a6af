"""Aggregating run records into leaderboard tables; markdown, CSV, JSON, PNG and HTML renderers.

Two tables: the **front** table (:func:`mobench.fronts.front_table`, the main ranking: front HV
over each method's preference runs, mean ± std over seeds) and the per-preference table
(:func:`leaderboard_table`: each record's own response HV, mean ± std over seeds).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mobench.fronts import front_table, summary_table
from mobench.records import RunRecord

FORMATS = ("md", "csv", "json", "png", "html")


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
        # selectors learn objective weights; online methods report their final weights
        "weights": record.training.get("learned_weights") or record.training.get("final_weights"),
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
        hv_std=("hv", lambda s: round(float(s.std(ddof=0)), 12)),  # no float noise
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
    "against the pack's reference point), pooled over each seed's test items; collapse: share "
    "of responses that collapse@1 flags (docs/metrics.md); secs: compute seconds per seed; "
    "w: the learned objective weights softmax(u) (online methods: the final weights); "
    "val loss: the best validation ranking loss. "
    "`kfoldK`: every item tested once across K folds; `split`: one 70/15/15 split per seed; "
    "`pack`: the pack's splits."
)


def _num(value: Any, fmt: str) -> str:
    return "–" if value is None or pd.isna(value) else format(value, fmt)


def front_columns(block: pd.DataFrame) -> list[str]:
    """The per-objective mean columns a block of the front table has values for."""
    from mobench.fronts import KEY_COLUMNS, STAT_COLUMNS, TAIL_COLUMNS

    fixed = {*KEY_COLUMNS, *STAT_COLUMNS, *TAIL_COLUMNS}
    return [c for c in block.columns if c not in fixed and block[c].notna().any()]


FRONT_HEADER_HEAD = ["#", "method", "kind", "front HV ± std", "response HV ± std"]
FRONT_HEADER_TAIL = ["collapse", "secs", "GPU-h", "device", "seeds", "prefs", "steps", "config"]


def front_cells(data: dict[str, Any], objective_cols: list[str]) -> list[str]:
    """One front-table row as display strings (the header is FRONT_HEADER_*)."""
    gpu = data["gpu_hours"]
    return [
        str(data["rank"]),
        data["method"],
        data["kind"],
        f"{data['front_hv_mean']:.4f} ± {data['front_hv_std']:.4f}",
        f"{data['response_hv_mean']:.4f} ± {data['response_hv_std']:.4f}",
        *(_num(data[c], ".3f") for c in objective_cols),
        _num(data["collapse"], ".3f"),
        f"{data['compute_s']:.2f}",
        f"{gpu:.4f}" if gpu > 0 else "–",
        data["device"],
        str(data["seeds"]),
        str(data["preferences"]) + ("" if data["complete"] else " (partial)"),
        _num(data["steps_to_final_front"], ".0f"),
        data["config"],
    ]


def front_blocks(fronts: pd.DataFrame) -> list[tuple[str, list[str], list[list[str]]]]:
    """The front table as (title, header, rows) blocks, one per (pack, protocol)."""
    blocks = []
    for (pack, protocol), block in fronts.groupby(["pack", "protocol"], sort=False):
        objective_cols = front_columns(block)
        header = [*FRONT_HEADER_HEAD, *objective_cols, *FRONT_HEADER_TAIL]
        rows = [front_cells(d, objective_cols) for d in block.to_dict(orient="records")]
        blocks.append((f"{pack} — protocol `{protocol}`: fronts", header, rows))
    return blocks


FRONT_FOOTNOTE = (
    "front HV: hypervolume of a method's front — the test-set mean objective vectors of its "
    "runs, one per pack preference — for each seed, then mean ± std over seeds (the ranking); "
    "response HV: each run's hypervolume of its individual responses, mean ± std over runs; "
    "objective columns: mean over runs; collapse: share of responses collapse@1 flags; secs: "
    "compute seconds of every phase of the front's runs, per seed; GPU-h: the part that ran on "
    "a GPU, in hours; prefs: preferences in the front (partial: some seed lacks a "
    "preference run); steps: training steps to reach the "
    "final front (online methods); config: hash of the method version and hyper-parameters."
)


def summary_blocks(fronts: pd.DataFrame) -> list[tuple[str, list[str], list[list[str]]]]:
    """The across-packs summary as (title, header, rows) blocks, one per protocol; empty when
    the fronts cover a single pack (its front table says it all)."""
    if fronts.empty or fronts["pack"].nunique() < 2:
        return []
    summary = summary_table(fronts)
    blocks = []
    for protocol, block in summary.groupby("protocol", sort=False):
        packs = [c[: -len(" HV")] for c in block.columns if c.endswith(" HV")]
        packs = [p for p in packs if block[f"{p} HV"].notna().any()]
        header = ["method", "kind", "mean rank"]
        for pack in packs:
            header += [f"{pack} HV", "collapse", "secs"]
        rows = []
        for data in block.to_dict(orient="records"):
            cells = [data["method"], data["kind"], f"{data['mean_rank']:.1f}"]
            for pack in packs:
                cells += [
                    _num(data[f"{pack} HV"], ".4f"),
                    _num(data[f"{pack} collapse"], ".3f"),
                    _num(data[f"{pack} secs"], ".1f"),
                ]
            rows.append(cells)
        blocks.append((f"All packs — protocol `{protocol}`", header, rows))
    return blocks


def to_markdown(table: pd.DataFrame, fronts: pd.DataFrame | None = None) -> str:
    """Markdown: the front tables per (pack, protocol) when given, then one per-preference
    table per (pack, protocol, preference) block, methods ranked by HV."""
    if table.empty:
        return "_No run records yet: run `mobench run` first._\n"
    out = ["# mobench leaderboard", ""]
    if fronts is not None and not fronts.empty:
        for title, header, rows in summary_blocks(fronts) + front_blocks(fronts):
            out += [f"## {title}", "", "| " + " | ".join(header) + " |"]
            out += ["|" + "---|" * len(header)]
            out += ["| " + " | ".join(row) + " |" for row in rows]
            out.append("")
        out += [FRONT_FOOTNOTE, "", "# Per preference", ""]
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


def table_json(table: pd.DataFrame) -> str:
    """A table as a JSON list of row objects (NaN as null)."""
    return json.dumps(json.loads(table.to_json(orient="records", double_precision=10)), indent=1)


def write_leaderboard(
    records: Sequence[RunRecord],
    out_dir: Path,
    formats: Sequence[str] = ("md", "csv"),
    record_paths: Mapping[str, Path] | None = None,
) -> list[Path]:
    """Write the leaderboard in each requested format; returns the files written.

    ``leaderboard.{csv,json}`` hold the front table (the main ranking) and
    ``preferences.{csv,json}`` the per-preference table; ``html`` writes the static site
    (``index.html``, a page per method, per-pack CSV/JSON and front plots). ``record_paths``
    (run key → file) lets the method pages link to the records behind each number.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown leaderboard formats {sorted(unknown)}; choose from {FORMATS}")
    if "html" in formats:  # the site links to the CSV and JSON downloads
        formats = [*formats, *(f for f in ("csv", "json") if f not in formats)]
    out_dir.mkdir(parents=True, exist_ok=True)
    table = leaderboard_table(records)
    fronts = front_table(records)
    written = []
    if "md" in formats:
        path = out_dir / "leaderboard.md"
        path.write_text(to_markdown(table, fronts), encoding="utf-8")
        written.append(path)
    if "csv" in formats:
        for name, frame in (("leaderboard", fronts), ("preferences", table)):
            path = out_dir / f"{name}.csv"
            frame.to_csv(path, index=False, float_format="%.6g")
            written.append(path)
    if "json" in formats:
        for name, frame in (("leaderboard", fronts), ("preferences", table)):
            path = out_dir / f"{name}.json"
            path.write_text(table_json(frame) + "\n", encoding="utf-8")
            written.append(path)
    if "html" in formats and records:
        from mobench.site import write_site

        written += write_site(records, out_dir, record_paths or {})
    if "png" in formats and not table.empty:
        path = out_dir / "leaderboard.png"
        plot_hv(table, path)
        objectives_png = out_dir / "objectives.png"
        plot_fronts(records, objectives_png)
        written += [path, objectives_png]
    return written
