"""`framing predict`: classify one article given as an argument or on stdin."""
from __future__ import annotations

import argparse
import json
import sys

from ..predict import BACKENDS


def register(subparsers) -> None:
    p = subparsers.add_parser("predict", help="classify an article (TEXT, or - for stdin)")
    p.add_argument("text", nargs="?", help="article text; '-' or nothing reads stdin")
    p.add_argument("--model", help="model folder (default $FRAMING_MODEL, else models/default)")
    p.add_argument("--backend", default="torch", choices=BACKENDS)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--stance", nargs="?", const="", metavar="MODEL",
                   help="also the stance toward each named actor (default model: models/stance; docs/stance.md)")
    p.add_argument("--actors", help="actors YAML for --stance (default: the shipped list)")
    p.set_defaults(func=cmd_predict)


def cmd_predict(args: argparse.Namespace) -> int:
    from ..predict import FramingClassifier, default_model_path

    text = sys.stdin.read() if args.text in (None, "-") else args.text
    model = args.model or default_model_path()
    clf = FramingClassifier.from_pretrained(model, backend=args.backend)
    stance = _stance(args, model)
    results = clf.predict(text, stance=stance)
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
        for t in r.targets or ():
            print(f"{'':>3}  {'':<{width}}         {t.actor} ({t.mention}): {t.stance} {t.score:.2f}")
    return 0


def _stance(args: argparse.Namespace, model):
    from pathlib import Path

    from ..paths import stance_flag_path
    from ..stance import StanceClassifier

    folder = stance_flag_path(args.stance, args.actors or None, Path(model))
    return StanceClassifier.from_pretrained(folder, backend=args.backend, actors=args.actors) if folder else None
