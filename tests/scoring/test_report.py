"""framing.scoring.report: report.html is self-contained and lists the articles."""
from __future__ import annotations

from framing.scoring import score_folder

from scoring_helpers import _options


def test_report_is_self_contained_and_shows_every_article(messy_folder, tmp_path, tiny_model, clf):
    out = tmp_path / "out"
    score_folder(_options(messy_folder, out, tiny_model), classifier=clf)
    page = (out / "report.html").read_text(encoding="utf-8")
    for external in ("src=", "href=", "@import", "url(", "<script", "<link"):
        assert external not in page
    assert page.count("<svg") == 2 and page.count('<details class="article"') == 11
    assert 'title="' in page and "Skipped (7)" in page
    limited = tmp_path / "limited"
    score_folder(_options(messy_folder, limited, tiny_model, report_limit=2), classifier=clf)
    page = (limited / "report.html").read_text(encoding="utf-8")
    assert page.count('<details class="article"') == 2 and "Showing the first 2 of 11 articles" in page
