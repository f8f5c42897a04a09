"""The HTTP service: routes and their errors (TestClient), the micro-batcher, settings, and a real uvicorn process."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from framing.cli import main as cli_main
from framing.predict import FramingClassifier
from framing.service.app import create_app
from framing.service.batcher import MicroBatcher, Overloaded, ShuttingDown
from framing.service.settings import ServiceSettings

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]
ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "Rebels seize town\n\nKHARTOUM (wire) — The army shelled the market. Aid stopped."


def _client(tiny_model, **overrides) -> TestClient:
    return TestClient(create_app(ServiceSettings(model=tiny_model, **overrides)))


@pytest.fixture(scope="module")
def client(tiny_model):
    with _client(tiny_model, max_sentences=5, max_chars=40, max_body_bytes=4000) as c:
        yield c


def _metric(client: TestClient, name: str, **labels) -> float:
    value = client.app.state.metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


# -- routes -------------------------------------------------------------------------------------


def test_health_ready_labels_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    body = client.get("/v1/labels").json()
    assert body["labels"] == LABELS and body["model"]["labels"] == LABELS
    assert len(body["model"]["version"]) == 12 and body["model"]["name"]
    assert client.get("/docs").status_code == 200
    assert "/v1/classify/batch" in client.get("/openapi.json").json()["paths"]


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


def test_classify_sentences_matches_the_library(client, tiny_model):
    items = ["The court ruled.", "Civilians fled the shelling.", "Aid stopped."]
    body = client.post("/v1/classify", json={"sentences": items}).json()
    expected = FramingClassifier.from_pretrained(tiny_model).predict(items)
    assert [s["text"] for s in body["sentences"]] == items
    for got, want in zip(body["sentences"], expected):
        assert (got["start"], got["end"]) == (0, len(want.text)) and got["label"] == want.label
        assert got["probs"] == pytest.approx(want.probs, abs=1e-5)


def test_batch_keeps_document_order_and_allows_empty_articles(client):
    docs = [{"text": "The court ruled. Aid stopped."}, {"text": "All news"}, {"sentences": ["Civilians fled."]}]
    body = client.post("/v1/classify/batch", json={"documents": docs}).json()
    assert [len(r["sentences"]) for r in body["results"]] == [2, 0, 1]
    assert body["results"][1]["summary"] == {"sentences": 0, "counts": dict.fromkeys(LABELS, 0),
                                             "shares": dict.fromkeys(LABELS, 0.0), "dominant": None}
    assert body["results"][2]["sentences"][0]["text"] == "Civilians fled."
    assert body["model"]["labels"] == LABELS


def test_long_sentence_is_truncated_and_says_so(client):
    long = "The shelling of the market " * 5
    body = client.post("/v1/classify", json={"sentences": [long, "Short."]}).json()
    assert [s["truncated"] for s in body["sentences"]] == [True, False]
    assert body["sentences"][0]["text"] == long  # the answer keeps the whole sentence and its offsets
    assert "40 characters" in body["warnings"][0]
    assert _metric(client, "framing_sentences_truncated_total") >= 1


def test_metrics_count_requests_sentences_and_batches(client):
    before = _metric(client, "framing_sentences_classified_total")
    client.post("/v1/classify", json={"sentences": ["One.", "Two."]})
    client.post("/v1/classify", json={"text": "   "})
    text = client.get("/metrics").text
    assert 'framing_http_requests_total{method="POST",route="/v1/classify",status="200"}' in text
    assert 'framing_http_requests_total{method="POST",route="/v1/classify",status="422"}' in text
    assert "framing_http_request_duration_seconds_bucket" in text and "framing_batch_sentences_bucket" in text
    assert _metric(client, "framing_sentences_classified_total") == before + 2


# -- client errors: never a 500 -----------------------------------------------------------------


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


@pytest.mark.parametrize("content, ctype, fragment", [
    (b'{"text": ', "application/json", "invalid JSON at character 9"),
    (b"\xff\xfe\x00", "application/json", "invalid JSON: the body is not UTF-8"),
    (b'{"text": "caf\xe9"}', "application/json", "not UTF-8"),
    (b'{"text": "hi"}', "text/plain", "Content-Type: application/json"),
])
def test_malformed_json_is_422(client, content, ctype, fragment):
    r = client.post("/v1/classify", content=content, headers={"content-type": ctype})
    assert r.status_code == 422 and fragment in r.json()["message"]


def test_sentence_limit_per_request(client):
    r = client.post("/v1/classify", json={"sentences": [f"Sentence {i}." for i in range(6)]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "sentences"
    assert "at most 5" in r.json()["message"]
    r = client.post("/v1/classify", json={"text": " ".join(f"Sentence number {i} is here." for i in range(6))})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "text"
    docs = [{"sentences": ["One.", "Two.", "Three."]}, {"sentences": ["Four.", "Five.", "Six."]}]
    r = client.post("/v1/classify/batch", json={"documents": docs})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "documents"


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


def test_unknown_route_and_method(client):
    assert client.get("/v2/nothing").status_code == 404
    assert client.delete("/v1/classify").status_code == 405


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


def test_cors_is_off_unless_an_origin_is_given(client, tiny_model):
    origin = {"Origin": "https://newsroom.example"}
    assert "access-control-allow-origin" not in client.get("/v1/labels", headers=origin).headers
    with _client(tiny_model, cors_origins=("https://newsroom.example",)) as c:
        r = c.options("/v1/classify", headers={**origin, "Access-Control-Request-Method": "POST"})
        assert r.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = c.get("/v1/labels", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


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


def test_not_ready_before_startup(tiny_model):
    c = _client(tiny_model)  # not entered: the lifespan has not loaded the model
    assert c.get("/readyz").status_code == 503
    assert c.post("/v1/classify", json={"text": "Aid stopped."}).status_code == 503


# -- micro-batching -----------------------------------------------------------------------------


def _concurrent_posts(c: TestClient, n: int) -> list[httpx.Response]:
    responses: list = [None] * n
    barrier = threading.Barrier(n)

    def post(i: int) -> None:
        barrier.wait()
        responses[i] = c.post("/v1/classify", json={"sentences": [f"Civilians fled town {i}.", "Aid stopped."]})

    threads = [threading.Thread(target=post, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return responses


def test_concurrent_requests_share_model_calls(tiny_model):
    with _client(tiny_model, max_wait_ms=300, max_batch=64) as c:
        responses = _concurrent_posts(c, 8)
        assert all(r.status_code == 200 for r in responses)
        # every request got its own sentences back, not a neighbour's
        assert [r.json()["sentences"][0]["text"] for r in responses] == [f"Civilians fled town {i}." for i in range(8)]
        calls = _metric(c, "framing_batch_requests_count")
        assert _metric(c, "framing_batch_requests_sum") == 8 and calls < 8
        assert _metric(c, "framing_batch_sentences_sum") == 16
        assert _metric(c, "framing_batch_requests_bucket", le="1.0") < calls  # at least one call merged requests


def test_no_batching_gives_one_call_per_request(tiny_model):
    with _client(tiny_model, max_wait_ms=300, batching=False) as c:
        assert all(r.status_code == 200 for r in _concurrent_posts(c, 6))
        assert _metric(c, "framing_batch_requests_count") == 6 and _metric(c, "framing_batch_requests_sum") == 6


def _echo(sentences):
    """Row i identifies sentence i, so a test can see which answer went where."""
    return np.array([[float(s.split()[-1]), 0.0] for s in sentences])


def test_batcher_merges_splits_and_respects_max_batch():
    calls = []

    def predict(sentences):
        calls.append(len(sentences))
        return _echo(sentences)

    async def scenario():
        batcher = MicroBatcher(predict, max_batch=5, max_wait_s=0.05)
        await batcher.start()
        jobs = [[f"s {10 * r + i}" for i in range(n)] for r, n in enumerate([2, 2, 3, 7])]
        results = await asyncio.gather(*(batcher.submit(j) for j in jobs))
        await batcher.close()
        return jobs, results

    jobs, results = asyncio.run(scenario())
    for job, rows in zip(jobs, results):
        assert rows[:, 0].tolist() == [float(s.split()[-1]) for s in job]
    # 2+2 fit in 5, 3 would not; the 7-sentence request is never split and goes alone
    assert calls == [4, 3, 7]


def test_batcher_skips_abandoned_requests_and_drains_on_close():
    seen = []

    def predict(sentences):
        time.sleep(0.05)
        seen.extend(sentences)
        return _echo(sentences)

    async def scenario():
        batcher = MicroBatcher(predict, max_batch=1, max_wait_s=0.0, max_queue=3)
        await batcher.start()
        first = asyncio.create_task(batcher.submit(["a 1"]))
        abandoned = asyncio.create_task(batcher.submit(["b 2"]))
        queued = asyncio.create_task(batcher.submit(["c 3"]))
        await asyncio.sleep(0.01)
        with pytest.raises(Overloaded):
            await batcher.submit(["d 4"])
        abandoned.cancel()
        await batcher.close()  # answers what is queued before returning
        with pytest.raises(ShuttingDown):
            await batcher.submit(["e 5"])
        return (await first)[0, 0], (await queued)[0, 0], batcher.pending

    assert asyncio.run(scenario()) == (1.0, 3.0, 0)
    assert seen == ["a 1", "c 3"]


def test_batcher_passes_model_errors_to_the_requests_and_keeps_going():
    def predict(sentences):
        if "boom" in sentences:
            raise RuntimeError("model failed")
        return _echo(sentences)

    async def scenario():
        batcher = MicroBatcher(predict, max_batch=8, max_wait_s=0.0)
        await batcher.start()
        with pytest.raises(RuntimeError, match="model failed"):
            await batcher.submit(["boom"])
        rows = await batcher.submit(["ok 7"])
        await batcher.close()
        return rows[0, 0]

    assert asyncio.run(scenario()) == 7.0


# -- settings and the command -------------------------------------------------------------------


def test_settings_env_then_cli(tmp_path):
    env = {"FRAMING_MAX_BATCH": "16", "FRAMING_BATCHING": "false", "FRAMING_CORS_ORIGINS": "https://a.example, https://b.example",
           "FRAMING_MODEL": str(tmp_path)}
    s = ServiceSettings.from_sources(env, max_batch=None, port=9000)
    assert (s.max_batch, s.batching, s.port, s.model) == (16, False, 9000, tmp_path)
    assert s.cors_origins == ("https://a.example", "https://b.example")
    assert ServiceSettings.from_sources(env, max_batch=4).max_batch == 4
    with pytest.raises(ValueError, match="FRAMING_MAX_BATCH: expected an integer, got 'many'"):
        ServiceSettings.from_sources({"FRAMING_MAX_BATCH": "many"})
    with pytest.raises(ValueError, match="max_batch: must be at least 1, got 0"):
        ServiceSettings(max_batch=0)
    with pytest.raises(ValueError, match="backend"):
        ServiceSettings(backend="tpu")
    with pytest.raises(ValueError, match="max_queue"):
        ServiceSettings(max_queue=10, max_sentences=20)


def test_serve_command_rejects_a_missing_model(tmp_path, capsys):
    assert cli_main(["serve", "--model", str(tmp_path / "nothing")]) == 2
    assert "not a model folder" in capsys.readouterr().err


# -- a real server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_server_finishes_in_flight_request_on_sigterm(tiny_model, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("FRAMING_API_KEY", None)
    # a long gathering window keeps the request in flight long enough to signal the server meanwhile
    cmd = [sys.executable, "-m", "framing.cli", "serve", "--model", str(tiny_model), "--host", "127.0.0.1",
           "--port", str(port), "--max-wait-ms", "1500"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        with httpx.Client(base_url=base, timeout=10, trust_env=False) as http:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, log_path.read_text()
                try:
                    if http.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server did not become ready:\n" + log_path.read_text()
                time.sleep(0.1)

            answer = {}
            worker = threading.Thread(target=lambda: answer.update(
                r=httpx.post(base + "/v1/classify", json={"text": ARTICLE}, timeout=30, trust_env=False)))
            worker.start()
            # wait until the classify request is in flight (the /metrics request itself is the other one)
            while http.get("/metrics").text.count("\nframing_http_requests_in_progress 2.0") == 0:
                assert worker.is_alive(), "request finished before SIGTERM could be sent"
                time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        worker.join(timeout=30)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = log_path.read_text()
    assert answer["r"].status_code == 200, log
    assert len(answer["r"].json()["sentences"]) == 3
    # uvicorn re-raises the signal after a clean shutdown, so the exit status is "terminated by SIGTERM"
    assert code in (0, -signal.SIGTERM), log
    assert "Application shutdown complete" in log and "Traceback" not in log
