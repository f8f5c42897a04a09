"""Agreement between the two actor-mention passes, and the disagreements to adjudicate.

    .venv/bin/python data/annotation/actors/agreement.py

Reads passes/a/*.tsv and passes/b/*.tsv (`ID<TAB>Actor|Actor`), checks every name against actor-list.md, and
compares the passes cell by cell over (sentence, actor of the list): raw agreement on whole sentences (the same
set), specific (positive) agreement on the actors named, and Cohen's kappa over every cell. Writes agreement.json
and disagreements.tsv (`ID<TAB>sentence<TAB>actor<TAB>`: one line per actor only one pass listed; the adjudicator
is not told which pass listed it).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

HERE = Path(__file__).resolve().parent


def actor_names() -> set[str]:
    text = (HERE / "actor-list.md").read_text(encoding="utf-8")
    return {n.strip() for line in text.splitlines() if line and not line.startswith("#") for n in line.split(";")}


def read_pass(name: str, ids: list[str], names: set[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((HERE / "passes" / name).glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item, _, listed = line.partition("\t")
            actors = {a.strip() for a in re.split(r"\|", listed) if a.strip()}
            unknown = actors - names
            if unknown:
                sys.exit(f"{path}:{number}: actors: not in actor-list.md: {', '.join(sorted(unknown))}")
            if item in found:
                sys.exit(f"{path}:{number}: id: {item} listed twice")
            found[item] = actors
    missing = [i for i in ids if i not in found]
    if missing:
        sys.exit(f"pass {name}: {len(missing)} sentence(s) without a line, e.g. {missing[0]}")
    return found


def main() -> None:
    items = [json.loads(line) for line in (HERE / "sample.jsonl").open(encoding="utf-8")]
    ids, names = [i["id"] for i in items], actor_names()
    a, b = read_pass("a", ids, names), read_pass("b", ids, names)
    cells_a = [int(n in a[i]) for i in ids for n in sorted(names)]
    cells_b = [int(n in b[i]) for i in ids for n in sorted(names)]
    both = sum(len(a[i] & b[i]) for i in ids)
    specific = 2 * both / max(sum(len(a[i]) for i in ids) + sum(len(b[i]) for i in ids), 1)
    result = {"sentences": len(ids), "actors_in_list": len(names),
              "same_set": round(sum(a[i] == b[i] for i in ids) / len(ids), 3),
              "specific_agreement": round(specific, 3), "kappa_cells": round(cohen_kappa_score(cells_a, cells_b), 3),
              "mentions_a": sum(len(a[i]) for i in ids), "mentions_b": sum(len(b[i]) for i in ids),
              "disagreements": sum(len(a[i] ^ b[i]) for i in ids)}
    (HERE / "agreement.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    with (HERE / "disagreements.tsv").open("w", encoding="utf-8") as f:
        for item in items:
            for actor in sorted(a[item["id"]] ^ b[item["id"]]):
                f.write(f"{item['id']}\t{item['text'].replace(chr(10), ' ')}\t{actor}\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
