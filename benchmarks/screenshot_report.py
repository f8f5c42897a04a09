"""Render a report.html in headless Chromium and save a PNG, to check that the page looks right.

    apt-get update && apt-get install -y chromium        # once (Debian)
    .venv/bin/python benchmarks/screenshot_report.py OUTDIR/report.html --png /tmp/report.png
    .venv/bin/python benchmarks/screenshot_report.py OUTDIR/report.html --png /tmp/report.png --width 1280 --height 2400

The browser runs with a fresh profile and every background service off, so it makes no network request of
its own; the report itself must not need any (it is inline CSS and SVG only).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1")


def screenshot(report: Path, png: Path, width: int, height: int, timeout: float = 120) -> Path:
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        raise FileNotFoundError("no Chromium found; install it with `apt-get install -y chromium`")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [browser, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               f"--screenshot={png.resolve()}", report.resolve().as_uri()]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium failed ({result.returncode}): {result.stderr[-2000:]}")
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="report.html to render")
    parser.add_argument("--png", type=Path, help="where to save the screenshot (default: beside the report)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args(argv)
    if not args.report.is_file():
        print(f"error: {args.report}: no such file", file=sys.stderr)
        return 2
    png = screenshot(args.report, args.png or args.report.with_suffix(".png"), args.width, args.height)
    print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
