"""The report: report.html, an overview page, plus report/ with one small page per article, article lists
and the sentences behind each stance cell. Inline CSS and SVG, nothing fetched, plain links between pages.

It is written while reading the run's rows one at a time (articles and sentences side by side), so memory does not
grow with the corpus; past `limit` articles, the lists still name every article but only the first `limit` get a
page of their own.
"""
from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Iterator

from .aggregate import UNCERTAIN, CorpusTotals
from .report_pages import LIST_SIZE, PageIndex, write_pages
from .report_stance import groups_section, stance_section, timeline_section
from .report_style import bar_chart, colours_for, css, esc, legend, page, stack
from .tables import AtomicFile, read_jsonl

ERRORS_LISTED = 50
_esc = esc


class JsonlRows:
    """The run's rows as the report reads them, one at a time: from articles.jsonl, sentences.jsonl and
    errors.jsonl in `out` (local runs). The Ray engine gives the same rows from its Parquet parts."""

    def __init__(self, out: Path):
        self.out = out

    def articles(self) -> Iterator[dict]:
        return read_jsonl(self.out / "articles.jsonl")

    def sentences(self) -> Iterator[dict]:
        return read_jsonl(self.out / "sentences.jsonl")

    def errors(self) -> Iterator[dict]:
        return read_jsonl(self.out / "errors.jsonl")


def write_report(out: Path, totals: CorpusTotals, model_name: str, root: Path, summary_only: bool = False,
                 limit: int = 10_000, rows: JsonlRows | None = None, stance_name: str | None = None,
                 group_by: str | None = None) -> Path:
    """report.html and report/ in `out`, read back from the run's rows (by default its JSONL tables)."""
    rows = rows or JsonlRows(out)
    labels = totals.labels
    colours = colours_for(labels)
    style = css(labels, colours)
    shown = [x for x in [*labels, UNCERTAIN] if x != UNCERTAIN or totals.counts.get(UNCERTAIN)]
    key = legend(labels, shown)
    folder, staging = out / "report", out / ".report.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    index = write_pages(staging, rows, labels, style, key, limit, summary_only, totals.articles)
    sections = [_cards(totals), _overview(totals, shown, colours, key)]
    if totals.stance:
        sections.append(stance_section(staging, rows, totals, index, style, summary_only))
    if group_by == "date":
        sections.append(timeline_section(totals, labels, colours))
    sections.append(groups_section(totals, labels, group_by))
    sections.append(_article_links(totals, index, labels, limit, summary_only))
    sections.append(_skipped(rows, totals))
    models = f"model <b>{esc(model_name)}</b>" + (f" · stance model <b>{esc(stance_name)}</b>" if stance_name else "")
    body = (f"<h1>Framing report</h1><p class=\"sub\">{esc(str(root))} · {models}</p>" + "".join(sections))
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    target = out / "report.html"
    with AtomicFile(target) as sink:
        sink.handle.write(page(f"Framing report: {root.name or root}", style, body, script=True).encode("utf-8"))
    return target


def _article_links(totals: CorpusTotals, index: PageIndex, labels: list[str], limit: int, summary_only: bool) -> str:
    """Links to the article lists, and the articles with the highest share of each label."""
    lists = " ".join(f'<a href="report/list-{n:04d}.html">{(n - 1) * LIST_SIZE + 1:,}–'
                     f"{min(n * LIST_SIZE, totals.articles):,}</a>" for n in range(1, index.lists + 1))
    notes = []
    if totals.articles > limit:
        notes.append(f"The first {limit:,} of {totals.articles:,} articles have a page of their own; every article "
                     "is in the lists and in articles.jsonl.")
    if summary_only:
        notes.append("Scored with --summary-only: article pages show each label's most confident sentence.")
    tops = []
    for label in labels:
        items = "".join(f'<li>{_link(index, aid, title)} <span class="meta">{share:.0%}</span></li>'
                        for share, _, aid, title in index.top.get(label, []) if share > 0)
        if items:
            tops.append(f"<div class=\"panel\"><h3>Highest share of {esc(label)}</h3><ol class=\"tops\">{items}</ol></div>")
    note = "".join(f'<p class="note">{n}</p>' for n in notes)
    return (f'<h2>Articles</h2><div class="panel"><p>Lists, {LIST_SIZE} articles a page, sortable by label share, '
            f"size or actor: {lists or '–'}</p>{note}</div><div class=\"charts\">{''.join(tops)}</div>")


def _link(index: PageIndex, aid: str, title: str) -> str:
    page_link = index.pages.get(aid)
    return f'<a href="report/{page_link}">{esc(title)}</a>' if page_link else esc(title)


def _cards(totals: CorpusTotals) -> str:
    mean = f"{totals.mean_confidence:.2f}" if totals.mean_confidence is not None else "–"
    return ('<div class="cards">'
            f'<div class="card"><b>{totals.articles:,}</b><span>articles</span></div>'
            f'<div class="card"><b>{totals.sentences:,}</b><span>sentences</span></div>'
            f'<div class="card"><b>{mean}</b><span>mean confidence</span></div>'
            f'<div class="card"><b>{sum(totals.errors.values()):,}</b><span>files or records skipped</span></div></div>')


def _overview(totals: CorpusTotals, shown_labels: list[str], colours: dict, legend: str) -> str:
    shares = totals.shares()
    sentence_rows = [(x, totals.counts.get(x, 0), shares.get(x, 0.0), colours[x]) for x in shown_labels]
    n_articles = max(totals.articles, 1)
    article_rows = [(x, totals.dominant.get(x, 0), totals.dominant.get(x, 0) / n_articles, colours[x])
                    for x in shown_labels]
    return ('<h2>Corpus overview</h2><div class="panel">'
            f'<h3 style="font-size:15px;margin:0 0 8px">Framing of all sentences</h3>{stack(shares, totals.labels, big=True)}'
            f'<div class="legend">{legend}</div></div>'
            '<div class="charts">'
            f'<div class="panel"><h3>Sentences by label</h3>{bar_chart(sentence_rows)}</div>'
            f'<div class="panel"><h3>Articles by dominant framing</h3>{bar_chart(article_rows)}</div></div>')


def _skipped(rows: JsonlRows, totals: CorpusTotals) -> str:
    n_errors = sum(totals.errors.values())
    if not n_errors:
        return ""
    parts = [f"<h2>Skipped ({n_errors:,})</h2><div class=\"panel\"><table><tr><th>reason</th><th>count</th></tr>"]
    for reason, count in sorted(totals.errors.items(), key=lambda kv: -kv[1]):
        parts.append(f'<tr><td>{_esc(reason)}</td><td class="n">{count:,}</td></tr>')
    parts.append("</table><table style=\"margin-top:12px\">")
    for row in itertools.islice(rows.errors(), ERRORS_LISTED):
        parts.append(f"<tr><td>{_esc(row['message'])}</td></tr>")
    parts.append("</table>")
    if n_errors > ERRORS_LISTED:
        parts.append(f'<p class="note">First {ERRORS_LISTED} shown; all are in errors.jsonl.</p>')
    parts.append("</div>")
    return "".join(parts)
