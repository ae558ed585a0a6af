"""The Pareto-front plot of one pack: every method's front in each pair of objectives."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mobench.fronts import SeedFront
from mobench.metrics import hypervolume


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
                    # later entries smaller and on top, so coinciding fronts stay visible
                    markersize=max(3.5, 9.0 - 1.2 * k),
                    zorder=3 + k,
                    alpha=0.9,
                    linewidth=1.2,
                    color=colours[method, config],
                    markerfacecolor="none",  # hollow: coinciding points of methods show
                    markeredgewidth=1.8,
                    label=entry_label(method, config, per_method[method]),
                )
            ax.set_xlabel(objectives[i])
            ax.set_ylabel(objectives[j])
            ax.set_title(f"{fronts[0].pack} · protocol {protocol}", fontsize=9)
            ax.grid(alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=8, frameon=False)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def front_trajectory(front: SeedFront) -> tuple[np.ndarray, np.ndarray] | None:
    """Validation front HV per evaluation step of one seed's front: at each step, the HV of
    the preference runs' validation mean vectors (training reports' ``eval_steps`` and
    ``val_means``); None when the runs do not report a common trajectory."""
    steps = front.records[0].training.get("eval_steps")
    if not isinstance(steps, list) or not steps:
        return None
    per_run = []
    for record in front.records:
        means = record.training.get("val_means")
        if record.training.get("eval_steps") != steps or not isinstance(means, list):
            return None
        try:
            arr = np.asarray(means, dtype=float)
        except (TypeError, ValueError):
            return None
        if arr.shape != (len(steps), len(record.objectives)) or not np.all(np.isfinite(arr)):
            return None
        per_run.append(arr)
    stacked = np.stack(per_run, axis=1)  # (steps, preferences, m)
    hv = np.array([hypervolume(stacked[t], front.reference_point) for t in range(len(steps))])
    return np.asarray(steps, dtype=float), hv


def plot_training(fronts: Sequence[SeedFront], path: Path) -> bool:
    """Validation front HV against training step, one line per (pack, protocol) (mean over
    seeds that share the evaluation steps); False, writing nothing, without trajectories."""
    lines: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray]]] = {}
    for front in fronts:
        trajectory = front_trajectory(front)
        if trajectory is not None:
            lines.setdefault((front.pack, front.protocol), []).append(trajectory)
    if not lines:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
    for (pack, protocol), runs in sorted(lines.items()):
        steps = runs[0][0]
        same = [hv for s, hv in runs if s.shape == steps.shape and np.array_equal(s, steps)]
        ax.plot(
            steps, np.mean(same, axis=0), marker="o", markersize=3, label=f"{pack} · {protocol}"
        )
    ax.set_xlabel("training step")
    ax.set_ylabel("validation front HV")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
