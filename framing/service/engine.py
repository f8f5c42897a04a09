"""The classifier behind the API: loads the model once, owns the micro-batcher, turns documents into results."""
from __future__ import annotations

import asyncio
import logging
from typing import Sequence

import numpy as np

from ..fingerprint import model_fingerprint
from ..predict import FramingClassifier
from .batcher import MicroBatcher
from .documents import build_result, prepare
from .metrics import ServiceMetrics
from .schemas import ClassifyRequest, DocumentResult, ModelInfo
from .settings import ServiceSettings

log = logging.getLogger(__name__)


class TooManySentences(ValueError):
    def __init__(self, loc: tuple, count: int, limit: int):
        super().__init__(f"{count} sentences in this request; at most {limit} are allowed per request")
        self.loc = loc


class RequestTimeout(RuntimeError):
    pass


class ClassificationService:
    def __init__(self, settings: ServiceSettings, metrics: ServiceMetrics, classifier: FramingClassifier,
                 batcher: MicroBatcher, info: ModelInfo, stance=None, stance_info: ModelInfo | None = None):
        self.settings = settings
        self.metrics = metrics
        self.classifier = classifier
        self.batcher = batcher
        self.info = info
        self.stance = stance  # framing.stance.StanceClassifier, or None: /v1/stance answers 404
        self.stance_info = stance_info
        self._stance_lock = asyncio.Lock()  # one stance model call at a time, beside the framing batcher

    @classmethod
    async def start(cls, settings: ServiceSettings, metrics: ServiceMetrics) -> "ClassificationService":
        log.info("loading %s (backend %s)", settings.model, settings.backend)
        classifier = await asyncio.to_thread(FramingClassifier.from_pretrained, settings.model,
                                             backend=settings.backend, batch_size=settings.max_batch)
        info = ModelInfo(name=classifier.name, labels=classifier.labels,
                         version=(await asyncio.to_thread(model_fingerprint, settings.model, settings.backend))[:12])
        batcher = MicroBatcher(classifier.predict_proba, max_batch=settings.max_batch,
                               max_wait_s=settings.max_wait_ms / 1000, batching=settings.batching,
                               max_queue=settings.max_queue, observer=metrics.observe_batch)
        await batcher.start()
        # the first forward pass pays one-off costs (allocator, kernel selection); keep them out of the first request
        await batcher.run_in_worker(classifier.predict_proba, ["Warm-up sentence."])
        metrics.queue.set_function(lambda: batcher.pending)
        log.info("model %s %s ready: labels %s, micro-batching %s (max %d sentences, %.1f ms)", info.name, info.version,
                 ", ".join(info.labels), "on" if settings.batching else "off", settings.max_batch, settings.max_wait_ms)
        stance, stance_info = await _load_stance(settings)
        return cls(settings, metrics, classifier, batcher, info, stance, stance_info)

    async def targets(self, result: DocumentResult, actors: list[str] | None) -> list[list]:
        """Each sentence's targets (framing.stance.Target), on the text the framing model saw."""
        cap = self.settings.max_chars
        texts = [s.text[:cap] for s in result.sentences]
        starts = [s.start for s in result.sentences]
        async with self._stance_lock:
            return await asyncio.to_thread(self.stance.targets, texts, starts, actors)

    @property
    def ready(self) -> bool:
        return self.batcher.running

    async def close(self) -> None:
        log.info("draining %d queued sentence(s)", self.batcher.pending)
        await self.batcher.close()

    async def classify(self, docs: Sequence[ClassifyRequest], loc: tuple) -> list[DocumentResult]:
        """Results in document order. Raises TooManySentences, RequestTimeout, or the batcher's Overloaded/ShuttingDown."""
        s = self.settings
        try:
            async with asyncio.timeout(s.request_timeout_s):
                if any(d.text is not None for d in docs):
                    # segmentation is CPU work: off the event loop so other requests keep flowing
                    prepared = await asyncio.to_thread(lambda: [prepare(d, s.max_chars) for d in docs])
                else:
                    prepared = [prepare(d, s.max_chars) for d in docs]
                total = sum(len(p.texts) for p in prepared)
                if total > s.max_sentences:
                    raise TooManySentences(loc, total, s.max_sentences)
                inputs = [x for p in prepared for x in p.inputs]
                probs = await self.batcher.submit(inputs) if inputs else np.zeros((0, len(self.info.labels)))
        except TimeoutError:
            raise RequestTimeout(f"classification did not finish within {s.request_timeout_s:g} s; the server is busy "
                                 "or the request is large: retry later or send fewer sentences") from None
        self.metrics.truncated.inc(sum(sum(p.truncated) for p in prepared))
        results, offset = [], 0
        for p in prepared:
            results.append(build_result(p, probs[offset:offset + len(p.texts)], self.info.labels, s.max_chars))
            offset += len(p.texts)
        return results


def stance_path(settings: ServiceSettings):
    """The stance model to serve: the setting, else a `stance` folder beside the framing model if it holds one."""
    if settings.stance_model is not None:
        return settings.stance_model
    candidate = settings.model.parent / "stance"
    return candidate if (candidate / "config.json").is_file() else None


async def _load_stance(settings: ServiceSettings):
    path = stance_path(settings)
    if path is None:
        log.info("no stance model: /v1/stance is off")
        return None, None
    from ..stance import StanceClassifier

    stance = await asyncio.to_thread(StanceClassifier.from_pretrained, path, backend=settings.backend,
                                     actors=settings.actors, batch_size=settings.max_batch)
    info = ModelInfo(name=stance.name, labels=stance.classifier.labels,
                     version=(await asyncio.to_thread(model_fingerprint, path, settings.backend))[:12])
    log.info("stance model %s %s ready (%d actors)", info.name, info.version, len(stance.matcher.actors))
    return stance, info
