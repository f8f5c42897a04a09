"""Precision and recall of the actor matcher (framing/actors.yaml) on real sentences labelled twice by hand.

    .venv/bin/python benchmarks/actors.py [--actors framing/actors.yaml] [--json out.json]

Gold: data/annotation/actors/ (400 sentences of the real-news dev split, drawn without regard to what the matcher
finds; two independent passes, disagreements adjudicated). Each (sentence, actor) pair the matcher finds is a true
or false hit; each gold pair it misses counts against recall. 95% intervals resample whole articles (1,000 draws).
Also lists every miss and every false hit, which is what to fix in the actors file.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "data" / "annotation" / "actors"))
from agreement import actor_names, read_pass  # noqa: E402

from framing.actors import ActorMatcher  # noqa: E402

HERE = ROOT / "data" / "annotation" / "actors"


def gold_sets(items: list[dict]) -> dict[str, set[str]]:
    ids, names = [i["id"] for i in items], actor_names()
    a, b = read_pass("a", ids, names), read_pass("b", ids, names)
    gold = {i: a[i] & b[i] for i in ids}
    for line in (HERE / "adjudication.tsv").read_text(encoding="utf-8").splitlines():
        item, actor, decision = line.split("\t")[:3]
        if decision.strip() == "yes":
            gold[item].add(actor)
    return gold


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--actors", help="actors YAML (default: the shipped list)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    items = [json.loads(line) for line in (HERE / "sample.jsonl").open(encoding="utf-8")]
    gold, matcher = gold_sets(items), ActorMatcher.load(args.actors)
    types = {a.name: a.type for a in matcher.actors}
    rows, misses, false_hits = [], [], []
    for item in items:
        found = {m.actor for m in matcher.find(item["text"])}
        g = gold[item["id"]]
        rows.append((item["article"], len(found & g), len(found - g), len(g - found)))
        misses += [(a, item["text"]) for a in sorted(g - found)]
        false_hits += [(a, item["text"]) for a in sorted(found - g)]
    tp, fp, fn = (sum(r[k] for r in rows) for k in (1, 2, 3))
    p, r, f = prf(tp, fp, fn)
    rng, articles = np.random.default_rng(0), sorted({x[0] for x in rows})
    draws = []
    for _ in range(1000):
        chosen = Counter(articles[i] for i in rng.integers(0, len(articles), len(articles)))
        sums = [sum(x[k] * chosen[x[0]] for x in rows) for k in (1, 2, 3)]
        draws.append(prf(*sums))
    ci = {k: [float(np.percentile([d[i] for d in draws], 2.5)), float(np.percentile([d[i] for d in draws], 97.5))]
          for i, k in enumerate(("precision", "recall", "f1"))}
    by_type = {}
    for kind in sorted(set(types.values())):
        t = sum(1 for i in items for a in gold[i["id"]] if types.get(a) == kind)
        by_type[kind] = {"gold": t, "missed": sum(1 for a, _ in misses if types.get(a) == kind),
                         "false_hits": sum(1 for a, _ in false_hits if types.get(a) == kind)}
    result = {"sentences": len(items), "articles": len(articles), "gold_pairs": tp + fn, "found_pairs": tp + fp,
              "precision": p, "recall": r, "f1": f, "ci": ci, "by_type": by_type,
              "misses": misses, "false_hits": false_hits}
    print(f"{len(items)} sentences, {tp + fn} gold (sentence, actor) pairs, {tp + fp} found")
    print(f"precision {p:.3f} [{ci['precision'][0]:.3f}, {ci['precision'][1]:.3f}]  "
          f"recall {r:.3f} [{ci['recall'][0]:.3f}, {ci['recall'][1]:.3f}]  F1 {f:.3f}")
    for kind, v in by_type.items():
        print(f"  {kind:<12} gold {v['gold']:>4}  missed {v['missed']:>3}  false hits {v['false_hits']:>3}")
    for label, pairs in (("missed", misses), ("false hit", false_hits)):
        for actor, text in pairs:
            print(f"{label}: {actor}: {text[:140]}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
