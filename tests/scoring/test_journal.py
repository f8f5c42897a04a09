"""framing.scoring.journal: crash-safe output, resuming after a crash or SIGKILL, settings checks and the lock."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from framing.scoring import score_folder
from framing.scoring.journal import STATE_DIR, Journal, JournalError

from scoring_helpers import ARTICLE, _options, _rows, _write


PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("sentences.jsonl", "articles.jsonl", "errors.jsonl",
                                                           "report.html")}


class Crash(Exception):
    pass


def test_crash_after_some_batches_resumes_to_identical_output(messy_folder, tmp_path, tiny_model, clf):
    reference = tmp_path / "reference"
    score_folder(_options(messy_folder, reference, tiny_model, batch_sentences=3), classifier=clf)

    out = tmp_path / "out"

    def crash(batch: int) -> None:
        if batch == 4:  # batch 4 is written but not committed when the run dies
            raise Crash

    with pytest.raises(Crash):
        score_folder(_options(messy_folder, out, tiny_model, batch_sentences=3), classifier=clf, on_batch=crash)
    state = sqlite3.connect(out / STATE_DIR / "state.sqlite")
    committed = state.execute("SELECT sentences FROM committed").fetchone()[0]
    done_before = state.execute("SELECT COUNT(*) FROM files WHERE status = 'done'").fetchone()[0]
    state.close()
    assert (out / STATE_DIR / "sentences.log").stat().st_size > committed  # an uncommitted tail to cut off
    assert not (out / "sentences.jsonl").exists()  # no half-written table
    assert 0 < done_before

    summary = score_folder(_options(messy_folder, out, tiny_model, batch_sentences=3), classifier=clf)
    assert summary.unchanged_files >= done_before - 1
    assert _tables(out) == _tables(reference)


def test_jsonl_interrupted_mid_file_resumes_without_loss_or_duplicates(tmp_path, tiny_model, clf):
    root = tmp_path / "feeds"
    _write(root / "big.jsonl", "".join(json.dumps({"text": f"Report {i}: aid reached the town. Troops left."}) + "\n"
                                       for i in range(40)))
    reference = tmp_path / "reference"
    score_folder(_options(root, reference, tiny_model, batch_sentences=10), classifier=clf)
    out = tmp_path / "out"
    with pytest.raises(Crash):
        score_folder(_options(root, out, tiny_model, batch_sentences=10), classifier=clf,
                     on_batch=lambda n: (_ for _ in ()).throw(Crash) if n == 3 else None)
    summary = score_folder(_options(root, out, tiny_model, batch_sentences=10), classifier=clf)
    assert summary.resumed_files == 1
    assert _tables(out) == _tables(reference)
    ids = [(s["article"], s["sentence"]) for s in _rows(out / "sentences.jsonl")]
    assert len(ids) == len(set(ids)) == 80


def test_sigkill_mid_run_then_rerun_gives_identical_output(tmp_path, tiny_model, clf):
    root = tmp_path / "corpus"
    for i in range(30):
        _write(root / f"f{i // 10}" / f"a{i:03d}.txt", f"Headline number {i}\n\n" + ARTICLE)
    args = dict(batch_sentences=6)
    reference = tmp_path / "reference"
    score_folder(_options(root, reference, tiny_model, **args), classifier=clf)

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "framing.cli", "score", str(root), "--model", str(tiny_model), "--out", str(out),
           "--batch-sentences", "6", "--max-bytes", "1000000"]
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    db = out / STATE_DIR / "state.sqlite"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(db) as state:
                        done = state.execute("SELECT COUNT(*) FROM files WHERE status = 'done'").fetchone()[0]
                except sqlite3.OperationalError:
                    done = 0
                if done >= 3:
                    break
            time.sleep(0.01)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    summary = score_folder(_options(root, out, tiny_model, **args), classifier=clf)
    assert 3 <= summary.unchanged_files < 30
    assert _tables(out) == _tables(reference)


def test_other_settings_in_the_same_outdir_are_refused(tmp_path, tiny_model, clf):
    root = tmp_path / "corpus"
    _write(root / "a.txt", ARTICLE)
    out = tmp_path / "out"
    score_folder(_options(root, out, tiny_model), classifier=clf)
    with pytest.raises(ValueError, match=r"min_confidence: 0.0 -> 0.5"):
        score_folder(_options(root, out, tiny_model, min_confidence=0.5), classifier=clf)
    # the refused run let go of the folder: the original settings still work
    assert score_folder(_options(root, out, tiny_model), classifier=clf).unchanged_files == 1


def test_second_writer_is_locked_out(tmp_path):
    with Journal(tmp_path, {"a": 1}):
        with pytest.raises(JournalError, match="another `framing score` run"):
            Journal(tmp_path, {"a": 1}).open()
