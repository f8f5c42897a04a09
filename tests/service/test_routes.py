"""framing.service.routes: health, readiness, labels, docs and the batch route."""
from __future__ import annotations

from service_helpers import LABELS, _client


def test_health_ready_labels_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    body = client.get("/v1/labels").json()
    assert body["labels"] == LABELS and body["model"]["labels"] == LABELS
    assert len(body["model"]["version"]) == 12 and body["model"]["name"]
    assert client.get("/docs").status_code == 200
    assert "/v1/classify/batch" in client.get("/openapi.json").json()["paths"]


def test_batch_keeps_document_order_and_allows_empty_articles(client):
    docs = [{"text": "The court ruled. Aid stopped."}, {"text": "All news"}, {"sentences": ["Civilians fled."]}]
    body = client.post("/v1/classify/batch", json={"documents": docs}).json()
    assert [len(r["sentences"]) for r in body["results"]] == [2, 0, 1]
    assert body["results"][1]["summary"] == {"sentences": 0, "counts": dict.fromkeys(LABELS, 0),
                                             "shares": dict.fromkeys(LABELS, 0.0), "dominant": None}
    assert body["results"][2]["sentences"][0]["text"] == "Civilians fled."
    assert body["model"]["labels"] == LABELS


def test_not_ready_before_startup(tiny_model):
    c = _client(tiny_model)  # not entered: the lifespan has not loaded the model
    assert c.get("/readyz").status_code == 503
    assert c.post("/v1/classify", json={"text": "Aid stopped."}).status_code == 503
