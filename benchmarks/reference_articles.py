"""Score whole articles against sentence-level gold labels: the guide's reference article and the
blind reference set in data/reference/ (written for evaluation, never used for training).

    .venv/bin/python benchmarks/reference_articles.py [--model models/default] [--verbose]

Each article is segmented by the product's own segmenter; a sentence counts only where the segment's
text equals the gold sentence (segmentation mismatches are reported, never silently realigned).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from framing.predict import FramingClassifier  # noqa: E402
from seed_article import GUIDE  # noqa: E402


def articles(seed: Path, folder: Path) -> tuple[list[tuple[str, str, list[str], list[str] | None]], list[Path]]:
    """((name, text, gold labels, gold texts or None when only labels are known) per article, unreadable files)."""
    found, skipped = [], []
    if seed.exists():
        found.append(("guide reference (seed-article.txt)", seed.read_text(encoding="utf-8"), GUIDE, None))
    for gold_file in sorted(folder.glob("*.gold.json")):
        text_file = gold_file.with_name(gold_file.name.replace(".gold.json", ".txt"))
        try:
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            sentences = gold["sentences"]
            entry = (gold["article"], text_file.read_text(encoding="utf-8"), [s["label"] for s in sentences],
                     [s["text"] for s in sentences])
        except (OSError, ValueError, KeyError, TypeError) as err:  # one bad file is reported, the rest are scored
            print(f"error: {gold_file}: skipped ({type(err).__name__}: {err})", file=sys.stderr)
            skipped.append(gold_file)
            continue
        found.append(entry)
    return found, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--seed-article", default=str(ROOT.parent / "shared" / "seed-article.txt"))
    parser.add_argument("--folder", default=str(ROOT / "data" / "reference"))
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--verbose", action="store_true", help="print every sentence, not only the misses")
    args = parser.parse_args()
    clf = FramingClassifier.from_pretrained(args.model, backend=args.backend)
    total_hits = total = blind_hits = blind_total = 0
    confusion: Counter = Counter()
    found, skipped = articles(Path(args.seed_article), Path(args.folder))
    for name, text, labels, texts in found:
        results = clf.predict(text)
        if len(results) != len(labels):
            print(f"{name}: segmentation gave {len(results)} sentences, the gold has {len(labels)}")
            if texts is None:  # labels only: no way to align them, so the article is not scored
                print("  not scored")
                total += len(labels)
                continue
        hits = n = 0
        print(f"\n{name}")
        for i, (r, gold) in enumerate(zip(results, labels), 1):
            if texts is not None and r.text != texts[i - 1]:
                print(f"  {i:>2} SEGMENTATION differs from gold: {r.text[:60]!r}")
                continue
            ok = r.label == gold
            hits += ok
            n += 1
            confusion[(gold, r.label)] += 1
            if args.verbose or not ok:
                print(f"  {i:>2} {'ok  ' if ok else 'MISS'} gold {gold:<15} got {r.label:<15} {r.score:.2f}  {r.text[:70]}")
        print(f"  {hits} of {len(labels)}")
        total_hits += hits
        total += len(labels)
        if texts is not None:
            blind_hits += hits
            blind_total += len(labels)
    print(f"\nall articles: {total_hits} of {total} ({total_hits / max(total, 1):.1%})"
          + (f"; {len(skipped)} gold file(s) skipped as unreadable (see the errors above)" if skipped else ""))
    if blind_total:
        print(f"blind set (data/reference): {blind_hits} of {blind_total} ({blind_hits / blind_total:.1%})")
    print("misses by gold -> predicted: " + ", ".join(f"{g}->{p} {c}" for (g, p), c in confusion.most_common()
                                                      if g != p))


if __name__ == "__main__":
    main()
