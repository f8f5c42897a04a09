"""Score ../shared/seed-article.txt and compare with the annotation guide's worked example.

    .venv/bin/python benchmarks/seed_article.py [--model models/default]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from framing.predict import FramingClassifier  # noqa: E402

# The guide's table (annotation-guide.md v1.1, "Worked example"), in article order.
GUIDE = ["accusatory", "background", "accusatory", "accusatory", "accusatory", "legal_argument", "background",
         "background", "humanitarian", "accusatory", "background", "background", "background", "humanitarian"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--article", default=str(ROOT.parent / "shared" / "seed-article.txt"))
    parser.add_argument("--backend", default="torch")
    args = parser.parse_args()
    text = Path(args.article).read_text(encoding="utf-8")
    results = FramingClassifier.from_pretrained(args.model, backend=args.backend).predict(text)
    if len(results) != len(GUIDE):
        print(f"segmentation gave {len(results)} sentences, the guide has {len(GUIDE)}")
    hits = 0
    for i, (r, gold) in enumerate(zip(results, GUIDE), 1):
        ok = r.label == gold
        hits += ok
        print(f"{i:>2} {'ok  ' if ok else 'MISS'} gold {gold:<15} got {r.label:<15} {r.score:.2f}  {r.text[:70]}")
    print(f"\n{hits} of {len(GUIDE)} sentences as the guide labels them ({Path(args.model).name})")


if __name__ == "__main__":
    main()
