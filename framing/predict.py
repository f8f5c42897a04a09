"""Classify sentences and articles: `FramingClassifier` and the `predict()` shortcut."""
from __future__ import annotations

import functools
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from .features import model_keys, tokenize
from .paths import default_model_path, default_stance_path
from .segment import segment

log = logging.getLogger(__name__)

HARD_MAX_LENGTH = 512
BACKENDS = ("torch", "onnx", "onnx-int8")


@dataclass(frozen=True)
class Prediction:
    text: str
    start: int
    end: int
    label: str
    score: float
    probs: dict[str, float]
    targets: tuple | None = None  # with a stance model: the actors the sentence names (framing.stance.Target)

    def to_dict(self) -> dict:
        out = asdict(self)
        if self.targets is None:
            del out["targets"]
        return out


class TorchBackend:
    """Runs a transformers sequence-classification model on padded batches."""

    name = "torch"

    def __init__(self, model, device: str | torch.device | None = None):
        if device is None:
            device = next(model.parameters()).device
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        with torch.inference_mode():
            inputs = {k: torch.as_tensor(v, device=self.device) for k, v in batch.items()}
            return self.model(**inputs).logits.float().cpu().numpy()


class FramingClassifier:
    """A fine-tuned sentence classifier with batched, length-sorted inference."""

    def __init__(self, backend, tokenizer, labels: list[str], max_length: int = HARD_MAX_LENGTH,
                 batch_size: int = 32, name: str = "model"):
        self.backend = backend
        self.tokenizer = tokenizer
        self.labels = list(labels)
        self.max_length = max_length
        self.batch_size = batch_size
        self.name = name

    @classmethod
    def from_model(cls, model, tokenizer, **kwargs) -> "FramingClassifier":
        labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        max_length = min(HARD_MAX_LENGTH, getattr(model.config, "max_position_embeddings", HARD_MAX_LENGTH) - 2,
                         tokenizer.model_max_length)
        return cls(TorchBackend(model), tokenizer, labels, max_length=max_length, **kwargs)

    @classmethod
    def from_pretrained(cls, path: str | Path, backend: str = "torch", device: str | None = None,
                        batch_size: int = 32) -> "FramingClassifier":
        from transformers import AutoConfig, AutoTokenizer

        path = Path(path)
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"{path}: not a model folder (no config.json); train one with `python train.py`")
        tokenizer = AutoTokenizer.from_pretrained(path)
        config = AutoConfig.from_pretrained(path)
        labels = [config.id2label[i] for i in range(config.num_labels)]
        max_length = min(HARD_MAX_LENGTH, getattr(config, "max_position_embeddings", HARD_MAX_LENGTH) - 2,
                         tokenizer.model_max_length)
        if backend not in BACKENDS:
            raise ValueError(f"backend: must be one of {', '.join(BACKENDS)}, got {backend!r}")
        runner = None
        if backend.startswith("onnx"):
            from .onnx.runtime import load_onnx_backend

            # None, after a warning, when onnxruntime or the exported file is missing: fall back to torch
            runner = load_onnx_backend(path, quantized=backend == "onnx-int8")
        if runner is None:
            from transformers import AutoModelForSequenceClassification

            device = device or ("cuda" if torch.cuda.is_available() else "cpu")
            runner = TorchBackend(AutoModelForSequenceClassification.from_pretrained(path), device)
        return cls(runner, tokenizer, labels, max_length=max_length, batch_size=batch_size, name=path.name)

    # -- core -----------------------------------------------------------------------------------

    def predict_proba(self, sentences: Sequence[str], pairs: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities, one row per sentence in input order, columns in `self.labels` order."""
        if len(sentences) == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        encoded = tokenize(self.tokenizer, sentences, pairs)
        ids = encoded["input_ids"]
        too_long = sum(len(x) > self.max_length for x in ids)
        if too_long:
            log.warning("%d sentence(s) longer than %d tokens were truncated", too_long, self.max_length)
            encoded = tokenize(self.tokenizer, sentences, pairs, self.max_length)
            ids = encoded["input_ids"]
        order = np.argsort([len(x) for x in ids], kind="stable")
        keys = model_keys(encoded)
        out = np.zeros((len(ids), len(self.labels)), dtype=np.float32)
        for lo in range(0, len(order), self.batch_size):
            chunk = order[lo:lo + self.batch_size]
            features = [{k: encoded[k][i] for k in keys} for i in chunk]
            batch = self.tokenizer.pad(features, return_tensors="np")
            logits = self.backend.logits({k: batch[k].astype(np.int64) for k in keys})
            out[chunk] = _softmax(logits)
        return out

    def predict(self, text: str | Sequence[str], stance=None, actors=None) -> list[Prediction]:
        """A string is an article (segmented into sentences); a list is one sentence per item. With `stance`
        (a `framing.stance.StanceClassifier`) each result also lists its `targets`; `actors` keeps only those
        canonical actor names."""
        if isinstance(text, str):
            spans = segment(text)
            return self._results([s.text for s in spans], [(s.start, s.end) for s in spans], stance, actors)
        items = [str(t) for t in text]
        return self._results(items, [(0, len(t)) for t in items], stance, actors)

    def _results(self, texts: list[str], offsets: list[tuple[int, int]], stance=None, actors=None) -> list[Prediction]:
        probs = self.predict_proba(texts)
        targets = stance.targets(texts, [start for start, _ in offsets], actors) if stance is not None else None
        results = []
        for i, (text, (start, end), row) in enumerate(zip(texts, offsets, probs)):
            best = int(row.argmax())
            results.append(Prediction(text=text, start=start, end=end, label=self.labels[best], score=float(row[best]),
                                      probs={label: float(p) for label, p in zip(self.labels, row)},
                                      targets=tuple(targets[i]) if targets is not None else None))
        return results


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@functools.lru_cache(maxsize=4)
def _cached(path: str, backend: str) -> FramingClassifier:
    return FramingClassifier.from_pretrained(path, backend=backend)


def predict(text: str | Sequence[str], model: str | Path | None = None, backend: str = "torch",
            stance: str | Path | bool | None = None, actors: str | Path | Sequence[str] | None = None) -> list[Prediction]:
    """Shortcut: classify with models loaded once (default: $FRAMING_MODEL, else models/default).

    `stance`: a stance model folder, or True for models/stance beside the framing model; each result then lists
    its `targets`. `actors`: an actors YAML file (default: the shipped list), or canonical names to keep."""
    path = Path(model) if model is not None else default_model_path()
    clf = _cached(str(path.resolve()), backend)
    if not stance:
        return clf.predict(text)
    from .stance import cached

    folder = Path(stance) if stance is not True else default_stance_path(path)
    actors_file = str(Path(actors).resolve()) if isinstance(actors, (str, Path)) else None
    names = list(actors) if actors is not None and actors_file is None else None
    return clf.predict(text, stance=cached(str(folder.resolve()), backend, actors_file), actors=names)
