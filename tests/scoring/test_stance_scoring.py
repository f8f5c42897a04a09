"""`framing score --stance` and `--group-by`: targets in the tables, actor tables, groups, the report's views."""
from __future__ import annotations

import csv
import json
import re

import pytest

from framing.cli import main
from framing.scoring import score_folder
from framing.stance import StanceClassifier

from scoring_helpers import _options, _rows, _write

RECORDS = [
    {"title": "Moscow blames Washington", "outlet": "TASS", "date": "2024-03-02",
     "text": "Moscow blames Washington for the blockade. The Kremlin said Russian forces acted lawfully."},
    {"title": "UN appeals", "outlet": "Reuters", "date": "2024-04-11",
     "text": "The UN appealed for a ceasefire. Hamas and Israel traded accusations over the strike."},
    {"title": "Talks", "outlet": "Reuters", "text": "Iran's foreign minister met his Turkish counterpart in Ankara."},
]


@pytest.fixture
def feeds(tmp_path):
    root = tmp_path / "feeds"
    _write(root / "wire" / "a.jsonl", "".join(json.dumps(r) + "\n" for r in RECORDS[:2]))
    _write(root / "b.jsonl", json.dumps(RECORDS[2]) + "\n{broken\n")
    return root


@pytest.fixture(scope="module")
def stance(tiny_stance_model):
    return StanceClassifier.from_pretrained(tiny_stance_model)


def test_targets_actor_tables_and_matrix(feeds, tmp_path, tiny_model, tiny_stance_model, clf, stance):
    out = tmp_path / "out"
    summary = score_folder(_options(feeds, out, tiny_model, stance=tiny_stance_model), classifier=clf, stance=stance)
    sentences = [s for s in _rows(out / "sentences.jsonl") if s["article"] == "wire/a.jsonl:1"]
    assert [(t["actor"], t["mention"]) for t in sentences[0]["targets"]] == [("Russia", "Moscow"),
                                                                            ("United States", "Washington")]
    text = RECORDS[0]["text"]
    assert all(text[t["start"]:t["end"]] == t["mention"] for s in sentences for t in s["targets"])
    articles = _rows(out / "articles.jsonl")
    tass = next(a for a in articles if a["outlet"] == "TASS")
    assert set(tass["actors"]) == {"Russia", "United States"} and sum(tass["actors"]["Russia"].values()) == 2
    assert summary.errors == 1 and summary.actors["Russia"] == tass["actors"]["Russia"]
    with open(out / "actors_by_group.csv", encoding="utf-8") as f:
        groups = list(csv.DictReader(f))
    assert {(g["group"], g["actor"]) for g in groups} >= {("TASS", "Russia"), ("Reuters", "Israel"), ("Reuters", "Iran")}
    with open(out / "actors_by_article.csv", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == sum(len(a["actors"]) for a in articles)
    overview = (out / "report.html").read_text(encoding="utf-8")
    assert "Who is accused, by whom" in overview and 'class="matrix"' in overview
    cells = re.findall(r'href="(report/cells/[^"]+)"', overview)
    assert cells and all((out / c).is_file() for c in cells)
    page = (out / "report" / "articles" / "a000001.html").read_text(encoding="utf-8")
    assert '<mark class="' in page and ">Moscow</mark>" in page


def test_group_by_date_counts_undated_and_draws_the_timeline(feeds, tmp_path, tiny_model, tiny_stance_model, clf,
                                                              stance):
    out = tmp_path / "dated"
    score_folder(_options(feeds, out, tiny_model, stance=tiny_stance_model, group_by="date"), classifier=clf,
                 stance=stance)
    assert [a["group"] for a in _rows(out / "articles.jsonl")] == ["undated", "2024-03", "2024-04"]
    with open(out / "groups.csv", encoding="utf-8") as f:
        assert [r["group"] for r in csv.DictReader(f)] == ["2024-03", "2024-04", "undated"]
    overview = (out / "report.html").read_text(encoding="utf-8")
    assert "Framing over time" in overview and "1 undated article(s)" in overview and "By date" in overview


def test_group_by_folder_and_outlet_without_stance(feeds, tmp_path, tiny_model, clf):
    out = tmp_path / "folders"
    score_folder(_options(feeds, out, tiny_model, group_by="folder"), classifier=clf)
    assert [a["group"] for a in _rows(out / "articles.jsonl")] == ["(top folder)", "wire", "wire"]
    assert not (out / "actors_by_group.csv").exists() and (out / "groups.csv").exists()
    out = tmp_path / "outlets"
    score_folder(_options(feeds, out, tiny_model, group_by="outlet"), classifier=clf)
    assert [a["group"] for a in _rows(out / "articles.jsonl")] == ["Reuters", "TASS", "Reuters"]
    assert "targets" not in _rows(out / "sentences.jsonl")[0]


def test_cli_stance_with_an_actors_file_names_actors_never_mentioned(feeds, tmp_path, tiny_model, tiny_stance_model,
                                                                     capsys):
    actors = tmp_path / "actors.yaml"
    actors.write_text("- name: Russia\n  type: state\n  aliases: [Moscow, Kremlin]\n"
                      "- name: Atlantis\n  type: state\n", encoding="utf-8")
    out = tmp_path / "cli"
    code = main(["score", str(feeds), "--model", str(tiny_model), "--stance", str(tiny_stance_model),
                 "--actors", str(actors), "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and "stance: 2 mentions of 1 actors (" in printed
    assert "never mentioned (1 of the list): Atlantis" in printed
    assert {t["actor"] for s in _rows(out / "sentences.jsonl") for t in s.get("targets", [])} == {"Russia"}


def test_cli_refuses_a_bad_actors_file_naming_its_line(feeds, tmp_path, tiny_model, tiny_stance_model, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- name: Russia\n  type: state\n  aliases: Moscow\n", encoding="utf-8")
    code = main(["score", str(feeds), "--model", str(tiny_model), "--stance", str(tiny_stance_model),
                 "--actors", str(bad), "--out", str(tmp_path / "bad-out")])
    assert code == 2 and re.search(r"bad\.yaml:3", capsys.readouterr().err)
    assert main(["score", str(feeds), "--model", str(tiny_model), "--actors", str(bad),
                 "--out", str(tmp_path / "x")]) == 2
    assert "--actors: only with --stance" in capsys.readouterr().err


def test_a_folder_scored_without_stance_is_not_mixed_with_stance_results(feeds, tmp_path, tiny_model,
                                                                         tiny_stance_model, clf, stance):
    from framing.scoring.journal import JournalError

    out = tmp_path / "resume"
    score_folder(_options(feeds, out, tiny_model), classifier=clf)
    with pytest.raises(JournalError, match=r"other settings \(actors: None -> '[0-9a-f]{16}', stance: None"):
        score_folder(_options(feeds, out, tiny_model, stance=tiny_stance_model), classifier=clf, stance=stance)


def test_the_stance_line_counts_mentions_by_stance_and_ranks_actors():
    from framing.scoring.command import _stance_line

    line = _stance_line({"Russia": {"negative": 1, "neutral": 2, "positive": 3},
                         "Iran": {"negative": 4, "neutral": 0, "positive": 0},
                         "Hamas": {"negative": 1, "neutral": 0, "positive": 0}})
    assert line == ("stance: 11 mentions of 3 actors (6 negative, 2 neutral, 3 positive); "
                    "most often negative: Iran 4, Hamas 1, Russia 1; most often positive: Russia 3")
    assert _stance_line({"UN": {"negative": 0, "neutral": 2, "positive": 0}}).endswith(
        "most often negative: none; most often positive: none")


def test_matrix_counts_are_compact():
    from framing.scoring.report_stance import compact

    assert [compact(n) for n in (0, 999, 1000, 9949, 9950, 41533, 999_499, 999_500, 12_345_678)] == \
        ["0", "999", "1.0k", "9.9k", "10k", "42k", "999k", "1.0M", "12M"]
