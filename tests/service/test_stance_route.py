"""POST /v1/stance: framing plus each named actor's stance; 404 without a stance model; unknown actors are 422."""
from __future__ import annotations

import pytest

from service_helpers import _client

TEXT = "Moscow blames Washington for the blockade. The UN appealed for calm."


@pytest.fixture(scope="module")
def stance_client(tiny_model, tiny_stance_model):
    with _client(tiny_model, stance_model=tiny_stance_model, max_sentences=5, max_chars=40) as c:
        yield c


def test_targets_with_offsets_into_the_text(stance_client):
    r = stance_client.post("/v1/stance", json={"text": TEXT})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stance_model"]["labels"] == ["negative", "neutral", "positive"]
    first, second = body["sentences"]
    assert [t["actor"] for t in first["targets"]] == ["Russia", "United States"]
    assert [t["actor"] for t in second["targets"]] == ["United Nations"]
    for sentence in body["sentences"]:
        for t in sentence["targets"]:
            assert TEXT[t["start"]:t["end"]] == t["mention"] and t["stance"] in t["probs"]
    assert set(body["actors"]) == {"Russia", "United States", "United Nations"}
    assert body["summary"]["sentences"] == 2


def test_actor_filter_and_unknown_actor(stance_client):
    r = stance_client.post("/v1/stance", json={"sentences": [TEXT], "actors": ["United States"]})
    assert [t["actor"] for t in r.json()["sentences"][0]["targets"]] == ["United States"]
    r = stance_client.post("/v1/stance", json={"text": TEXT, "actors": ["Atlantis"]})
    assert r.status_code == 422 and "Atlantis" in r.json()["message"]


def test_mentions_past_the_character_cap_are_not_scored(stance_client):
    long = "Aid convoys waited for days at the border crossing before Moscow spoke."
    r = stance_client.post("/v1/stance", json={"sentences": [long]})
    body = r.json()
    assert body["sentences"][0]["truncated"] and body["sentences"][0]["targets"] == []


def test_no_stance_model_is_404(tiny_model):
    with _client(tiny_model) as c:
        r = c.post("/v1/stance", json={"text": TEXT})
        assert r.status_code == 404 and "stance" in r.json()["detail"]
        assert c.post("/v1/classify", json={"text": TEXT}).status_code == 200
