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


def test_cli_ray_engine_refuses_extra_formats(messy_folder, tmp_path, tiny_model, capsys):
    from framing.cli import main

    code = main(["score", str(messy_folder), "--model", str(tiny_model), "--out", str(tmp_path / "out"),
                 "--engine", "ray", "--format", "csv"])
    assert code == 2 and "--format: the ray engine writes Parquet parts" in capsys.readouterr().err


def test_framing_threads_sets_the_thread_count(monkeypatch):
    from framing.cores import physical_cores

    monkeypatch.setenv("FRAMING_THREADS", "3")
    assert physical_cores() == 3
    monkeypatch.setenv("FRAMING_THREADS", "zero")
    assert physical_cores() >= 1
