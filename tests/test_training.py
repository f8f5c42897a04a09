"""A real (tiny) training run: few steps, saved folder, round trip, pipeline, determinism."""
import json

import numpy as np
import pytest

from framing.config import TrainConfig
from framing.data import DataError, read_examples
from framing.predict import FramingClassifier
from framing.training import LengthGroupedBatches, class_weights, train
from framing.data import Example

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]


def tiny_config(files, encoder, out, **kw) -> TrainConfig:
    values = dict(labels=LABELS, train_file=str(files["train"]), dev_file=str(files["dev"]), test_file=str(files["test"]),
                  encoder=str(encoder), output_dir=str(out), epochs=2, batch_size=8, learning_rate=1e-3,
                  max_length=32, progress=False, num_threads=1)
    values.update(kw)
    return TrainConfig(**values)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_encoder, tiny_corpus):
    base = tmp_path_factory.mktemp("trained")
    files = {}
    for split, rows in (("train", tiny_corpus[:40]), ("dev", tiny_corpus[40:52]), ("test", tiny_corpus[52:])):
        files[split] = base / f"{split}.jsonl"
        files[split].write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = base / "model"
    metrics = train(tiny_config(files, tiny_encoder, out))
    return files, out, metrics


def test_model_folder_is_complete(trained):
    _, out, metrics = trained
    for name in ("config.json", "model.safetensors", "tokenizer.json", "training_config.json", "metrics.json",
                 "report.md", "dev_report.md", "confusion_matrix.png", "README.md"):
        assert (out / name).is_file(), name
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {str(i): x for i, x in enumerate(LABELS)}
    assert config["label2id"] == {x: i for i, x in enumerate(LABELS)}
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["test"]["n"] == 12 and saved["dev"]["n"] == 12
    assert len(saved["history"]) == 2 and 1 <= saved["best_epoch"] <= 2
    assert not out.with_name(out.name + ".partial").exists()
    card = (out / "README.md").read_text()
    assert "Intended use and limits" in card and "legal_argument" in card


def test_round_trip_gives_identical_probabilities(trained):
    files, out, metrics = trained
    clf = FramingClassifier.from_pretrained(out)
    texts = [json.loads(line)["text"] for line in files["test"].read_text().splitlines()]
    first = clf.predict_proba(texts)
    again = FramingClassifier.from_pretrained(out).predict_proba(texts)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first.sum(axis=1), 1.0, rtol=1e-5)
    gold = [LABELS.index(json.loads(line)["label"]) for line in files["test"].read_text().splitlines()]
    assert abs(float((first.argmax(1) == np.array(gold)).mean()) - metrics["test"]["accuracy"]) < 1e-9


def test_plain_transformers_pipeline_loads_folder(trained):
    from transformers import pipeline

    _, out, _ = trained
    clf = pipeline("text-classification", model=str(out), top_k=None)
    result = clf("The aid convoy reached the town.")
    scores = result[0] if isinstance(result[0], list) else result
    assert {r["label"] for r in scores} == set(LABELS)


def test_same_seed_same_metrics(tmp_path, trained, tiny_encoder):
    files, _, metrics = trained
    again = train(tiny_config(files, tiny_encoder, tmp_path / "again"))
    assert again["test"] == metrics["test"] and again["dev"] == metrics["dev"]


def test_bad_label_stops_before_training(tmp_path, tiny_encoder, corpus_files):
    corpus_files["train"].write_text(corpus_files["train"].read_text() + '{"text": "x", "label": "propaganda"}\n')
    with pytest.raises(DataError, match=r"train\.jsonl:41: label: 'propaganda'"):
        train(tiny_config(corpus_files, tiny_encoder, tmp_path / "m"))
    assert not (tmp_path / "m").exists()


def test_splits_made_when_only_train_given(tmp_path, tiny_encoder, tiny_corpus):
    path = tmp_path / "all.csv"
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["text", "label", "article"])
        writer.writeheader()
        for r in tiny_corpus:
            writer.writerow({k: r[k] for k in ("text", "label", "article")})
    cfg = TrainConfig(labels=LABELS, train_file=str(path), encoder=str(tiny_encoder), output_dir=str(tmp_path / "m"),
                      epochs=1, batch_size=16, dev_ratio=0.2, test_ratio=0.2, progress=False, num_threads=1)
    metrics = train(cfg)
    total = sum(sum(metrics["data"][s].values()) for s in ("train", "dev", "test"))
    assert total == len(tiny_corpus) and metrics["test"]["n"] > 0 and metrics["dev"]["n"] > 0


def test_class_weights_balanced_and_sqrt():
    examples = [Example("a", "x")] * 6 + [Example("b", "y")] * 2
    balanced = class_weights(examples, ["x", "y"], "balanced").tolist()
    assert balanced == pytest.approx([8 / 12, 8 / 4])
    assert class_weights(examples, ["x", "y"], "sqrt").tolist() == pytest.approx(np.sqrt(balanced).tolist())
    assert class_weights(examples, ["x", "y"], "none") is None


def test_length_grouped_batches_cover_every_index_once():
    lengths = list(np.random.default_rng(0).integers(3, 60, size=103))
    sampler = LengthGroupedBatches(lengths, 8, seed=1)
    first = list(sampler)
    assert sorted(i for b in first for i in b) == list(range(103))
    assert len(first) == len(sampler) == 13
    assert list(sampler) != first  # reshuffled for the next epoch


def test_training_records_calibration_and_saved_probs_are_calibrated(trained):
    files, out, metrics = trained
    cal = metrics["calibration"]
    assert cal is not None and cal["temperature"] > 0
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["calibration"] == cal
    assert "temperature-scaled" in (out / "README.md").read_text()
    # the saved folder gives the dev ECE recorded after scaling
    from framing.evaluation import compute_metrics

    dev = read_examples(files["dev"])
    labels = list(FramingClassifier.from_pretrained(out).labels)
    probs = FramingClassifier.from_pretrained(out).predict_proba([e.text for e in dev])
    gold = np.array([labels.index(e.label) for e in dev])
    assert compute_metrics(probs, gold, labels)["ece"] == pytest.approx(cal["dev_ece_after"], abs=1e-5)


def test_torchrun_two_cpu_processes_train_one_model(tmp_path, tiny_encoder, corpus_files):
    """Two processes under torchrun on CPU join one gloo group, shard the batches, follow the per-process
    learning-rate schedule (a probe epoch keeps the encoder's rate at 0) and write one folder."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[1]
    cfg = tiny_config(corpus_files, tiny_encoder, tmp_path / "ddp-model", epochs=3, probe_epochs=1).to_dict()
    (tmp_path / "ddp.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          str(root / "train.py"), "--config", str(tmp_path / "ddp.yaml")],
                         capture_output=True, text=True, timeout=300, cwd=root,
                         env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})  # CPU even on a GPU machine
    assert run.returncode == 0, run.stderr[-3000:]
    assert "distributed: 2 processes (DistributedType.MULTI_CPU), this is rank 1" in run.stderr
    assert run.stdout.count("model: ") == 1  # only rank 0 reports
    out = tmp_path / "ddp-model"
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["test"]["n"] == 12 and len(saved["history"]) == 3
    # 40 training sentences, batches of 8: 5 batches, 3 for each of the 2 processes
    assert [h["steps"] for h in saved["history"]] == [3, 3, 3]
    assert saved["history"][0]["peak_encoder_lr"] == 0.0 and saved["history"][1]["peak_encoder_lr"] > 0.0
    assert not out.with_name(out.name + ".partial").exists()
    assert FramingClassifier.from_pretrained(out).predict_proba(["The aid convoy reached the town."]).shape == (1, 4)


def test_mixed_precision_run_selects_on_the_numbers_the_saved_folder_gives(tmp_path, tiny_encoder, corpus_files):
    """bf16 autocast trains; dev is scored in fp32 like the saved folder, so its figures are reproducible."""
    from framing.evaluation import compute_metrics

    metrics = train(tiny_config(corpus_files, tiny_encoder, tmp_path / "bf16", mixed_precision="bf16"))
    examples = read_examples(corpus_files["dev"], LABELS)
    probs = FramingClassifier.from_pretrained(tmp_path / "bf16").predict_proba([e.text for e in examples])
    again = compute_metrics(probs, np.array([LABELS.index(e.label) for e in examples]), LABELS)
    assert again["ece"] == pytest.approx(metrics["dev"]["ece"], abs=1e-6)
    assert again["macro_f1"] == pytest.approx(metrics["dev"]["macro_f1"])


def test_schedule_matches_transformers_linear_warmup_without_probe():
    import torch
    from transformers import get_linear_schedule_with_warmup

    from framing.training import _optimizer_and_schedule

    def rates(make):
        model = torch.nn.Sequential()
        model.base_model_prefix = "encoder"
        model.add_module("encoder", torch.nn.Linear(4, 4))
        model.add_module("classifier", torch.nn.Linear(4, 2))
        optimizer, scheduler = make(model)
        out = []
        for _ in range(30):
            out.append([g["lr"] for g in optimizer.param_groups])
            optimizer.step()
            scheduler.step()
        return out

    cfg = TrainConfig(labels=LABELS, train_file="x", epochs=3, learning_rate=1e-4, warmup_ratio=0.2)
    ours = rates(lambda m: _optimizer_and_schedule(m, cfg, 10)[:2])

    def reference(m):
        opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
        return opt, get_linear_schedule_with_warmup(opt, 6, 30)

    theirs = rates(reference)
    assert [max(r) for r in ours] == pytest.approx([r[0] for r in theirs])
    assert all(len(set(r)) == 1 for r in ours)  # encoder and head follow one schedule


def test_probe_epochs_freeze_the_encoder_then_fine_tune_everything(tmp_path, tiny_encoder, corpus_files, monkeypatch):
    import torch

    from framing.training import _optimizer_and_schedule, is_head

    model = torch.nn.Module()
    model.base_model_prefix = "encoder"
    model.encoder = torch.nn.Linear(4, 4)
    model.classifier = torch.nn.Linear(4, 2)
    cfg = TrainConfig(labels=LABELS, train_file="x", epochs=3, probe_epochs=1, learning_rate=1e-4,
                      probe_learning_rate=1e-2, warmup_ratio=0.0)
    optimizer, scheduler, steps = _optimizer_and_schedule(model, cfg, 5)
    assert steps == 15
    head_groups = [g for g in optimizer.param_groups if g.get("head")]
    encoder_groups = [g for g in optimizer.param_groups if not g.get("head")]
    assert head_groups and encoder_groups
    assert is_head("classifier.weight", "bert") and is_head("bert.pooler.dense.weight", "bert")
    assert is_head("pre_classifier.weight", "distilbert") and not is_head("bert.encoder.layer.0.output.dense.weight", "bert")
    for step in range(15):
        if step < 5:
            assert all(g["lr"] == 0.0 for g in encoder_groups)
            assert all(g["lr"] == pytest.approx(1e-2) for g in head_groups)
        else:
            assert all(g["lr"] == pytest.approx(1e-4 * (15 - step) / 10) for g in optimizer.param_groups)
        optimizer.step()
        scheduler.step()
    # a real run: after the probe epoch the encoder still holds its pretrained weights, the head does not
    from transformers import AutoModelForSequenceClassification

    import framing.training as training

    snapshots = []
    real_evaluate = training.evaluate

    def spy(model, *args, **kwargs):
        snapshots.append({n: p.detach().clone() for n, p in model.named_parameters()})
        return real_evaluate(model, *args, **kwargs)

    monkeypatch.setattr(training, "evaluate", spy)
    metrics = train(tiny_config(corpus_files, tiny_encoder, tmp_path / "lpft", epochs=2, probe_epochs=1))
    assert len(metrics["history"]) == 2
    pretrained = dict(AutoModelForSequenceClassification.from_pretrained(tiny_encoder).named_parameters())
    after_probe, after_fine_tuning = snapshots[0], snapshots[1]
    encoder = [n for n in after_probe if n.startswith("bert.") and ".pooler." not in n]
    assert encoder and all(torch.equal(after_probe[n], pretrained[n]) for n in encoder)
    assert not torch.equal(after_probe["bert.pooler.dense.weight"], pretrained["bert.pooler.dense.weight"])  # head part
    assert any(not torch.equal(after_fine_tuning[n], pretrained[n]) for n in encoder)
    assert "LP-FT: the first 1 epoch(s) trained only the classification head" in (tmp_path / "lpft" / "README.md").read_text()


def test_probe_epochs_must_leave_fine_tuning_epochs():
    with pytest.raises(ValueError, match="probe_epochs"):
        TrainConfig(labels=LABELS, train_file="x", epochs=2, probe_epochs=2)


def test_prior_file_fits_offsets_that_the_saved_folder_applies(tmp_path, tiny_encoder, corpus_files):
    metrics = train(tiny_config(corpus_files, tiny_encoder, tmp_path / "priors", prior_file=str(corpus_files["dev"])))
    record = metrics["label_offsets"]
    assert set(record["offsets"]) == set(LABELS) and record["offsets"][LABELS[-1]] == 0.0
    assert record["macro_f1_after"] >= record["macro_f1_before"]
    assert "Label-prior correction" in (tmp_path / "priors" / "README.md").read_text(encoding="utf-8")
    # the saved folder gives the corrected dev figures: the offsets are in its weights
    clf = FramingClassifier.from_pretrained(tmp_path / "priors")
    dev = read_examples(corpus_files["dev"], LABELS)
    accuracy = np.mean([p.label == e.label for p, e in zip(clf.predict([e.text for e in dev]), dev)])
    assert accuracy == pytest.approx(metrics["dev"]["accuracy"])
