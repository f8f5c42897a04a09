"""Constants and helpers shared by the tests of framing.service (imported by name: tests/service is on sys.path)."""
from __future__ import annotations

from fastapi.testclient import TestClient

from framing.service.app import create_app
from framing.service.settings import ServiceSettings


LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]

ARTICLE = "Rebels seize town\n\nKHARTOUM (wire) — The army shelled the market. Aid stopped."


def _client(tiny_model, **overrides) -> TestClient:
    return TestClient(create_app(ServiceSettings(model=tiny_model, **overrides)))


def _metric(client: TestClient, name: str, **labels) -> float:
    value = client.app.state.metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value
