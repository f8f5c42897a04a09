"""framing.scoring.discovery: globs, shard specs and the sorted walk."""
from __future__ import annotations

import pytest

from framing.scoring.discovery import Shard, compile_glob, walk

from scoring_helpers import _write


@pytest.mark.parametrize("pattern, path, hit", [
    ("*.txt", "a.txt", True), ("*.txt", "x/y/a.txt", True), ("*.txt", "a.md", False),
    ("news/**/*.html", "news/a.html", True), ("news/**/*.html", "news/2024/05/a.html", True),
    ("news/*.html", "news/2024/a.html", False), ("**", "any/thing.bin", True), ("[ab]?.md", "d/b1.md", True),
])
def test_glob(pattern, path, hit):
    assert (compile_glob(pattern).match(path) is not None) is hit


@pytest.mark.parametrize("spec", ["", "1", "4/4", "-1/3", "a/b", "1/0"])
def test_bad_shard_spec_is_a_clear_error(spec):
    with pytest.raises(ValueError, match="--shard"):
        Shard.parse(spec)


def test_walk_is_sorted_skips_hidden_and_reports_loops(messy_folder):
    (messy_folder / ".hidden").mkdir()
    _write(messy_folder / ".hidden" / "secret.txt", "not me")
    entries = list(walk(messy_folder))
    rels = [e.rel for e in entries]
    assert rels == sorted(rels, key=lambda r: r.split("/"))
    assert "ignored.png" not in rels and not any(".hidden" in r for r in rels)
    loops = [e for e in entries if e.error]
    assert [(e.rel, e.error[0]) for e in loops] == [("news/deep/loop", "symlink_loop")]
