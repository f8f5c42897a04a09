"""Choose the conflict-actor stance TRAINING items and write the annotators' batches.

    python data/annotation/stance/make_train_batches.py

Items are (sentence, actor) pairs from the training splits only: whole articles of the real-news train split
(data/realnews/train.jsonl, taken one outlet at a time in a seeded order until REAL pairs are in) and sentences of
the written train split (data/framing/train.jsonl, a seeded sample of WRITTEN pairs). No sentence of a dev or test
split, of the stance test set, or of NewsMTSC (any split) is used. One pair per actor a sentence names
(framing/actors.yaml), on its first mention. Writes train/items.jsonl (the key) and train/batches/tN.tsv
(`ID<TAB>sentence with the mention marked [[like this]]`), the only thing annotators see besides guide.md.
"""
from __future__ import annotations

import json
import random
import sys
from collections import defaultdict

from make_batches import HERE, ROOT, article_order, newsmtsc_sentences, norm

sys.path.insert(0, str(ROOT))
from framing.actors import ActorMatcher, first_mentions, load_actors  # noqa: E402

REAL, WRITTEN, BATCHES, SEED = 1200, 300, 10, 29
OUT = HERE / "train"


def read(path: str) -> list[dict]:
    return [json.loads(line) for line in (ROOT / path).open(encoding="utf-8")]


def held_out() -> set[str]:
    texts = {norm(r["text"]) for f in ("data/realnews/dev.jsonl", "data/realnews/test.jsonl",
                                       "data/framing/dev.jsonl", "data/framing/test.jsonl") for r in read(f)}
    return texts | newsmtsc_sentences()


def pairs(row: dict, matcher: ActorMatcher, source: dict) -> list[dict]:
    return [{"sentence_id": row["id"], "article": row["article"], "actor": m.actor, "type": m.type,
             "mention": m.mention, "start": m.start, "end": m.end, "text": row["text"], **source}
            for m in first_mentions(matcher.find(row["text"]))]


def real_items(matcher, skip, rng) -> list[dict]:
    rows = read("data/realnews/train.jsonl")
    by_article = defaultdict(list)
    for r in rows:
        by_article[r["article"]].append(r)
    items = []
    for article in article_order(rows, rng):
        if len(items) >= REAL:
            break
        for r in by_article[article]:
            if norm(r["text"]) not in skip:
                items += pairs(r, matcher, {"outlet": r["outlet"], "outlet_group": r["outlet_group"],
                                            "dataset": r["dataset"], "licence": r["licence"]})
    return items


def written_items(matcher, skip, rng) -> list[dict]:
    rows = [r for r in read("data/framing/train.jsonl") if norm(r["text"]) not in skip]
    rng.shuffle(rows)
    items = []
    for r in rows:
        if len(items) >= WRITTEN:
            break
        items += pairs(r, matcher, {"outlet": r.get("outlet_style", "written"), "outlet_group": "written",
                                    "dataset": "written", "licence": "written for this project (Apache-2.0)"})
    return items


def main() -> None:
    rng, matcher, skip = random.Random(SEED), ActorMatcher(load_actors()), held_out()
    items = real_items(matcher, skip, rng) + written_items(matcher, skip, rng)
    rng.shuffle(items)
    for n, item in enumerate(items, 1):
        item["id"] = f"T{n:04d}"
    OUT.mkdir(exist_ok=True)
    (OUT / "items.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    (OUT / "batches").mkdir(exist_ok=True)
    size = -(-len(items) // BATCHES)
    for b in range(0, len(items), size):
        lines = [f"{i['id']}\t{i['text'][:i['start']]}[[{i['mention']}]]{i['text'][i['end']:]}".replace("\n", " ")
                 for i in items[b:b + size]]
        (OUT / "batches" / f"t{b // size + 1}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    real = [i for i in items if i["dataset"] != "written"]
    print(f"{len(items)} pairs: {len(real)} real from {len({i['article'] for i in real})} articles of "
          f"{len({i['outlet'] for i in real})} outlets, {len(items) - len(real)} written")


if __name__ == "__main__":
    main()
