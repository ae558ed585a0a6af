"""The Pareto-front plot of one pack: every method's front in each pair of objectives."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mobench.fronts import SeedFront


def entry_label(method: str, config: str, configs_of_method: int) -> str:
    """A method's legend label; the config hash is added when a method has several."""
    return method if configs_of_method == 1 else f"{method} [{config}]"


def mean_front(fronts: Sequence[SeedFront]) -> np.ndarray:
    """Seed-mean front: per preference, the mean over seeds of its mean objective vector."""
    by_pref: dict[tuple[float, ...], list[np.ndarray]] = {}
    for front in fronts:
        for record, point in zip(front.records, front.points, strict=True):
            by_pref.setdefault(record.preference, []).append(point)
    return np.array([np.mean(points, axis=0) for points in by_pref.values()])


def plot_pack_fronts(fronts: Sequence[SeedFront], objectives: Sequence[str], path: Path) -> None:
    """One row per protocol, one column per pair of objectives (2-D projections): each
    method's seed-mean front (markers joined in order of the x objective) over its per-seed
    points (faint dots). Up and right is better (objectives normalised, maximised)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    protocols = sorted({f.protocol for f in fronts})
    pairs = list(itertools.combinations(range(len(objectives)), 2)) or [(0, 0)]
    fig, axes = plt.subplots(
        len(protocols),
        len(pairs),
        figsize=(4.4 * len(pairs) + 1.8, 3.9 * len(protocols)),
        squeeze=False,
        layout="constrained",
    )
    entries = sorted({(f.method, f.config) for f in fronts})
    per_method = {m: sum(1 for e in entries if e[0] == m) for m, _ in entries}
    cmap = plt.get_cmap("tab10" if len(entries) <= 10 else "tab20")
    colours = {e: cmap(i % cmap.N) for i, e in enumerate(entries)}
    markers = "oDs^vP*Xh<>"
    for row, protocol in enumerate(protocols):
        for col, (i, j) in enumerate(pairs):
            ax = axes[row][col]
            for k, (method, config) in enumerate(entries):
                group = [
                    f
                    for f in fronts
                    if f.protocol == protocol and (f.method, f.config) == (method, config)
                ]
                if not group:
                    continue
                every = np.vstack([f.points for f in group])
                ax.scatter(every[:, i], every[:, j], s=10, alpha=0.3, color=colours[method, config])
                mean = mean_front(group)
                order = np.argsort(mean[:, i], kind="stable")
                ax.plot(
                    mean[order, i],
                    mean[order, j],
                    marker=markers[k % len(markers)],
                    markersize=7,
                    linewidth=1.2,
                    color=colours[method, config],
                    markeredgecolor="black",
                    label=entry_label(method, config, per_method[method]),
                )
            ax.set_xlabel(objectives[i])
            ax.set_ylabel(objectives[j])
            ax.set_title(f"protocol {protocol}", fontsize=9)
            ax.grid(alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=8, frameon=False)
    fig.savefig(path, dpi=100)
    plt.close(fig)
