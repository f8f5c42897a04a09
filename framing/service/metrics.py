"""Prometheus metrics for the service: HTTP traffic (an ASGI middleware) and model calls (the batcher's observer).

Each app gets its own CollectorRegistry so several apps in one process (tests) never share or clash on counters.
"""
from __future__ import annotations

import time
from typing import Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
UNMATCHED = "unmatched"  # one label for every unknown path, so scanners cannot blow up the label set


class ServiceMetrics:
    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter("framing_http_requests", "HTTP requests by route template, method and status code",
                                ["route", "method", "status"], registry=r)
        self.latency = Histogram("framing_http_request_duration_seconds", "Time from request to response, by route",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=r)
        self.in_progress = Gauge("framing_http_requests_in_progress", "Requests being handled", registry=r)
        self.sentences = Counter("framing_sentences_classified", "Sentences classified by the model", registry=r)
        self.truncated = Counter("framing_sentences_truncated", "Sentences cut to the character cap before classifying",
                                 registry=r)
        self.batch_sentences = Histogram("framing_batch_sentences", "Sentences per model call", buckets=BATCH_BUCKETS,
                                         registry=r)
        self.batch_requests = Histogram("framing_batch_requests", "Requests merged into one model call",
                                        buckets=BATCH_BUCKETS, registry=r)
        self.model_seconds = Histogram("framing_model_call_seconds", "Time spent in one model call",
                                       buckets=LATENCY_BUCKETS, registry=r)
        self.queue = Gauge("framing_queue_sentences", "Sentences accepted and not yet answered", registry=r)

    def observe_batch(self, requests: int, sentences: int, seconds: float) -> None:
        self.batch_requests.observe(requests)
        self.batch_sentences.observe(sentences)
        self.model_seconds.observe(seconds)
        self.sentences.inc(sentences)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Counts every HTTP request, including ones answered before routing (a 413 from the body cap), by route path.

    The route is what the router matched (`scope["route"]`, set once the request has been handled); a request that
    never reached a route is labelled with its path only when that path is one of `known_paths()` (the app's own,
    fixed paths), and as "unmatched" otherwise.
    """

    def __init__(self, app, metrics: ServiceMetrics, known_paths: Callable[[], set[str]]):
        self.app = app
        self.metrics = metrics
        self.known_paths = known_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = {"code": 500}  # what the server answers when the app raises before starting a response

        async def send_and_record(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        started = time.perf_counter()
        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_and_record)
        finally:
            self.metrics.in_progress.dec()
            route = self._route(scope)
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)
            self.metrics.requests.labels(route, scope["method"], str(status["code"])).inc()

    def _route(self, scope) -> str:
        path = getattr(scope.get("route"), "path", None)
        if path:
            return path
        return scope["path"] if scope["path"] in self.known_paths() else UNMATCHED
