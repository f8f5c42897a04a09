"""framing.service.schemas: invalid bodies are 422 naming the field, never a 500."""
from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("body, field", [
    ({"sentences": ["ok", 3]}, "sentences.1"),
    ({"sentences": "not a list"}, "sentences"),
    ({"text": 12}, "text"),
    ({"text": ""}, "text"),
    ({"text": "  \n "}, "text"),
    ({"sentences": []}, "sentences"),
    ({"sentences": ["fine", " "]}, "sentences.1"),
    ({"text": "\ud800 lone surrogate"}, "text"),
    ({}, "body"),
    ({"text": "a", "sentences": ["b"]}, "body"),
    ({"text": "a", "colour": "red"}, "colour"),
    ([1, 2], "body"),
])
def test_invalid_bodies_are_422_naming_the_field(client, body, field):
    r = client.post("/v1/classify", content=json.dumps(body), headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == field and field in r.json()["message"]


def test_batch_errors_name_the_document(client):
    r = client.post("/v1/classify/batch", json={"documents": [{"text": "Fine."}, {"sentences": [""]}]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "documents.1.sentences.0"
    assert client.post("/v1/classify/batch", json={"documents": []}).json()["detail"][0]["field"] == "documents"
