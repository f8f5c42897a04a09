"""Choose the sentences for measuring the actor matcher's precision and recall, and write the annotators' files.

    .venv/bin/python data/annotation/actors/make_sample.py

SAMPLE sentences drawn (seeded) from the real-news dev split, at most PER_ARTICLE per article, with no regard to
what the matcher finds in them, so recall is measured on sentences as they come. Writes sample.jsonl (the key:
item id, sentence id, outlet, licence), actor-list.md (the canonical names and types of framing/actors.yaml,
without their aliases: annotators list the actors a sentence refers to, in whatever words) and batches/aN.tsv.
"""
from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
from framing.actors import load_actors  # noqa: E402

SAMPLE, PER_ARTICLE, BATCHES, SEED = 400, 20, 2, 7


def main() -> None:
    rows = [json.loads(line) for line in (ROOT / "data/realnews/dev.jsonl").open(encoding="utf-8")]
    rng = random.Random(SEED)
    by_article = defaultdict(list)
    for r in rows:
        by_article[r["article"]].append(r)
    pool = []
    for article in sorted(by_article):
        chosen = by_article[article][:]
        rng.shuffle(chosen)
        pool += chosen[:PER_ARTICLE]
    rng.shuffle(pool)
    items = [{"id": f"M{n:04d}", "sentence_id": r["id"], "text": r["text"], "article": r["article"],
              "outlet": r["outlet"], "licence": r["licence"]} for n, r in enumerate(pool[:SAMPLE], 1)]
    (HERE / "sample.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    kinds = defaultdict(list)
    for actor in load_actors():
        kinds[actor.type].append(actor.name)
    lines = ["# The actor list", ""]
    for kind in ("state", "organisation", "armed_group", "person"):
        lines += [f"## {kind}", "", "; ".join(sorted(kinds[kind])), ""]
    (HERE / "actor-list.md").write_text("\n".join(lines), encoding="utf-8")
    size = -(-len(items) // BATCHES)
    for b in range(BATCHES):
        part = items[b * size:(b + 1) * size]
        (HERE / "batches" / f"a{b + 1}.tsv").write_text("".join(f"{i['id']}\t{i['text']}\n" for i in part), "utf-8")
    print(f"{len(items)} sentences from {len({i['article'] for i in items})} articles")


if __name__ == "__main__":
    main()
