"""Build the conflict-actor stance test set from the two passes and the adjudication.

    python data/annotation/stance/build.py

Writes conflict_test.jsonl here: one row per (sentence, actor) item, with `text` (the sentence), `text_pair`
(the mention as it appears in the sentence, the model's second input), `label` (negative/neutral/positive),
`labels` (agreed or adjudicated), the actor, its type, offsets, and the sentence's article, outlet, outlet group,
dataset and licence.
"""
from __future__ import annotations

import json
from pathlib import Path

from agreement import HERE, read_pass


def main() -> None:
    items = [json.loads(line) for line in (HERE / "items.jsonl").open(encoding="utf-8")]
    ids = [i["id"] for i in items]
    a, b = read_pass("a", ids), read_pass("b", ids)
    settled = {}
    for line in (HERE / "adjudication.tsv").read_text(encoding="utf-8").splitlines():
        item, label, _ = line.split("\t", 2)
        settled[item] = label.strip()
    rows = []
    for item in items:
        agreed = a[item["id"]] == b[item["id"]]
        if not agreed and item["id"] not in settled:
            raise SystemExit(f"{item['id']}: the passes disagree and adjudication.tsv has no decision")
        rows.append({"id": item["id"], "text": item["text"], "text_pair": item["mention"],
                     "label": a[item["id"]] if agreed else settled[item["id"]],
                     "labels": "agreed" if agreed else "adjudicated", "actor": item["actor"], "type": item["type"],
                     "start": item["start"], "end": item["end"], "sentence_id": item["sentence_id"],
                     "article": item["article"], "outlet": item["outlet"], "outlet_group": item["outlet_group"],
                     "dataset": item["dataset"], "licence": item["licence"]})
    (HERE / "conflict_test.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                              encoding="utf-8")
    counts = {x: sum(r["label"] == x for r in rows) for x in ("negative", "neutral", "positive")}
    print(f"{len(rows)} items from {len({r['article'] for r in rows})} articles: {counts}")


if __name__ == "__main__":
    main()
