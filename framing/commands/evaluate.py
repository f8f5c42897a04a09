"""`framing evaluate`: score a labelled file and write report.md, metrics.json and a confusion matrix."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..predict import BACKENDS


def register(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="score a labelled file and write report.md, metrics.json, a confusion matrix")
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True, help="labelled CSV/JSONL/Parquet with text,label")
    p.add_argument("--out", help="report folder (default runs/evaluate/MODEL-DATA)")
    p.add_argument("--backend", default="torch", choices=BACKENDS)
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=cmd_evaluate)


def cmd_evaluate(args: argparse.Namespace) -> int:
    import numpy as np

    from ..data import read_examples
    from ..evaluation import compute_metrics, confident_errors, format_table, write_report
    from ..features import pairs_of
    from ..predict import FramingClassifier

    clf = FramingClassifier.from_pretrained(args.model, backend=args.backend, batch_size=args.batch_size)
    examples = read_examples(args.data, clf.labels)
    probs = clf.predict_proba([e.text for e in examples], pairs_of(examples))
    gold = np.array([clf.labels.index(e.label) for e in examples])
    metrics = compute_metrics(probs, gold, clf.labels)
    out = Path(args.out or Path("runs") / "evaluate" / f"{Path(args.model).name}-{Path(args.data).stem}")
    write_report(metrics, out, f"{Path(args.model).name} on {Path(args.data).name}",
                 confident_errors([e.text for e in examples], probs, gold, clf.labels))
    print(format_table(metrics))
    print(f"\nreport: {out / 'report.md'}  metrics: {out / 'metrics.json'}  plot: {out / 'confusion_matrix.png'}")
    return 0
