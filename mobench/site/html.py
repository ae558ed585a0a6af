"""HTML pages of the static leaderboard site: the index (a table per pack) and method pages."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from mobench.fronts import SeedFront
from mobench.records import RunRecord
from mobench.site.assets import CSS, SORT_JS

#: A table cell: its HTML content and its sort key (None: the content's text).
Cell = tuple[str, str | None]


def num_cell(value: Any, fmt: str, suffix: str = "") -> Cell:
    """A number shown with ``fmt``; NaN and None show as a dash and sort last."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–", ""
    return escape(format(value, fmt) + suffix), repr(float(value))


def text_cell(value: str, href: str | None = None) -> Cell:
    content = escape(value)
    if href is not None:
        content = f'<a href="{escape(href)}">{content}</a>'
    return content, value


def table_html(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Cell]], ident: str
) -> str:
    """A sortable table; ``columns`` are (label, "num" | "text")."""
    head = "".join(
        f'<th scope="col" data-type="{kind}"'
        + (' class="text"' if kind == "text" else "")
        + f">{escape(label)}</th>"
        for label, kind in columns
    )
    body = []
    for row in rows:
        cells = []
        for (content, key), (_label, kind) in zip(row, columns, strict=True):
            attrs = "" if key is None else f' data-value="{escape(key)}"'
            attrs += ' class="text"' if kind == "text" else ""
            cells.append(f"<td{attrs}>{content}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="scroll"><table class="sortable" id="{escape(ident)}"><thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML document (inline CSS and script)."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        f"<script>{SORT_JS}</script>\n</body>\n</html>\n"
    )


def slug(text: str) -> str:
    """A file-name-safe form of a pack ref or method name (``coding24@1`` → ``coding24_v1``)."""
    text = text.replace("@", "_v")
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


FRONT_COLUMNS_HEAD = [
    ("#", "num"),
    ("method", "text"),
    ("kind", "text"),
    ("front HV", "num"),
    ("± std", "num"),
    ("response HV", "num"),
]
FRONT_COLUMNS_TAIL = [
    ("collapse", "num"),
    ("compute s", "num"),
    ("GPU-h", "num"),
    ("device", "text"),
    ("seeds", "num"),
    ("prefs", "num"),
    ("steps to front", "num"),
    ("config", "text"),
]


def front_rows(block: pd.DataFrame, objective_cols: Sequence[str], link_prefix: str) -> list:
    """Cells of the front table rows of one (pack, protocol) block."""
    rows = []
    for data in block.to_dict(orient="records"):
        gpu = data["gpu_hours"]
        rows.append(
            [
                num_cell(data["rank"], "d"),
                text_cell(data["method"], f"{link_prefix}{slug(data['method'])}.html"),
                text_cell(data["kind"]),
                num_cell(data["front_hv_mean"], ".4f"),
                num_cell(data["front_hv_std"], ".4f"),
                num_cell(data["response_hv_mean"], ".4f"),
                *(num_cell(data[c], ".3f") for c in objective_cols),
                num_cell(data["collapse"], ".3f"),
                num_cell(data["compute_s"], ".2f"),
                num_cell(gpu if gpu > 0 else math.nan, ".4f"),
                text_cell(data["device"]),
                num_cell(data["seeds"], "d"),
                num_cell(data["preferences"], "d", "" if data["complete"] else " (partial)"),
                num_cell(data["steps_to_final_front"], ".0f"),
                text_cell(data["config"]),
            ]
        )
    return rows


PREFERENCE_COLUMNS = [
    ("#", "num"),
    ("method", "text"),
    ("preference λ", "text"),
    ("HV", "num"),
    ("± std", "num"),
]


def preference_rows(block: pd.DataFrame, objective_cols: Sequence[str]) -> list:
    rows = []
    for rank, data in enumerate(block.to_dict(orient="records"), start=1):
        rows.append(
            [
                num_cell(rank, "d"),
                text_cell(data["method"], f"methods/{slug(data['method'])}.html"),
                text_cell(data["preference"]),
                num_cell(data["hv_mean"], ".4f"),
                num_cell(data["hv_std"], ".4f"),
                *(num_cell(data[c], ".3f") for c in objective_cols),
                num_cell(data["collapse"], ".3f"),
                num_cell(data["compute_s"], ".2f"),
                num_cell(data["seeds"], "d"),
            ]
        )
    return rows


def versions_html(records: Sequence[RunRecord]) -> str:
    """The environment facts of ``records``: every distinct value of each entry."""
    facts: dict[str, set[str]] = {}
    for record in records:
        env = dict(record.environment)
        packages = env.pop("packages", {}) or {}
        for key, value in env.items():
            facts.setdefault(key, set()).add(str(value))
        for name, value in packages.items():
            facts.setdefault(f"package {name}", set()).add(str(value))
        facts.setdefault("method version", set()).add(record.method_version)
        facts.setdefault("pack sha256", set()).add(f"{record.pack} {record.pack_sha256[:16]}…")
        facts.setdefault("scorers", set()).add(", ".join(record.scorers))
    rows = "".join(
        f'<tr><th scope="row" class="text">{escape(k)}</th>'
        f'<td class="text">{escape("; ".join(sorted(v)))}</td></tr>'
        for k, v in sorted(facts.items())
    )
    return f'<table class="versions">{rows}</table>'


def params_html(params: Mapping[str, Any]) -> str:
    """The hyper-parameters as a two-column table (values in JSON)."""
    if not params:
        return '<p class="muted">no hyper-parameters</p>'
    rows = "".join(
        f'<tr><th scope="row" class="text">{escape(str(k))}</th>'
        f'<td class="text"><code>{escape(json.dumps(v, default=str))}</code></td></tr>'
        for k, v in sorted(params.items())
    )
    return f'<table class="params">{rows}</table>'


RECORD_COLUMNS = [
    ("pack", "text"),
    ("protocol", "text"),
    ("seed", "num"),
    ("preference λ", "text"),
    ("front HV (seed)", "num"),
    ("response HV", "num"),
    ("collapse", "num"),
    ("compute s", "num"),
    ("device", "text"),
    ("record", "text"),
]


def record_rows(fronts: Sequence[SeedFront], links: Mapping[str, str]) -> list:
    """One row per record of the fronts, with the file it came from when known."""
    rows = []
    for front in fronts:
        hv = front.hypervolume
        for record in front.records:
            link = links.get(record.run_key)
            rows.append(
                [
                    text_cell(record.pack),
                    text_cell(record.protocol),
                    num_cell(record.seed, "d"),
                    text_cell("/".join(f"{w:g}" for w in record.preference)),
                    num_cell(hv, ".4f"),
                    num_cell(record.metrics["hypervolume"], ".4f"),
                    num_cell(record.metrics.get("collapse@1", math.nan), ".3f"),
                    num_cell(record.compute_seconds, ".2f"),
                    text_cell(",".join(sorted({p.device for p in record.compute})) or "cpu"),
                    text_cell(link.rsplit("/", 1)[-1] if link else record.run_key[:12] + "…", link),
                ]
            )
    return rows


def training_html(records: Sequence[RunRecord]) -> str:
    """The training reports' scalar entries: mean over the runs that report them (and range)."""
    values: dict[str, list[float]] = {}
    for record in records:
        for key, value in record.training.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                values.setdefault(key, []).append(float(value))
    if not values:
        return '<p class="muted">no scalar training figures</p>'
    rows = "".join(
        f'<tr><th scope="row" class="text">{escape(k)}</th><td>{sum(v) / len(v):.6g}</td>'
        f'<td class="muted">{min(v):.4g} – {max(v):.4g} over {len(v)} runs</td></tr>'
        for k, v in sorted(values.items())
    )
    return f'<table class="training">{rows}</table>'


def method_summary(method: str) -> str:
    """The registered adapter's one-line summary ('' when it is not installed here)."""
    from importlib.metadata import entry_points

    from mobench.methods import ENTRY_POINT_GROUP

    for ep in entry_points(group=ENTRY_POINT_GROUP, name=method):
        try:
            return str(getattr(ep.load(), "summary", ""))
        except Exception:  # a broken adapter does not stop the site
            return ""
    return ""


def summary_section(summary: pd.DataFrame) -> str:
    """Methods across packs, one sortable table per protocol ('' for a single pack)."""
    if summary.empty:
        return ""
    parts = [
        '<section id="summary"><h2>All packs</h2>',
        '<p class="muted">Each method\'s best configuration per pack: front HV, collapse rate '
        "and compute seconds side by side; mean rank: its rank by front HV, averaged over the "
        "packs it ran on.</p>",
    ]
    for protocol, block in summary.groupby("protocol", sort=False):
        packs = [c[: -len(" HV")] for c in block.columns if c.endswith(" HV")]
        packs = [p for p in packs if block[f"{p} HV"].notna().any()]
        if len(packs) < 2:
            continue
        columns = [("method", "text"), ("kind", "text"), ("mean rank", "num")]
        for pack in packs:
            columns += [(f"{pack} HV", "num"), ("collapse", "num"), ("secs", "num")]
        rows = []
        for data in block.to_dict(orient="records"):
            cells = [
                text_cell(data["method"], f"methods/{slug(data['method'])}.html"),
                text_cell(data["kind"]),
                num_cell(data["mean_rank"], ".1f"),
            ]
            for pack in packs:
                cells += [
                    num_cell(data[f"{pack} HV"], ".4f"),
                    num_cell(data[f"{pack} collapse"], ".3f"),
                    num_cell(data[f"{pack} secs"], ".1f"),
                ]
            rows.append(cells)
        parts += [
            f"<h3>protocol <code>{escape(str(protocol))}</code></h3>",
            table_html(columns, rows, f"summary-{slug(str(protocol))}"),
        ]
    parts.append("</section>")
    return "\n".join(parts) if len(parts) > 3 else ""
