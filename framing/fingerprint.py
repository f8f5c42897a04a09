"""The one model fingerprint: a content hash of what decides a model's scores with a given backend.

Scoring stores it so that results of a changed model are never mixed with old ones, the service answers
with its first 12 characters as the model version, and the model card prints it. Exporting ONNX files
beside the torch weights does not change the torch fingerprint.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .onnx.runtime import INT8_FILE, ONNX_FILE

MODEL_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt")
WEIGHT_FILES = {"torch": ("*.safetensors", "*.bin"), "onnx": (ONNX_FILE,), "onnx-int8": (INT8_FILE,)}


def model_fingerprint(path: str | Path, backend: str = "torch") -> str:
    """blake2b (32 hex characters) over the config, tokenizer and the weights `backend` runs."""
    path = Path(path)
    digest = hashlib.blake2b(digest_size=16)
    for pattern in (*MODEL_FILES, *WEIGHT_FILES.get(backend, ("*.safetensors", "*.bin", "*.onnx"))):
        for file in sorted(path.glob(pattern)):
            digest.update(file.name.encode())
            with open(file, "rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
    return digest.hexdigest()
