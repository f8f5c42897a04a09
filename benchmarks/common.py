"""Helpers the benchmark scripts share: the repository root and the model a benchmark uses by default."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def default_model() -> Path:
    """The trained default model of this checkout (`models/default`, or `$FRAMING_MODEL`)."""
    from framing.paths import default_model_path

    path = default_model_path()
    if not (path / "config.json").is_file():
        raise SystemExit(f"no trained model at {path}: run `make model` (or `python train.py`) or pass --model")
    return path
