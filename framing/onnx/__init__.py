"""ONNX: `runtime` runs an exported folder, `export` writes model.onnx, `quantize` (with `outliers`) writes
model.int8.onnx. Imports flow one way: export -> quantize -> outliers -> runtime."""
from .runtime import INT8_FILE, ONNX_FILE, OnnxBackend, load_onnx_backend

__all__ = ["INT8_FILE", "ONNX_FILE", "OnnxBackend", "load_onnx_backend", "export_onnx"]


def export_onnx(model_dir, quantize: bool = False):
    """See `framing.onnx.export.export_onnx` (imported on use: it needs torch and onnx)."""
    from .export import export_onnx as export

    return export(model_dir, quantize=quantize)
