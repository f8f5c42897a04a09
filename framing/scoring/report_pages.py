"""The report's article pages (report/articles/aNNNNNN.html, one small page per article) and its article lists
(report/list-NNNN.html, LIST_SIZE articles a page, sortable by label share, size or actor). Both are written in
one pass over the run's article and sentence rows, so memory does not grow with the corpus."""
from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .aggregate import UNCERTAIN
from .groups import source_of
from .report_style import esc, page, stack, stance_legend

LIST_SIZE = 250
TOP_ARTICLES = 10
TOP_MIN_SENTENCES = 3


@dataclass
class PageIndex:
    """What the overview and the stance pages need from the page pass."""

    pages: dict[str, str] = field(default_factory=dict)  # article id -> its page, relative to report/
    sources: dict[str, str] = field(default_factory=dict)  # article id -> source (stance runs only)
    lists: int = 0
    top: dict[str, list] = field(default_factory=dict)  # label -> [(share, n, article id, title)], best first


def article_page(n: int) -> str:
    return f"articles/a{n:06d}.html"


def _sentence_html(row: dict, index: dict[str, int]) -> str:
    text, start = row["text"], row["start"]
    parts, cursor = [], 0
    for t in sorted(row.get("targets", []), key=lambda t: t["start"]):
        lo, hi = t["start"] - start, t["end"] - start
        if lo < cursor or hi > len(text):
            continue
        parts.append(esc(text[cursor:lo]))
        parts.append(f'<mark class="{esc(t["stance"])}" title="{esc(t["actor"])}: {esc(t["stance"])} '
                     f'{t["score"]:.2f}">{esc(text[lo:hi])}</mark>')
        cursor = hi
    parts.append(esc(text[cursor:]))
    probs = " · ".join(f"{k} {v:.2f}" for k, v in sorted(row["probs"].items(), key=lambda kv: -kv[1]))
    head = (f"uncertain (top: {row['top_label']} {row['score']:.2f})" if row["label"] == UNCERTAIN
            else f"{row['label']} {row['score']:.2f}")
    return (f'<span class="s c{index[row["label"]]}" title="{esc(head + " — " + probs)}">{"".join(parts)}</span>')


def _body(sentences: list[dict], index: dict[str, int]) -> str:
    paragraphs: list[list[str]] = [[]]
    previous_end = None
    for row in sentences:
        if previous_end is not None and row["start"] - previous_end > 1 and paragraphs[-1]:
            paragraphs.append([])  # sentences of one paragraph sit one character apart
        previous_end = row["end"]
        paragraphs[-1].append(_sentence_html(row, index))
    return "".join(f"<p>{' '.join(p)}</p>" for p in paragraphs if p)


def _tops(article: dict, index: dict[str, int]) -> str:
    items = [f'<li><span class="s c{index[label]}">{esc(top["text"])}</span> '
             f'<span class="meta">{esc(label)} {top["score"]:.2f}</span></li>'
             for label, top in article["top_sentences"].items() if top]
    return f'<ul class="tops">{"".join(items)}</ul>' if items else '<p class="note">No confident sentence.</p>'


def _actor_table(actors: dict[str, dict[str, int]]) -> str:
    if not actors:
        return '<p class="note">No actor of the list is named.</p>'
    rows = "".join(f'<tr><td>{esc(a)}</td><td class="n">{c.get("negative", 0)}</td><td class="n">'
                   f'{c.get("neutral", 0)}</td><td class="n">{c.get("positive", 0)}</td></tr>'
                   for a, c in sorted(actors.items(), key=lambda kv: (-kv[1].get("negative", 0), kv[0])))
    return ('<table><tr><th>actor</th><th class="n">negative</th><th class="n">neutral</th>'
            f'<th class="n">positive</th></tr>{rows}</table>')


def _meta(article: dict) -> str:
    bits = [article["article"], article.get("outlet"), article.get("date"), article.get("group")]
    return " · ".join(esc(str(b)) for b in bits if b)


def _article_html(article: dict, body: str, labels: list[str], style: str, legend: str, nav: str) -> str:
    title = article["title"] or article["article"]
    stance = f"<h2>Actors</h2><div class=\"panel\">{_actor_table(article['actors'])}</div>" if "actors" in article else ""
    return page(title, style, f'<nav class="top">{nav}</nav><h1>{esc(title)}</h1><p class="sub">{_meta(article)} · '
                f'{article["sentences"]} sentences · dominant <b>{esc(article["dominant"])}</b></p>'
                f'{stack(article["shares"], labels, big=True)}<div class="legend">{legend}'
                f'{stance_legend() if "actors" in article else ""}</div>'
                f'<div class="panel body">{body}</div>{stance}')


def _grouped(sentences: Iterator[dict]) -> Iterator[tuple[str, list[dict]]]:
    for key, rows in itertools.groupby(sentences, key=lambda r: r["article"]):
        yield key, list(rows)


def _list_row(n: int | None, article: dict, labels: list[str], link: str | None) -> str:
    title = esc(article["title"] or article["article"])
    name = f'<a href="{link}">{title}</a>' if link else title
    shares = "".join(f'<td class="n" data-v="{article["shares"].get(x, 0):.4f}">{article["shares"].get(x, 0):.0%}</td>'
                     for x in labels)
    actors = article.get("actors") or {}
    accused = max(actors.items(), key=lambda kv: (kv[1].get("negative", 0), kv[0]), default=None)
    accused_cell = (f'<td data-v="{esc(accused[0])}">{esc(accused[0])} ({accused[1]["negative"]})</td>'
                    if accused and accused[1].get("negative") else '<td data-v="">–</td>') if "actors" in article else ""
    return (f'<tr><td class="n" data-v="{n}">{n}</td><td class="t" data-v="{title}">{name}</td>'
            f'<td data-v="{esc(source_of(article))}">{esc(source_of(article))}</td>'
            f'<td class="n" data-v="{article["sentences"]}">{article["sentences"]}</td>{shares}{accused_cell}</tr>')


def _list_page(number: int, total_pages: int, rows: list[str], labels: list[str], stance: bool, style: str) -> str:
    heads = ["#", "article", "source", "sentences", *[f"{x} share" for x in labels]] + (["most accused"] if stance else [])
    nav = ['<a href="../report.html">overview</a>']
    if number > 1:
        nav.append(f'<a href="list-{number - 1:04d}.html">previous</a>')
    if number < total_pages:
        nav.append(f'<a href="list-{number + 1:04d}.html">next</a>')
    head = "".join(f'<th class="sort">{esc(h)}</th>' for h in heads)
    return page(f"Articles, page {number}", style,
                f'<nav class="top">{"".join(nav)}</nav><h1>Articles, page {number} of {total_pages}</h1>'
                '<p class="sub">Click a column to sort this page.</p>'
                f'<table class="list sortable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>',
                script=True)


def write_pages(folder: Path, rows, labels: list[str], style: str, legend: str, limit: int,
                summary_only: bool, total: int) -> PageIndex:
    """Article pages for the first `limit` articles, list pages for every article, and the index."""
    index = {label: i for i, label in enumerate([*labels, UNCERTAIN])}
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    found = PageIndex(top={x: [] for x in labels})
    sentences = None if summary_only else _grouped(rows.sentences())
    total_lists = max(1, -(-total // LIST_SIZE))
    batch: list[str] = []
    for n, article in enumerate(rows.articles()):
        aid = article["article"]
        if "actors" in article:
            found.sources[aid] = source_of(article)
        link = None
        if n < limit:
            link = article_page(n)
            found.pages[aid] = link
            body = _tops(article, index) if sentences is None else _body(_own(sentences, aid), index)
            nav = f'<a href="../../report.html">overview</a><a href="../list-{n // LIST_SIZE + 1:04d}.html">list</a>'
            (folder / link).write_text(_article_html(article, body, labels, style, legend, nav), encoding="utf-8")
        _keep_top(found.top, article, n, labels)
        batch.append(_list_row(n + 1, article, labels, f"{link}" if link else None))
        if len(batch) == LIST_SIZE:
            found.lists += 1
            _write_list(folder, found.lists, total_lists, batch, labels, "actors" in article, style)
            batch = []
    if batch:
        found.lists += 1
        _write_list(folder, found.lists, total_lists, batch, labels, bool(found.sources), style)
    for label in labels:
        found.top[label] = sorted(found.top[label], reverse=True)
    return found


def _write_list(folder: Path, number: int, total: int, batch: list[str], labels, stance: bool, style: str) -> None:
    (folder / f"list-{number:04d}.html").write_text(_list_page(number, total, batch, labels, stance, style),
                                                    encoding="utf-8")


def _own(sentences: Iterator[tuple[str, list[dict]]], aid: str) -> list[dict]:
    for key, group in sentences:
        if key == aid:
            return group
    return []


def _keep_top(top: dict[str, list], article: dict, n: int, labels: list[str]) -> None:
    """The TOP_ARTICLES articles (of at least TOP_MIN_SENTENCES sentences) with the highest share of each label."""
    if article["sentences"] < TOP_MIN_SENTENCES:
        return
    for label in labels:
        item = (article["shares"].get(label, 0.0), -n, article["article"], article["title"] or article["article"])
        heap = top[label]
        if len(heap) < TOP_ARTICLES:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
