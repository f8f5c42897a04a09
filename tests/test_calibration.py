"""Temperature scaling: the fit recovers a known temperature, folding it in changes probabilities, not labels."""
import numpy as np
import pytest
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from framing.calibration import apply_temperature, classifier_layer, fit_temperature, scale_probs


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_fit_recovers_the_temperature_that_generated_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(4000, 4))
    # labels drawn from softmax(logits / 2.5): the model's logits are 2.5 times too confident
    true_probs = softmax(logits / 2.5)
    gold = np.array([rng.choice(4, p=p) for p in true_probs])
    fitted = fit_temperature(softmax(logits), gold)
    assert fitted == pytest.approx(2.5, rel=0.1)


def test_underconfident_model_gets_temperature_below_one():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 3, size=(3000, 3))
    gold = np.array([rng.choice(3, p=p) for p in softmax(logits)])
    assert fit_temperature(softmax(logits / 3.0), gold) == pytest.approx(1 / 3.0, rel=0.15)


def test_fit_rejects_empty():
    with pytest.raises(ValueError):
        fit_temperature(np.zeros((0, 4)), np.zeros(0, dtype=int))


def test_apply_divides_logits_and_keeps_labels(tiny_encoder):
    tokenizer = AutoTokenizer.from_pretrained(tiny_encoder)
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_encoder, num_labels=4,
                                                               ignore_mismatched_sizes=True).eval()
    batch = tokenizer(["Aid reached the town.", "The court ruled on Monday.", "They lie."], padding=True,
                      return_tensors="pt")
    with torch.no_grad():
        before = model(**batch).logits
    assert classifier_layer(model, 4).out_features == 4
    apply_temperature(model, 2.0)
    with torch.no_grad():
        after = model(**batch).logits
    torch.testing.assert_close(after, before / 2.0, rtol=1e-5, atol=1e-6)
    assert torch.equal(after.argmax(-1), before.argmax(-1))
    with pytest.raises(ValueError):
        apply_temperature(model, 0.0)


def test_scale_probs_matches_softmax_of_divided_logits():
    logits = np.array([[2.0, 0.5, -1.0, 0.0], [0.1, 0.2, 0.3, 0.4]])
    np.testing.assert_allclose(scale_probs(softmax(logits), 0.5), softmax(logits / 0.5), rtol=1e-9)
    np.testing.assert_allclose(scale_probs(softmax(logits), 1.0), softmax(logits), rtol=1e-9)
