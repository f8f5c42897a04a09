"""framing.scoring.command: `framing score` through framing.cli.main."""
from __future__ import annotations


def test_cli_score(messy_folder, tmp_path, tiny_model, capsys):
    from framing.cli import main

    out = tmp_path / "out"
    code = main(["score", str(messy_folder), "--model", str(tiny_model), "--out", str(out), "--max-bytes",
                 "1000000", "--glob", "feeds/*", "--format", "csv"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "2 files (2 read): 4 articles" in printed and "2 skipped" in printed
    assert (out / "articles.csv").exists()
    assert main(["score", str(messy_folder), "--model", str(tiny_model), "--out", str(out), "--shard", "3/2"]) == 2
