"""Fine-tune an encoder on labelled sentences; keep the best dev checkpoint; evaluate it on test.

`train(cfg)` runs the phases in order, and each is public for benchmarks and tests: `setup` (seed, data,
model, batches, optimiser), `train_epoch` (one probe or fine-tuning epoch), `fit` (the epochs with
checkpoint selection), `select_and_calibrate` (best checkpoint, temperature on dev), `correct_priors`
(optional label offsets), `evaluate`, `save`.

Runs the same code on one CPU, one GPU (mixed precision) or several GPUs under `torchrun` /
`accelerate launch`: accelerate wraps the model, optimiser and data loaders.
"""
from __future__ import annotations

import copy
import json
import logging
import math
import os
import platform
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Sampler

from .calibration import apply_temperature, fit_temperature, scale_probs
from .config import TrainConfig
from .data import Example, label_counts, read_examples
from .encoders import resolve_encoder
from .evaluation import compute_metrics, confident_errors, format_table, write_report
from .features import pairs_of
from .priors import apply_label_offsets, fit_label_offsets, macro_f1_with, shift_probs
from .modelcard import write_model_card
from .predict import FramingClassifier
from .train_data import Collator, load_splits, training_rows

log = logging.getLogger(__name__)


class LengthGroupedBatches(Sampler[list[int]]):
    """Shuffled batches of similar length, so dynamic padding pads little; reshuffled each epoch."""

    def __init__(self, lengths: list[int], batch_size: int, seed: int, group: bool = True):
        self.lengths = lengths
        self.batch_size = batch_size
        self.seed = seed
        self.group = group
        self.epoch = 0

    def __iter__(self):
        rng = np.random.default_rng(self.seed + self.epoch)
        self.epoch += 1
        order = rng.permutation(len(self.lengths))
        if self.group:
            # sort within windows of 50 batches: similar lengths together, still random across windows
            window = self.batch_size * 50
            order = np.concatenate([sorted(order[i:i + window], key=lambda j: self.lengths[j])
                                    for i in range(0, len(order), window)]) if len(order) else order
        batches = [order[i:i + self.batch_size].tolist() for i in range(0, len(order), self.batch_size)]
        for b in rng.permutation(len(batches)):
            yield batches[b]

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size)


def class_weights(examples: list[Example], labels: list[str], mode: str) -> torch.Tensor | None:
    if mode == "none":
        return None
    counts = np.array([sum(e.label == label for e in examples) for label in labels], dtype=np.float64)
    counts = np.maximum(counts, 1.0)
    weights = counts.sum() / (len(labels) * counts)
    if mode == "sqrt":
        weights = np.sqrt(weights)
    return torch.tensor(weights, dtype=torch.float32)


def is_head(name: str, base_prefix: str) -> bool:
    """Task head vs encoder: anything outside the base model (`bert.`, `mpnet.`, `distilbert.`, ...), and the
    pooler, which sentence-transformers checkpoints such as all-MiniLM-L6-v2 never trained."""
    return not name.startswith(base_prefix + ".") or ".pooler." in name


def _optimizer_and_schedule(model, cfg: TrainConfig, steps_per_epoch: int):
    """AdamW with weight decay on matrices only; linear warmup and decay over the fine-tuning steps.

    With probe_epochs (LP-FT), the encoder's learning rate is 0 for the first probe_epochs while the head
    learns at probe_learning_rate; then all parameters follow the usual warmup and decay. `steps_per_epoch`
    counts this process's optimiser steps, and the scheduler must be stepped once per optimiser step (it is
    not handed to accelerate.prepare, whose wrapper would step it once per process).
    """
    groups = []
    prefix = getattr(model, "base_model_prefix", "")
    if cfg.probe_epochs and not any(not is_head(n, prefix) for n, _ in model.named_parameters()):
        raise ValueError(f"probe_epochs: cannot tell the encoder from the head in {type(model).__name__} "
                         f"(base_model_prefix {prefix!r}); set probe_epochs: 0")
    for head in (False, True):
        named = [(n, p) for n, p in model.named_parameters() if is_head(n, prefix) == head]
        groups.append({"params": [p for n, p in named if p.ndim > 1], "weight_decay": cfg.weight_decay})
        groups.append({"params": [p for n, p in named if p.ndim <= 1], "weight_decay": 0.0})
    groups = [g for g in groups[:2] if g["params"]] + [dict(g, head=True) for g in groups[2:] if g["params"]]
    optimizer = torch.optim.AdamW(groups, lr=cfg.learning_rate)
    steps = cfg.epochs * steps_per_epoch
    probe = cfg.probe_epochs * steps_per_epoch
    warmup = int(cfg.warmup_ratio * (steps - probe))

    def fine_tune(step: int) -> float:
        step -= probe
        if step < warmup:  # the same curve as transformers.get_linear_schedule_with_warmup
            return step / max(1, warmup)
        return max(0.0, (steps - probe - step) / max(1, steps - probe - warmup))

    def encoder(step: int) -> float:
        return 0.0 if step < probe else fine_tune(step)

    def head(step: int) -> float:
        return cfg.probe_learning_rate / cfg.learning_rate if step < probe else fine_tune(step)

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, [head if g.get("head") else encoder for g in groups])
    return optimizer, scheduler, steps


def _mixed_precision(setting: str) -> str:
    if setting != "auto":
        return setting
    if not torch.cuda.is_available():
        return "no"
    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


def evaluate(model, tokenizer, examples: list[Example], labels: list[str], batch_size: int) -> tuple[dict, np.ndarray]:
    """Metrics and probabilities of `model` on `examples`, scored as the saved folder will score them."""
    was_training = model.training
    clf = FramingClassifier.from_model(model, tokenizer, batch_size=batch_size)
    probs = clf.predict_proba([e.text for e in examples], pairs_of(examples))
    model.train(was_training)
    gold = np.array([labels.index(e.label) for e in examples], dtype=np.int64)
    return compute_metrics(probs, gold, labels), probs


@dataclass
class Session:
    """What one training run holds between its phases: data, model, optimiser, schedule, loss."""

    cfg: TrainConfig
    accelerator: object
    encoder_path: str
    tokenizer: object
    model: torch.nn.Module  # as accelerate prepared it (DDP-wrapped under several processes)
    plain: torch.nn.Module  # the bare module, scored in fp32 and saved
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    loader: DataLoader
    loss_fn: torch.nn.Module
    encoder_params: list
    train_set: list[Example]
    dev_set: list[Example]
    test_set: list[Example]
    steps: int

    @property
    def main(self) -> bool:
        return self.accelerator.is_main_process


def setup(cfg: TrainConfig) -> Session:
    """Seed, processes, data, encoder with a fresh head, batches, optimiser and schedule."""
    from accelerate.utils import set_seed
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    # deterministic cuBLAS (needed by use_deterministic_algorithms on CUDA); must be set before cuBLAS starts
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    set_seed(cfg.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    accelerator = _accelerator(cfg)
    splits = load_splits(cfg)
    train_set, dev_set, test_set = splits.train, splits.dev, splits.test
    log.info("data: train %d %s, dev %d, test %d", len(train_set), label_counts(train_set), len(dev_set), len(test_set))
    missing = [label for label in cfg.labels if not any(e.label == label for e in train_set)]
    if missing:
        log.warning("labels with no training example: %s", ", ".join(missing))
    encoder_path = resolve_encoder(cfg.encoder)
    labels = cfg.labels
    tokenizer = AutoTokenizer.from_pretrained(encoder_path)
    model = AutoModelForSequenceClassification.from_pretrained(
        encoder_path, num_labels=len(labels), id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)}, ignore_mismatched_sizes=True)
    model.config.problem_type = "single_label_classification"
    rows, row_lengths = training_rows(cfg, tokenizer, splits)
    sampler = LengthGroupedBatches(row_lengths, cfg.batch_size, cfg.seed, cfg.group_by_length)
    loader = DataLoader(rows, batch_sampler=sampler, collate_fn=Collator(tokenizer))
    steps_per_epoch = math.ceil(len(loader) / accelerator.num_processes)  # batches are sharded across processes
    optimizer, scheduler, steps = _optimizer_and_schedule(model, cfg, steps_per_epoch)
    # The scheduler stays outside prepare(): accelerate's wrapper steps it once per process per optimiser
    # step, which would run this per-process schedule N times too fast under torchrun.
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    # The bare module, stripped of the autocast wrapper that prepare() puts on its forward: dev scoring then
    # runs in fp32 like the saved folder will, so the checkpoint is chosen on the numbers users get (the
    # training steps still run under accelerator.autocast()).
    plain = accelerator.unwrap_model(model, keep_fp32_wrapper=False)
    weights = class_weights(train_set, labels, cfg.class_weighting)
    weights = weights.to(accelerator.device) if weights is not None else None
    if cfg.distill_teacher:
        from .distill.loss import DistillationLoss

        loss_fn = DistillationLoss(cfg.distill_temperature, cfg.distill_alpha, weights, cfg.label_smoothing)
    else:
        loss_fn = torch.nn.CrossEntropyLoss(weight=weights, label_smoothing=cfg.label_smoothing)
    # the optimiser's groups already tell encoder from head (see _optimizer_and_schedule)
    encoder_params = [p for g in optimizer.param_groups if not g.get("head") for p in g["params"]]
    return Session(cfg, accelerator, encoder_path, tokenizer, model, plain, optimizer, scheduler, loader, loss_fn,
                   encoder_params, train_set, dev_set, test_set, steps)


def _accelerator(cfg: TrainConfig):
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState

    # Under torchrun on a machine without CUDA, accelerate only joins the processes (gloo) when told
    # cpu=True; otherwise each process would train alone on all the data and race to write the folder.
    multi_cpu = not torch.cuda.is_available() and int(os.environ.get("WORLD_SIZE", "1")) > 1
    # accelerate keeps one global state per process: without a reset, a second train() in the same process
    # (a notebook, a sweep) could not change mixed precision
    AcceleratorState._reset_state()
    accelerator = Accelerator(mixed_precision=_mixed_precision(cfg.mixed_precision), cpu=multi_cpu)
    if accelerator.num_processes > 1:
        log.info("distributed: %d processes (%s), this is rank %d", accelerator.num_processes,
                 accelerator.distributed_type, accelerator.process_index)
    return accelerator


def train_epoch(s: Session, epoch: int, bar=None) -> dict:
    """One epoch: head only while `epoch <= probe_epochs` (LP-FT's probe), else the whole model.
    Returns the epoch's history row without dev figures."""
    s.model.train()
    probing = epoch <= s.cfg.probe_epochs
    several = s.accelerator.num_processes > 1
    if not several:
        # During probe epochs the encoder is frozen, so no encoder gradients are computed: a probe epoch
        # costs about a third of a fine-tuning epoch. DistributedDataParallel needs the same trainable set
        # throughout, so several processes compute them and drop them after each backward (below).
        for param in s.encoder_params:
            param.requires_grad_(not probing)
    running, seen, peak_lr = 0.0, 0, 0.0
    for batch in s.loader:
        gold = batch.pop("labels")
        soft = batch.pop("soft", None)  # the teacher's probabilities, when distilling
        with s.accelerator.autocast():
            logits = s.model(**batch).logits
        loss = s.loss_fn(logits.float(), gold) if soft is None else s.loss_fn(logits.float(), gold, soft)
        s.accelerator.backward(loss)
        if probing and several:
            # the encoder's gradients, already all-reduced, must not reach the gradient clipping or AdamW's
            # moments: the probe phase then matches the one-process run
            for param in s.encoder_params:
                param.grad = None
        s.accelerator.clip_grad_norm_(s.model.parameters(), 1.0)
        peak_lr = max(peak_lr, max((g["lr"] for g in s.optimizer.param_groups if not g.get("head")), default=0.0))
        s.optimizer.step()
        s.scheduler.step()
        s.optimizer.zero_grad()
        running += loss.item()
        seen += 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{running / seen:.3f}")
    return {"epoch": epoch, "train_loss": running / max(seen, 1), "steps": seen, "peak_encoder_lr": peak_lr}


def fit(s: Session) -> tuple[dict, int, list[dict], float]:
    """All epochs, scoring dev after each; returns the best dev checkpoint's weights, its epoch, the
    history and the seconds spent. Early stopping counts fine-tuning epochs only."""
    from tqdm.auto import tqdm

    cfg = s.cfg
    best_f1, best_epoch, best_state, history = -1.0, 0, None, []
    started = time.perf_counter()
    bar = tqdm(total=s.steps, desc="training", unit="step", disable=not (cfg.progress and s.main), dynamic_ncols=True)
    for epoch in range(1, cfg.epochs + 1):
        row = train_epoch(s, epoch, bar)
        # Every process scores the whole dev set with the same weights, so all agree on the best epoch.
        dev_metrics, _ = evaluate(s.plain, s.tokenizer, s.dev_set, cfg.labels, cfg.eval_batch_size)
        history.append({"epoch": epoch, "train_loss": row["train_loss"], "dev_macro_f1": dev_metrics["macro_f1"],
                        "dev_accuracy": dev_metrics["accuracy"], "steps": row["steps"],
                        "peak_encoder_lr": row["peak_encoder_lr"]})
        log.info("epoch %d: train loss %.4f, dev macro-F1 %.4f, accuracy %.4f", epoch, row["train_loss"],
                 dev_metrics["macro_f1"], dev_metrics["accuracy"])
        if dev_metrics["macro_f1"] > best_f1:
            best_f1, best_epoch = dev_metrics["macro_f1"], epoch
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in s.plain.state_dict().items()}
        elif (cfg.early_stopping_patience and epoch > cfg.probe_epochs
              and epoch - max(best_epoch, cfg.probe_epochs) >= cfg.early_stopping_patience):
            # a head-only model is never the reason to stop
            log.info("early stopping: no dev improvement for %d epochs", cfg.early_stopping_patience)
            break
    bar.close()
    for param in s.encoder_params:
        param.requires_grad_(True)
    return best_state, best_epoch, history, time.perf_counter() - started


def select_and_calibrate(s: Session, best_state: dict) -> tuple[dict, np.ndarray, dict | None]:
    """Load the chosen checkpoint, score dev once, and fold a dev-fitted temperature into the classifier.
    Returns dev metrics, dev probabilities (both as the calibrated model gives them) and the record."""
    cfg, labels = s.cfg, s.cfg.labels
    s.accelerator.wait_for_everyone()
    s.plain.load_state_dict(best_state)
    dev_metrics, dev_probs = evaluate(s.plain, s.tokenizer, s.dev_set, labels, cfg.eval_batch_size)
    if not cfg.calibrate:
        return dev_metrics, dev_probs, None
    gold = np.array([labels.index(e.label) for e in s.dev_set], dtype=np.int64)
    temperature = fit_temperature(dev_probs, gold)
    apply_temperature(s.plain, temperature)
    ece_before = dev_metrics["ece"]
    dev_probs = scale_probs(dev_probs, temperature)
    dev_metrics = compute_metrics(dev_probs, gold, labels)  # no second dev pass
    log.info("calibration: temperature %.3f fitted on dev, dev ECE %.3f -> %.3f", temperature, ece_before,
             dev_metrics["ece"])
    return dev_metrics, dev_probs, {"temperature": round(temperature, 4), "dev_ece_before": ece_before,
                         "dev_ece_after": dev_metrics["ece"]}


def correct_priors(s: Session, dev_probs: np.ndarray) -> tuple[dict | None, dict | None]:
    """With `prior_file`: fit per-label logit offsets on it (framing/priors.py) and fold them into the classifier.
    `dev_probs` are the calibrated dev probabilities: the file's rows are taken from them when it is part of
    dev (else it is scored), and the corrected dev figures are computed from them, with no second pass.
    Returns the new dev metrics and the record, (None, None) without `prior_file`."""
    cfg = s.cfg
    if not cfg.prior_file:
        return None, None
    target = read_examples(cfg.prior_file, cfg.labels)
    dev_rows = {e.source: i for i, e in enumerate(s.dev_set)}
    if all(e.source in dev_rows for e in target):
        probs = dev_probs[[dev_rows[e.source] for e in target]]
    else:
        probs = evaluate(s.plain, s.tokenizer, target, cfg.labels, cfg.eval_batch_size)[1]
    gold = np.array([cfg.labels.index(e.label) for e in target], dtype=np.int64)
    before = macro_f1_with(probs, gold, np.zeros(len(cfg.labels)))
    offsets, after = fit_label_offsets(probs, gold)
    apply_label_offsets(s.plain, offsets)
    log.info("label offsets %s fitted on %s: its macro-F1 %.4f -> %.4f", np.round(offsets, 2).tolist(),
             cfg.prior_file, before, after)
    dev_gold = np.array([cfg.labels.index(e.label) for e in s.dev_set], dtype=np.int64)
    dev_metrics = compute_metrics(shift_probs(dev_probs, offsets), dev_gold, cfg.labels)
    return dev_metrics, {"file": cfg.prior_file, "offsets": dict(zip(cfg.labels, offsets.round(4).tolist())),
                         "macro_f1_before": before, "macro_f1_after": after}


def train(cfg: TrainConfig) -> dict:
    """Train, select on dev macro-F1, evaluate on test, write the model folder. Returns metrics."""
    s = setup(cfg)
    best_state, best_epoch, history, seconds = fit(s)
    dev_metrics, dev_probs, calibration = select_and_calibrate(s, best_state)
    corrected, priors = correct_priors(s, dev_probs)
    dev_metrics = corrected or dev_metrics
    test_metrics, test_probs = (evaluate(s.plain, s.tokenizer, s.test_set, cfg.labels, cfg.eval_batch_size)
                                if s.test_set else (None, None))
    metrics = {"dev": dev_metrics, "test": test_metrics, "best_epoch": best_epoch, "epochs_run": len(history),
               "train_seconds": round(seconds, 1), "history": history, "calibration": calibration,
               "label_offsets": priors, "distillation": _distillation_record(s),
               "pairs": any(e.text_pair for e in s.train_set),
               "data": {"train": label_counts(s.train_set), "dev": label_counts(s.dev_set),
                        "test": label_counts(s.test_set)}}
    if s.main:
        save(cfg, s.encoder_path, s.plain, s.tokenizer, metrics, s.test_set, test_probs)
        log.info("dev:\n%s", format_table(dev_metrics))
        if test_metrics:
            log.info("test:\n%s", format_table(test_metrics))
    s.accelerator.wait_for_everyone()
    return metrics


def _distillation_record(s: Session) -> dict | None:
    cfg = s.cfg
    if not cfg.distill_teacher:
        return None
    return {"teacher": cfg.distill_teacher, "backend": cfg.distill_backend,
            "transfer_sentences": len(s.loader.dataset) - len(s.train_set), "unlabelled": cfg.distill_unlabelled,
            "temperature": cfg.distill_temperature, "alpha": cfg.distill_alpha}


def save(cfg: TrainConfig, encoder_path: str, model, tokenizer, metrics: dict, test_set: list[Example],
         test_probs: np.ndarray | None) -> None:
    """Write the folder next to its final place, then rename: a half-written model never looks complete."""
    import transformers

    out = Path(cfg.output_dir)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model = copy.deepcopy(model).to("cpu").float()
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    resolved = {**cfg.to_dict(), "resolved_encoder": encoder_path,
                "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                             "python": platform.python_version()}}
    (tmp / "training_config.json").write_text(json.dumps(resolved, indent=2) + "\n", encoding="utf-8")
    (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    labels = cfg.labels
    if metrics["test"] is not None:
        gold = np.array([labels.index(e.label) for e in test_set])
        errors = confident_errors([e.text for e in test_set], test_probs, gold, labels)
        write_report(metrics["test"], tmp, f"{cfg.task_name}: test set ({Path(cfg.output_dir).name})", errors,
                     with_json=False)
    # metrics.json above holds dev and test together; the dev report gets no separate copy
    write_report(metrics["dev"], tmp, f"{cfg.task_name}: dev set ({Path(cfg.output_dir).name})", stem="dev_",
                 with_json=False)
    write_model_card(tmp, cfg, metrics)
    if cfg.export_onnx:
        from .onnx import export_onnx

        export_onnx(tmp, quantize=True)
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    log.info("model written to %s", out)
