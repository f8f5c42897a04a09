"""Write framing/quantize_calibration.txt: the sentences int8 quantisation measures activation outliers on.

    python data/realnews/calibration_sample.py

Every 26th sentence of data/framing/train.jsonl (the written corpus) and every 5th CC BY 4.0 sentence of
data/realnews/train.jsonl (Tehran Times via Mehr News Agency, and FA-KES), so that the outlier channels are found
on real news too. Train splits only: the agreement figures are measured on the test splits.
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "framing" / "quantize_calibration.txt"
HEADER = """# Calibration sentences for int8 quantisation (framing/onnx/outliers.py), one per line; only activation
# statistics are taken from them. Written by data/realnews/calibration_sample.py:
# - every 26th sentence of data/framing/train.jsonl (the project's written corpus);
# - every 5th CC BY 4.0 sentence of data/realnews/train.jsonl: Tehran Times articles (Mehr News Agency, CC BY 4.0,
#   Kmahmoudi/Tehran-Times-Dataset) and FA-KES (Salem et al. 2019, Zenodo 2607278, CC BY 4.0).
"""


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    written = [r["text"] for r in rows(ROOT / "data" / "framing" / "train.jsonl")][::26]
    real = [r["text"] for r in rows(ROOT / "data" / "realnews" / "train.jsonl") if r["licence"].startswith("CC BY 4.0")][::5]
    lines = [t.replace("\n", " ").strip() for t in written + real]
    TARGET.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(written)} written + {len(real)} real-news sentences")


if __name__ == "__main__":
    main()
