"""framing.service.metrics: request, sentence and batch counters at /metrics."""
from __future__ import annotations

from service_helpers import _metric


def test_metrics_count_requests_sentences_and_batches(client):
    before = _metric(client, "framing_sentences_classified_total")
    client.post("/v1/classify", json={"sentences": ["One.", "Two."]})
    client.post("/v1/classify", json={"text": "   "})
    text = client.get("/metrics").text
    assert 'framing_http_requests_total{method="POST",route="/v1/classify",status="200"}' in text
    assert 'framing_http_requests_total{method="POST",route="/v1/classify",status="422"}' in text
    assert "framing_http_request_duration_seconds_bucket" in text and "framing_batch_sentences_bucket" in text
    assert _metric(client, "framing_sentences_classified_total") == before + 2
