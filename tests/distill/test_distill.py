"""Distillation: the transfer set keeps held-out text out, the teacher cache resumes, the loss, a tiny run."""
import json

import numpy as np
import pytest
import torch

from framing.config import TrainConfig
from framing.distill import teacher as teacher_module
from framing.distill.loss import DistillationLoss
from framing.distill.teacher import CacheMismatch, teacher_probs
from framing.distill.transfer import transfer_sentences

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]
ARTICLES = [
    "Rebels shelled the town overnight. Aid groups said thousands fled the fighting. The UN called for a truce. "
    "Markets stayed shut on Monday. Schools have been closed for a week. Talks are planned for next month.",
    "The court ruled the blockade unlawful under the Geneva Conventions. Officials rejected the ruling.",
    "Families sleep in schools after the shelling. Doctors said the hospital had run out of fuel.",
]


@pytest.fixture
def unlabelled(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, text in enumerate(ARTICLES):
        (folder / f"a{i}.txt").write_text(text, encoding="utf-8")
    return folder


def test_transfer_pool_drops_held_out_sentences_and_reprints(tmp_path, unlabelled):
    held = tmp_path / "test.jsonl"
    held.write_text(json.dumps({"text": "The court ruled the blockade unlawful under the Geneva Conventions.",
                                "label": "legal_argument"}) + "\n" +
                    json.dumps({"text": "The UN called for a truce!", "label": "background"}) + "\n", encoding="utf-8")
    pool, counts = transfer_sentences([unlabelled], [held], seed=1)
    texts = {r["text"] for r in pool}
    assert counts["articles_excluded"] == 1  # half of a1's sentences are held out: a reprint; 1 of 6 in a0 is not
    assert not any("court" in t or "Officials rejected" in t for t in texts)
    assert "The UN called for a truce." not in texts  # the same sentence, other punctuation
    assert "Rebels shelled the town overnight." in texts
    again, _ = transfer_sentences([unlabelled], [held], seed=1)
    assert [r["text"] for r in again] == [r["text"] for r in pool]  # seeded order


def test_teacher_cache_resumes_and_refuses_another_teacher(tmp_path, tiny_model, tiny_encoder, monkeypatch):
    monkeypatch.setattr(teacher_module, "CHUNK", 2)
    rows = [{"text": t} for t in ["One shell hit.", "Aid arrived.", "The court ruled.", "Talks resumed.", "More."]]
    cache = tmp_path / "cache"
    first, labels = teacher_probs(tiny_model, rows, cache, backend="torch", needed=3, progress=False)
    assert first.shape == (3, 4) and labels == LABELS
    assert sorted(p.name for p in cache.glob("probs-*.npy")) == ["probs-00000.npy", "probs-00001.npy"]
    (cache / "probs-00001.npy").unlink()  # a run stopped here
    computed = []
    from framing.predict import FramingClassifier
    original = FramingClassifier.predict_proba
    monkeypatch.setattr(FramingClassifier, "predict_proba",
                        lambda self, texts, pairs=None: computed.append(list(texts)) or original(self, texts, pairs))
    full, _ = teacher_probs(tiny_model, rows, cache, backend="torch", progress=False)
    assert computed == [["The court ruled.", "Talks resumed."], ["More."]]
    np.testing.assert_allclose(full[:3], first, atol=1e-6)
    with pytest.raises(CacheMismatch, match="meta.json: sentences: the cache was made for 5"):
        teacher_probs(tiny_model, rows[:4], cache, backend="torch", progress=False)


def test_loss_is_zero_kl_when_the_student_matches_the_teacher_and_mixes_gold():
    logits = torch.tensor([[2.0, 0.5, -1.0, 0.0], [0.1, 0.2, 0.3, 0.4]], requires_grad=True)
    probs = torch.softmax(logits.detach(), dim=-1)
    loss = DistillationLoss(temperature=2.0, alpha=1.0)
    assert loss(logits, torch.tensor([-100, -100]), probs).item() == pytest.approx(0.0, abs=1e-6)
    mixed = DistillationLoss(temperature=2.0, alpha=0.5)
    gold = torch.tensor([0, -100])
    expected = 0.5 * torch.nn.functional.cross_entropy(logits[:1], gold[:1])
    assert mixed(logits, gold, probs).item() == pytest.approx(expected.item(), rel=1e-5)
    other = torch.tensor([[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]])
    value = mixed(logits, gold, other)
    value.backward()
    assert value.item() > expected.item() and logits.grad.abs().sum() > 0


def test_distilled_student_is_a_plain_folder(tmp_path, tiny_model, tiny_encoder, corpus_files, unlabelled):
    from transformers import pipeline

    from framing.training import train

    cfg = TrainConfig(labels=LABELS, train_file=str(corpus_files["train"]), dev_file=str(corpus_files["dev"]),
                      test_file=str(corpus_files["test"]), encoder=str(tiny_encoder), output_dir=str(tmp_path / "student"),
                      epochs=1, batch_size=8, max_length=32, progress=False, num_threads=1,
                      distill_teacher=str(tiny_model), distill_unlabelled=[str(unlabelled)], distill_backend="torch",
                      distill_sentences=5)
    metrics = train(cfg)
    assert metrics["distillation"]["transfer_sentences"] == 5
    assert len(list((tmp_path / "teacher-cache").glob("*/transfer/probs-00000.npy"))) == 1
    classify = pipeline("text-classification", model=str(tmp_path / "student"))
    assert classify("Aid arrived.")[0]["label"] in LABELS
    assert "Distilled from" in (tmp_path / "student" / "README.md").read_text(encoding="utf-8")


def test_distill_command_needs_a_teacher(tmp_path, corpus_files, tiny_encoder, monkeypatch, capsys):
    from framing.cli import main

    monkeypatch.chdir(tmp_path)  # no configs/fast.yaml here: nothing names a teacher
    code = main(["distill", "--train-file", str(corpus_files["train"]), "--labels", ",".join(LABELS),
                 "--student", str(tiny_encoder), "--unlabelled", str(tmp_path), "--output-dir", str(tmp_path / "m")])
    assert code == 2 and "name the teacher with --teacher" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_distill_command_trains_from_the_flags(tmp_path, corpus_files, tiny_encoder, tiny_model, monkeypatch):
    from framing.cli import main

    monkeypatch.chdir(tmp_path)
    articles = tmp_path / "articles"
    articles.mkdir()
    for i, text in enumerate(ARTICLES):
        (articles / f"a{i}.txt").write_text(text, encoding="utf-8")
    code = main(["distill", "--teacher", str(tiny_model), "--student", str(tiny_encoder), "--unlabelled", str(articles),
                 "--train-file", str(corpus_files["train"]), "--dev-file", str(corpus_files["dev"]),
                 "--test-ratio", "0", "--labels", ",".join(LABELS), "--distill-backend", "torch", "--epochs", "1",
                 "--max-length", "32", "--progress", "false", "--output-dir", str(tmp_path / "student")])
    metrics = json.loads((tmp_path / "student" / "metrics.json").read_text(encoding="utf-8"))
    assert code == 0 and metrics["distillation"]["transfer_sentences"] > 0
