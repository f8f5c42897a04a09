"""Export a model folder to ONNX (fp32, and int8 by dynamic quantisation) and run it with onnxruntime.

    framing export --model models/default --quantize int8     # writes model.onnx and model.int8.onnx
    FramingClassifier.from_pretrained("models/default", backend="onnx-int8")

The exported graph takes the tokenizer's int64 `input_ids`, `attention_mask` (and `token_type_ids` when the
model has them) with dynamic batch and sequence axes, and returns `logits`, so `FramingClassifier` feeds it
the same length-sorted, dynamically padded batches as the torch model.
"""
from __future__ import annotations

import inspect
import logging
import os
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17
# Largest |logit| difference between onnxruntime and torch accepted right after export (fp32, same inputs).
EXPORT_TOLERANCE = 1e-3
# Quantisation, chosen with benchmarks/onnx_agreement.py --compare-settings and benchmarks/throughput.py on the
# shipped models: dynamic int8 for MatMul weights only, one scale per output channel; the outlier channels of
# every feed-forward down-projection's input split off into a small fp32 MatMul (`framing.outliers`, the
# LLM.int8() decomposition); and every weight MatMul of the first layer in fp32 (`fp32_nodes`). Activations get
# one int8 scale per batch, which outliers make coarse, and an early layer's error passes through every later
# one. Dev agreement with the fp32 labels (660 sentences), and int8 speed in sentences/s (2 cores):
#   LP-FT all-mpnet-base-v2 (configs/default.yaml): all int8 96.06 % (83/s, macro-F1 -1.65); all of layer 0
#     fp32 97.27 % (71/s); every down-projection fp32 99.24 % (50/s, under 5x the naive pipeline); layer 0 +
#     down-projections 6-10 fp32 99.39 % (58-63/s, 4.84x the naive pipeline); outlier split (0-4 channels per
#     layer) without layer 0 99.39 % (84/s), with layer 0 99.70 % (86/s; this setting). Splitting at 4x the
#     median instead of 6x: 98.94 %.
#   LP-FT all-MiniLM-L6-v2 (configs/fast.yaml): all int8 98.79 %; layer-0 down-projection fp32 98.33 %; all of
#     layer 0 fp32 99.39 % (the setting before the split); outlier split (0-2 channels per layer), with or without
#     layer 0, 99.55 % (415/s and 577/s on a corpus mix).
#   Smoothing the outliers into the weights instead (SmoothQuant, alpha 0.5 and 0.25) lost more: 93 % and 46 %.
# The agreement is not monotone in how much stays fp32: int8 noise flips sentences near a boundary both ways.
# Quantising the embedding Gather shrinks the file, and is no faster.
QUANTIZE_OP_TYPES = ["MatMul"]
QUANTIZE_PER_CHANNEL = True
FP32_FIRST_LAYERS = 1  # layers whose every weight MatMul stays fp32
# Sentences used to trace the export: two lengths, so the traced graph contains the padding-mask path.
_TRACE_TEXTS = ["The ministry said the convoy reached the town after the ceasefire took effect on Monday.",
                "Aid stopped."]
_CHECK_TEXTS = ["Civilians fled.", "The court ruled that the strikes broke the treaty signed last year in Geneva.",
                "Shelling resumed overnight, officials said."]


def physical_cores() -> int:
    """Physical cores this process may run on: hyper-threads share one core's arithmetic units."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:
        physical = None
    return max(1, min(physical or available, available))


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
        # Idle workers sleep instead of spinning: a batch's ops run for milliseconds, so waking costs little
        # (within 2 % on a quiet 2-core machine), while spinning where other work shares the cores takes a core
        # from it (int8 on the same machine with other jobs running: 121 sentences/s spinning, 158 without).
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


def export_onnx(model_dir: str | Path, quantize: bool = False) -> list[Path]:
    """Write model.onnx (and model.int8.onnx with `quantize`) into a model folder; returns the files written."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise FileNotFoundError(f"{model_dir}: not a model folder (no config.json)")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    # Eager attention traces to plain MatMul/Softmax, which onnxruntime fuses and quantises well; the SDPA trace
    # ran 20-25 % slower, fp32 and int8 alike, with the default model's encoder.
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, attn_implementation="eager")
    model = model.to("cpu").float().eval()
    accepted = inspect.signature(model.forward).parameters
    trace = tokenizer(_TRACE_TEXTS, padding=True, return_tensors="pt")
    names = [k for k in INPUT_NAMES if k in trace and k in accepted]
    axes = {k: {0: "batch", 1: "sequence"} for k in names}
    axes["logits"] = {0: "batch"}

    fp32 = model_dir / ONNX_FILE
    partial = fp32.with_name(fp32.name + ".partial")
    # The TorchScript exporter: the torch.export one needs onnxscript, which is not a dependency. Its warnings
    # (shape tests in transformers' mask code, the rewrite of advanced indexing) say the trace may not generalise;
    # _check_export below runs the graph on another batch size and length, which is what they ask for.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")
        torch.onnx.export(model, (), str(partial), kwargs={k: trace[k] for k in names}, input_names=names,
                          output_names=["logits"], dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True,
                          dynamo=False)
    try:
        _check_export(partial, model, tokenizer, names)
    except Exception:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(fp32)
    written = [fp32]
    log.info("exported %s", fp32)
    if quantize:
        written.append(quantize_onnx(fp32, model_dir / INT8_FILE))
    return written


def quantize_onnx(fp32: Path, out: Path, op_types: list[str] | None = QUANTIZE_OP_TYPES,
                  per_channel: bool = QUANTIZE_PER_CHANNEL, reduce_range: bool = False,
                  nodes_to_exclude: list[str] | None = None, split_outliers: bool = True) -> Path:
    """Dynamic quantisation: int8 weights stored, activations quantised per batch at run time.

    `split_outliers` first moves the outlier input channels of each feed-forward down-projection into a small
    fp32 MatMul (`framing.outliers`; needs the tokenizer beside the graph, else it is skipped with a warning).
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

    from framing.outliers import input_channel_peaks, outlier_channels, split_outlier_channels

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


def _check_export(file: Path, model, tokenizer, names: list[str]) -> None:
    """Run the new graph on a batch of another size and length than the trace; it must match torch."""
    import torch

    batch = tokenizer(_CHECK_TEXTS, padding=True, return_tensors="np")
    with torch.no_grad():
        expected = model(**{k: torch.as_tensor(batch[k]) for k in names}).logits.numpy()
    got = OnnxBackend(file).logits({k: batch[k] for k in names})
    diff = float(np.abs(got - expected).max())
    if diff > EXPORT_TOLERANCE:
        raise RuntimeError(f"{file}: exported graph differs from the torch model by {diff:.2e} in logits "
                           f"(tolerance {EXPORT_TOLERANCE:.0e})")
