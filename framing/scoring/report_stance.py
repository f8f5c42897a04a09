"""The report's stance and group views: "who is accused, by whom" (a source x actor matrix whose cells link to
the sentences behind them, report/cells/*.html), framing and stance per group side by side, and framing over time."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .aggregate import UNCERTAIN, CorpusTotals
from .groups import UNDATED
from .report_pages import PageIndex
from .report_style import STANCE_COLOURS, esc, page, stack, stance_cell, stance_legend

MATRIX_SOURCES = 30
MATRIX_ACTORS = 20
CELL_SENTENCES = {"negative": 40, "positive": 40, "neutral": 15}
STANCES = ("negative", "neutral", "positive")


def _by_source(rows, index: PageIndex) -> tuple[dict[str, dict[str, dict[str, int]]], dict[str, int]]:
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    articles: dict[str, int] = defaultdict(int)
    for row in rows.articles():
        source = index.sources.get(row["article"])
        if source is None:
            continue
        articles[source] += 1
        for actor, c in row.get("actors", {}).items():
            cell = counts[source].setdefault(actor, dict.fromkeys(STANCES, 0))
            for s in STANCES:
                cell[s] += c.get(s, 0)
    return counts, articles


def _cells(rows, index: PageIndex, sources: list[str], actors: list[str]) -> dict[tuple[int, int], dict[str, list]]:
    """For each shown cell, up to CELL_SENTENCES sentences per stance: (text, mention, article id, score)."""
    si, ai = {s: i for i, s in enumerate(sources)}, {a: j for j, a in enumerate(actors)}
    cells: dict[tuple[int, int], dict[str, list]] = defaultdict(lambda: {s: [] for s in STANCES})
    for row in rows.sentences():
        source = index.sources.get(row["article"])
        if source not in si:
            continue
        for t in row.get("targets", []):
            if t["actor"] in ai:
                bucket = cells[(si[source], ai[t["actor"]])][t["stance"]]
                if len(bucket) < CELL_SENTENCES[t["stance"]]:
                    bucket.append((row["text"], t, row["article"]))
    return cells


def stance_section(folder: Path, rows, totals: CorpusTotals, index: PageIndex, style: str, summary_only: bool) -> str:
    """The matrix for the overview page; writes the cell pages under `folder`/cells."""
    counts, articles = _by_source(rows, index)
    sources = sorted(articles, key=lambda s: (-articles[s], s))[:MATRIX_SOURCES]
    actors = sorted(totals.actors, key=lambda a: (-sum(totals.actors[a].values()), a))[:MATRIX_ACTORS]
    if not actors:
        return '<h2>Who is accused, by whom</h2><p class="note">No actor of the list is named in these articles.</p>'
    cells = {} if summary_only else _cells(rows, index, sources, actors)
    (folder / "cells").mkdir(parents=True, exist_ok=True)
    head = "".join(f'<th class="v">{esc(a)}</th>' for a in actors)
    body = []
    for i, source in enumerate(sources):
        tds = []
        for j, actor in enumerate(actors):
            c = counts[source].get(actor)
            if not c:
                tds.append("<td></td>")
                continue
            label = "/".join(compact(c[k]) for k in STANCES)
            tip = f"{source} on {actor}: negative {c['negative']}, neutral {c['neutral']}, positive {c['positive']}"
            inner = label
            if (i, j) in cells:
                name = f"cells/c{i:03d}-{j:03d}.html"
                (folder / name).write_text(_cell_page(source, actor, c, cells[(i, j)], index, style), encoding="utf-8")
                inner = f'<a href="report/{name}">{label}</a>'
            tds.append(f'<td style="background:{stance_cell(c)}" title="{esc(tip)}">{inner}</td>')
        body.append(f'<tr><th class="row">{esc(source)} <span class="meta">({articles[source]})</span></th>'
                    f'{"".join(tds)}</tr>')
    more = (f" The {len(sources)} sources with most articles and the {len(actors)} most named actors are shown; "
            "actors_by_group.csv and actors_by_article.csv have all of them.")
    return ('<h2>Who is accused, by whom</h2><div class="panel"><p class="note">Mentions of each actor by each source '
            f"as negative/neutral/positive; red cells are mostly negative, green mostly positive. Click a cell for "
            f"its sentences.{more}</p><div style=\"overflow-x:auto\"><table class=\"matrix\"><tr><th></th>{head}</tr>"
            f'{"".join(body)}</table></div><div class="legend">{stance_legend()}</div></div>')


def compact(n: int) -> str:
    """A count in at most four characters, for the matrix: 950, 9.5k, 41k, 1.2M."""
    if n < 1000:
        return str(n)
    div, unit = (1_000_000, "M") if n >= 999_500 else (1000, "k")
    v = n / div
    return f"{v:.1f}{unit}" if v < 9.95 else f"{v:.0f}{unit}"


def _cell_page(source: str, actor: str, counts: dict, cell: dict[str, list], index: PageIndex, style: str) -> str:
    parts = ['<nav class="top"><a href="../../report.html">overview</a></nav>',
             f"<h1>{esc(source)} on {esc(actor)}</h1><p class=\"sub\">negative {counts['negative']} · neutral "
             f"{counts['neutral']} · positive {counts['positive']} mentions</p>"]
    for stance in STANCES:
        items = cell[stance]
        if not items:
            continue
        shown = f" (first {len(items)} of {counts[stance]})" if counts[stance] > len(items) else ""
        parts.append(f'<h2 style="color:{STANCE_COLOURS[stance]}">{stance}{shown}</h2><div class="panel"><ul>')
        for text, t, aid in items:
            page_link = index.pages.get(aid)
            where = f'<a href="../{page_link}">{esc(aid)}</a>' if page_link else esc(aid)
            parts.append(f"<li>{esc(text)} <span class=\"meta\">— “{esc(t['mention'])}” {t['score']:.2f} · "
                         f"{where}</span></li>")
        parts.append("</ul></div>")
    return page(f"{source} on {actor}", style, "".join(parts))


def groups_section(totals: CorpusTotals, labels: list[str], by: str | None) -> str:
    """Framing and stance per group, side by side, sortable."""
    if not totals.groups:
        return ""
    heads = ["group", "articles", "sentences", *[f"{x}" for x in labels], "framing"]
    stance = totals.stance
    if stance:
        heads += ["most accused (negative mentions)", "most defended (positive)"]
    rows = []
    for name, g in sorted(totals.groups.items()):
        shares = g.shares()
        cells = [f'<td data-v="{esc(name)}">{esc(name)}</td>', f'<td class="n" data-v="{g.articles}">{g.articles}</td>',
                 f'<td class="n" data-v="{g.sentences}">{g.sentences}</td>',
                 *[f'<td class="n" data-v="{shares.get(x, 0):.4f}">{shares.get(x, 0):.0%}</td>' for x in labels],
                 f'<td data-v="0" style="min-width:160px">{stack(shares, labels)}</td>']
        if stance:
            cells += [_top_actors(g.actors, "negative"), _top_actors(g.actors, "positive")]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(f'<th class="sort">{esc(h)}</th>' for h in heads)
    return (f"<h2>By {esc(by or 'group')}</h2><div class=\"panel\" style=\"overflow-x:auto\"><p class=\"note\">Click a "
            f'column to sort.</p><table class="sortable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def _top_actors(actors: dict[str, dict[str, int]], stance: str, n: int = 3) -> str:
    ranked = sorted(((c.get(stance, 0), a) for a, c in actors.items() if c.get(stance, 0)), key=lambda x: (-x[0], x[1]))
    text = ", ".join(f"{a} {k}" for k, a in ranked[:n]) or "–"
    return f'<td data-v="{ranked[0][0] if ranked else 0}">{esc(text)}</td>'


def timeline_section(totals: CorpusTotals, labels: list[str], colours: dict[str, str]) -> str:
    """Framing over time: one stacked bar of label shares per month (or year, past 48 months); undated counted."""
    dated = {k: g for k, g in totals.groups.items() if k != UNDATED}
    if not dated:
        return ""
    if len(dated) > 48:
        years: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for k, g in dated.items():
            for label, n in g.counts.items():
                years[k[:4]][label] += n
        series = {k: dict(v) for k, v in years.items()}
    else:
        series = {k: g.counts for k, g in dated.items()}
    keys = sorted(series)
    width, height, pad = 900, 220, 30
    step = (width - pad) / len(keys)
    bars = []
    for i, key in enumerate(keys):
        total = sum(series[key].values()) or 1
        y = height - 20
        for label in [*labels, UNCERTAIN]:
            h = (series[key].get(label, 0) / total) * (height - 40)
            if h > 0:
                y -= h
                bars.append(f'<rect x="{pad + i * step + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                            f'height="{h:.1f}" fill="{colours[label]}"><title>{esc(key)} {esc(label)} '
                            f'{series[key].get(label, 0) / total:.0%} of {total}</title></rect>')
        if len(keys) <= 24 or i % max(1, len(keys) // 12) == 0:
            bars.append(f'<text x="{pad + i * step + step / 2:.1f}" y="{height - 4}" text-anchor="middle" '
                        f'style="font-size:10px">{esc(key)}</text>')
    undated = totals.groups.get(UNDATED)
    note = f"{undated.articles:,} undated article(s) are not in the chart." if undated else "Every article is dated."
    return (f'<h2>Framing over time</h2><div class="panel"><svg viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg><p class="note">Share of sentences '
            f"per label, by {'year' if len(dated) > 48 else 'month'}. {note}</p></div>")
