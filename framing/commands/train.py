"""`framing train` (also `python train.py`): fine-tune a model from a YAML config."""
from __future__ import annotations

import argparse
import os


def register(subparsers) -> None:
    from ..config import add_config_arguments

    p = subparsers.add_parser("train", help="fine-tune a model from a YAML config")
    add_config_arguments(p)
    p.set_defaults(func=cmd_train)


def cmd_train(args: argparse.Namespace) -> int:
    from ..config import config_from_args
    from ..evaluation import format_table
    from ..training import train

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
