"""Constants and helpers shared by the tests of framing.scoring (imported by name: tests/scoring is on sys.path)."""
from __future__ import annotations

import json
from pathlib import Path

from framing.scoring import ScoreOptions


LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]

ARTICLE = ("Rebels shell the market in Kharkiv\n\n"
           "KHARKIV, March 3. Artillery hit the central market on Monday, killing at least nine civilians. "
           "Doctors at the city hospital said they had run out of blood for transfusions.\n\n"
           "The government said the attack violated the ceasefire agreed in Minsk. "
           "The court in The Hague will consider the case next month.\n")


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _options(root: Path, out: Path, model: Path, **kw) -> ScoreOptions:
    kw.setdefault("max_bytes", 1_000_000)
    kw.setdefault("progress", False)
    return ScoreOptions(root=root, out=out, model=model, **kw)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
