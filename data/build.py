"""(Re)build the splits data/framing/{train,dev,test}.jsonl and the demo articles in data/articles/.

    .venv/bin/python data/build.py

The three split files together are the corpus; this script pools them, sorts by id and splits
again, so it is idempotent and a label fixed in any split lands in the right place. Deterministic (fixed seed). Whole topics are held out for test, so the test figure says how a model
does on conflicts it has not seen; the rest of test, and dev, are drawn from the seen topics,
stratified by label and grouped by article so no article is split across files.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from sklearn.model_selection import StratifiedGroupKFold

ROOT = Path(__file__).resolve().parent
SEED = 13
HELD_OUT_TOPICS = ["chechnya_wars", "south_sudan_civil_war", "sri_lanka_civil_war", "east_timor_1999",
                   "mozambique_cabo_delgado", "falklands_malvinas"]
FIELDS = ["id", "text", "label", "article", "para", "topic", "outlet_style", "year", "hard"]


def load() -> list[dict]:
    rows = []
    for path in sorted((ROOT / "framing").glob("*.jsonl")):
        rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return sorted(rows, key=lambda r: r["id"])


def carve(rows: list[dict], n_splits: int, salt: int) -> tuple[list[dict], list[dict]]:
    groups = [r["article"] or r["id"] for r in rows]
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=SEED + salt)
    keep, held = next(splitter.split(rows, [r["label"] for r in rows], groups))
    return [rows[i] for i in keep], [rows[i] for i in held]


def rebuild_article(sentences: list[dict]) -> str:
    paragraphs = defaultdict(list)
    for s in sentences:
        paragraphs[s["para"]].append(s["text"])
    blocks = ["\n".join(paragraphs[0])] if 0 in paragraphs else []
    blocks += [" ".join(paragraphs[p]) for p in sorted(paragraphs) if p != 0]
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    rows = load()
    held = [r for r in rows if r["topic"] in HELD_OUT_TOPICS]
    # The supplementary batches (ids s*) were written after the test split was double-labelled:
    # they go to train and dev only, so test stays exactly the doubly-labelled set.
    seen = [r for r in rows if r["topic"] not in HELD_OUT_TOPICS and r["id"].startswith("w")]
    supplement = [r for r in rows if r["topic"] not in HELD_OUT_TOPICS and not r["id"].startswith("w")]
    seen, seen_test = carve(seen, 16, 0)     # about 5% of the seen topics join test
    train, dev = carve(seen + supplement, 6, 1)  # about 15% of all data for dev
    splits = {"train": train, "dev": dev, "test": held + seen_test}
    out = ROOT / "framing"
    out.mkdir(exist_ok=True)
    for name, part in splits.items():
        part = sorted(part, key=lambda r: r["id"])
        with (out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for r in part:
                fh.write(json.dumps({k: r.get(k) for k in FIELDS}, ensure_ascii=False) + "\n")
        print(f"{name}: {len(part)} sentences, {len({r['article'] for r in part if r['article']})} articles, "
              f"{len({r['topic'] for r in part})} topics")

    # Demo articles: one whole article from each held-out topic, with its gold labels.
    articles = ROOT / "articles"
    articles.mkdir(exist_ok=True)
    by_article = defaultdict(list)
    for r in held:
        if r["article"]:
            by_article[r["article"]].append(r)
    picked = {}
    for article_id in sorted(by_article):
        topic = by_article[article_id][0]["topic"]
        picked.setdefault(topic, article_id)
    for topic, article_id in sorted(picked.items()):
        sentences = sorted(by_article[article_id], key=lambda r: r["id"])
        (articles / f"{article_id}.txt").write_text(rebuild_article(sentences), encoding="utf-8")
        gold = {"article": article_id, "topic": topic, "sentences": [{"text": s["text"], "label": s["label"]} for s in sentences]}
        (articles / f"{article_id}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n",
                                                          encoding="utf-8")
    print(f"articles: {len(picked)} demo articles in {articles}")


if __name__ == "__main__":
    main()
