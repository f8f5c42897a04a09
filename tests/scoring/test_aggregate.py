"""framing.scoring.aggregate: sentence records and article summaries under --min-confidence."""
from __future__ import annotations

from framing.scoring import score_folder

from scoring_helpers import LABELS, _options, _rows


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
