"""Fixtures shared by the tests of framing.scoring: a messy article folder, the tiny classifier, one torch thread."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from framing.predict import FramingClassifier

from scoring_helpers import ARTICLE, _write


HTML = """<!DOCTYPE html><html><head><title>Aid convoy blocked | Daily Wire</title>
<script>var tracking = "SCRIPT-TEXT-SHOULD-NOT-APPEAR"; function f() { return 1; }</script>
<style>body { color: red }</style></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World NAVIGATION-LINK</a></li></ul></nav>
<article><h1>Aid convoy blocked at the border</h1>
<p>The convoy carrying food and medicine waited for three days at the crossing, officials said on Tuesday.</p>
<p>Doctors in the besieged town reported shortages of insulin and antibiotics for the wounded.</p>
<p>The army said the road was closed because of fighting near the border post.</p></article>
<footer>Copyright 2024 Daily Wire. All rights reserved. FOOTER-BOILERPLATE</footer></body></html>"""


@pytest.fixture
def messy_folder(tmp_path) -> Path:
    """Good and bad files side by side, in nested folders, with a symlink loop."""
    root = tmp_path / "corpus"
    _write(root / "news" / "plain.txt", ARTICLE)
    _write(root / "news" / "deep" / "deeper" / "story.md",
           "# Ceasefire talks resume\n\nNegotiators **met** in [Geneva](https://example.org) on Friday. "
           "The talks focus on the *exchange of prisoners*.\n")
    _write(root / "web" / "page.html", HTML)
    _write(root / "enc" / "bom.txt", b"\xef\xbb\xbf" + "Civilians fled the shelling overnight.".encode())
    _write(root / "enc" / "cp1252.txt", "The caf\u00e9 owner said \u201cwe have no bread\u201d \u2014 the "
                                         "siege had lasted a month.".encode("cp1252"))
    _write(root / "enc" / "utf16.txt", "The tribunal ruled that the detentions broke the convention.".encode("utf-16"))
    _write(root / "enc" / "invalid_utf8.txt", "Na\u00efve reporting, said the caf\u00e9 owner.".encode() + b" \xff\xfe"
           b"\x80 Aid reached the town.")
    _write(root / "bad" / "empty.txt", b"")
    _write(root / "bad" / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    _write(root / "bad" / "garbage.txt", bytes(range(128, 256)) * 4)
    _write(root / "bad" / "big.txt", ("Aid convoys waited at the border for days. " * 120_000)[:5_000_000])
    _write(root / "feeds" / "records.jsonl",
           json.dumps({"title": "Troops advance", "text": "Troops advanced on the city. Residents fled south."})
           + "\n{this line is broken\n"
           + json.dumps({"body": "no text field here"}) + "\n\n"
           + json.dumps({"text": "The court heard the case on Monday."}) + "\n")
    _write(root / "feeds" / "list.json", json.dumps([{"text": "Shelling resumed at dawn."},
                                                     {"text": "Aid workers were evacuated."}]))
    _write(root / "ignored.png", b"\x89PNG")
    os.symlink("..", root / "news" / "deep" / "loop")
    return root


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """The tiny model's matmuls are too small to split; on a busy machine two threads wait on each other."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def clf(tiny_model):
    return FramingClassifier.from_pretrained(tiny_model)
