"""Stance toward named actors: targets from the Python API, a text_pair training round trip, and the guards."""
from __future__ import annotations

import json

import numpy as np
import pytest

from framing.actors import ActorMatcher, load_actors
from framing.config import TrainConfig
from framing.predict import FramingClassifier
from framing.stance import StanceClassifier
from framing.training import train

ARTICLE = ("Moscow blames Washington for the blockade\n\n"
           "The Kremlin said Russian forces acted lawfully and that the White House had lied. "
           "Aid reached the city on Monday.")


@pytest.fixture(scope="module")
def stance(tiny_stance_model):
    return StanceClassifier.from_pretrained(tiny_stance_model)


def test_targets_name_each_actor_once_with_offsets_into_the_article(stance):
    sentences = stance.predict(ARTICLE)
    assert len(sentences) == 3
    first, second, third = sentences
    assert [(t.actor, t.mention) for t in first] == [("Russia", "Moscow"), ("United States", "Washington")]
    # Russia is named twice in the second sentence ("Kremlin", "Russian"); it is scored once, on its first mention
    assert [(t.actor, t.mention) for t in second] == [("Russia", "Kremlin"), ("United States", "White House")]
    assert third == []
    for t in first + second:
        assert ARTICLE[t.start:t.end] == t.mention
        assert t.stance in ("negative", "neutral", "positive") and t.score == pytest.approx(max(t.probs.values()))
        assert sum(t.probs.values()) == pytest.approx(1.0, abs=1e-5)


def test_a_pair_is_scored_as_the_pipeline_scores_it(stance, tiny_stance_model):
    from transformers import pipeline

    [[target, _]] = stance.predict(["Moscow blames Washington for the blockade."])
    pipe = pipeline("text-classification", model=str(tiny_stance_model), top_k=None, device="cpu")
    scores = {d["label"]: d["score"] for d in pipe({"text": "Moscow blames Washington for the blockade.",
                                                   "text_pair": "Moscow"})}
    assert scores == pytest.approx(target.probs, abs=1e-5)


def test_framing_results_gain_targets_only_with_a_stance_model(tiny_model, stance):
    clf = FramingClassifier.from_pretrained(tiny_model)
    plain = clf.predict(ARTICLE)
    assert plain[0].targets is None and "targets" not in plain[0].to_dict()
    both = clf.predict(ARTICLE, stance=stance, actors=["United States"])
    assert [t.actor for p in both for t in p.targets] == ["United States", "United States"]
    assert [p.label for p in both] == [p.label for p in plain]
    assert json.dumps([p.to_dict() for p in both])  # targets serialise


def test_unknown_actor_names_and_non_stance_models_are_refused(tiny_model, stance):
    with pytest.raises(ValueError, match="not in the actor list: Atlantis"):
        stance.predict(ARTICLE, actors=["Russia", "Atlantis"])
    with pytest.raises(ValueError, match="not a stance model"):
        StanceClassifier.from_pretrained(tiny_model)


def test_an_actors_file_replaces_the_list(tmp_path, tiny_stance_model):
    actors = tmp_path / "actors.yaml"
    actors.write_text("- name: Atlantis\n  type: state\n  aliases: [Atlantean Republic]\n"
                      "- name: Russia\n  type: state\n  aliases: [Moscow]\n", encoding="utf-8")
    clf = StanceClassifier.from_pretrained(tiny_stance_model, actors=actors)
    found = [t.actor for sentence in clf.predict(ARTICLE) for t in sentence]
    assert found == ["Russia"]  # Washington is not in this list; Atlantis is never mentioned


def test_a_bad_actors_file_names_its_line(tmp_path, tiny_stance_model):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- name: Russia\n  type: state\n- name: Moscow Group\n  type: club\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.yaml:4"):
        StanceClassifier.from_pretrained(tiny_stance_model, actors=bad)


def test_text_pair_training_round_trip(tmp_path, tiny_encoder):
    """train.py on (sentence, target) rows: the folder's model reads the pair, and the same sentence with two
    targets gets two different answers once trained on them (tokens of the tiny vocabulary, in lower case)."""
    rows = []
    for i in range(24):
        rows.append({"text": f"moscow accused washington of blocking aid {i} .", "text_pair": "washington",
                     "label": "negative"})
        rows.append({"text": f"moscow accused washington of blocking aid {i} .", "text_pair": "moscow",
                     "label": "neutral"})
        rows.append({"text": f"the un praised the convoy {i} .", "text_pair": "un", "label": "positive"})
    files = {}
    for split, part in (("train", rows[:54]), ("dev", rows[54:63]), ("test", rows[63:])):
        files[split] = tmp_path / f"{split}.jsonl"
        files[split].write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
    cfg = TrainConfig(labels=["negative", "neutral", "positive"], train_file=str(files["train"]),
                      dev_file=str(files["dev"]), test_file=str(files["test"]), encoder=str(tiny_encoder),
                      output_dir=str(tmp_path / "stance"), epochs=20, batch_size=8, learning_rate=3e-3,
                      max_length=32, progress=False, num_threads=1, task_name="stance")
    metrics = train(cfg)
    assert metrics["pairs"] is True
    card = (tmp_path / "stance" / "README.md").read_text(encoding="utf-8")
    assert '"text_pair": "Washington"' in card
    clf = StanceClassifier.from_pretrained(tmp_path / "stance", actors=None)
    # lower case: the tiny word-level vocabulary has no capitals
    probs = clf.classifier.predict_proba(["moscow accused washington of blocking aid 99 ."] * 2, ["washington", "moscow"])
    assert np.argmax(probs, axis=1).tolist() == [0, 1]
    # it learned: well above always answering the commonest label (not accuracy > 0.8: the 32-wide model got 9 of
    # the 9 test rows when this test ran alone and 6 of 9 in a full run of the suite)
    assert metrics["test"]["macro_f1"] > metrics["test"]["majority_baseline_macro_f1"] + 0.2


def test_matcher_shared_by_stance_is_the_shipped_list(stance):
    assert {a.name for a in stance.matcher.actors} == {a.name for a in ActorMatcher(load_actors()).actors}


def test_stance_runs_on_the_onnx_backends(tmp_path, tiny_stance_model):
    import shutil

    from framing.onnx import INT8_FILE, ONNX_FILE, export_onnx
    from framing.onnx.quantize import quantize_onnx

    folder = shutil.copytree(tiny_stance_model, tmp_path / "stance")
    export_onnx(folder)
    quantize_onnx(folder / ONNX_FILE, folder / INT8_FILE)
    sentences = ["moscow accused washington of blocking aid .", "the un praised the convoy ."]
    runs = {b: StanceClassifier.from_pretrained(folder, backend=b).predict(sentences)
            for b in ("torch", "onnx", "onnx-int8")}
    assert type(StanceClassifier.from_pretrained(folder, backend="onnx").backend).__name__ == "OnnxBackend"
    for backend in ("onnx", "onnx-int8"):
        for ours, ref in zip(runs[backend], runs["torch"]):
            assert [t.actor for t in ours] == [t.actor for t in ref]
            tol = 1e-4 if backend == "onnx" else 0.05
            assert all(abs(a.probs[k] - b.probs[k]) < tol for a, b in zip(ours, ref) for k in a.probs)


def test_cli_predict_prints_targets(tiny_model, tiny_stance_model, capsys):
    from framing.cli import main

    assert main(["predict", ARTICLE, "--model", str(tiny_model), "--stance", str(tiny_stance_model), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [t["actor"] for t in rows[0]["targets"]] == ["Russia", "United States"] and rows[2]["targets"] == []
    assert main(["predict", ARTICLE, "--model", str(tiny_model), "--stance", str(tiny_stance_model)]) == 0
    assert "United States (Washington):" in capsys.readouterr().out
