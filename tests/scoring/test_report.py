"""framing.scoring.report: an overview page plus small linked pages, nothing fetched, every link resolving."""
from __future__ import annotations

import re
from pathlib import Path

from framing.scoring import score_folder

from scoring_helpers import _options

EXTERNAL = ("src=", "@import", "url(", "<link", "http://", "https://", "fetch(")


def _pages(out: Path) -> list[Path]:
    return [out / "report.html", *sorted((out / "report").rglob("*.html"))]


def _assert_links_resolve(out: Path) -> None:
    for page in _pages(out):
        text = page.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        for external in EXTERNAL:
            assert external not in text, f"{page}: {external}"
        for link in re.findall(r'href="([^"]+)"', text):
            assert (page.parent / link).resolve().is_file(), f"{page}: broken link {link}"


def test_overview_article_pages_and_lists(messy_folder, tmp_path, tiny_model, clf):
    out = tmp_path / "out"
    score_folder(_options(messy_folder, out, tiny_model), classifier=clf)
    overview = (out / "report.html").read_text(encoding="utf-8")
    assert overview.count("<svg") == 2 and "Skipped (7)" in overview
    assert len(list((out / "report" / "articles").glob("a*.html"))) == 11
    listing = (out / "report" / "list-0001.html").read_text(encoding="utf-8")
    assert listing.count("<tr><td") == 11 and 'class="list sortable"' in listing
    article = (out / "report" / "articles" / "a000000.html").read_text(encoding="utf-8")
    assert 'class="s c' in article and 'title="' in article
    _assert_links_resolve(out)


def test_limit_gives_pages_to_the_first_articles_and_lists_all(messy_folder, tmp_path, tiny_model, clf):
    out = tmp_path / "limited"
    score_folder(_options(messy_folder, out, tiny_model, report_limit=2), classifier=clf)
    assert len(list((out / "report" / "articles").glob("*.html"))) == 2
    assert "The first 2 of 11 articles have a page" in (out / "report.html").read_text(encoding="utf-8")
    assert (out / "report" / "list-0001.html").read_text(encoding="utf-8").count("<tr><td") == 11
    _assert_links_resolve(out)


def test_a_second_run_replaces_the_pages(messy_folder, tmp_path, tiny_model, clf):
    out = tmp_path / "again"
    score_folder(_options(messy_folder, out, tiny_model), classifier=clf)
    (out / "report" / "articles" / "stale.html").write_text("old", encoding="utf-8")
    score_folder(_options(messy_folder, out, tiny_model, report_limit=1), classifier=clf)
    assert [p.name for p in (out / "report" / "articles").iterdir()] == ["a000000.html"]
