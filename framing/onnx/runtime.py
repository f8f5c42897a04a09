"""Run an exported model folder with onnxruntime on the CPU.

    FramingClassifier.from_pretrained("models/default", backend="onnx-int8")

The graph takes the tokenizer's int64 `input_ids`, `attention_mask` (and `token_type_ids` when the model has
them) with dynamic batch and sequence axes, and returns `logits`, so `FramingClassifier` feeds it the same
length-sorted, dynamically padded batches as the torch model.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..cores import physical_cores

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


class OnnxBackend:
    """An onnxruntime session on the CPU with the `logits(batch)` interface of `predict.TorchBackend`."""

    def __init__(self, file: str | Path, name: str = "onnx", threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or physical_cores()
        # one graph runs at a time; a second pool would only compete with the first for the same cores
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle workers sleep instead of spinning: a batch's ops run for milliseconds, so waking costs little, while
        # spinning where other work shares the cores takes a core from it (benchmarks/README.md, "ONNX export
        # choices").
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.file = Path(file)
        self.name = name
        self.session = ort.InferenceSession(str(self.file), options, providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        return self.session.run(["logits"], graph_feed(self.input_names, batch, self.file))[0]


def graph_feed(input_names: list[str], batch, where: str | Path) -> dict[str, np.ndarray]:
    """The tokenizer's batch as the graph's int64 inputs; `where` names the graph in the error."""
    feed = {}
    for key in input_names:
        if key in batch:
            feed[key] = np.ascontiguousarray(batch[key], dtype=np.int64)
        elif key == "token_type_ids":
            # single-segment input: the tokenizer may leave them out, the graph still wants them
            feed[key] = np.zeros_like(feed.get("input_ids", np.asarray(batch["input_ids"], dtype=np.int64)))
        else:
            raise ValueError(f"{where}: batch has no {key!r}; the graph needs {', '.join(input_names)}")
    return feed


def load_onnx_backend(path: str | Path, quantized: bool = False) -> OnnxBackend | None:
    """The exported model of a folder (or an .onnx file), or None after a warning when it cannot run."""
    path = Path(path)
    file = path if path.suffix == ".onnx" else path / (INT8_FILE if quantized else ONNX_FILE)
    name = "onnx-int8" if quantized else "onnx"
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        log.warning("onnxruntime is not installed (pip install onnxruntime); using the torch backend instead of %s",
                    name)
        return None
    if not file.is_file():
        flag = " --quantize int8" if quantized else ""
        log.warning("%s: not found; run `framing export --model %s%s`; using the torch backend instead of %s",
                    file, path, flag, name)
        return None
    return OnnxBackend(file, name=name)
