"""Choose the conflict-actor stance test items and write the annotators' batches.

    python data/annotation/stance/make_batches.py

Items are (sentence, actor) pairs from whole articles of the real-news test split (data/realnews/test.jsonl):
articles never used to train any model here. Articles are taken in a seeded order, one outlet at a time in turn,
until at least TARGET pairs are in. Each sentence gives one pair per actor it names (framing/actors.yaml), on the
actor's first mention in the sentence; sentences that also appear in NewsMTSC (any split) are left out.
Writes items.jsonl (the key: item id, sentence id, actor, mention, offsets, outlet, licence) and batches/bN.tsv
(`ID<TAB>sentence with the mention marked [[like this]]`), the only thing annotators see besides guide.md.
"""
from __future__ import annotations

import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from framing.actors import ActorMatcher, first_mentions, load_actors  # noqa: E402

TARGET = 600
BATCH = 160
SEED = 13
NEWSMTSC = ROOT.parent / "shared" / "benchmarks" / "newsmtsc"


def norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def newsmtsc_sentences() -> set[str]:
    return {norm(json.loads(line)["sentence"]) for f in NEWSMTSC.glob("*/*.jsonl") for line in f.open(encoding="utf-8")}


def article_order(rows: list[dict], rng: random.Random) -> list[str]:
    """Articles in a seeded order, one outlet at a time in turn (outlets sorted, each outlet's articles shuffled)."""
    outlets = defaultdict(list)
    for article in sorted({r["article"] for r in rows}):
        outlets[next(r["outlet"] for r in rows if r["article"] == article)].append(article)
    for articles in outlets.values():
        rng.shuffle(articles)
    order = []
    while any(outlets.values()):
        for outlet in sorted(outlets):
            if outlets[outlet]:
                order.append(outlets[outlet].pop())
    return order


def main() -> None:
    rows = [json.loads(line) for line in (ROOT / "data" / "realnews" / "test.jsonl").open(encoding="utf-8")]
    by_article = defaultdict(list)
    for r in rows:
        by_article[r["article"]].append(r)
    order = article_order(rows, random.Random(SEED))
    matcher, skip = ActorMatcher(load_actors()), newsmtsc_sentences()
    items = []
    for article in order:
        if len(items) >= TARGET:
            break
        for r in by_article[article]:
            if norm(r["text"]) in skip:
                continue
            for m in first_mentions(matcher.find(r["text"])):
                items.append({"id": f"S{len(items) + 1:04d}", "sentence_id": r["id"], "article": article,
                              "actor": m.actor, "type": m.type, "mention": m.mention, "start": m.start, "end": m.end,
                              "text": r["text"], "outlet": r["outlet"], "outlet_group": r["outlet_group"],
                              "dataset": r["dataset"], "licence": r["licence"]})
    (HERE / "items.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    (HERE / "batches").mkdir(exist_ok=True)
    for b in range(0, len(items), BATCH):
        lines = [f"{i['id']}\t{i['text'][:i['start']]}[[{i['mention']}]]{i['text'][i['end']:]}".replace("\n", " ")
                 for i in items[b:b + BATCH]]
        (HERE / "batches" / f"b{b // BATCH + 1}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    n_articles = len({i["article"] for i in items})
    print(f"{len(items)} pairs from {n_articles} articles of {len({i['outlet'] for i in items})} outlets")


if __name__ == "__main__":
    main()
