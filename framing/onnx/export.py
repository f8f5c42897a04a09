"""Export a model folder to ONNX, checked against torch on another batch shape than the trace.

    framing export --model models/default --quantize int8     # writes model.onnx and model.int8.onnx
"""
from __future__ import annotations

import inspect
import logging
import warnings
from pathlib import Path

import numpy as np

from .quantize import quantize_onnx
from .runtime import INPUT_NAMES, INT8_FILE, ONNX_FILE, OnnxBackend

log = logging.getLogger(__name__)

OPSET = 17
# Largest |logit| difference between onnxruntime and torch accepted right after export (fp32, same inputs).
EXPORT_TOLERANCE = 1e-3
# Sentences used to trace the export: two lengths, so the traced graph contains the padding-mask path.
_TRACE_TEXTS = ["The ministry said the convoy reached the town after the ceasefire took effect on Monday.",
                "Aid stopped."]
_CHECK_TEXTS = ["Civilians fled.", "The court ruled that the strikes broke the treaty signed last year in Geneva.",
                "Shelling resumed overnight, officials said."]


def export_onnx(model_dir: str | Path, quantize: bool = False) -> list[Path]:
    """Write model.onnx (and model.int8.onnx with `quantize`) into a model folder; returns the files written."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise FileNotFoundError(f"{model_dir}: not a model folder (no config.json)")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    # Eager attention traces to plain MatMul/Softmax, which onnxruntime fuses and quantises well; the SDPA trace
    # runs slower (benchmarks/README.md, "ONNX export choices").
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
