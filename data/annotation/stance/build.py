"""Build the conflict-actor stance sets from the two passes and the adjudication, into data/stance/conflict/.

    python data/annotation/stance/build.py

Test (this folder: items from whole real-news TEST articles) -> test.jsonl. Train (train/: real-news TRAIN
articles and written-corpus sentences) -> train.jsonl and dev.jsonl: DEV_SHARE of the real-news articles (seeded,
whole articles) are kept apart for checkpoint selection; written sentences stay in train.

One row per (sentence, actor) item, with `text` (the sentence), `text_pair` (the mention as it appears in the
sentence, the model's second input), `label` (negative/neutral/positive), `labels` (agreed or adjudicated), the
actor, its type, offsets, and the sentence's article, outlet, outlet group, dataset and licence.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from agreement import HERE, read_pass

OUT = HERE.parents[1] / "stance" / "conflict"
DEV_SHARE, SEED = 0.2, 5


def labelled(folder: Path) -> list[dict]:
    items = [json.loads(line) for line in (folder / "items.jsonl").open(encoding="utf-8")]
    ids = [i["id"] for i in items]
    a, b = read_pass("a", ids, folder), read_pass("b", ids, folder)
    settled = {}
    for line in (folder / "adjudication.tsv").read_text(encoding="utf-8").splitlines():
        item, label, _ = line.split("\t", 2)
        settled[item] = label.strip()
    rows = []
    for item in items:
        agreed = a[item["id"]] == b[item["id"]]
        if not agreed and item["id"] not in settled:
            raise SystemExit(f"{folder / 'adjudication.tsv'}: {item['id']}: the passes disagree and there is no decision")
        rows.append({"id": item["id"], "text": item["text"], "text_pair": item["mention"],
                     "label": a[item["id"]] if agreed else settled[item["id"]],
                     "labels": "agreed" if agreed else "adjudicated", "actor": item["actor"], "type": item["type"],
                     "start": item["start"], "end": item["end"], "sentence_id": item["sentence_id"],
                     "article": item["article"], "outlet": item["outlet"], "outlet_group": item["outlet_group"],
                     "dataset": item["dataset"], "licence": item["licence"]})
    return rows


def write(name: str, rows: list[dict]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts = {x: sum(r["label"] == x for r in rows) for x in ("negative", "neutral", "positive")}
    print(f"{name}: {len(rows)} items from {len({r['article'] for r in rows})} articles: {counts}")


def main() -> None:
    write("test.jsonl", labelled(HERE))
    train = sorted(labelled(HERE / "train"), key=lambda r: r["id"])
    real = sorted({r["article"] for r in train if r["dataset"] != "written"})
    random.Random(SEED).shuffle(real)
    dev_articles = set(real[:round(len(real) * DEV_SHARE)])
    write("train.jsonl", [r for r in train if r["article"] not in dev_articles])
    write("dev.jsonl", [r for r in train if r["article"] in dev_articles])


if __name__ == "__main__":
    main()
