"""The one typed training configuration: YAML in, command-line overrides on top, validated."""
from __future__ import annotations

import argparse
import dataclasses
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

DEFAULT_ENCODER = "pypi:all-mpnet-base-v2"
CLASS_WEIGHTINGS = ("balanced", "sqrt", "none")
MIXED_PRECISIONS = ("auto", "no", "fp16", "bf16")


@dataclass
class TrainConfig:
    """Everything a training run needs. Field names are the YAML keys and the CLI flags."""

    labels: list[str] = field(default_factory=list)
    # Data: either explicit splits, or train_file alone and the splits are made (stratified, grouped by article).
    # Each may be one file or a list of files that are read one after another (written plus real news).
    train_file: str | list[str] = ""
    dev_file: str | list[str] | None = None
    test_file: str | list[str] | None = None
    dev_ratio: float = 0.15
    test_ratio: float = 0.15
    # Model and optimisation.
    encoder: str = DEFAULT_ENCODER
    max_length: int = 128
    epochs: int = 8
    batch_size: int = 16
    eval_batch_size: int = 64
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    class_weighting: str = "balanced"
    label_smoothing: float = 0.0
    # LP-FT (Kumar et al. 2022): the first probe_epochs train only the classification head (encoder frozen),
    # at probe_learning_rate; the rest fine-tune everything. Keeps more of the pretrained features.
    probe_epochs: int = 0
    probe_learning_rate: float = 1e-3
    early_stopping_patience: int = 0
    seed: int = 42
    mixed_precision: str = "auto"
    num_threads: int = 0
    group_by_length: bool = True
    calibrate: bool = True    # fit a temperature on dev and fold it into the classifier (labels unchanged)
    # Label-prior correction (framing/priors.py): per-label logit offsets searched on this labelled file (a dev
    # part from the domain the model is for) to maximise its macro-F1, folded into the classifier bias.
    prior_file: str | list[str] | None = None
    # Distillation (framing/distill/): with distill_teacher, the student (`encoder`) also learns the teacher's
    # probabilities on sentences of the distill_unlabelled articles (files or folders as `framing score` reads
    # them), less every dev/test/prior sentence and the articles reprinting them; distill_sentences caps their
    # number (0: all). Loss: distill_alpha * T^2 * KL(teacher_T || student_T) + (1 - distill_alpha) * gold CE.
    distill_teacher: str | None = None
    distill_unlabelled: str | list[str] | None = None
    distill_exclude: str | list[str] | None = None  # more held-out files (e.g. a second test split)
    distill_sentences: int = 0
    distill_temperature: float = 2.0
    distill_alpha: float = 0.5
    distill_backend: str = "onnx-int8"   # the teacher's backend for its probabilities (cached once)
    distill_cache: str | None = None     # default: teacher-cache/<teacher>-<sentences> beside output_dir
    # Output.
    output_dir: str = "models/default"
    task_name: str = "framing"
    export_onnx: bool = False
    progress: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.labels, list) or len(self.labels) < 2:
            raise ValueError(f"labels: need a list of at least 2 labels, got {self.labels!r}")
        if len(set(self.labels)) != len(self.labels):
            raise ValueError(f"labels: duplicates in {self.labels!r}")
        if any(not isinstance(x, str) or not x.strip() for x in self.labels):
            raise ValueError(f"labels: every label must be a non-empty string, got {self.labels!r}")
        if not self.train_file:
            raise ValueError("train_file: required")
        for name in ("dev_ratio", "test_ratio"):
            value = getattr(self, name)
            if not 0.0 <= value < 0.5:
                raise ValueError(f"{name}: must be in [0, 0.5), got {value!r}")
        if self.dev_file is None and self.dev_ratio == 0.0:
            raise ValueError("dev_ratio: must be > 0 when dev_file is not given (the best checkpoint is picked on dev)")
        for name in ("max_length", "epochs", "batch_size", "eval_batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)!r}")
        if not 0.0 < self.learning_rate < 1.0:
            raise ValueError(f"learning_rate: must be in (0, 1), got {self.learning_rate!r}")
        if not 0.0 <= self.warmup_ratio < 1.0:
            raise ValueError(f"warmup_ratio: must be in [0, 1), got {self.warmup_ratio!r}")
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError(f"label_smoothing: must be in [0, 1), got {self.label_smoothing!r}")
        if self.class_weighting not in CLASS_WEIGHTINGS:
            raise ValueError(f"class_weighting: must be one of {CLASS_WEIGHTINGS}, got {self.class_weighting!r}")
        if self.mixed_precision not in MIXED_PRECISIONS:
            raise ValueError(f"mixed_precision: must be one of {MIXED_PRECISIONS}, got {self.mixed_precision!r}")
        if not 0 <= self.probe_epochs < self.epochs:
            raise ValueError(f"probe_epochs: must be in [0, epochs), got {self.probe_epochs!r} with epochs {self.epochs}")
        if not 0.0 < self.probe_learning_rate < 1.0:
            raise ValueError(f"probe_learning_rate: must be in (0, 1), got {self.probe_learning_rate!r}")
        if self.distill_teacher and not self.distill_unlabelled:
            raise ValueError("distill_unlabelled: required with distill_teacher (files or folders of articles)")
        if self.distill_sentences < 0 or self.distill_temperature <= 0 or not 0.0 <= self.distill_alpha <= 1.0:
            raise ValueError("distill_sentences >= 0, distill_temperature > 0 and distill_alpha in [0, 1] required, got "
                             f"{self.distill_sentences!r}, {self.distill_temperature!r}, {self.distill_alpha!r}")
        if self.distill_backend not in ("torch", "onnx", "onnx-int8"):
            raise ValueError(f"distill_backend: must be torch, onnx or onnx-int8, got {self.distill_backend!r}")
        if self.num_threads < 0 or self.early_stopping_patience < 0:
            raise ValueError("num_threads and early_stopping_patience: must be >= 0")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _field_types() -> dict[str, object]:
    return typing.get_type_hints(TrainConfig)


def _coerce(name: str, value: object, source: str) -> object:
    """Coerce a YAML or CLI value to the field's declared type, naming the field on failure."""
    hint = _field_types()[name]
    args = typing.get_args(hint)
    if isinstance(value, str) and list[str] in args and "," in value:  # --train-file a.jsonl,b.jsonl
        value = value.split(",")
    if isinstance(value, list) and list[str] in args:  # a file field given a list of files
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"{source}: field {name!r} expects a path or a list of paths, got {value!r}")
        return [v.strip() for v in value]
    optional = type(None) in args
    base = next((a for a in args if a not in (type(None), list[str])), hint) if args and typing.get_origin(hint) is not list else hint
    if value is None or (isinstance(value, str) and optional and value.lower() in ("none", "null", "")):
        if optional:
            return None
        raise ValueError(f"{source}: field {name!r} cannot be empty")
    try:
        if typing.get_origin(base) is list or base is list:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list):
                raise TypeError
            return [str(v) for v in value]
        if base is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "1", "yes", "false", "0", "no"):
                return value.lower() in ("true", "1", "yes")
            raise TypeError
        if base is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise TypeError
            return int(value)
        if base is float:
            if isinstance(value, bool):
                raise TypeError
            return float(value)
        if base is str:
            if isinstance(value, (dict, list)):
                raise TypeError
            return str(value)
    except (TypeError, ValueError):
        raise ValueError(f"{source}: field {name!r} expects {getattr(base, '__name__', base)}, got {value!r}") from None
    return value


def load_config(path: str | Path | None = None, overrides: dict[str, object] | None = None) -> TrainConfig:
    """Load a YAML config, apply overrides, validate. Unknown keys are errors naming the file."""
    values: dict[str, object] = {}
    known = {f.name for f in fields(TrainConfig)}
    if path is not None:
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise ValueError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: expected a mapping of config keys, got {type(raw).__name__}")
        for key, value in raw.items():
            if key not in known:
                raise ValueError(f"{path}: unknown config key {key!r} (known: {', '.join(sorted(known))})")
            values[key] = _coerce(key, value, str(path))
    for key, value in (overrides or {}).items():
        if key not in known:
            raise ValueError(f"command line: unknown config key {key!r}")
        values[key] = _coerce(key, value, "command line")
    return TrainConfig(**values)


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """One --flag per config field, all optional, so any YAML value can be overridden."""
    parser.add_argument("--config", help="YAML config file (configs/default.yaml)")
    for f in fields(TrainConfig):
        flag = "--" + f.name.replace("_", "-")
        parser.add_argument(flag, dest=f"cfg_{f.name}", default=None, metavar=f.name.upper(),
                            help=f"override {f.name}")


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    overrides = {k[4:]: v for k, v in vars(args).items() if k.startswith("cfg_") and v is not None}
    return load_config(args.config, overrides)
