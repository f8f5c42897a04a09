"""framing.service.engine: answers match the library, the sentence limit, the request timeout."""
from __future__ import annotations

import time

import pytest

from framing.predict import FramingClassifier

from service_helpers import _client, _metric


def test_classify_sentences_matches_the_library(client, tiny_model):
    items = ["The court ruled.", "Civilians fled the shelling.", "Aid stopped."]
    body = client.post("/v1/classify", json={"sentences": items}).json()
    expected = FramingClassifier.from_pretrained(tiny_model).predict(items)
    assert [s["text"] for s in body["sentences"]] == items
    for got, want in zip(body["sentences"], expected):
        assert (got["start"], got["end"]) == (0, len(want.text)) and got["label"] == want.label
        assert got["probs"] == pytest.approx(want.probs, abs=1e-5)


def test_sentence_limit_per_request(client):
    r = client.post("/v1/classify", json={"sentences": [f"Sentence {i}." for i in range(6)]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "sentences"
    assert "at most 5" in r.json()["message"]
    r = client.post("/v1/classify", json={"text": " ".join(f"Sentence number {i} is here." for i in range(6))})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "text"
    docs = [{"sentences": ["One.", "Two.", "Three."]}, {"sentences": ["Four.", "Five.", "Six."]}]
    r = client.post("/v1/classify/batch", json={"documents": docs})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "documents"


def test_slow_model_gives_504_and_the_server_recovers(tiny_model, monkeypatch):
    original = FramingClassifier.predict_proba
    delay = {"s": 0.0}

    def slow(self, sentences, pairs=None):
        time.sleep(delay["s"])
        return original(self, sentences, pairs)

    monkeypatch.setattr(FramingClassifier, "predict_proba", slow)
    # the timeout leaves the recovery request room on a loaded machine; the slow call is well past it
    with _client(tiny_model, request_timeout_s=1.5) as c:
        delay["s"] = 4.0
        r = c.post("/v1/classify", json={"sentences": ["The court ruled."]})
        assert r.status_code == 504 and "1.5 s" in r.json()["detail"]
        delay["s"] = 0.0
        deadline = time.monotonic() + 10
        while _metric(c, "framing_queue_sentences") and time.monotonic() < deadline:  # the slow call runs out
            time.sleep(0.05)
        assert c.post("/v1/classify", json={"sentences": ["Aid stopped."]}).status_code == 200
