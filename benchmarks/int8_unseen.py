"""int8 on sentences the quantisation never saw: label agreement with fp32 on the test splits, per setting.

    .venv/bin/python benchmarks/int8_unseen.py --model models/default
    .venv/bin/python benchmarks/int8_unseen.py --model models/fast --data data/realnews/test.jsonl data/framing/test.jsonl

For each setting (outlier-split factor, layers kept fp32, calibration sample) the model's model.onnx is quantised
again into a temporary file, and the share of sentences whose int8 label equals the fp32 ONNX label is printed per
file (fp32 ONNX gives the torch labels: benchmarks/onnx_agreement.py). The calibration sample is either the shipped
one (framing/quantize_calibration.txt: written sentences) or the shipped one plus every 5th CC BY 4.0 sentence of
the real-news train split. Then, for the model's own model.int8.onnx: how close to a tie the flipped sentences
were (the margin between fp32's two top probabilities) and the agreement on sentences with a clear margin, at
batch sizes 32 and 1 (a batch shares one activation scale).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from common import ROOT  # noqa: E402

SETTINGS = [  # (name, outlier factor, fp32 layers from the first, calibration sample)
    ("shipped: factor 6, layer 0 fp32, written sample", 6.0, 1, "shipped"),
    ("factor 6, layer 0 fp32, sample with real news", 6.0, 1, "real"),
    ("factor 4, layer 0 fp32, sample with real news", 4.0, 1, "real"),
    ("factor 6, layers 0-1 fp32, sample with real news", 6.0, 2, "real"),
    ("factor 4, layers 0-1 fp32, sample with real news", 4.0, 2, "real"),
    ("factor 3, layers 0-1 fp32, sample with real news", 3.0, 2, "real"),
    ("every down-projection fp32, sample with real news", 6.0, "down", "real"),
    ("layers 0-1 and the last fp32, sample with real news", 6.0, "ends", "real"),
]
CLEAR_MARGIN = 0.2


def real_news_sample() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "data" / "realnews" / "train.jsonl").open(encoding="utf-8")]
    return [r["text"].replace("\n", " ") for r in rows if r["licence"].startswith("CC BY 4.0")][::5]


def excluded(onnx_file: Path, layers) -> list[str]:
    from framing.onnx.quantize import weight_matmuls

    mm, down = weight_matmuls(onnx_file)
    if layers == "down":
        return down
    if layers == "ends":
        return mm[:mm.index(down[1]) + 1] + mm[mm.index(down[-2]) + 1:]
    return mm[:mm.index(down[layers - 1]) + 1]


def quantised(model: Path, target: Path, factor: float, layers, sample: str) -> Path:
    from framing.onnx import outliers
    from framing.onnx.quantize import quantize_onnx

    shipped = outliers.calibration_texts
    outliers.OUTLIER_FACTOR = factor
    if sample == "real":
        extra = real_news_sample()
        outliers.calibration_texts = lambda: shipped() + extra
    try:
        return quantize_onnx(model / "model.onnx", target, nodes_to_exclude=excluded(model / "model.onnx", layers))
    finally:
        outliers.calibration_texts = shipped
        outliers.OUTLIER_FACTOR = 6.0


def main() -> int:
    from framing.data import read_examples
    from framing.onnx import OnnxBackend
    from framing.predict import FramingClassifier

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--data", type=Path, nargs="+",
                        default=[ROOT / "data" / "realnews" / "test.jsonl", ROOT / "data" / "framing" / "test.jsonl"])
    args = parser.parse_args()
    ref = FramingClassifier.from_pretrained(args.model, backend="onnx")
    texts = {f: [e.text for e in read_examples(f, ref.labels)] for f in args.data}
    fp32 = {f: ref.predict_proba(t) for f, t in texts.items()}
    names = [f"{f.parent.name}/{f.name}" for f in args.data]
    print(f"model {args.model}; agreement of int8 with fp32 labels, %\n")
    print("| setting | " + " | ".join(names) + " | MiB |\n|---|" + "---:|" * (len(names) + 1))
    with tempfile.TemporaryDirectory() as tmp:
        for name, factor, layers, sample in SETTINGS:
            out = quantised(args.model, Path(tmp) / "variant.int8.onnx", factor, layers, sample)
            clf = FramingClassifier(OnnxBackend(out, name="variant"), ref.tokenizer, ref.labels, max_length=ref.max_length)
            cells = [f"{100 * float((clf.predict_proba(t).argmax(1) == fp32[f].argmax(1)).mean()):.2f}"
                     for f, t in texts.items()]
            print(f"| {name} | " + " | ".join(cells) + f" | {out.stat().st_size / 2**20:.0f} |", flush=True)
    print(f"\nthe folder's own model.int8.onnx: flips and fp32 margins (clear: margin >= {CLEAR_MARGIN})\n")
    print("| file | batch size | agreement % | flips | median fp32 margin of a flip | agreement where clear % | clear share |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for batch_size in (32, 1):
        q = FramingClassifier.from_pretrained(args.model, backend="onnx-int8", batch_size=batch_size)
        for f, t in texts.items():
            started = time.perf_counter()
            p, r = q.predict_proba(t), fp32[f]
            flips = p.argmax(1) != r.argmax(1)
            top2 = np.sort(r, 1)[:, -2:]
            margin = top2[:, 1] - top2[:, 0]
            clear = margin >= CLEAR_MARGIN
            median = f"{np.median(margin[flips]):.3f}" if flips.any() else "-"
            print(f"| {f.parent.name}/{f.name} | {batch_size} | {100 * (1 - flips.mean()):.2f} | {int(flips.sum())} | "
                  f"{median} | {100 * (1 - flips[clear].mean()):.2f} | {clear.mean():.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
