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
# shipped models: dynamic int8 for MatMul weights only, one scale per output channel, and `fp32_nodes` kept in
# fp32: every weight MatMul of the first layer, and each feed-forward down-projection whose input has outliers
# (largest |activation| over mean |activation| >= OUTLIER_RATIO on CALIBRATION_FILE's sentences).
# Activations get one int8 scale per batch, which outliers make coarse, and an early layer's error passes through
# every later one. Dev agreement with the fp32 labels, and int8 speed on dev in sentences/s (2 cores):
#   first MiniLM model (plain fine-tuning): all MatMuls int8 per-channel 99.2 %; layer-0 down-projection
#     fp32 99.2 % (the setting then);
#   LP-FT MiniLM (configs/fast.yaml, dev of 660 sentences): all int8 98.79 %; layer-0 down-projection fp32
#     98.33 % (534/s); down-projections 0-2 98.79 % (465/s); all of layer 0 fp32 99.39 % (468/s, macro-F1 -0.29;
#     no down-projection reaches the outlier ratio, so this is the setting); layer 0 + down-projections 1-2
#     99.24 % (369/s, under 5x the naive pipeline);
#   LP-FT all-mpnet-base-v2 (configs/default.yaml): all int8 96.06 % (83/s, macro-F1 -1.65); all of layer 0
#     97.27 % (71/s); every down-projection 99.24 % (50/s, under 5x the naive pipeline); layer 0 + the
#     down-projections of layers 6-8 98.94 % (59/s), of layers 6-9 99.24 %, of layers 6-10 99.39 % (58/s,
#     macro-F1 -0.30; this setting: layers 6-10 are the ones over the outlier ratio, 349-849 on the calibration
#     sentences, the other layers 35-200 and layer 0 333).
#   MiniLM's down-projection ratios are 37-163.
# The agreement is not monotone in how much stays fp32: int8 noise flips sentences near a boundary both ways.
# Quantising the embedding Gather shrinks the file, and is no faster.
QUANTIZE_OP_TYPES = ["MatMul"]
QUANTIZE_PER_CHANNEL = True
FP32_FIRST_LAYERS = 1  # layers whose every weight MatMul stays fp32
OUTLIER_RATIO = 300.0  # between MiniLM's largest (163) and mpnet's outlier layers (349 and up)
# Sentences run through the fp32 graph to find activation outliers: part of the shipped corpus's train split.
CALIBRATION_FILE = Path(__file__).with_name("quantize_calibration.txt")


def calibration_texts() -> list[str]:
    lines = CALIBRATION_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]
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
        feed = {}
        for key in self.input_names:
            if key in batch:
                feed[key] = np.ascontiguousarray(batch[key], dtype=np.int64)
            elif key == "token_type_ids":
                # single-segment input: the tokenizer may leave them out, the graph still wants them
                feed[key] = np.zeros_like(feed.get("input_ids", np.asarray(batch["input_ids"], dtype=np.int64)))
            else:
                raise ValueError(f"{self.file}: batch has no {key!r}; the graph needs {', '.join(self.input_names)}")
        return self.session.run(["logits"], feed)[0]


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
                  nodes_to_exclude: list[str] | None = None) -> Path:
    """Dynamic quantisation: int8 weights stored, activations quantised per batch at run time.

    `nodes_to_exclude` None keeps `fp32_nodes` in fp32, [] none. The keyword arguments are the settings
    benchmarks/onnx_agreement.py compares.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if nodes_to_exclude is None:
        nodes_to_exclude = fp32_nodes(fp32)
    partial = out.with_name(out.name + ".partial")
    quantize_dynamic(fp32, partial, weight_type=QuantType.QInt8, op_types_to_quantize=op_types,
                     per_channel=per_channel, reduce_range=reduce_range, nodes_to_exclude=nodes_to_exclude)
    partial.replace(out)
    log.info("quantised %s -> %s (%d MatMul node(s) kept fp32)", fp32.name, out, len(nodes_to_exclude))
    return out


def weight_matmuls(onnx_file: Path) -> tuple[list[str], list[str]]:
    """(every MatMul with a weight, the feed-forward down-projections among them), both in graph = layer order.

    Down-projections are found by shape rather than by name, so BERT, RoBERTa and MPNet exports are all covered:
    their weight has more rows than columns; attention projections are square, up-projections wider than tall,
    and the pooler and classifier export as Gemm.
    """
    import onnx

    graph = onnx.load(str(onnx_file), load_external_data=False).graph
    shapes = {init.name: list(init.dims) for init in graph.initializer}
    weighted = [n for n in graph.node if n.op_type == "MatMul" and len(shapes.get(n.input[1], ())) == 2]
    down = [n.name for n in weighted if shapes[n.input[1]][0] > shapes[n.input[1]][1]]
    return [n.name for n in weighted], down


def fp32_nodes(onnx_file: Path) -> list[str]:
    """The MatMuls int8 would hurt most for their cost, in graph order: every weight MatMul of the first
    FP32_FIRST_LAYERS layers (in graph order a layer ends with its feed-forward down-projection), and every
    down-projection whose input has outliers (`down_projection_outliers` >= OUTLIER_RATIO)."""
    matmuls, down = weight_matmuls(onnx_file)
    if not down:
        return []
    keep = set(matmuls[:matmuls.index(down[min(FP32_FIRST_LAYERS, len(down)) - 1]) + 1]) if FP32_FIRST_LAYERS else set()
    ratios = down_projection_outliers(onnx_file)
    keep.update(name for name, ratio in ratios.items() if ratio >= OUTLIER_RATIO)
    return [name for name in matmuls if name in keep]


def down_projection_outliers(onnx_file: Path, texts: list[str] | None = None) -> dict[str, float]:
    """For each feed-forward down-projection: the largest |input| over the mean |input|, on `texts`
    (CALIBRATION_FILE's sentences), one unpadded sentence at a time through the fp32 graph. Needs the tokenizer in the
    graph's folder; without it (a bare .onnx file) the result is empty, with a warning."""
    import onnx
    import onnxruntime as ort
    from transformers import AutoTokenizer

    onnx_file = Path(onnx_file)
    _, down = weight_matmuls(onnx_file)
    try:
        tokenizer = AutoTokenizer.from_pretrained(onnx_file.parent)
    except (OSError, ValueError) as exc:
        log.warning("%s: no tokenizer beside the graph (%s); int8 keeps only the first layer in fp32",
                    onnx_file, exc)
        return {}
    proto = onnx.load(str(onnx_file))
    inputs = {n.name: n.input[0] for n in proto.graph.node if n.name in down}
    known = {o.name for o in proto.graph.output}
    for tensor in dict.fromkeys(inputs.values()):
        if tensor not in known:
            proto.graph.output.append(onnx.helper.make_tensor_value_info(tensor, onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    del proto
    feeds = [i.name for i in session.get_inputs()]
    peak = dict.fromkeys(down, 0.0)
    total = dict.fromkeys(down, 0.0)
    texts = texts or calibration_texts()
    for text in texts:
        enc = tokenizer(text, return_tensors="np")
        feed = {k: np.asarray(enc[k] if k in enc else np.zeros_like(enc["input_ids"]), dtype=np.int64) for k in feeds}
        values = dict(zip(inputs.values(), session.run(list(inputs.values()), feed)))
        for name, tensor in inputs.items():
            magnitude = np.abs(values[tensor])
            peak[name] = max(peak[name], float(magnitude.max()))
            total[name] += float(magnitude.mean())
    return {name: peak[name] / max(total[name] / len(texts), 1e-12) for name in down}


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
