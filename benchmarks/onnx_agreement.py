"""Does the int8 ONNX model still say what the fp32 torch model says? Agreement and macro-F1 on a labelled set.

    .venv/bin/python benchmarks/onnx_agreement.py                    # models/default (else runs/default-v0), dev set
    .venv/bin/python benchmarks/onnx_agreement.py --model models/fast --data data/realnews/test.jsonl data/framing/test.jsonl
    .venv/bin/python benchmarks/onnx_agreement.py --compare-settings # every quantisation setting, to choose one

Exports model.onnx and model.int8.onnx into the model folder first when they are missing (or with --reexport).
Prints the share of sentences where each ONNX model picks the same label as torch fp32 and the macro-F1 of all
three, for each --data file. Exit status 1 when int8 misses the bar on any of them: agreement < 99 % or more than
0.5 macro-F1 points lost.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

from framing.data import read_examples  # noqa: E402
from framing.evaluation import compute_metrics  # noqa: E402
from framing.onnx import INT8_FILE, ONNX_FILE, OnnxBackend, export_onnx  # noqa: E402
from framing.onnx.quantize import quantize_onnx, weight_matmuls  # noqa: E402
from common import ROOT as PROJECT_ROOT, default_model  # noqa: E402
from framing.predict import FramingClassifier  # noqa: E402

MIN_AGREEMENT = 99.0  # percent of sentences
MAX_F1_LOSS = 0.5  # macro-F1 points
# (description, quantize_onnx keyword arguments); "exclude" picks the fp32 MatMuls from (weight MatMuls,
# down-projections) in layer order, None is the library's rule (`fp32_nodes`: layer 0). "outlier split" moves
# the outlier channels of each down-projection into a small fp32 MatMul (framing/onnx/outliers.py).
SETTINGS = [
    ("MatMul+Gather, per-tensor", {"op_types": None, "per_channel": False, "split_outliers": False},
     lambda mm, down: []),
    ("MatMul+Gather, per-channel", {"op_types": None, "per_channel": True, "split_outliers": False},
     lambda mm, down: []),
    ("MatMul+Gather, reduce_range", {"op_types": None, "per_channel": False, "reduce_range": True,
                                     "split_outliers": False}, lambda mm, down: []),
    ("MatMul, per-tensor", {"per_channel": False, "split_outliers": False}, lambda mm, down: []),
    ("MatMul, per-channel", {"per_channel": True, "split_outliers": False}, lambda mm, down: []),
    ("MatMul, per-channel, all down-proj fp32", {"per_channel": True, "split_outliers": False},
     lambda mm, down: down),
    ("MatMul, per-channel, layer-0 down-proj fp32", {"per_channel": True, "split_outliers": False},
     lambda mm, down: down[:1]),
    ("MatMul, per-channel, layer 0 fp32", {"per_channel": True, "split_outliers": False}, None),
    ("MatMul, per-channel, layer 0 + down 6-10 fp32", {"per_channel": True, "split_outliers": False},
     lambda mm, down: mm[:mm.index(down[0]) + 1] + down[6:11]),
    ("MatMul, per-channel, outlier split", {"per_channel": True}, lambda mm, down: []),
    ("MatMul, per-channel, outlier split + layer 0 fp32 *", {"per_channel": True}, None),
]


def scored(clf: FramingClassifier, texts: list[str]) -> tuple[np.ndarray, float]:
    clf.predict_proba(texts[:16])  # first-call allocation is not throughput
    started = time.perf_counter()
    probs = clf.predict_proba(texts)
    return probs, len(texts) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="model folder (default models/default, else runs/default-v0)")
    parser.add_argument("--data", type=Path, nargs="+", default=[PROJECT_ROOT / "data" / "framing" / "dev.jsonl"])
    parser.add_argument("--reexport", action="store_true", help="export the ONNX files even when they exist")
    parser.add_argument("--compare-settings", action="store_true", help="also score every quantisation setting")
    args = parser.parse_args()

    model = args.model or default_model()
    if args.reexport or not (model / ONNX_FILE).is_file() or not (model / INT8_FILE).is_file():
        for path in export_onnx(model, quantize=True):
            print(f"exported {path}")
    torch_clf = FramingClassifier.from_pretrained(model, backend="torch", device="cpu")
    onnx = {backend: FramingClassifier.from_pretrained(model, backend=backend) for backend in ("onnx", "onnx-int8")}
    for backend, clf in onnx.items():
        if clf.backend.name != backend:
            raise SystemExit(f"{backend}: fell back to {clf.backend.name}; see the warning above")
    ok = True
    for data in args.data:
        ok &= compare(model, data, torch_clf, onnx, args.compare_settings)
    return 0 if ok else 1


def compare(model: Path, data: Path, torch_clf: FramingClassifier, onnx: dict, compare_settings: bool) -> bool:
    """Agreement with torch fp32 and macro-F1 on one labelled file; True when int8 meets the bar."""
    examples = read_examples(data, torch_clf.labels)
    texts = [e.text for e in examples]
    gold = np.array([torch_clf.labels.index(e.label) for e in examples])
    print(f"\nmodel {model}  data {data} ({len(texts)} sentences)\n")

    reference, speed = scored(torch_clf, texts)
    ref_f1 = 100 * compute_metrics(reference, gold, torch_clf.labels)["macro_f1"]
    print(f"{'path':<44} {'agree %':>8} {'macro-F1':>9} {'ΔF1':>6} {'max|Δp|':>8} {'sent/s':>7}")
    print(f"{'torch fp32':<44} {100.0:>8.2f} {ref_f1:>9.2f} {0.0:>6.2f} {0.0:>8.4f} {speed:>7.0f}")

    def row(name: str, clf: FramingClassifier) -> tuple[float, float]:
        probs, speed = scored(clf, texts)
        agree = 100 * float((probs.argmax(1) == reference.argmax(1)).mean())
        f1 = 100 * compute_metrics(probs, gold, clf.labels)["macro_f1"]
        print(f"{name:<44} {agree:>8.2f} {f1:>9.2f} {f1 - ref_f1:>+6.2f} {np.abs(probs - reference).max():>8.4f} "
              f"{speed:>7.0f}")
        return agree, f1

    results = {backend: row(f"{backend} ({Path(clf.backend.file).name})", clf) for backend, clf in onnx.items()}
    if compare_settings:
        print("\nquantisation settings (same fp32 graph, dynamic QInt8 weights; * = the library default):")
        with tempfile.TemporaryDirectory() as tmp:
            for name, kwargs, exclude in SETTINGS:
                excluded = exclude(*weight_matmuls(model / ONNX_FILE)) if exclude else None
                out = quantize_onnx(model / ONNX_FILE, Path(tmp) / "variant.int8.onnx", nodes_to_exclude=excluded,
                                    **kwargs)
                clf = FramingClassifier(OnnxBackend(out, name="variant"), torch_clf.tokenizer, torch_clf.labels,
                                        max_length=torch_clf.max_length, batch_size=torch_clf.batch_size)
                row(f"  {name} ({out.stat().st_size / 2**20:.0f} MiB)", clf)

    agree, f1 = results["onnx-int8"]
    ok = agree >= MIN_AGREEMENT and ref_f1 - f1 <= MAX_F1_LOSS
    print(f"\nint8 vs torch fp32 on {data.name}: agreement {agree:.2f} % (bar >= {MIN_AGREEMENT} %), macro-F1 "
          f"{f1:.2f} vs {ref_f1:.2f} ({f1 - ref_f1:+.2f} points, bar >= -{MAX_F1_LOSS}): {'PASS' if ok else 'FAIL'}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
