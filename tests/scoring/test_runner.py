"""framing.scoring.runner: whole runs over a messy folder, shards and reruns after changes."""
from __future__ import annotations

from framing.scoring import score_folder
from framing.scoring.decoding import UTF8_REPLACED
from framing.scoring.discovery import Shard
from framing.segment import segment

from scoring_helpers import ARTICLE, LABELS, _options, _rows, _write


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
