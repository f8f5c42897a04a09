"""`framing export`: write the ONNX files of a model folder for the `onnx` and `onnx-int8` backends."""
from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help="export a model folder to ONNX (model.onnx, and model.int8.onnx)")
    p.add_argument("--model", required=True, help="model folder (with config.json)")
    p.add_argument("--quantize", choices=["int8"], help="also write a dynamically quantised int8 copy")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from ..onnx import export_onnx

    for path in export_onnx(args.model, quantize=args.quantize == "int8"):
        print(f"{path}  ({path.stat().st_size / 2**20:.1f} MiB)")
    return 0
