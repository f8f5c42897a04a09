"""framing.scoring.reading: Markdown, front matter, headlines, JSON and JSON Lines records."""
from __future__ import annotations

import json

from framing.scoring.discovery import Entry
from framing.scoring.reading import Problem, SourceFile, front_matter, headline, markdown_text
from framing.segment import segment

from scoring_helpers import _write


def test_markdown_and_headline():
    assert markdown_text("# Title\n\nSome **bold** and [a link](http://x) and `code`.\n- item one\n") == \
        "Title\n\nSome bold and a link and code.\nitem one\n"
    assert headline("Rebels seize town\n\nBody text.") == "Rebels seize town"
    assert headline("A full sentence opens this text.\nMore.") is None


SCRAPED_MD = """---
title: "Strikes hit Sanaa"
date: 2019-05-16
outlet: Example Wire
tags: [yemen]
---
# Strikes hit Sanaa

![Smoke over the city](https://img.example/1.jpg)

Air strikes hit the capital on Thursday, [officials](https://x.example/o) said.

Image copyright Reuters Image caption Smoke rose over the old city

## Related stories
- [Yemen talks stall](https://x.example/a)
- [Aid ship docks](https://x.example/b)

More: Saudi coalition rejects report
"""


def test_scraped_markdown_keeps_sentences_and_reads_front_matter(tmp_path):
    assert front_matter(SCRAPED_MD) == {"title": "Strikes hit Sanaa", "date": "2019-05-16", "outlet": "Example Wire"}
    assert front_matter("no front matter") == {} and front_matter("---\n: [bad\n---\nText") == {}
    body = markdown_text(SCRAPED_MD)
    assert [s.text for s in segment(body)] == ["Strikes hit Sanaa", "Air strikes hit the capital on Thursday, officials said."]
    (article,) = SourceFile(Entry("a.md", _write(tmp_path / "a.md", SCRAPED_MD)), 1 << 20).records()
    assert (article.title, article.date, article.outlet) == ("Strikes hit Sanaa", "2019-05-16", "Example Wire")


def test_json_records_name_item_and_field(tmp_path):
    path = _write(tmp_path / "a.json", json.dumps([{"text": "One."}, {"body": "x"}, {"text": 3}, "str"]))
    source = SourceFile(Entry("a.json", path), max_bytes=10_000)
    source.fingerprint()
    records = list(source.records())
    assert records[0].id == "a.json#1" and records[0].text == "One."
    problems = [(p.item, p.reason, p.field) for p in records[1:]]
    assert problems == [(2, "missing_field", "text"), (3, "invalid_record", "text"), (4, "invalid_record", None)]
    assert str(records[1]) == "a.json: item 2: no 'text' field"


def test_jsonl_resumes_after_a_line_and_limits_line_size(tmp_path):
    lines = [json.dumps({"text": f"Sentence number {i}."}) for i in range(1, 5)]
    lines.insert(2, json.dumps({"text": "x" * 500}))
    path = _write(tmp_path / "r.jsonl", "\n".join(lines) + "\n")
    source = SourceFile(Entry("r.jsonl", path), max_bytes=100)
    records = list(source.records(after=1))
    assert [r.line for r in records] == [2, 3, 4, 5]
    assert isinstance(records[1], Problem) and records[1].reason == "too_large"
    assert str(records[1]).startswith("r.jsonl:3:")


def test_bad_front_matter_is_named_and_the_article_still_read(tmp_path, caplog):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\n# Strikes hit Sanaa\n\nAir strikes hit the capital.\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="framing.scoring.reading"):
        (article,) = SourceFile(Entry("bad.md", path), 1 << 20).records()
    assert article.title == "Strikes hit Sanaa" and "Air strikes hit the capital." in article.text
    assert any(r.getMessage().startswith("bad.md:") and "front matter" in r.getMessage() for r in caplog.records)
