"""The `framing` command line. Plain output for people; the work lives in the library modules."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

# No model hub at run time unless the user asks for one (HF_HUB_OFFLINE=0); must precede transformers' import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        logging.getLogger("framing").setLevel(logging.INFO)
    for noisy in ("transformers", "accelerate", "httpx", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def cmd_train(args: argparse.Namespace) -> int:
    from .config import config_from_args
    from .evaluation import format_table
    from .training import train

    cfg = config_from_args(args)
    metrics = train(cfg)
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()  # the run is over: leave the group cleanly (torchrun / accelerate launch)
    if int(os.environ.get("RANK", "0")) != 0:  # only rank 0 reports
        return 0
    print(f"\nmodel: {cfg.output_dir}  (best dev epoch {metrics['best_epoch']}, {metrics['train_seconds']:.0f} s)")
    print("\ndev\n" + format_table(metrics["dev"]))
    if metrics["test"]:
        print("\ntest\n" + format_table(metrics["test"]))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    import numpy as np

    from .data import read_examples
    from .evaluation import compute_metrics, confident_errors, format_table, write_report
    from .features import pairs_of
    from .predict import FramingClassifier

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


def cmd_predict(args: argparse.Namespace) -> int:
    from .predict import FramingClassifier, default_model_path

    text = sys.stdin.read() if args.text in (None, "-") else args.text
    clf = FramingClassifier.from_pretrained(args.model or default_model_path(), backend=args.backend)
    results = clf.predict(text)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("(no sentences)")
        return 0
    width = max(len(x) for x in clf.labels)
    print(f"{'#':>3}  {'label':<{width}}  score  sentence")
    for i, r in enumerate(results, 1):
        sentence = r.text if len(r.text) <= 100 else r.text[:97] + "..."
        print(f"{i:>3}  {r.label:<{width}}  {r.score:.2f}   {sentence}")
    return 0


def cmd_data_check(args: argparse.Namespace) -> int:
    from .datacheck import check_paths

    report = check_paths([Path(p) for p in args.paths], labels=args.labels.split(",") if args.labels else None,
                         near_threshold=args.near_threshold)
    print(report.render())
    return 0 if report.ok else 1


# Subcommands that live with their feature: each module has `register(subparsers)`.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "framing.export_command",
    "framing.service.command",
    "framing.scoring.command",
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    from .config import add_config_arguments

    parser = argparse.ArgumentParser(prog="framing", description="Sentence-level framing classifier for news.")
    parser.add_argument("-v", "--verbose", action="store_true", help="more log output")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="fine-tune a model from a YAML config")
    add_config_arguments(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score a labelled file and write report.md, metrics.json, a confusion matrix")
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True, help="labelled CSV/JSONL/Parquet with text,label")
    p.add_argument("--out", help="report folder (default runs/evaluate/MODEL-DATA)")
    p.add_argument("--backend", default="torch", choices=["torch", "onnx", "onnx-int8"])
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", help="classify an article (TEXT, or - for stdin)")
    p.add_argument("text", nargs="?", help="article text; '-' or nothing reads stdin")
    p.add_argument("--model", help="model folder (default $FRAMING_MODEL, else models/default)")
    p.add_argument("--backend", default="torch", choices=["torch", "onnx", "onnx-int8"])
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("data", help="labelled-data tools")
    data_sub = p.add_subparsers(dest="data_command", required=True)
    c = data_sub.add_parser("check", help="validate labelled files: labels, empty text, duplicates, balance")
    c.add_argument("paths", nargs="+", help="files or folders (folders: every .jsonl/.csv/.parquet inside)")
    c.add_argument("--labels", help="comma-separated allowed labels (default: the four framing labels)")
    c.add_argument("--near-threshold", type=float, default=0.8, help="similarity above which two texts are near duplicates")
    c.set_defaults(func=cmd_data_check)

    for module in SUBCOMMAND_MODULES:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
