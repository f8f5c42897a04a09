import logging
from pathlib import Path

import pytest

from framing.predict import FramingClassifier, predict

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed-article.txt"
LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]


def test_article_string_gives_offsets_and_probs(tiny_model):
    clf = FramingClassifier.from_pretrained(tiny_model)
    text = "Rebels seize town\n\nKHARTOUM (wire) — The army shelled the market. Aid stopped."
    results = clf.predict(text)
    assert [r.text for r in results] == ["Rebels seize town", "KHARTOUM (wire) — The army shelled the market.", "Aid stopped."]
    for r in results:
        assert text[r.start:r.end] == r.text
        assert set(r.probs) == set(LABELS) and r.label == max(r.probs, key=r.probs.get)
        assert r.score == pytest.approx(max(r.probs.values())) and sum(r.probs.values()) == pytest.approx(1.0, abs=1e-5)


def test_list_gives_one_result_per_item_in_order(tiny_model):
    clf = FramingClassifier.from_pretrained(tiny_model, batch_size=2)
    items = ["A much longer sentence about the aid convoy and the civilians in the town.", "Short.", "Medium one here."]
    results = clf.predict(items)
    assert [r.text for r in results] == items
    # batching in length order must not change what each item gets
    single = [clf.predict([t])[0].probs for t in items]
    for r, p in zip(results, single):
        assert r.probs == pytest.approx(p, abs=1e-5)


def test_empty_inputs(tiny_model):
    clf = FramingClassifier.from_pretrained(tiny_model)
    assert clf.predict("") == [] and clf.predict([]) == []
    assert clf.predict_proba([]).shape == (0, 4)


def test_long_sentence_truncated_with_warning(tiny_model, caplog):
    clf = FramingClassifier.from_pretrained(tiny_model)
    with caplog.at_level(logging.WARNING, logger="framing"):
        result = clf.predict(["aid " * 300])
    assert len(result) == 1 and "truncated" in caplog.text


def test_module_predict_uses_env_model(tiny_model, monkeypatch):
    monkeypatch.setenv("FRAMING_MODEL", str(tiny_model))
    results = predict(["The court ruled.", "Civilians fled."])
    assert [r.text for r in results] == ["The court ruled.", "Civilians fled."]
    assert results[0].to_dict()["label"] in LABELS


def test_missing_model_folder_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a model folder"):
        FramingClassifier.from_pretrained(tmp_path / "nothing")


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed-article.txt not beside the repository")
def test_reference_article_round_trip(tiny_model):
    text = SEED.read_text(encoding="utf-8")
    results = FramingClassifier.from_pretrained(tiny_model).predict(text)
    assert len(results) == 14 and all(text[r.start:r.end] == r.text for r in results)
