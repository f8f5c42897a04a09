import numpy as np
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from framing.priors import apply_label_offsets, fit_label_offsets, macro_f1_with, shift_probs


def test_offsets_move_decisions_toward_a_frequent_label_and_raise_macro_f1():
    rng = np.random.default_rng(0)
    gold = np.array([0] * 20 + [1] * 80)  # label 1 is the frequent one
    # a model that hesitates on most frequent-label examples, leaning to label 0
    probs = np.where(gold[:, None] == 0, [0.8, 0.2], [0.55, 0.45]) + rng.normal(0, 0.02, (100, 2))
    probs = np.clip(probs, 0.01, None)
    probs /= probs.sum(1, keepdims=True)
    offsets, best = fit_label_offsets(probs, gold)
    assert offsets[-1] == 0 and offsets[0] < 0
    assert best > macro_f1_with(probs, gold, np.zeros(2)) and best == macro_f1_with(probs, gold, offsets)


def test_no_gain_no_shift():
    probs = np.array([[0.9, 0.1], [0.2, 0.8]])
    offsets, best = fit_label_offsets(probs, np.array([0, 1]))
    assert np.all(offsets == 0) and best == 1.0


def test_folded_offsets_give_the_shifted_probabilities(tiny_model):
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model).eval()
    batch = AutoTokenizer.from_pretrained(tiny_model)(["Aid stopped.", "The court ruled."], return_tensors="pt",
                                                      padding=True)
    with torch.no_grad():
        before = torch.softmax(model(**batch).logits, -1).numpy()
    offsets = np.array([-1.0, 0.5, 0.25, 0.0])
    apply_label_offsets(model, offsets)
    with torch.no_grad():
        after = torch.softmax(model(**batch).logits, -1).numpy()
    np.testing.assert_allclose(after, shift_probs(before, offsets), atol=1e-5)
