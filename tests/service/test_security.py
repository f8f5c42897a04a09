"""framing.service.security: the optional API key, as a header or a bearer token."""
from __future__ import annotations

import os

from fastapi.testclient import TestClient

from framing.service.app import create_app
from framing.service.settings import ServiceSettings


def test_api_key(tiny_model, monkeypatch):
    monkeypatch.setenv("FRAMING_API_KEY", "s3cret-key")
    settings = ServiceSettings.from_sources(os.environ, model=tiny_model)
    assert settings.api_key == "s3cret-key" and "s3cret" not in repr(settings)
    with TestClient(create_app(settings)) as c:
        body = {"sentences": ["The court ruled."]}
        assert c.post("/v1/classify", json=body).status_code == 401
        r = c.post("/v1/classify", json=body, headers={"X-API-Key": "s3cret-kez"})
        assert r.status_code == 401 and "X-API-Key" in r.json()["detail"]
        assert c.get("/v1/labels", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert c.post("/v1/classify", json=body, headers={"X-API-Key": "s3cret-key"}).status_code == 200
        assert c.get("/v1/labels", headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
        assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200
