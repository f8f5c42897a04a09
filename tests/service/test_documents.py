"""framing.service.documents: offsets, probabilities, the summary and the character cap."""
from __future__ import annotations

import pytest

from service_helpers import ARTICLE, LABELS, _metric


def test_classify_article_gives_offsets_probs_and_summary(client):
    r = client.post("/v1/classify", json={"text": ARTICLE})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"]["labels"] == LABELS
    texts = [s["text"] for s in body["sentences"]]
    assert texts == ["Rebels seize town", "KHARTOUM (wire) — The army shelled the market.", "Aid stopped."]
    for s in body["sentences"]:
        assert ARTICLE[s["start"]:s["end"]] == s["text"]
        assert s["label"] == max(s["probs"], key=s["probs"].get) and s["score"] == pytest.approx(s["probs"][s["label"]])
        assert sum(s["probs"].values()) == pytest.approx(1.0, abs=1e-5)
    summary = body["summary"]
    assert summary["sentences"] == 3 and sum(summary["counts"].values()) == 3
    assert sum(summary["shares"].values()) == pytest.approx(1.0)
    assert summary["dominant"] == max(LABELS, key=lambda x: (summary["counts"][x], -LABELS.index(x)))


def test_long_sentence_is_truncated_and_says_so(client):
    long = "The shelling of the market " * 5
    body = client.post("/v1/classify", json={"sentences": [long, "Short."]}).json()
    assert [s["truncated"] for s in body["sentences"]] == [True, False]
    assert body["sentences"][0]["text"] == long  # the answer keeps the whole sentence and its offsets
    assert "40 characters" in body["warnings"][0]
    assert _metric(client, "framing_sentences_truncated_total") >= 1
