"""Batch scoring (framing.scoring): reading odd files, the journal, resuming, shards, tables and the report."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from framing.predict import FramingClassifier
from framing.segment import segment
from framing.scoring import ScoreOptions, score_folder
from framing.scoring.decoding import UTF8_REPLACED, DecodeError, decode
from framing.scoring.discovery import Entry, Shard, compile_glob, walk
from framing.scoring.journal import STATE_DIR, Journal, JournalError
from framing.scoring.reading import Problem, SourceFile, front_matter, headline, markdown_text

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]

ARTICLE = ("Rebels shell the market in Kharkiv\n\n"
           "KHARKIV, March 3. Artillery hit the central market on Monday, killing at least nine civilians. "
           "Doctors at the city hospital said they had run out of blood for transfusions.\n\n"
           "The government said the attack violated the ceasefire agreed in Minsk. "
           "The court in The Hague will consider the case next month.\n")
HTML = """<!DOCTYPE html><html><head><title>Aid convoy blocked | Daily Wire</title>
<script>var tracking = "SCRIPT-TEXT-SHOULD-NOT-APPEAR"; function f() { return 1; }</script>
<style>body { color: red }</style></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World NAVIGATION-LINK</a></li></ul></nav>
<article><h1>Aid convoy blocked at the border</h1>
<p>The convoy carrying food and medicine waited for three days at the crossing, officials said on Tuesday.</p>
<p>Doctors in the besieged town reported shortages of insulin and antibiotics for the wounded.</p>
<p>The army said the road was closed because of fighting near the border post.</p></article>
<footer>Copyright 2024 Daily Wire. All rights reserved. FOOTER-BOILERPLATE</footer></body></html>"""


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.fixture
def messy_folder(tmp_path) -> Path:
    """Good and bad files side by side, in nested folders, with a symlink loop."""
    root = tmp_path / "corpus"
    _write(root / "news" / "plain.txt", ARTICLE)
    _write(root / "news" / "deep" / "deeper" / "story.md",
           "# Ceasefire talks resume\n\nNegotiators **met** in [Geneva](https://example.org) on Friday. "
           "The talks focus on the *exchange of prisoners*.\n")
    _write(root / "web" / "page.html", HTML)
    _write(root / "enc" / "bom.txt", b"\xef\xbb\xbf" + "Civilians fled the shelling overnight.".encode())
    _write(root / "enc" / "cp1252.txt", "The caf\u00e9 owner said \u201cwe have no bread\u201d \u2014 the "
                                         "siege had lasted a month.".encode("cp1252"))
    _write(root / "enc" / "utf16.txt", "The tribunal ruled that the detentions broke the convention.".encode("utf-16"))
    _write(root / "enc" / "invalid_utf8.txt", "Na\u00efve reporting, said the caf\u00e9 owner.".encode() + b" \xff\xfe"
           b"\x80 Aid reached the town.")
    _write(root / "bad" / "empty.txt", b"")
    _write(root / "bad" / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    _write(root / "bad" / "garbage.txt", bytes(range(128, 256)) * 4)
    _write(root / "bad" / "big.txt", ("Aid convoys waited at the border for days. " * 120_000)[:5_000_000])
    _write(root / "feeds" / "records.jsonl",
           json.dumps({"title": "Troops advance", "text": "Troops advanced on the city. Residents fled south."})
           + "\n{this line is broken\n"
           + json.dumps({"body": "no text field here"}) + "\n\n"
           + json.dumps({"text": "The court heard the case on Monday."}) + "\n")
    _write(root / "feeds" / "list.json", json.dumps([{"text": "Shelling resumed at dawn."},
                                                     {"text": "Aid workers were evacuated."}]))
    _write(root / "ignored.png", b"\x89PNG")
    os.symlink("..", root / "news" / "deep" / "loop")
    return root


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """The tiny model's matmuls are too small to split; on a busy machine two threads wait on each other."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def clf(tiny_model):
    return FramingClassifier.from_pretrained(tiny_model)


def _options(root: Path, out: Path, model: Path, **kw) -> ScoreOptions:
    kw.setdefault("max_bytes", 1_000_000)
    kw.setdefault("progress", False)
    return ScoreOptions(root=root, out=out, model=model, **kw)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("sentences.jsonl", "articles.jsonl", "errors.jsonl",
                                                           "report.html")}


# -- decoding ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, encoding", [
    ("plain ascii and caf\u00e9".encode(), "utf-8"),
    (b"\xef\xbb\xbf" + "with a BOM".encode(), "utf-8-sig"),
    ("UTF-16 with a BOM".encode("utf-16"), "utf-16-le"),
    ("UTF-16 big-endian with a BOM".encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16-be"),
    ("UTF-16 without a BOM, plain English".encode("utf-16-le"), "utf-16-le"),
    ("Se\u00f1or Mu\u00f1oz said the fa\u00e7ade and the caf\u00e9 were damaged.".encode("cp1252"), "cp1252"),
    ("\u041c\u043e\u0441\u043a\u0432\u0430 \u0437\u0430\u044f\u0432\u0438\u043b\u0430 \u043e "
     "\u043f\u0440\u0435\u043a\u0440\u0430\u0449\u0435\u043d\u0438\u0438 \u043e\u0433\u043d\u044f "
     "\u0432 \u0440\u0435\u0433\u0438\u043e\u043d\u0435.".encode("cp1251"), "cp1251"),
])
def test_decode_detects_encodings(data, encoding):
    text, found = decode(data)
    assert found == encoding
    assert "\ufeff" not in text and text.strip()


def test_decode_keeps_mostly_utf8_text_with_replacements():
    text, encoding = decode("na\u00efve caf\u00e9 r\u00e9sum\u00e9".encode() + b" \xff tail")
    assert encoding == UTF8_REPLACED and text.startswith("na\u00efve caf\u00e9") and "\ufffd" in text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"  \n\t ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + bytes(range(256)), "binary"),
    (bytes(range(128, 256)) * 3, "undecodable"),
])
def test_decode_refuses_non_text(data, reason):
    with pytest.raises(DecodeError) as info:
        decode(data)
    assert info.value.reason == reason


# -- discovery and reading ----------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, path, hit", [
    ("*.txt", "a.txt", True), ("*.txt", "x/y/a.txt", True), ("*.txt", "a.md", False),
    ("news/**/*.html", "news/a.html", True), ("news/**/*.html", "news/2024/05/a.html", True),
    ("news/*.html", "news/2024/a.html", False), ("**", "any/thing.bin", True), ("[ab]?.md", "d/b1.md", True),
])
def test_glob(pattern, path, hit):
    assert (compile_glob(pattern).match(path) is not None) is hit


@pytest.mark.parametrize("spec", ["", "1", "4/4", "-1/3", "a/b", "1/0"])
def test_bad_shard_spec_is_a_clear_error(spec):
    with pytest.raises(ValueError, match="--shard"):
        Shard.parse(spec)


def test_walk_is_sorted_skips_hidden_and_reports_loops(messy_folder):
    (messy_folder / ".hidden").mkdir()
    _write(messy_folder / ".hidden" / "secret.txt", "not me")
    entries = list(walk(messy_folder))
    rels = [e.rel for e in entries]
    assert rels == sorted(rels, key=lambda r: r.split("/"))
    assert "ignored.png" not in rels and not any(".hidden" in r for r in rels)
    loops = [e for e in entries if e.error]
    assert [(e.rel, e.error[0]) for e in loops] == [("news/deep/loop", "symlink_loop")]


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


# -- a whole run --------------------------------------------------------------------------------------

def test_messy_folder_scores_good_files_and_records_bad_ones(messy_folder, tmp_path, tiny_model, clf):
    out = tmp_path / "out"
    summary = score_folder(_options(messy_folder, out, tiny_model), classifier=clf)

    articles = {a["article"]: a for a in _rows(out / "articles.jsonl")}
    assert set(articles) == {
        "enc/bom.txt", "enc/cp1252.txt", "enc/invalid_utf8.txt", "enc/utf16.txt", "feeds/list.json#1",
        "feeds/list.json#2", "feeds/records.jsonl:1", "feeds/records.jsonl:5", "news/deep/deeper/story.md",
        "news/plain.txt", "web/page.html"}
    assert articles["enc/cp1252.txt"]["encoding"] == "cp1252"
    assert articles["enc/utf16.txt"]["encoding"] == "utf-16-le"
    assert articles["enc/bom.txt"]["encoding"] == "utf-8-sig"
    assert articles["enc/invalid_utf8.txt"]["encoding"] == UTF8_REPLACED
    assert articles["feeds/records.jsonl:1"]["title"] == "Troops advance"
    assert articles["news/plain.txt"]["title"] == "Rebels shell the market in Kharkiv"
    assert articles["news/deep/deeper/story.md"]["title"] == "Ceasefire talks resume"
    assert articles["web/page.html"]["title"] == "Aid convoy blocked at the border"

    errors = {(e["file"], e["line"]): e for e in _rows(out / "errors.jsonl")}
    assert {k: e["reason"] for k, e in errors.items()} == {
        ("bad/binary.txt", None): "binary", ("bad/big.txt", None): "too_large", ("bad/empty.txt", None): "empty",
        ("bad/garbage.txt", None): "undecodable", ("feeds/records.jsonl", 2): "invalid_json",
        ("feeds/records.jsonl", 3): "missing_field", ("news/deep/loop", None): "symlink_loop"}
    assert errors[("feeds/records.jsonl", 2)]["message"].startswith("feeds/records.jsonl:2: invalid JSON")
    assert errors[("feeds/records.jsonl", 3)]["field"] == "text"

    sentences = _rows(out / "sentences.jsonl")
    html_text = " ".join(s["text"] for s in sentences if s["article"] == "web/page.html")
    assert "insulin" in html_text
    for junk in ("SCRIPT-TEXT", "NAVIGATION-LINK", "FOOTER-BOILERPLATE", "color: red"):
        assert junk not in html_text
    plain = ARTICLE
    for s in (s for s in sentences if s["article"] == "news/plain.txt"):
        assert plain[s["start"]:s["end"]] == s["text"]
        assert set(s["probs"]) == set(LABELS) and s["label"] == s["top_label"] == max(s["probs"], key=s["probs"].get)
    n_plain = len(segment(ARTICLE))
    assert [s["sentence"] for s in sentences if s["article"] == "news/plain.txt"] == list(range(n_plain))

    assert summary.articles == 11 and summary.errors == 7 and summary.sentences == len(sentences)
    assert summary.error_reasons["symlink_loop"] == 1
    assert summary.files == 14  # 13 files with a known suffix, and the loop; ignored.png is not one
    counts = articles["news/plain.txt"]["counts"]
    assert sum(counts.values()) == articles["news/plain.txt"]["sentences"] == n_plain
    assert articles["news/plain.txt"]["dominant"] in LABELS


def test_min_confidence_marks_uncertain_and_keeps_probabilities(messy_folder, tmp_path, tiny_model, clf):
    out = tmp_path / "out"
    score_folder(_options(messy_folder, out, tiny_model, min_confidence=0.9), classifier=clf)
    sentences = _rows(out / "sentences.jsonl")
    # the random tiny model is never 90% sure
    assert {s["label"] for s in sentences} == {"uncertain"}
    assert all(s["top_label"] in LABELS and len(s["probs"]) == 4 and s["score"] < 0.9 for s in sentences)
    articles = _rows(out / "articles.jsonl")
    assert {a["dominant"] for a in articles} == {"uncertain"}
    assert all(a["counts"]["uncertain"] == a["sentences"] and a["shares"]["uncertain"] == 1.0 for a in articles)


class Crash(Exception):
    pass


def test_crash_after_some_batches_resumes_to_identical_output(messy_folder, tmp_path, tiny_model, clf):
    reference = tmp_path / "reference"
    score_folder(_options(messy_folder, reference, tiny_model, batch_sentences=3), classifier=clf)

    out = tmp_path / "out"

    def crash(batch: int) -> None:
        if batch == 4:  # batch 4 is written but not committed when the run dies
            raise Crash

    with pytest.raises(Crash):
        score_folder(_options(messy_folder, out, tiny_model, batch_sentences=3), classifier=clf, on_batch=crash)
    state = sqlite3.connect(out / STATE_DIR / "state.sqlite")
    committed = state.execute("SELECT sentences FROM committed").fetchone()[0]
    done_before = state.execute("SELECT COUNT(*) FROM files WHERE status = 'done'").fetchone()[0]
    state.close()
    assert (out / STATE_DIR / "sentences.log").stat().st_size > committed  # an uncommitted tail to cut off
    assert not (out / "sentences.jsonl").exists()  # no half-written table
    assert 0 < done_before

    summary = score_folder(_options(messy_folder, out, tiny_model, batch_sentences=3), classifier=clf)
    assert summary.unchanged_files >= done_before - 1
    assert _tables(out) == _tables(reference)


def test_jsonl_interrupted_mid_file_resumes_without_loss_or_duplicates(tmp_path, tiny_model, clf):
    root = tmp_path / "feeds"
    _write(root / "big.jsonl", "".join(json.dumps({"text": f"Report {i}: aid reached the town. Troops left."}) + "\n"
                                       for i in range(40)))
    reference = tmp_path / "reference"
    score_folder(_options(root, reference, tiny_model, batch_sentences=10), classifier=clf)
    out = tmp_path / "out"
    with pytest.raises(Crash):
        score_folder(_options(root, out, tiny_model, batch_sentences=10), classifier=clf,
                     on_batch=lambda n: (_ for _ in ()).throw(Crash) if n == 3 else None)
    summary = score_folder(_options(root, out, tiny_model, batch_sentences=10), classifier=clf)
    assert summary.resumed_files == 1
    assert _tables(out) == _tables(reference)
    ids = [(s["article"], s["sentence"]) for s in _rows(out / "sentences.jsonl")]
    assert len(ids) == len(set(ids)) == 80


def test_sigkill_mid_run_then_rerun_gives_identical_output(tmp_path, tiny_model, clf):
    root = tmp_path / "corpus"
    for i in range(30):
        _write(root / f"f{i // 10}" / f"a{i:03d}.txt", f"Headline number {i}\n\n" + ARTICLE)
    args = dict(batch_sentences=6)
    reference = tmp_path / "reference"
    score_folder(_options(root, reference, tiny_model, **args), classifier=clf)

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "framing.cli", "score", str(root), "--model", str(tiny_model), "--out", str(out),
           "--batch-sentences", "6", "--max-bytes", "1000000"]
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    db = out / STATE_DIR / "state.sqlite"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(db) as state:
                        done = state.execute("SELECT COUNT(*) FROM files WHERE status = 'done'").fetchone()[0]
                except sqlite3.OperationalError:
                    done = 0
                if done >= 3:
                    break
            time.sleep(0.01)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    summary = score_folder(_options(root, out, tiny_model, **args), classifier=clf)
    assert 3 <= summary.unchanged_files < 30
    assert _tables(out) == _tables(reference)


def test_shards_cover_every_file_exactly_once(messy_folder, tmp_path, tiny_model, clf):
    whole = tmp_path / "whole"
    score_folder(_options(messy_folder, whole, tiny_model), classifier=clf)
    expected = {a["article"] for a in _rows(whole / "articles.jsonl")}
    expected_errors = {(e["file"], e["line"]) for e in _rows(whole / "errors.jsonl")}
    seen: list[str] = []
    seen_errors: list[tuple] = []
    files_per_shard = []
    for i in range(3):
        out = tmp_path / f"shard{i}"
        summary = score_folder(_options(messy_folder, out, tiny_model, shard=Shard(i, 3)), classifier=clf)
        files_per_shard.append(summary.files)
        seen += [a["article"] for a in _rows(out / "articles.jsonl")]
        seen_errors += [(e["file"], e["line"]) for e in _rows(out / "errors.jsonl")]
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    assert sorted(seen_errors) == sorted(expected_errors)
    assert sum(files_per_shard) == 14 and all(files_per_shard)


def test_changed_file_is_rescored_and_others_are_not(tmp_path, tiny_model, clf):
    root = tmp_path / "corpus"
    for name in ("a.txt", "b.txt", "c.txt"):
        _write(root / name, ARTICLE)
    out = tmp_path / "out"
    first = score_folder(_options(root, out, tiny_model), classifier=clf)
    assert first.scored_files == 3
    _write(root / "b.txt", "A new version of the story.\n\nThe tribunal ruled on Friday.")
    second = score_folder(_options(root, out, tiny_model), classifier=clf)
    assert (second.scored_files, second.unchanged_files, second.new_articles) == (1, 2, 1)
    sentences = _rows(out / "sentences.jsonl")
    assert [s["text"] for s in sentences if s["article"] == "b.txt"] == ["A new version of the story.",
                                                                         "The tribunal ruled on Friday."]
    assert [a["article"] for a in _rows(out / "articles.jsonl")] == ["a.txt", "b.txt", "c.txt"]
    (root / "c.txt").unlink()
    third = score_folder(_options(root, out, tiny_model), classifier=clf)
    assert third.scored_files == 0 and [a["article"] for a in _rows(out / "articles.jsonl")] == ["a.txt", "b.txt"]


def test_summary_only_and_extra_formats(messy_folder, tmp_path, tiny_model, clf):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    score_folder(_options(messy_folder, out, tiny_model, summary_only=True, formats=("csv", "parquet")),
                 classifier=clf)
    assert not (out / "sentences.jsonl").exists() and not (out / "sentences.csv").exists()
    articles = _rows(out / "articles.jsonl")
    table = pq.read_table(out / "articles.parquet")
    assert table.num_rows == len(articles)
    assert {"count_accusatory", "share_uncertain", "top_background_text", "dominant"} <= set(table.column_names)
    assert pacsv.read_csv(out / "errors.csv").num_rows == len(_rows(out / "errors.jsonl"))
    assert "most confident sentence" in (out / "report.html").read_text(encoding="utf-8")

    full = tmp_path / "full"
    score_folder(_options(messy_folder, full, tiny_model, formats=("parquet",)), classifier=clf)
    sentences = pq.read_table(full / "sentences.parquet")
    assert sentences.num_rows == len(_rows(full / "sentences.jsonl"))
    assert {f"p_{x}" for x in LABELS} <= set(sentences.column_names)


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


def test_other_settings_in_the_same_outdir_are_refused(tmp_path, tiny_model, clf):
    root = tmp_path / "corpus"
    _write(root / "a.txt", ARTICLE)
    out = tmp_path / "out"
    score_folder(_options(root, out, tiny_model), classifier=clf)
    with pytest.raises(ValueError, match=r"min_confidence: 0.0 -> 0.5"):
        score_folder(_options(root, out, tiny_model, min_confidence=0.5), classifier=clf)
    # the refused run let go of the folder: the original settings still work
    assert score_folder(_options(root, out, tiny_model), classifier=clf).unchanged_files == 1


def test_second_writer_is_locked_out(tmp_path):
    with Journal(tmp_path, {"a": 1}):
        with pytest.raises(JournalError, match="another `framing score` run"):
            Journal(tmp_path, {"a": 1}).open()


def test_cli_score(messy_folder, tmp_path, tiny_model, capsys):
    from framing.cli import main

    out = tmp_path / "out"
    code = main(["score", str(messy_folder), "--model", str(tiny_model), "--out", str(out), "--max-bytes",
                 "1000000", "--glob", "feeds/*", "--format", "csv"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "2 files (2 read): 4 articles" in printed and "2 skipped" in printed
    assert (out / "articles.csv").exists()
    assert main(["score", str(messy_folder), "--model", str(tiny_model), "--out", str(out), "--shard", "3/2"]) == 2
