"""Agreement between the two stance passes, and the disagreements to adjudicate.

    python data/annotation/stance/agreement.py          # the test set (this folder)
    python data/annotation/stance/agreement.py train    # the training set (train/)

Reads FOLDER/passes/a/*.tsv and passes/b/*.tsv (`ID<TAB>label`), checks that every item of FOLDER/items.jsonl has exactly one
label in each pass, prints raw agreement and Cohen's kappa (overall and per label, one label against the rest),
writes agreement.json and disagreements.tsv (`ID<TAB>sentence with the mention marked`, for the adjudicator,
who sees the two labels only as "one annotator / the other").
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

HERE = Path(__file__).resolve().parent
LABELS = ("negative", "neutral", "positive")


def read_pass(name: str, ids: list[str], folder: Path = HERE) -> dict[str, str]:
    labels: dict[str, str] = {}
    for path in sorted((folder / "passes" / name).glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item, _, label = line.partition("\t")
            if label.strip() not in LABELS:
                sys.exit(f"{path}:{number}: label: {label!r} is not one of {', '.join(LABELS)}")
            if item in labels:
                sys.exit(f"{path}:{number}: id: {item} labelled twice")
            labels[item] = label.strip()
    missing = [i for i in ids if i not in labels]
    if missing:
        sys.exit(f"pass {name}: {len(missing)} item(s) without a label, e.g. {missing[0]}")
    return labels


def main() -> None:
    folder = HERE / sys.argv[1] if len(sys.argv) > 1 else HERE
    items = [json.loads(line) for line in (folder / "items.jsonl").open(encoding="utf-8")]
    ids = [i["id"] for i in items]
    a, b = read_pass("a", ids, folder), read_pass("b", ids, folder)
    la, lb = [a[i] for i in ids], [b[i] for i in ids]
    raw = sum(x == y for x, y in zip(la, lb)) / len(ids)
    kappa = cohen_kappa_score(la, lb)
    per_label = {x: round(cohen_kappa_score([v == x for v in la], [v == x for v in lb]), 3) for x in LABELS}
    result = {"items": len(ids), "raw_agreement": round(raw, 3), "kappa": round(kappa, 3), "kappa_per_label": per_label,
              "pass_a": {x: la.count(x) for x in LABELS}, "pass_b": {x: lb.count(x) for x in LABELS},
              "disagreements": sum(x != y for x, y in zip(la, lb))}
    (folder / "agreement.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    with (folder / "disagreements.tsv").open("w", encoding="utf-8") as f:
        for item in items:
            if a[item["id"]] != b[item["id"]]:
                marked = f"{item['text'][:item['start']]}[[{item['mention']}]]{item['text'][item['end']:]}"
                f.write(f"{item['id']}\t{marked.replace(chr(10), ' ')}\t{a[item['id']]}\t{b[item['id']]}\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
