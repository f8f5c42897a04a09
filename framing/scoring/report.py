"""report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) for a scored corpus.

It is written while reading articles.jsonl and sentences.jsonl side by side, so its size in memory does not
grow with the corpus; past `limit` articles the page says so and points at the tables.
"""
from __future__ import annotations

import html
import itertools
from pathlib import Path
from typing import Iterator

from .aggregate import UNCERTAIN, CorpusTotals
from .tables import AtomicFile, read_jsonl

KNOWN_COLOURS = {"accusatory": "#d1495b", "humanitarian": "#2e86ab", "legal_argument": "#8e6bbf",
                 "background": "#8d99a6", UNCERTAIN: "#c9c9c9"}
OTHER_COLOURS = ("#e07a1f", "#3a9e6f", "#c2549d", "#5b6ee1", "#b08d2f", "#2a9d8f")
OPEN_ARTICLES = 3
ERRORS_LISTED = 50
_esc = html.escape


def _colours(labels: list[str]) -> dict[str, str]:
    others = itertools.cycle(OTHER_COLOURS)
    return {label: KNOWN_COLOURS.get(label) or next(others) for label in [*labels, UNCERTAIN]}


def _tint(hex_colour: str, amount: float = 0.28) -> str:
    """The colour mixed with white: a highlight that keeps the text readable."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#%02x%02x%02x" % tuple(round(255 - (255 - c) * amount) for c in (r, g, b))


def _css(labels: list[str], colours: dict[str, str]) -> str:
    rules = []
    for i, label in enumerate([*labels, UNCERTAIN]):
        c = colours[label]
        rules.append(f".c{i}{{background:{c}}} .s.c{i}{{background:{_tint(c)};border-bottom:2px solid {c}}}"
                     f" .s.c{i}:hover{{background:{_tint(c, 0.5)}}}")
    rules.append(f".s.c{len(labels)}{{border-bottom-style:dashed}}")
    return CSS + "\n".join(rules)


CSS = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2933;
 background:#f5f6f8;margin:0}
main{max-width:1100px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:19px;margin:32px 0 12px}
.sub{color:#52606d;margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:24px} .card span{color:#52606d;font-size:13px}
.panel{background:#fff;border-radius:8px;padding:16px 18px;box-shadow:0 1px 2px rgba(0,0,0,.08);margin-top:12px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.charts h3{font-size:15px;margin:0 0 8px}
svg text{font:13px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1f2933}
svg .v{fill:#52606d}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;margin-top:10px}
.legend.sticky{position:sticky;top:0;z-index:1;background:#f5f6f8;padding:8px 0;margin:0}
.legend .note{margin-left:auto}
.legend i,.chip i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.stack{display:flex;height:14px;border-radius:3px;overflow:hidden;background:#e4e7eb}
.stack.big{height:22px}
.stack div{height:100%}
details.article{background:#fff;border-radius:8px;margin:8px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
details.article>summary{display:grid;grid-template-columns:minmax(0,1fr) 220px 150px 150px;gap:14px;
 align-items:center;padding:10px 16px;cursor:pointer;list-style:none}
details.article>summary::-webkit-details-marker{display:none}
details.article>summary:hover{background:#fafbfc}
.t{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.t b{font-weight:600} .t small{display:block;color:#7b8794;font-size:12px;overflow:hidden;text-overflow:ellipsis}
.chip{font-size:13px;white-space:nowrap} .meta{font-size:12px;color:#52606d;white-space:nowrap}
.body{padding:4px 20px 16px;border-top:1px solid #eef0f2;line-height:1.9}
.body p{margin:10px 0}
.s{padding:1px 0;border-radius:2px;cursor:help}
.tops{font-size:13px;margin:0;padding-left:18px}
table{border-collapse:collapse;font-size:13px;width:100%}
td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f2;vertical-align:top}
td.n{text-align:right;width:80px}
.note{color:#52606d;font-size:13px}
"""


def _bar_chart(rows: list[tuple[str, int, float, str]], width: int = 480) -> str:
    """Horizontal bars: (label, count, share, colour) per row."""
    label_w, value_w, row_h = 130, 110, 28
    bar_w = width - label_w - value_w
    height = row_h * len(rows) + 4
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, count, share, colour) in enumerate(rows):
        y = i * row_h + 4
        w = max(share * bar_w, 0.0)
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_esc(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="20" rx="3" fill="#eef0f2"/>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="20" rx="3" fill="{colour}"/>'
                     f'<text class="v" x="{label_w + bar_w + 8}" y="{y + 15}">{share:.1%} ({count:,})</text>')
    parts.append("</svg>")
    return "".join(parts)


def _stack(shares: dict[str, float], labels: list[str], big: bool = False) -> str:
    cells = []
    for i, label in enumerate([*labels, UNCERTAIN]):
        share = shares.get(label, 0.0)
        if share > 0:
            cells.append(f'<div class="c{i}" style="width:{share * 100:.2f}%" title="{_esc(label)} {share:.0%}">'
                         f'</div>')
    return f'<div class="stack{" big" if big else ""}">{"".join(cells)}</div>'


def _sentence_title(row: dict, labels: list[str]) -> str:
    probs = " · ".join(f"{k} {v:.2f}" for k, v in sorted(row["probs"].items(), key=lambda kv: -kv[1]))
    head = f"{row['label']} {row['score']:.2f}"
    if row["label"] == UNCERTAIN:
        head = f"uncertain (top: {row['top_label']} {row['score']:.2f})"
    return f"{head} — {probs}"


def _article_body(sentences: list[dict], label_index: dict[str, int], labels: list[str]) -> str:
    paragraphs: list[list[str]] = [[]]
    previous_end = None
    for row in sentences:
        # Sentences of one paragraph sit one character apart; a wider gap was a line break.
        if previous_end is not None and row["start"] - previous_end > 1 and paragraphs[-1]:
            paragraphs.append([])
        previous_end = row["end"]
        paragraphs[-1].append(f'<span class="s c{label_index[row["label"]]}" data-score="{row["score"]:.3f}" '
                              f'title="{_esc(_sentence_title(row, labels))}">{_esc(row["text"])}</span>')
    return "".join(f"<p>{' '.join(p)}</p>" for p in paragraphs if p)


def _top_sentences(article: dict, label_index: dict[str, int]) -> str:
    items = [f'<li><span class="s c{label_index[label]}">{_esc(top["text"])}</span> '
             f'<span class="meta">{_esc(label)} {top["score"]:.2f}</span></li>'
             for label, top in article["top_sentences"].items() if top]
    return f'<ul class="tops">{"".join(items)}</ul>' if items else '<p class="note">No confident sentence.</p>'


def _grouped(sentences: Iterator[dict]) -> Iterator[tuple[str, list[dict]]]:
    for key, rows in itertools.groupby(sentences, key=lambda r: r["article"]):
        yield key, list(rows)


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
                 limit: int = 500, rows: JsonlRows | None = None) -> Path:
    """report.html in `out`, read back from the run's rows (by default its articles.jsonl, sentences.jsonl and
    errors.jsonl)."""
    rows = rows or JsonlRows(out)
    labels = totals.labels
    colours = _colours(labels)
    label_index = {label: i for i, label in enumerate([*labels, UNCERTAIN])}
    shown_labels = [x for x in [*labels, UNCERTAIN] if x != UNCERTAIN or totals.counts.get(UNCERTAIN)]
    legend = "".join(f'<span><i class="c{label_index[x]}"></i>{_esc(x)}</span>' for x in shown_labels)
    target = out / "report.html"
    with AtomicFile(target) as sink:
        def w(text: str) -> None:
            sink.handle.write(text.encode("utf-8"))

        w('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
          '<meta name="viewport" content="width=device-width,initial-scale=1">'
          f"<title>Framing report: {_esc(root.name or str(root))}</title>"
          f"<style>{_css(labels, colours)}</style></head><body><main>")
        w(f"<h1>Framing report</h1><p class=\"sub\">{_esc(str(root))} · model <b>{_esc(model_name)}</b></p>")
        w(_cards(totals))
        w(_overview(totals, shown_labels, colours, legend))
        for part in _articles(rows, totals, label_index, legend, summary_only, limit):
            w(part)
        w(_skipped(rows, totals))
        w("</main></body></html>\n")
    return target


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
            f'<h3 style="font-size:15px;margin:0 0 8px">Framing of all sentences</h3>{_stack(shares, totals.labels, big=True)}'
            f'<div class="legend">{legend}</div></div>'
            '<div class="charts">'
            f'<div class="panel"><h3>Sentences by label</h3>{_bar_chart(sentence_rows)}</div>'
            f'<div class="panel"><h3>Articles by dominant framing</h3>{_bar_chart(article_rows)}</div></div>')


def _articles(rows: JsonlRows, totals: CorpusTotals, label_index: dict, legend: str, summary_only: bool, limit: int):
    """The article list, one piece of HTML at a time: the run's files are streamed, never held whole."""
    labels = totals.labels
    yield (f'<h2>Articles</h2><div class="legend sticky">{legend}<span class="note">hover a sentence for its '
           f"scores</span></div>")
    if totals.articles > limit:
        yield (f'<p class="note">Showing the first {limit:,} of {totals.articles:,} articles; every article is in '
               f"articles.jsonl.</p>")
    if summary_only:
        yield ('<p class="note">Scored with --summary-only: each article shows its most confident sentence per '
               "label.</p>")
    sentences = None if summary_only else _grouped(rows.sentences())
    for n, article in enumerate(rows.articles()):
        if n >= limit:
            break
        if sentences is not None:
            own: list[dict] = []
            for key, group in sentences:
                if key == article["article"]:
                    own = group
                    break
            body = _article_body(own, label_index, labels)
        else:
            body = _top_sentences(article, label_index)
        name = f'<b>{_esc(article["title"])}</b><small>{_esc(article["article"])}</small>' if article["title"] \
            else f'<b>{_esc(article["article"])}</b>'
        dominant = article["dominant"]
        count = article["sentences"]
        yield (f'<details class="article"{" open" if n < OPEN_ARTICLES else ""}><summary>'
               f'<span class="t">{name}</span>'
               f'{_stack(article["shares"], labels)}'
               f'<span class="chip"><i class="c{label_index[dominant]}"></i>{_esc(dominant)}</span>'
               f'<span class="meta">{count} sentence{"s" if count != 1 else ""} · '
               f'conf {article["mean_confidence"]:.2f}</span>'
               f'</summary><div class="body">{body}</div></details>')


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
