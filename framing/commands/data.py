"""`framing data check`: validate labelled files (labels, empty text, duplicates, balance)."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("data", help="labelled-data tools")
    data_sub = p.add_subparsers(dest="data_command", required=True)
    c = data_sub.add_parser("check", help="validate labelled files: labels, empty text, duplicates, balance")
    c.add_argument("paths", nargs="+", help="files or folders (folders: every .jsonl/.csv/.parquet inside)")
    c.add_argument("--labels", help="comma-separated allowed labels (default: the four framing labels)")
    c.add_argument("--near-threshold", type=float, default=0.8, help="similarity above which two texts are near duplicates")
    c.set_defaults(func=cmd_data_check)


def cmd_data_check(args: argparse.Namespace) -> int:
    from ..datacheck import check_paths

    report = check_paths([Path(p) for p in args.paths], labels=args.labels.split(",") if args.labels else None,
                         near_threshold=args.near_threshold)
    print(report.render())
    return 0 if report.ok else 1
