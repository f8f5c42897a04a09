"""Build the labelled real-news corpus from the two labelling passes and the adjudication.

    python data/realnews/build.py            # data/realnews/{train,dev,test}.jsonl, agreement.json,
                                             # and annotation/realnews/disagreements.tsv for adjudication

Inputs, all in data/annotation/realnews/: `articles.jsonl` (the chosen articles and their splits),
`passes/a/*.tsv` and `passes/b/*.tsv` (one line per segment: `ARTICLE#N<TAB>label`, from two annotators who
never saw each other's labels), and `adjudication.tsv` (`id<TAB>final<TAB>reason` for each disagreement).
A batch enters the corpus once both its passes are complete; a disagreement enters once adjudicated.
Segments marked `debris` (by the final label) are counted in agreement.json, not written to the splits.

Labels follow the segmenter that ships: each article is segmented again with framing.segment, and a
sentence made of several labelled segments (a title abbreviation fixed after labelling: "But Rep." |
"Mike Pompeo said ...") takes the label of the segment it overlaps most; these are counted.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

HERE = Path(__file__).resolve().parent
ANNOTATION = HERE.parent / "annotation" / "realnews"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))
from choose import source_texts  # noqa: E402
from outlets import group  # noqa: E402

from framing.datacheck import near_duplicates, normalise  # noqa: E402
from framing.segment import segment  # noqa: E402

NEAR = 0.8  # framing data check's near-duplicate threshold

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]
MARKS = [*LABELS, "debris"]


def read_pass(folder: Path) -> dict[str, str]:
    labels: dict[str, str] = {}
    for path in sorted(folder.glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.strip().split("\t")
            if len(parts) != 2 or parts[1] not in MARKS:
                raise SystemExit(f"{path}:{number}: label: expected 'ID<TAB>{'|'.join(MARKS)}', got {line!r}")
            if parts[0] in labels:
                raise SystemExit(f"{path}:{number}: id: {parts[0]} labelled twice")
            labels[parts[0]] = parts[1]
    return labels


def read_adjudication() -> dict[str, tuple[str, str]]:
    path = ANNOTATION / "adjudication.tsv"
    decided: dict[str, tuple[str, str]] = {}
    if not path.exists():
        return decided
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("id\t"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in MARKS:
            raise SystemExit(f"{path}:{number}: final: expected 'ID<TAB>label<TAB>reason', got {line!r}")
        decided[parts[0]] = (parts[1], parts[2])
    return decided


def agreement(pairs: list[tuple[str, str]]) -> dict:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    per_label = {}
    for label in MARKS:
        in_a, in_b = [x == label for x in a], [y == label for y in b]
        both = sum(x and y for x, y in zip(in_a, in_b))
        per_label[label] = {
            "a": sum(in_a), "b": sum(in_b),
            "specific_agreement": round(2 * both / max(sum(in_a) + sum(in_b), 1), 3),
            "kappa": round(cohen_kappa_score(in_a, in_b), 3) if any(in_a) or any(in_b) else None}
    return {"segments": len(pairs), "raw_agreement": round(sum(x == y for x, y in pairs) / len(pairs), 4),
            "kappa": round(cohen_kappa_score(a, b), 4), "per_label": per_label}


def main() -> None:
    articles = [json.loads(line) for line in (ANNOTATION / "articles.jsonl").open(encoding="utf-8")]
    first, second = read_pass(ANNOTATION / "passes" / "a"), read_pass(ANNOTATION / "passes" / "b")
    decided = read_adjudication()
    texts = source_texts({a["article"] for a in articles})
    splits: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    pairs, debris, waiting, open_disagreements, merged, unlabelled = [], Counter(), [], [], 0, []
    for article in articles:
        ids = [f"{article['article']}#{i}" for i in range(1, len(article["sentences"]) + 1)]
        if not all(i in first and i in second for i in ids):
            waiting.append(article["article"])
            continue
        final: dict[str, tuple[str, str] | None] = {}
        for number, (sid, text) in enumerate(zip(ids, article["sentences"]), 1):
            pairs.append((first[sid], second[sid]))
            if first[sid] == second[sid]:
                final[sid] = (first[sid], "agreed")
            elif sid in decided:
                final[sid] = (decided[sid][0], "adjudicated")
            else:
                final[sid] = None
                open_disagreements.append((sid, text, article, number))
        text = texts[article["article"]]
        old = list(zip(ids, locate(text, article["sentences"])))
        for number, span in enumerate(segment(text), 1):
            covering = [(sid, min(b, span.end) - max(a, span.start)) for sid, (a, b) in old
                        if min(b, span.end) > max(a, span.start)]
            if not covering:  # text the labelling segmenter dropped and today's keeps: never labelled
                unlabelled.append(span.text)
                continue
            sid = max(covering, key=lambda c: c[1])[0]
            merged += len(covering) > 1
            if final[sid] is None:
                continue
            label, how = final[sid]
            if label == "debris":
                debris[article["split"]] += 1
                continue
            splits[article["split"]].append({
                "id": f"{article['article']}#{number}", "text": span.text, "label": label,
                "article": article["article"], "sentence": number, "start": span.start, "end": span.end,
                "outlet": article["outlet"], "outlet_group": group(article["outlet"]), "dataset": article["dataset"],
                "licence": article["licence"], "date": article["date"], "labels": how})
    dropped = drop_train_duplicates(splits)
    write_disagreements(open_disagreements, first, second, articles)
    for name, rows in splits.items():
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    stats = {"overall": agreement(pairs) if pairs else None, "debris_segments": dict(debris),
             "articles_waiting": len(waiting), "disagreements_open": len(open_disagreements),
             "adjudicated": len(decided), "sentences_joined_from_several_segments": merged,
             "unlabelled_segments": unlabelled, "train_duplicates_dropped": dropped,
             "splits": {k: {"sentences": len(v), "articles": len({r["article"] for r in v}),
                            "labels": dict(Counter(r["label"] for r in v))} for k, v in splits.items()}}
    (HERE / "agreement.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in stats.items() if k != "overall"}, indent=1))
    if pairs:
        print("raw agreement", stats["overall"]["raw_agreement"], "kappa", stats["overall"]["kappa"])


def drop_train_duplicates(splits: dict[str, list[dict]]) -> list[str]:
    """Remove train sentences that repeat (exactly, or at `framing data check`'s near-duplicate threshold) a
    dev or test sentence, or a train sentence of another article: outlets quote the same statements, and a
    quote seen in training would flatter dev and test. Dev and test keep every sentence."""
    rows = splits["test"] + splits["dev"] + splits["train"]
    held = len(splits["test"]) + len(splits["dev"])
    texts = [normalise(r["text"]) for r in rows]
    drop = set()
    first_seen: dict[str, int] = {}
    for i, text in enumerate(texts):
        j = first_seen.setdefault(text, i)
        if j != i and i >= held and rows[j]["article"] != rows[i]["article"]:
            drop.add(i)
    for i, j, _ in near_duplicates(texts, NEAR):
        later = max(i, j)
        if later >= held and rows[i]["article"] != rows[j]["article"]:
            drop.add(later)
    splits["train"] = [r for k, r in enumerate(splits["train"], held) if k not in drop]
    return sorted(rows[k]["id"] for k in drop)


def locate(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Offsets of the labelled segments in the article, found in order."""
    spans, position = [], 0
    for sentence in sentences:
        start = text.index(sentence, position)
        spans.append((start, start + len(sentence)))
        position = start + len(sentence)
    return spans


def write_disagreements(rows, first, second, articles) -> None:
    """Each open disagreement with its neighbours, for the adjudicator; the two labels in sorted order, so the
    adjudicator cannot tell which pass gave which."""
    by_id = {a["article"]: a for a in articles}
    lines = ["id\tcandidates\tprevious\tsentence\tnext"]
    for sid, text, article, number in rows:
        sentences = by_id[article["article"]]["sentences"]
        before = sentences[number - 2] if number > 1 else ""
        after = sentences[number] if number < len(sentences) else ""
        candidates = "|".join(sorted({first[sid], second[sid]}))
        lines.append("\t".join([sid, candidates, before, text, after]).replace("\n", " "))
    (ANNOTATION / "disagreements.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
