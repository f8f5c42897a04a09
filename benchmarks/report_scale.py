"""The report at scale: score N real articles with --stance and --group-by, then measure the report's pages.

    .venv/bin/python benchmarks/report_scale.py --n 10000 [--model models/fast --stance models/stance]
        [--backend onnx-int8] [--png-dir runs/report-scale/png] [--json out.json]

Articles are the first N of ../shared/real-news/articles.jsonl (title, text, outlet, date; its 6,092 articles
are cycled past that), written as one JSONL file per outlet. Without --model/--stance, two tiny randomly initialised models stand in (the report's size and
speed do not depend on what the labels are; its content then means nothing): the run then measures the report
writer, not a classifier. Reports the time to write the report, the overview's size, the number and sizes of the
other pages, and, with --png-dir, renders the overview and one article page in headless Chromium.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
SOURCE = ROOT.parent / "shared" / "real-news" / "articles.jsonl"


def write_corpus(n: int, folder: Path) -> int:
    """N articles, by outlet; past the 6,092 of the corpus they are cycled (same text, a second record)."""
    by_outlet: dict[str, list[str]] = defaultdict(list)
    with SOURCE.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for count in range(n):
        r = records[count % len(records)]
        outlet = r.get("outlet") or "unknown"
        by_outlet[outlet].append(json.dumps({"title": r.get("title"), "text": r.get("text") or "",
                                             "outlet": outlet, "date": r.get("date")}, ensure_ascii=False))
    folder.mkdir(parents=True, exist_ok=True)
    for i, (outlet, rows) in enumerate(sorted(by_outlet.items())):
        (folder / f"outlet-{i:03d}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return sum(len(v) for v in by_outlet.values())


def tiny_models(folder: Path) -> tuple[Path, Path]:
    """A 2-layer, 32-wide BERT over a small word vocabulary, once with the framing labels and once with stance."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    torch.manual_seed(0)
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + "the of and to in a said army aid court".split()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    tok = BertTokenizerFast(vocab=str(folder / "vocab.txt"), do_lower_case=True, model_max_length=128)
    out = []
    for name, labels in (("framing", ["accusatory", "humanitarian", "legal_argument", "background"]),
                         ("stance", ["negative", "neutral", "positive"])):
        cfg = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=130, num_labels=len(labels),
                         id2label=dict(enumerate(labels)), label2id={x: i for i, x in enumerate(labels)})
        BertForSequenceClassification(cfg).save_pretrained(folder / name)
        tok.save_pretrained(folder / name)
        out.append(folder / name)
    return out[0], out[1]


def main() -> None:
    from framing.scoring import ScoreOptions, score_folder
    from framing.scoring.report import JsonlRows, write_report
    from framing.scoring.tables import read_jsonl
    from framing.scoring.aggregate import CorpusTotals

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--stance", type=Path)
    ap.add_argument("--backend", default="torch")
    ap.add_argument("--work", type=Path, default=ROOT / "runs" / "report-scale")
    ap.add_argument("--png-dir", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    articles = write_corpus(args.n, args.work / "corpus")
    model, stance = args.model, args.stance
    if model is None or stance is None:
        model, stance = tiny_models(args.work / "tiny")
    out = args.work / "out"
    started = time.perf_counter()
    summary = score_folder(ScoreOptions(root=args.work / "corpus", out=out, model=model, stance=stance,
                                        group_by="outlet", backend=args.backend, progress=False))
    scored = time.perf_counter() - started
    labels = json.loads((model / "config.json").read_text())["id2label"]
    totals = CorpusTotals([labels[str(i)] for i in range(len(labels))])
    for row in read_jsonl(out / "articles.jsonl"):
        totals.add_article(row)
    started = time.perf_counter()
    write_report(out, totals, model_name=model.name, root=args.work / "corpus", rows=JsonlRows(out),
                 stance_name=stance.name, group_by="outlet")
    report_s = time.perf_counter() - started
    pages = sorted((out / "report").rglob("*.html"))
    sizes = {p: p.stat().st_size for p in pages}
    kinds = defaultdict(list)
    for p, size in sizes.items():
        kinds[p.parent.name if p.parent.name != "report" else "lists"].append(size)
    result = {"articles": articles, "sentences": summary.sentences, "score_s": round(scored, 1),
              "report_s": round(report_s, 1), "overview_kb": round((out / "report.html").stat().st_size / 1024, 1),
              "pages": {k: {"count": len(v), "max_kb": round(max(v) / 1024, 1),
                            "mean_kb": round(sum(v) / len(v) / 1024, 1)} for k, v in sorted(kinds.items())},
              "report_total_mb": round((sum(sizes.values()) + (out / "report.html").stat().st_size) / 2**20, 1),
              "models": "tiny random stand-ins" if args.model is None else f"{model}, {stance}"}
    if args.png_dir:
        from screenshot_report import screenshot

        screenshot(out / "report.html", args.png_dir / "overview.png", 1280, 2400)
        screenshot(out / "report" / "articles" / "a000000.html", args.png_dir / "article.png", 1280, 1600)
        result["png"] = [str(args.png_dir / "overview.png"), str(args.png_dir / "article.png")]
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
