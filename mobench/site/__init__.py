"""The static leaderboard site: ``index.html`` (a sortable table per pack and protocol, CSV and
JSON downloads, a Pareto-front plot per pack) and ``methods/<method>.html`` (hyper-parameters,
versions and links to the records behind each number). Plain files, no server."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

import pandas as pd

from mobench.fronts import SeedFront, front_table, pack_objectives, seed_fronts, summary_table
from mobench.leaderboard import FOOTNOTE, FRONT_FOOTNOTE, front_columns, leaderboard_table
from mobench.leaderboard import table_json as _table_json
from mobench.records import RunRecord
from mobench.site.html import (
    FRONT_COLUMNS_HEAD,
    FRONT_COLUMNS_TAIL,
    PREFERENCE_COLUMNS,
    RECORD_COLUMNS,
    front_rows,
    method_summary,
    page,
    params_html,
    preference_rows,
    record_rows,
    slug,
    summary_section,
    table_html,
    training_html,
    versions_html,
)
from mobench.site.plots import plot_pack_fronts, plot_training


def _objective_columns(block: pd.DataFrame, objectives: Sequence[str]) -> list[str]:
    return [c for c in objectives if c in block.columns and block[c].notna().any()]


def _pack_section(
    pack: str,
    records: Sequence[RunRecord],
    fronts: pd.DataFrame,
    preferences: pd.DataFrame,
    image: str,
) -> str:
    ident = slug(pack)
    objectives = pack_objectives(records, pack)
    ref = records[0].reference_point
    parts = [
        f'<section id="pack-{ident}">',
        f"<h2>{escape(pack)}</h2>",
        f'<p class="muted">{len(records)} run records · objectives '
        f"{escape(', '.join(objectives))} (normalised to [0, 1], higher is better) · "
        f"HV reference point ({escape(', '.join(f'{v:g}' for v in ref))}) · pack sha256 "
        f"<code>{escape(records[0].pack_sha256[:16])}…</code></p>",
        f'<p class="downloads">Download: <a href="data/{ident}.csv" download>CSV</a>'
        f'<a href="data/{ident}.json">JSON</a>'
        f'<a href="data/{ident}-preferences.csv" download>per-preference CSV</a>'
        f'<a href="data/{ident}-fronts.json">per-seed fronts (JSON)</a></p>',
    ]
    for protocol, block in fronts.groupby("protocol", sort=False):
        cols = _objective_columns(block, objectives)
        columns = [*FRONT_COLUMNS_HEAD, *((c, "num") for c in cols), *FRONT_COLUMNS_TAIL]
        parts += [
            f"<h3>protocol <code>{escape(str(protocol))}</code> — ranked by front HV</h3>",
            table_html(columns, front_rows(block, cols, "methods/"), f"{ident}-{protocol}"),
        ]
    parts += [
        f'<figure><img src="{escape(image)}" alt="Pareto fronts on {escape(pack)}">',
        "<figcaption>Each method's front: the test-set mean objective vector per preference, "
        "averaged over seeds (markers) over the per-seed points (dots), in every pair of "
        "objectives.</figcaption></figure>",
        "<details><summary>Per preference (each run's response HV)</summary>",
    ]
    for (protocol, pref), block in preferences.groupby(["protocol", "preference"], sort=False):
        cols = _objective_columns(block, objectives)
        columns = [
            *PREFERENCE_COLUMNS,
            *((c, "num") for c in cols),
            ("collapse", "num"),
            ("compute s", "num"),
            ("seeds", "num"),
        ]
        parts += [
            f"<h4>protocol <code>{escape(str(protocol))}</code>, λ = {escape(str(pref))}</h4>",
            table_html(
                columns, preference_rows(block, cols), f"{ident}-{protocol}-{slug(str(pref))}"
            ),
        ]
    parts += ["</details>", "</section>"]
    return "\n".join(parts)


def _index(records: Sequence[RunRecord], fronts: pd.DataFrame, preferences: pd.DataFrame) -> str:
    from mobench import __version__

    packs = sorted({r.pack for r in records})
    nav = " ".join(f'<a href="#pack-{slug(p)}">{escape(p)}</a>' for p in packs)
    methods = sorted({r.method for r in records})
    method_links = " ".join(f'<a href="methods/{slug(m)}.html">{escape(m)}</a>' for m in methods)
    sections = [
        _pack_section(
            pack,
            [r for r in records if r.pack == pack],
            fronts[fronts["pack"] == pack],
            preferences[preferences["pack"] == pack],
            f"img/fronts-{slug(pack)}.png",
        )
        for pack in packs
    ]
    body = [
        "<h1>mobench leaderboard</h1>",
        f'<p class="muted">{len(records)} run records on {len(packs)} '
        f"pack{'s' if len(packs) != 1 else ''}; "
        "click a column header to sort. Download everything: "
        '<a href="leaderboard.csv" download>CSV</a> · <a href="leaderboard.json">JSON</a></p>',
        f"<nav>Packs: {nav}</nav>",
        f"<nav>Methods: {method_links}</nav>",
        summary_section(summary_table(fronts)),
        *sections,
        f'<footer><p class="muted">{escape(FRONT_FOOTNOTE)}</p>'
        f'<p class="muted">Per preference: {escape(FOOTNOTE)}</p>'
        f'<p class="muted">Built by mobench {escape(__version__)}.</p></footer>',
    ]
    return page("mobench leaderboard", "\n".join(part for part in body if part))


def training_figure(
    out_dir: Path, method: str, config: str, fronts: Sequence[SeedFront]
) -> list[str]:
    """The validation-front-HV-per-step plot of one configuration ([] without trajectories)."""
    name = f"training-{slug(method)}-{config}.png"
    if not plot_training(fronts, out_dir / "img" / name):
        return []
    return [
        "<h3>Training</h3>",
        f'<figure><img src="../img/{escape(name)}" alt="validation front HV per step">'
        "<figcaption>Validation front HV (the preference runs' validation mean vectors) per "
        "training step, mean over seeds.</figcaption></figure>",
    ]


def _method_page(
    out_dir: Path,
    method: str,
    fronts: Sequence[SeedFront],
    table: pd.DataFrame,
    links: Mapping[str, str],
) -> str:
    body = [
        '<p><a href="../index.html">← leaderboard</a></p>',
        f"<h1>{escape(method)}</h1>",
        f"<p>{escape(method_summary(method))}</p>",
    ]
    for config in sorted({f.config for f in fronts}):
        group = [f for f in fronts if f.config == config]
        runs = [r for f in group for r in f.records]
        first = runs[0]
        rows = table[(table["method"] == method) & (table["config"] == config)]
        summary = "".join(
            f"<li>{escape(row.pack)} · <code>{escape(row.protocol)}</code>: rank {row.rank}, "
            f"front HV {row.front_hv_mean:.4f} ± {row.front_hv_std:.4f} over {row.seeds} "
            f'seeds (<a href="../index.html#pack-{slug(row.pack)}">table</a>)</li>'
            for row in rows.itertuples()
        )
        body += [
            f"<h2>config <code>{escape(config)}</code></h2>",
            f"<p>kind <b>{escape(first.method_kind)}</b> · version "
            f"{escape(first.method_version)} · {len(runs)} run records</p>",
            f"<ul>{summary}</ul>",
            *training_figure(out_dir, method, config, group),
            "<h3>Hyper-parameters</h3>",
            params_html(first.params),
            "<h3>Training report</h3>",
            training_html(runs),
            "<h3>Versions</h3>",
            versions_html(runs),
            "<h3>Records behind each number</h3>",
            '<p class="muted">The front HV of a seed is computed from that seed\'s rows '
            "(one per preference); each row links to its JSON record.</p>",
            table_html(RECORD_COLUMNS, record_rows(group, links), f"records-{config}"),
        ]
    return page(f"{method} — mobench leaderboard", "\n".join(body))


def fronts_json(fronts: Sequence[SeedFront]) -> str:
    """Every per-seed front: its points (one per preference), HV and the records behind it."""
    rows = [
        {
            "pack": f.pack,
            "protocol": f.protocol,
            "method": f.method,
            "config": f.config,
            "seed": f.seed,
            "objectives": list(f.records[0].objectives),
            "reference_point": f.reference_point.tolist(),
            "hypervolume": f.hypervolume,
            "points": [
                {"preference": list(r.preference), "means": p.tolist(), "run_key": r.run_key}
                for r, p in zip(f.records, f.points, strict=True)
            ],
        }
        for f in fronts
    ]
    return json.dumps(rows, indent=1) + "\n"


def write_site(
    records: Sequence[RunRecord], out_dir: Path, record_paths: Mapping[str, Path]
) -> list[Path]:
    """Write the site under ``out_dir``; returns the files written."""
    fronts_by_seed = seed_fronts(records)
    table = front_table(records)
    preferences = leaderboard_table(records)
    written: list[Path] = []
    for sub in ("data", "img", "methods"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    for pack in sorted({r.pack for r in records}):
        ident = slug(pack)
        objectives = set(pack_objectives(records, pack))
        others = set(front_columns(table)) - objectives  # other packs' objectives
        block = table[table["pack"] == pack]
        block = block[[c for c in block.columns if c not in others]]
        for path, text in (
            (out_dir / "data" / f"{ident}.csv", block.to_csv(index=False, float_format="%.6g")),
            (out_dir / "data" / f"{ident}.json", _table_json(block) + "\n"),
            (
                out_dir / "data" / f"{ident}-preferences.csv",
                preferences[preferences["pack"] == pack]
                .dropna(axis=1, how="all")
                .to_csv(index=False, float_format="%.6g"),
            ),
            (
                out_dir / "data" / f"{ident}-fronts.json",
                fronts_json([f for f in fronts_by_seed if f.pack == pack]),
            ),
        ):
            path.write_text(text, encoding="utf-8")
            written.append(path)
        image = out_dir / "img" / f"fronts-{ident}.png"
        plot_pack_fronts(
            [f for f in fronts_by_seed if f.pack == pack], pack_objectives(records, pack), image
        )
        written.append(image)
    index = out_dir / "index.html"
    index.write_text(_index(records, table, preferences), encoding="utf-8")
    written.append(index)
    methods_dir = out_dir / "methods"
    links = {
        key: os.path.relpath(path, methods_dir).replace(os.sep, "/")
        for key, path in record_paths.items()
    }
    for method in sorted({r.method for r in records}):
        path = methods_dir / f"{slug(method)}.html"
        fronts = [f for f in fronts_by_seed if f.method == method]
        path.write_text(_method_page(out_dir, method, fronts, table, links), encoding="utf-8")
        written.append(path)
    written += sorted((out_dir / "img").glob("training-*.png"))
    return written
