"""framing.service.limits: bodies over the size limit are 413, with or without Content-Length."""
from __future__ import annotations

from service_helpers import _metric


def test_body_over_the_limit_is_413(client):
    labels = {"route": "/v1/classify", "method": "POST", "status": "413"}
    before = _metric(client, "framing_http_requests_total", **labels)
    r = client.post("/v1/classify", json={"text": "word " * 1000})
    assert r.status_code == 413 and "4000 bytes" in r.json()["detail"]

    def chunks():  # no Content-Length: the cap is enforced while reading
        for _ in range(10):
            yield b" " * 1000

    r = client.post("/v1/classify", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert _metric(client, "framing_http_requests_total", **labels) == before + 2
