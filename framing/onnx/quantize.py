"""Dynamic int8 quantisation of an exported graph, with the outlier split (`outliers.py`).

The settings were chosen with benchmarks/onnx_agreement.py and benchmarks/throughput.py on the shipped models
(figures in benchmarks/README.md): int8 for MatMul weights only, one scale per output channel; the outlier
channels of every feed-forward down-projection's input split off into a small fp32 MatMul (the LLM.int8()
decomposition); and every weight MatMul of the first layer in fp32 (`fp32_nodes`). Activations get one int8
scale per batch, which outliers make coarse, and an early layer's error passes through every later one.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .outliers import input_channel_peaks, outlier_channels, split_outlier_channels

log = logging.getLogger(__name__)

QUANTIZE_OP_TYPES = ["MatMul"]
QUANTIZE_PER_CHANNEL = True
FP32_FIRST_LAYERS = 1  # layers whose every weight MatMul stays fp32


def quantize_onnx(fp32: Path, out: Path, op_types: list[str] | None = QUANTIZE_OP_TYPES,
                  per_channel: bool = QUANTIZE_PER_CHANNEL, reduce_range: bool = False,
                  nodes_to_exclude: list[str] | None = None, split_outliers: bool = True) -> Path:
    """Dynamic quantisation: int8 weights stored, activations quantised per batch at run time.

    `split_outliers` first moves the outlier input channels of each feed-forward down-projection into a small
    fp32 MatMul (`outliers.py`; needs the tokenizer beside the graph, else it is skipped with a warning).
    `nodes_to_exclude` None keeps `fp32_nodes` in fp32, [] none. The keyword arguments are the settings
    benchmarks/onnx_agreement.py compares.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32, out = Path(fp32), Path(out)
    model = onnx.load(str(fp32))  # read once: the rule, the calibration and the split all work on it
    if nodes_to_exclude is None:
        nodes_to_exclude = fp32_nodes(model)
    source = fp32
    split = out.with_name(out.name + ".split.onnx")
    if split_outliers:
        added = _split_outliers(model, fp32.parent, split)
        if added is not None:
            source = split
            nodes_to_exclude = list(nodes_to_exclude) + added
    del model
    partial = out.with_name(out.name + ".partial")
    try:
        quantize_dynamic(source, partial, weight_type=QuantType.QInt8, op_types_to_quantize=op_types,
                         per_channel=per_channel, reduce_range=reduce_range, nodes_to_exclude=nodes_to_exclude)
    finally:
        split.unlink(missing_ok=True)
    partial.replace(out)
    log.info("quantised %s -> %s (%d MatMul node(s) kept fp32)", fp32.name, out, len(nodes_to_exclude))
    return out


def _split_outliers(model, folder: Path, target: Path) -> list[str] | None:
    """Split the down-projections' outlier channels off `model` (an fp32 onnx.ModelProto, changed in place) and
    write it to `target`; the new fp32 MatMuls, or None (nothing changed or written) when `folder` has no
    tokenizer to run the calibration sentences."""
    import onnx
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder)
    except (OSError, ValueError) as exc:
        log.warning("%s: no tokenizer beside the graph (%s); int8 without the outlier split", folder, exc)
        return None
    _, down = weight_matmuls(model)
    peaks = input_channel_peaks(model, down, tokenizer)
    channels = {name: outlier_channels(peaks[name]) for name in down}
    added = split_outlier_channels(model, channels)
    log.info("outlier channels kept fp32 per down-projection: %s", [len(c) for c in channels.values()])
    onnx.save(model, str(target))
    return added


def weight_matmuls(onnx_file) -> tuple[list[str], list[str]]:
    """(every MatMul with a weight, the feed-forward down-projections among them), both in graph = layer order.

    Down-projections are found by shape rather than by name, so BERT, RoBERTa and MPNet exports are all covered:
    their weight has more rows than columns; attention projections are square, up-projections wider than tall,
    and the pooler and classifier export as Gemm. `onnx_file` is a path or a loaded onnx.ModelProto.
    """
    import onnx

    model = onnx_file if isinstance(onnx_file, onnx.ModelProto) else onnx.load(str(onnx_file), load_external_data=False)
    graph = model.graph
    shapes = {init.name: list(init.dims) for init in graph.initializer}
    weighted = [n for n in graph.node if n.op_type == "MatMul" and len(shapes.get(n.input[1], ())) == 2]
    down = [n.name for n in weighted if shapes[n.input[1]][0] > shapes[n.input[1]][1]]
    return [n.name for n in weighted], down


def fp32_nodes(onnx_file) -> list[str]:
    """The MatMuls int8 would hurt most for their cost: every weight MatMul of the first FP32_FIRST_LAYERS
    layers (in graph order a layer ends with its feed-forward down-projection). A path or a loaded graph."""
    matmuls, down = weight_matmuls(onnx_file)
    if not down or not FP32_FIRST_LAYERS:
        return []
    return matmuls[:matmuls.index(down[min(FP32_FIRST_LAYERS, len(down)) - 1]) + 1]
