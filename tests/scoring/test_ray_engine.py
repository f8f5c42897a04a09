"""framing score --engine ray on a local Ray (2 CPUs), one run shared by the tests (a Ray run costs seconds of
start-up): it gives the local engine's results, stance targets and actor tables included, although one worker is
killed mid-batch, and the killed batch is neither lost nor repeated."""
from __future__ import annotations

import json
import os

import pytest

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

from framing.scoring import score_folder  # noqa: E402
from framing.scoring.ray_engine import FAIL_ONCE_ENV, ParquetRows, RayOptions, score_with_ray  # noqa: E402

from scoring_helpers import ARTICLE, LABELS, _options, _rows, _write  # noqa: E402

KEY = lambda r: (r["article"], r["sentence"])  # noqa: E731


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_model, tiny_stance_model):
    """The same folder scored locally and on Ray, where the first worker to find the marker dies mid-batch."""
    base = tmp_path_factory.mktemp("ray")
    root = base / "corpus"
    for i in range(6):
        _write(root / "news" / f"a{i}.txt", ARTICLE.replace("nine", str(10 + i)))
    _write(root / "web" / "page.html", "<html><head><title>Aid convoy blocked</title></head><body><nav>Home</nav>"
           "<article><h1>Aid convoy blocked at the border</h1><p>The convoy carrying food and medicine waited "
           "for three days at the crossing, officials said on Tuesday.</p><p>Doctors in the besieged town "
           "reported shortages of insulin.</p></article></body></html>")
    _write(root / "feeds" / "records.jsonl", json.dumps({"text": "Troops advanced. Residents fled."}) +
           "\n{broken\n" + json.dumps({"body": "no text"}) + "\n" + json.dumps({"text": "The court sat."}) + "\n")
    _write(root / "wire" / "actors.jsonl", "".join(json.dumps(r) + "\n" for r in [
        {"outlet": "TASS", "text": "Moscow blames Washington for the blockade. The Kremlin said Russian forces acted."},
        {"outlet": "Reuters", "text": "The UN appealed for a ceasefire. Hamas and Israel traded accusations."}]))
    _write(root / "bad" / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    marker = base / "kill-one-worker"
    marker.write_text("armed", encoding="utf-8")
    os.environ[FAIL_ONCE_ENV] = str(marker)  # the workers of the Ray started below inherit it
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        local, remote = base / "local", base / "ray"
        stance = dict(stance=tiny_stance_model, group_by="outlet")
        score_folder(_options(root, local, tiny_model, **stance))
        summary = score_with_ray(_options(root, remote, tiny_model, **stance),
                                 RayOptions(workers=2, files_per_batch=2, cpus_per_worker=1))
    finally:
        ray.shutdown()
        os.environ.pop(FAIL_ONCE_ENV, None)
    return local, remote, summary, marker


def test_a_worker_was_killed_and_nothing_was_lost_or_repeated(runs):
    local, remote, summary, marker = runs
    assert not marker.exists()  # a worker removed it and died after writing its batch's sentences part
    got = [KEY(r) for r in ParquetRows(remote, LABELS).sentences()]
    assert len(got) == len(set(got)) == summary.sentences == len(_rows(local / "sentences.jsonl"))
    articles = [r["article"] for r in ParquetRows(remote, LABELS).articles()]
    assert sorted(articles) == sorted(r["article"] for r in _rows(local / "articles.jsonl"))
    assert not list(remote.rglob(".*.tmp"))


def test_ray_gives_the_local_engines_labels_and_scores(runs):
    local, remote, _, _ = runs
    expected = sorted(_rows(local / "sentences.jsonl"), key=KEY)
    got = sorted(ParquetRows(remote, LABELS).sentences(), key=KEY)
    assert [(KEY(r), r["start"], r["end"], r["text"], r["label"]) for r in got] == \
        [(KEY(r), r["start"], r["end"], r["text"], r["label"]) for r in expected]
    assert max(abs(a["probs"][x] - b["probs"][x]) for a, b in zip(got, expected) for x in LABELS) < 1e-4
    assert sorted(ParquetRows(remote, LABELS).articles(), key=lambda r: r["article"]) == \
        sorted(_rows(local / "articles.jsonl"), key=lambda r: r["article"])


def test_unreadable_files_are_errors_as_in_local_mode_and_the_report_is_written(runs):
    local, remote, summary, _ = runs
    key = lambda e: (e["file"], e["line"] or 0, e["item"] or 0)  # noqa: E731
    errors = sorted(_rows(remote / "errors.jsonl"), key=key)
    assert errors == sorted(_rows(local / "errors.jsonl"), key=key)
    assert {e["reason"] for e in errors} == {"binary", "invalid_json", "missing_field"}
    assert summary.errors == 3
    page = (remote / "report.html").read_text(encoding="utf-8")
    assert "Framing report" in page and "Skipped (3)" in page


def test_ray_gives_the_local_engines_stance_targets_and_actor_tables(runs):
    local, remote, summary, _ = runs
    targets = lambda r: [(t["actor"], t["mention"], t["start"], t["stance"]) for t in r.get("targets") or []]  # noqa: E731
    expected = {KEY(r): targets(r) for r in _rows(local / "sentences.jsonl")}
    got = {KEY(r): targets(r) for r in ParquetRows(remote, LABELS).sentences()}
    assert got == expected and sum(len(t) for t in got.values()) >= 6
    for table in ("actors_by_article.csv", "actors_by_group.csv", "groups.csv"):
        assert (remote / table).read_text(encoding="utf-8") == (local / table).read_text(encoding="utf-8")
    assert {"Russia", "United States", "Israel"} <= set(summary.actors)
