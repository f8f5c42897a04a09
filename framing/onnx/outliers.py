"""Activation outliers and int8: find them on calibration sentences, keep them out of the int8 MatMuls.

Dynamic int8 quantisation gives each MatMul input one scale per batch, so a few channels with very large
activations (in the feed-forward down-projections of sentence encoders: tens to a hundred times the usual
size) make that scale coarse for every other channel. `split_outlier_channels` rewrites such a MatMul as
the sum of two, the LLM.int8() decomposition (Dettmers et al. 2022):

    y = x @ W   ->   y = (x * keep) @ W_rest  +  Gather(x, outliers) @ W[outliers]

The first MatMul no longer sees the outliers and quantises well; the second has a handful of input channels
and stays fp32. In fp32 both graphs compute the same values up to rounding.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Sentences run through the fp32 graph to measure activations: part of the shipped corpus's train split.
CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "quantize_calibration.txt"
# A channel is an outlier when its largest |activation| on the calibration sentences is at least this many
# times the median channel's largest |activation| in the same MatMul input.
OUTLIER_FACTOR = 6.0
SPLIT_SUFFIX = "/outlier_split"


def calibration_texts() -> list[str]:
    lines = CALIBRATION_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def input_channel_peaks(model, node_names: list[str], tokenizer, texts: list[str] | None = None) -> dict[str, np.ndarray]:
    """Largest |value| per channel (last axis) of each named node's first input, over `texts` run one unpadded
    sentence at a time through `model` (an fp32 onnx.ModelProto; its outputs are extended for the run and
    restored before returning, so the model is not copied)."""
    import onnx
    import onnxruntime as ort

    from .runtime import graph_feed

    tensors = {n.name: n.input[0] for n in model.graph.node if n.name in node_names}
    outputs = model.graph.output
    known, count = {o.name for o in outputs}, len(outputs)
    for tensor in dict.fromkeys(tensors.values()):
        if tensor not in known:
            outputs.append(onnx.helper.make_tensor_value_info(tensor, onnx.TensorProto.FLOAT, None))
    try:
        session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    finally:
        del outputs[count:]
    feeds = [i.name for i in session.get_inputs()]
    wanted = list(dict.fromkeys(tensors.values()))
    peaks: dict[str, np.ndarray] = {}
    for text in texts or calibration_texts():
        feed = graph_feed(feeds, tokenizer(text, return_tensors="np"), "calibration graph")
        for tensor, value in zip(wanted, session.run(wanted, feed)):
            peak = np.abs(value).reshape(-1, value.shape[-1]).max(axis=0)
            peaks[tensor] = np.maximum(peaks[tensor], peak) if tensor in peaks else peak
    return {name: peaks[tensor] for name, tensor in tensors.items()}


def outlier_channels(peaks: np.ndarray, factor: float | None = None) -> np.ndarray:
    """Indices of the channels whose peak is at least `factor` (OUTLIER_FACTOR) times the median channel's peak."""
    factor = OUTLIER_FACTOR if factor is None else factor
    return np.flatnonzero(peaks >= factor * max(float(np.median(peaks)), 1e-12)).astype(np.int64)


def split_outlier_channels(model, channels: dict[str, np.ndarray]) -> list[str]:
    """Rewrite each named MatMul (weight as its second input) in place as int8-friendly MatMul + fp32 outlier
    MatMul; returns the names of the new fp32 MatMuls. MatMuls with no channels are left alone."""
    from onnx import helper, numpy_helper

    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    added: list[str] = []
    for name, idx in channels.items():
        if len(idx) == 0:
            continue
        position, node = next((i, n) for i, n in enumerate(graph.node) if n.name == name)
        x, w_name = node.input[0], node.input[1]
        weight = numpy_helper.to_array(inits[w_name])
        keep = np.ones(weight.shape[0], dtype=np.float32)
        keep[idx] = 0.0
        rest = weight * keep[:, None]  # rows of the outlier channels zeroed: they no longer set any weight scale
        p = name + SPLIT_SUFFIX
        graph.initializer.extend([
            numpy_helper.from_array(rest.astype(weight.dtype), p + "/rest_weight"),
            numpy_helper.from_array(weight[idx].astype(weight.dtype), p + "/outlier_weight"),
            numpy_helper.from_array(keep, p + "/keep"),
            numpy_helper.from_array(idx, p + "/index"),
        ])
        output = node.output[0]
        new_nodes = [
            helper.make_node("Mul", [x, p + "/keep"], [p + "/rest_input"], name=p + "/Mul"),
            helper.make_node("MatMul", [p + "/rest_input", p + "/rest_weight"], [p + "/rest_output"], name=name),
            helper.make_node("Gather", [x, p + "/index"], [p + "/outlier_input"], name=p + "/Gather", axis=-1),
            helper.make_node("MatMul", [p + "/outlier_input", p + "/outlier_weight"], [p + "/outlier_output"],
                             name=p + "/MatMul"),
            helper.make_node("Add", [p + "/rest_output", p + "/outlier_output"], [output], name=p + "/Add"),
        ]
        graph.node.remove(node)
        for offset, new in enumerate(new_nodes):
            graph.node.insert(position + offset, new)
        added.append(p + "/MatMul")
        log.debug("%s: %d outlier channel(s) kept fp32", name, len(idx))
    # the original weights may still be shared by nothing: drop the unused ones
    used = {i for n in graph.node for i in n.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)
    return added
