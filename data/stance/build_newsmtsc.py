"""Convert NewsMTSC (../shared/benchmarks/newsmtsc, MIT) into the training format, in data/stance/newsmtsc/.

    .venv/bin/python data/stance/build_newsmtsc.py

One row per (sentence, target): `text` is the sentence, `text_pair` the target's mention as it appears in it
(`text[start:end]`), `label` negative/neutral/positive (polarity -1/0/1). `article` is the AllSides or POLUSA
article the id names, so grouped splits and the report keep sentences of one article together. The paper's own
splits are kept: rw/train (also the training set for mt), rw/dev, rw/test, mt/dev, mt/test.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1].parent / "shared" / "benchmarks" / "newsmtsc"
LABELS = {-1: "negative", 0: "neutral", 1: "positive"}
LICENCE = "MIT (NewsMTSC, Hamborg & Donnay 2021; sentences from AllSides and POLUSA articles)"
SPLITS = {"rw/train.jsonl": "train.jsonl", "rw/dev.jsonl": "dev-rw.jsonl", "rw/test.jsonl": "test-rw.jsonl",
          "mt/dev.jsonl": "dev-mt.jsonl", "mt/test.jsonl": "test-mt.jsonl"}


def row(record: dict, split: str) -> dict:
    text, start, end = record["sentence"], int(record["from"]), int(record["to"])
    if text[start:end] != record["mention"]:
        raise ValueError(f"{split}: {record['id']}: field 'from'/'to' do not give the mention {record['mention']!r}")
    source, number = record["id"].split("_")[:2]
    return {"id": f"newsmtsc-{split.split('/')[0]}-{record['id']}", "text": text, "text_pair": record["mention"],
            "label": LABELS[int(record["polarity"])], "start": start, "end": end,
            "article": f"{source}_{number}", "dataset": "newsmtsc", "licence": LICENCE}


def main() -> None:
    out = HERE / "newsmtsc"
    out.mkdir(exist_ok=True)
    for split, name in SPLITS.items():
        rows = [row(json.loads(line), split) for line in (SOURCE / split).open(encoding="utf-8") if line.strip()]
        (out / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{name}: {len(rows)} rows")
    shutil.copy(SOURCE / "LICENSE", out / "LICENSE")


if __name__ == "__main__":
    main()
