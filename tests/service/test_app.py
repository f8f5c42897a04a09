"""framing.service.app: malformed JSON, unknown routes and methods, CORS."""
from __future__ import annotations

import pytest

from service_helpers import _client


@pytest.mark.parametrize("content, ctype, fragment", [
    (b'{"text": ', "application/json", "invalid JSON at character 9"),
    (b"\xff\xfe\x00", "application/json", "invalid JSON: the body is not UTF-8"),
    (b'{"text": "caf\xe9"}', "application/json", "not UTF-8"),
    (b'{"text": "hi"}', "text/plain", "Content-Type: application/json"),
])
def test_malformed_json_is_422(client, content, ctype, fragment):
    r = client.post("/v1/classify", content=content, headers={"content-type": ctype})
    assert r.status_code == 422 and fragment in r.json()["message"]


def test_unknown_route_and_method(client):
    assert client.get("/v2/nothing").status_code == 404
    assert client.delete("/v1/classify").status_code == 405


def test_cors_is_off_unless_an_origin_is_given(client, tiny_model):
    origin = {"Origin": "https://newsroom.example"}
    assert "access-control-allow-origin" not in client.get("/v1/labels", headers=origin).headers
    with _client(tiny_model, cors_origins=("https://newsroom.example",)) as c:
        r = c.options("/v1/classify", headers={**origin, "Access-Control-Request-Method": "POST"})
        assert r.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = c.get("/v1/labels", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
