"""Micro-batching: sentences from concurrent requests are gathered into shared model calls.

A model call on 32 sentences costs far less than 32 calls on one sentence (one padded forward pass instead of 32,
and the Python overhead of tokenising, padding and dispatch is paid once), so under concurrent load the service
waits a few milliseconds after the first request arrives to collect others before calling the model. The model
runs in one worker thread: the event loop keeps accepting and parsing requests while it computes, and the
classifier is never entered by two threads at once.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

log = logging.getLogger(__name__)


class Overloaded(RuntimeError):
    """More sentences are waiting than the queue allows; the caller should retry later."""


class ShuttingDown(RuntimeError):
    """The batcher is draining and takes no new work."""


@dataclass
class _Job:
    sentences: list[str]
    future: asyncio.Future


# Called after every model call with (requests merged, sentences, seconds in the model).
BatchObserver = Callable[[int, int, float], None]


class MicroBatcher:
    """Queue sentence lists from many requests; answer each with its rows of one shared `predict_fn` call.

    `predict_fn(sentences) -> np.ndarray` (one row per sentence, input order) runs on a single worker thread.
    With `batching=False` every request is its own model call (the baseline micro-batching is measured against).
    A request is never split across calls; one larger than `max_batch` gets a call of its own.
    """

    def __init__(self, predict_fn: Callable[[list[str]], np.ndarray], max_batch: int = 64, max_wait_s: float = 0.005,
                 batching: bool = True, max_queue: int = 4096, observer: BatchObserver | None = None):
        if max_batch < 1:
            raise ValueError(f"max_batch: must be at least 1, got {max_batch}")
        self._predict = predict_fn
        self._max_batch = max_batch
        self._max_wait_s = max_wait_s
        self._batching = batching
        self._max_queue = max_queue
        self._observer = observer
        self._jobs: deque[_Job] = deque()
        self._pending = 0
        self._arrived: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._closing = False

    @property
    def pending(self) -> int:
        """Sentences accepted and not yet answered (waiting or in the model)."""
        return self._pending

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done() and not self._closing

    async def start(self) -> None:
        self._arrived = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="framing-model")
        self._task = asyncio.create_task(self._run(), name="framing-batcher")

    async def run_in_worker(self, fn: Callable, *args):
        """Run `fn(*args)` on the model thread (used for the warm-up call before serving)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def submit(self, sentences: Sequence[str]) -> np.ndarray:
        """Probabilities for `sentences`, computed together with whatever else is queued."""
        if not sentences:
            raise ValueError("submit: no sentences")
        if self._task is None or self._closing:
            raise ShuttingDown("the server is shutting down")
        if self._pending + len(sentences) > self._max_queue:
            raise Overloaded(f"{self._pending} sentences are already waiting (limit {self._max_queue})")
        job = _Job(list(sentences), asyncio.get_running_loop().create_future())
        self._jobs.append(job)
        self._pending += len(job.sentences)
        self._arrived.set()
        # a caller that gives up (timeout, disconnect) cancels the future; the worker then skips or discards the job
        return await job.future

    async def close(self) -> None:
        """Stop taking work, answer everything already queued, then stop the worker thread."""
        if self._task is None:
            return
        self._closing = True
        self._arrived.set()
        try:
            await self._task
        finally:
            self._executor.shutdown(wait=True)
            self._task = None

    # -- worker ---------------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            while not self._jobs:
                if self._closing:
                    return
                self._arrived.clear()
                await self._arrived.wait()
            batch = await self._gather(loop)
            if batch:
                await self._call_model(loop, batch)

    async def _gather(self, loop: asyncio.AbstractEventLoop) -> list[_Job]:
        batch: list[_Job] = []
        size = 0
        deadline = loop.time() + self._max_wait_s
        while True:
            if self._jobs:
                job = self._jobs[0]
                if job.future.done():  # its request timed out or went away while queued
                    self._jobs.popleft()
                    self._pending -= len(job.sentences)
                    continue
                if batch and (not self._batching or size + len(job.sentences) > self._max_batch):
                    return batch
                self._jobs.popleft()
                batch.append(job)
                size += len(job.sentences)
                if not self._batching or size >= self._max_batch:
                    return batch
                continue
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing or not batch:
                return batch
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return batch

    async def _call_model(self, loop: asyncio.AbstractEventLoop, batch: list[_Job]) -> None:
        sentences = [s for job in batch for s in job.sentences]
        started = time.perf_counter()
        try:
            probs = await loop.run_in_executor(self._executor, self._predict, sentences)
        except Exception as exc:  # a model failure fails the requests in this batch, never the worker
            log.exception("model call on %d sentence(s) failed", len(sentences))
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(exc)
            return
        finally:
            self._pending -= len(sentences)
        elapsed = time.perf_counter() - started
        offset = 0
        for job in batch:
            rows = probs[offset:offset + len(job.sentences)]
            offset += len(job.sentences)
            if not job.future.done():
                job.future.set_result(rows)
        if self._observer is not None:
            self._observer(len(batch), len(sentences), elapsed)
