"""Where model folders live.

A checkout (this package beside a pyproject.toml, as after `git clone` and `pip install -e .`) keeps them in
`models/` at the repository root, where `make demo` and `train.py` write them. An installed package never
writes into site-packages: it uses `$FRAMING_HOME/models`, else `~/.cache/framing/models`. `$FRAMING_MODEL`
names the default model folder outright.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def in_checkout() -> bool:
    """True when the package runs from a source tree rather than an installed copy."""
    return (PACKAGE_PARENT / "pyproject.toml").is_file() and "site-packages" not in PACKAGE_PARENT.parts


def models_home() -> Path:
    """The folder that holds `default`, `fast` and any other trained model."""
    if os.environ.get("FRAMING_HOME"):
        return Path(os.environ["FRAMING_HOME"]).expanduser() / "models"
    if in_checkout():
        return PACKAGE_PARENT / "models"
    return Path.home() / ".cache" / "framing" / "models"


def default_model_path() -> Path:
    """The model used when none is named: `$FRAMING_MODEL`, else `default` in `models_home()`."""
    return Path(os.environ.get("FRAMING_MODEL") or models_home() / "default")


def default_stance_path(framing_model: Path | None = None) -> Path:
    """The stance model used when none is named: `$FRAMING_STANCE_MODEL`, else `stance` beside the framing model
    (when one is given and has a `stance` sibling), else `stance` in `models_home()`."""
    if os.environ.get("FRAMING_STANCE_MODEL"):
        return Path(os.environ["FRAMING_STANCE_MODEL"])
    if framing_model is not None and (Path(framing_model).parent / "stance" / "config.json").is_file():
        return Path(framing_model).parent / "stance"
    return models_home() / "stance"


def stance_flag_path(stance: str | None, actors: str | None, framing_model: Path | None) -> Path | None:
    """The stance model a command's `--stance [MODEL]` names (`""`: the default one); None without the flag.
    `--actors` without `--stance` is a ValueError."""
    if stance is None:
        if actors is not None:
            raise ValueError("--actors: only with --stance")
        return None
    return Path(stance) if stance else default_stance_path(framing_model)
