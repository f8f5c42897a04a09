"""The `framing` command line. Plain output for people; the work lives in the library modules."""
from __future__ import annotations

import argparse
import logging
import os
import sys

# No model hub at run time unless the user asks for one (HF_HUB_OFFLINE=0); must precede transformers' import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        logging.getLogger("framing").setLevel(logging.INFO)
    for noisy in ("transformers", "accelerate", "httpx", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


# Every subcommand lives with its feature and registers itself: `register(subparsers)`.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "framing.commands.train",
    "framing.commands.distill",
    "framing.commands.evaluate",
    "framing.commands.predict",
    "framing.commands.data",
    "framing.commands.export",
    "framing.scoring.command",
    "framing.service.command",
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(prog="framing", description="Sentence-level framing classifier for news.")
    parser.add_argument("-v", "--verbose", action="store_true", help="more log output")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMAND_MODULES:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
