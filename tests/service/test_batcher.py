"""framing.service.batcher: micro-batching through the app, and the batcher on its own."""
from __future__ import annotations

import asyncio
import threading
import time

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from framing.service.batcher import MicroBatcher, Overloaded, ShuttingDown

from service_helpers import _client, _metric


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
