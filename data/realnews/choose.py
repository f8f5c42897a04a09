"""Choose the real-news articles to label, split them by article, and write the annotators' batches.

    python data/realnews/choose.py            # writes data/realnews/articles.jsonl and batches/

Articles come from ../shared/real-news/articles.jsonl only. Each outlet gets a sentence quota; within an
outlet, articles are drawn (seeded) from short, medium and long length bins in turn, so that every length
appears. Every sentence of a chosen article is kept, headline first, as framing.segment splits it.
Splits are by article: three small outlets appear only in test; the others spread their articles over
test, dev and train in a fixed rotation.
"""
from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from framing.segment import segment  # noqa: E402
from outlets import normalise  # noqa: E402

SOURCE = HERE.parents[2] / "shared" / "real-news" / "articles.jsonl"
SEED = 12
MAX_SENTENCES = 90  # longer articles are rare and would eat an outlet's whole quota
SCALE = 0.88  # quotas below sum to about 4,000 sentences; 0.85 of them is what two labelling passes allow
QUOTA = {  # sentences per outlet
    "Tehran Times": 620, "CNN": 230, "Washington Times": 180, "Christian Science Monitor": 160, "Fox News": 200,
    "USA Today": 150, "BBC News": 180, "NPR": 130, "Vox": 90, "Politico": 80, "The New York Times": 110,
    "Reuters": 150, "Associated Press": 100, "The Guardian": 100, "Al Jazeera": 80, "National Review": 50,
    "Wall Street Journal - News": 60, "RT": 110, "China Daily": 90, "SANA": 40, "Sputnik": 60, "Al-Manar": 50,
    "Al-Alam": 50, "TRT": 60, "TASS": 25, "Al-Ahram": 50, "Daily Sabah": 50, "Al-Araby": 40,
    "The Washington Post": 60, "Jordan Times": 40, "Al Arabiya": 40, "The Hill": 60,
}
TEST_ONLY = {"Jordan Times", "Al Arabiya", "The Hill"}
ROTATION = ["test", "train", "dev", "train", "test", "train", "test", "dev", "train", "train", "test", "train"]


def article_text(article: dict) -> str:
    """The headline on its own line, then the body (some sources glue the title to the body)."""
    title = (article.get("title") or "").strip()
    body = article["text"].strip()
    if not title:
        return body
    if body.startswith(title):
        body = body[len(title):].lstrip()
    return f"{title}\n\n{body}"


def source_texts(wanted: set[str]) -> dict[str, str]:
    """Headline-plus-body text of the articles named, by id."""
    texts = {}
    for line in SOURCE.open(encoding="utf-8"):
        article = json.loads(line)
        if article["id"] in wanted:
            texts[article["id"]] = article_text(article)
    return texts


def candidates() -> dict[str, list[dict]]:
    by_outlet = defaultdict(list)
    for line in SOURCE.open(encoding="utf-8"):
        article = json.loads(line)
        outlet = normalise(article["outlet"])
        if outlet not in QUOTA:
            continue
        text = article_text(article)
        sentences = [s.text for s in segment(text)]
        if 3 <= len(sentences) <= MAX_SENTENCES:
            by_outlet[outlet].append({**article, "outlet": outlet, "sentences": sentences})
    return by_outlet


def draw(pool: list[dict], quota: int, rng: random.Random) -> list[dict]:
    bins = [[a for a in pool if len(a["sentences"]) < 15], [a for a in pool if 15 <= len(a["sentences"]) < 35],
            [a for a in pool if len(a["sentences"]) >= 35]]
    for b in bins:
        rng.shuffle(b)
    chosen, total, turn = [], 0, 0
    while total < quota and any(bins):
        b = bins[turn % 3]
        turn += 1
        if b:
            article = b.pop()
            chosen.append(article)
            total += len(article["sentences"])
    return chosen


def main() -> None:
    rng = random.Random(SEED)
    pools = candidates()
    rows = []
    for outlet in sorted(QUOTA):
        chosen = draw(pools.get(outlet, []), int(QUOTA[outlet] * SCALE), rng)
        for i, article in enumerate(chosen):
            split = "test" if outlet in TEST_ONLY else ROTATION[i % len(ROTATION)]
            if outlet not in TEST_ONLY and len(chosen) < 3:
                split = "train"
            rows.append({"article": article["id"], "outlet": outlet, "dataset": article["dataset"],
                         "licence": article["licence"], "date": article.get("date"), "url": article.get("url"),
                         "split": split, "sentences": article["sentences"]})
    with (HERE.parent / "annotation" / "realnews" / "articles.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = defaultdict(lambda: [0, 0])
    for row in rows:
        counts[row["split"]][0] += 1
        counts[row["split"]][1] += len(row["sentences"])
    print({k: tuple(v) for k, v in counts.items()}, "articles:", len(rows),
          "sentences:", sum(len(r["sentences"]) for r in rows))


if __name__ == "__main__":
    main()
