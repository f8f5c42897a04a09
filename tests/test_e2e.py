"""End-to-end: the real packaged encoder, a real (short) training run on slices of the shipped corpora."""
import json
from pathlib import Path

import pytest

from framing.config import load_config
from framing.predict import FramingClassifier
from framing.training import train

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.e2e


def slice_file(src: Path, dst: Path, n: int) -> Path:
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    # an even slice: every k-th sentence keeps the label mix of the full split
    step = max(1, len(rows) // n)
    dst.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[::step][:n]), encoding="utf-8")
    return dst


# (config, epochs): the default (all-mpnet-base-v2) and the supervised fast recipe (all-MiniLM-L6-v2), the
# shipped encoders; one probe epoch, then full fine-tuning. (configs/fast.yaml distils: the test below.)
@pytest.mark.parametrize("config,epochs", [("default", 3), ("fast-supervised", 4)])
def test_real_encoder_beats_majority_baseline(tmp_path, config, epochs):
    data, real = ROOT / "data" / "framing", ROOT / "data" / "realnews"
    # written and real news together, as the shipped configs train: each split is a list of two files
    cfg = load_config(ROOT / "configs" / f"{config}.yaml", {
        "train_file": [str(slice_file(data / "train.jsonl", tmp_path / "train.jsonl", 400)),
                       str(slice_file(real / "train.jsonl", tmp_path / "real-train.jsonl", 200))],
        "dev_file": [str(slice_file(data / "dev.jsonl", tmp_path / "dev.jsonl", 120)),
                     str(slice_file(real / "dev.jsonl", tmp_path / "real-dev.jsonl", 80))],
        "test_file": str(slice_file(data / "test.jsonl", tmp_path / "test.jsonl", 160)),
        "epochs": epochs, "probe_epochs": 1, "output_dir": str(tmp_path / "model"), "progress": False})
    metrics = train(cfg)
    dev = metrics["dev"]
    assert dev["macro_f1"] > dev["majority_baseline_macro_f1"] + 0.3, dev["macro_f1"]
    assert metrics["test"]["macro_f1"] > 0.5

    # the saved folder, loaded again, reproduces the dev figure sentence by sentence
    clf = FramingClassifier.from_pretrained(tmp_path / "model")
    rows = [json.loads(line) for name in ("dev.jsonl", "real-dev.jsonl")
            for line in (tmp_path / name).read_text(encoding="utf-8").splitlines()]
    results = clf.predict([r["text"] for r in rows])
    accuracy = sum(r.label == row["label"] for r, row in zip(results, rows)) / len(rows)
    assert accuracy == pytest.approx(dev["accuracy"])
    article = clf.predict("Rebels seize the airport\n\nGENEVA (wire) — An aid convoy reached 4,000 displaced families. "
                          "The court ruled the blockade unlawful.")
    assert len(article) == 3 and all(r.label in clf.labels for r in article)


def test_distilling_into_the_packaged_minilm(tmp_path, tiny_model):
    """configs/fast.yaml's recipe on slices: a teacher (here the tiny model, torch backend) labels sentences of the
    sample articles, and all-MiniLM-L6-v2 learns them with the gold labels; the student is a plain folder."""
    from transformers import pipeline

    data = ROOT / "data" / "framing"
    cfg = load_config(ROOT / "configs" / "fast.yaml", {
        "train_file": str(slice_file(data / "train.jsonl", tmp_path / "train.jsonl", 200)),
        "dev_file": str(slice_file(data / "dev.jsonl", tmp_path / "dev.jsonl", 80)),
        "test_file": str(slice_file(data / "test.jsonl", tmp_path / "test.jsonl", 80)),
        "prior_file": None, "distill_exclude": None,
        "distill_teacher": str(tiny_model), "distill_backend": "torch",
        "distill_unlabelled": str(ROOT / "data" / "articles"), "distill_sentences": 60,
        "output_dir": str(tmp_path / "student"), "progress": False})
    metrics = train(cfg)
    assert metrics["distillation"]["transfer_sentences"] == 60
    assert metrics["dev"]["n"] == 80
    classify = pipeline("text-classification", model=str(tmp_path / "student"))
    assert classify("Aid convoys reached the besieged town.")[0]["label"] in cfg.labels


def test_stance_recipe_on_the_packaged_minilm_scores_articles(tmp_path, tiny_model):
    """configs/stance.yaml on slices of NewsMTSC and the conflict pairs: it learns (above the majority baseline),
    the folder runs in `transformers.pipeline` on {"text", "text_pair"}, and `framing score --stance` uses it."""
    from transformers import pipeline

    from framing.cli import main

    news, conflict = ROOT / "data" / "stance" / "newsmtsc", ROOT / "data" / "stance" / "conflict"
    cfg = load_config(ROOT / "configs" / "stance.yaml", {
        "train_file": [str(slice_file(news / "train.jsonl", tmp_path / "train.jsonl", 600)),
                       str(slice_file(conflict / "train.jsonl", tmp_path / "c-train.jsonl", 200))],
        "dev_file": [str(slice_file(news / "dev-rw.jsonl", tmp_path / "dev.jsonl", 150)), str(conflict / "dev.jsonl")],
        "test_file": str(slice_file(news / "test-rw.jsonl", tmp_path / "test.jsonl", 200)),
        "epochs": 2, "output_dir": str(tmp_path / "stance"), "progress": False})
    metrics = train(cfg)
    assert metrics["pairs"] and metrics["dev"]["macro_f1"] > metrics["dev"]["majority_baseline_macro_f1"] + 0.2
    pipe = pipeline("text-classification", model=str(tmp_path / "stance"), top_k=None, device="cpu")
    scores = pipe({"text": "Moscow accused Washington of sabotaging the talks.", "text_pair": "Washington"})
    assert {s["label"] for s in scores} == {"negative", "neutral", "positive"}
    articles = ROOT / "data" / "articles"
    out = tmp_path / "out"
    assert main(["score", str(articles), "--glob", "*.txt", "--model", str(tiny_model), "--stance",
                 str(tmp_path / "stance"), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in (out / "sentences.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(r["targets"] for r in rows) and (out / "actors_by_group.csv").is_file()
