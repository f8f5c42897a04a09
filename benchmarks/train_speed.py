"""Training speed on the CPU: what padding, length grouping and thread settings each cost.

    .venv/bin/python benchmarks/train_speed.py                      # configs/default.yaml, 80 steps per setting
    .venv/bin/python benchmarks/train_speed.py --steps 158 --settings pad128-shuffle-t2,dynamic-grouped-t2

Each setting runs in its own interpreter: the default config's model, optimiser, class-weighted loss and batch
size, the first --steps optimiser steps of epoch 1 on the real training file, timed after two warm-up steps.
It prints seconds per step, the padded tokens per batch and the projected time of the config's full training
(steps per epoch x epochs, plus one measured dev evaluation per epoch). Only the batching and threads differ:

    pad128    every batch padded to max_length, as padding="max_length" in many fine-tuning scripts
    dynamic   each batch padded to its longest sentence (DataCollatorWithPadding), what train.py does
    shuffle   plain shuffled batches;  grouped: train.py's length-grouped batches (group_by_length: true)
    t1 / t2   torch.set_num_threads(1) / (2)

train.py's own full run (metrics.json train_seconds) is the figure to compare the projection with.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from childproc import run_child  # noqa: E402

SETTINGS = ["pad128-shuffle-t2", "dynamic-shuffle-t2", "dynamic-grouped-t2", "dynamic-grouped-t1"]
WARMUP_STEPS = 2


def run_setting(setting: str, config: Path, steps: int) -> dict:
    padding, order, threads = setting.split("-")
    import torch

    torch.set_num_threads(int(threads[1:]))
    from accelerate.utils import set_seed
    from torch.utils.data import DataLoader
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding

    from framing.config import load_config
    from framing.encoders import resolve_encoder
    from framing.train_data import Collator, load_splits, training_rows
    from framing.training import LengthGroupedBatches, class_weights, evaluate

    cfg = load_config(config)
    set_seed(cfg.seed)
    splits = load_splits(cfg)
    train_set, dev_set = splits.train, splits.dev
    encoder = resolve_encoder(cfg.encoder)
    tokenizer = AutoTokenizer.from_pretrained(encoder)
    model = AutoModelForSequenceClassification.from_pretrained(encoder, num_labels=len(cfg.labels),
                                                               ignore_mismatched_sizes=True)
    features, lengths = training_rows(cfg, tokenizer, splits)
    sampler = LengthGroupedBatches(lengths, cfg.batch_size, cfg.seed, group=order == "grouped")
    collator = (DataCollatorWithPadding(tokenizer, padding="max_length", max_length=cfg.max_length)
                if padding == "pad128" else Collator(tokenizer))
    loader = DataLoader(features, batch_sampler=sampler, collate_fn=collator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    weights = class_weights(train_set, cfg.labels, cfg.class_weighting)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights, label_smoothing=cfg.label_smoothing)

    model.train()
    timed, tokens, started = 0, 0, None
    for i, batch in enumerate(loader):
        if i == WARMUP_STEPS:
            started = time.perf_counter()
        if i >= WARMUP_STEPS + steps:
            break
        gold = batch.pop("labels")
        loss = loss_fn(model(**batch).logits, gold)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        if i >= WARMUP_STEPS:
            timed += 1
            tokens += batch["input_ids"].numel()
    step_seconds = (time.perf_counter() - started) / timed
    eval_started = time.perf_counter()
    evaluate(model, tokenizer, dev_set, cfg.labels, cfg.eval_batch_size)
    eval_seconds = time.perf_counter() - eval_started
    steps_per_epoch = len(sampler)
    return {"setting": setting, "steps": timed, "step_seconds": step_seconds, "tokens_per_batch": tokens / timed,
            "eval_seconds": eval_seconds, "steps_per_epoch": steps_per_epoch, "epochs": cfg.epochs,
            "projected_seconds": cfg.epochs * (steps_per_epoch * step_seconds + eval_seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.yaml")
    parser.add_argument("--steps", type=int, default=80, help="timed optimiser steps per setting")
    parser.add_argument("--settings", default=",".join(SETTINGS), help=f"comma-separated, from {', '.join(SETTINGS)}"
                        " (any padding-order-threads combination works)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_setting(args.child, args.config, args.steps)))
        return 0
    from framing.config import load_config
    from framing.cores import physical_cores

    settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    for s in settings:
        parts = s.split("-")
        if len(parts) != 3 or parts[0] not in ("pad128", "dynamic") or parts[1] not in ("shuffle", "grouped") \
                or parts[2] not in ("t1", "t2"):
            parser.error(f"--settings: {s!r} is not padding-order-threads, e.g. dynamic-grouped-t2")
    print(f"config {args.config}, {args.steps} timed steps per setting, {os.cpu_count()} logical CPUs, "
          f"{physical_cores()} physical; load average before {os.getloadavg()[0]:.2f}")
    results = []
    for s in settings:
        results.append(run_child([sys.executable, __file__, "--child", s, "--config", str(args.config), "--steps",
                                  str(args.steps)], s, cwd=ROOT)[0])
        print(f"  {s}: {results[-1]['step_seconds']:.3f} s/step", file=sys.stderr, flush=True)
    first = results[0]
    print(f"{'setting':<22} {'s/step':>7} {'tokens/batch':>13} {'dev eval s':>10} {'projected full run':>19} "
          f"{'vs first':>9}")
    for r in results:
        print(f"{r['setting']:<22} {r['step_seconds']:>7.3f} {r['tokens_per_batch']:>13.0f} {r['eval_seconds']:>10.1f} "
              f"{r['projected_seconds'] / 60:>14.1f} min {first['projected_seconds'] / r['projected_seconds']:>8.2f}x")
    print(f"\nprojection = {first['epochs']} epochs x ({first['steps_per_epoch']} steps x s/step + dev eval); "
          f"load average after {os.getloadavg()[0]:.2f}")
    probe_epochs = load_config(args.config).probe_epochs
    if probe_epochs:
        print(f"the config's {probe_epochs} probe epochs (encoder frozen, about a third of the cost) are counted "
              "as full epochs here: an upper bound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
