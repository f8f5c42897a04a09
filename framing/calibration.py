"""Temperature scaling: one scalar fitted on dev that makes the model's probabilities match its accuracy.

The temperature is folded into the classifier's last linear layer (weight and bias divided by T), so the
saved folder still needs no code of ours: `transformers.pipeline` gives the calibrated probabilities, and
argmax labels are unchanged. Guo et al., "On Calibration of Modern Neural Networks" (ICML 2017).
"""
from __future__ import annotations

import logging

import numpy as np
import torch

log = logging.getLogger(__name__)

MIN_TEMPERATURE, MAX_TEMPERATURE = 0.05, 20.0


def fit_temperature(probs: np.ndarray, gold: np.ndarray) -> float:
    """The T > 0 minimising the negative log-likelihood of softmax(log(probs) / T) on the gold labels.

    log(probs) equals the logits up to a constant per row, which softmax ignores, so probabilities suffice.
    """
    if len(gold) == 0:
        raise ValueError("fit_temperature: no examples")
    log_probs = torch.log(torch.as_tensor(probs, dtype=torch.float64).clamp_min(1e-12))
    target = torch.as_tensor(gold, dtype=torch.long)
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.5, max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(log_probs / log_t.exp(), target)
        loss.backward()
        return loss

    optimizer.step(closure)
    return float(np.clip(log_t.exp().item(), MIN_TEMPERATURE, MAX_TEMPERATURE))


def scale_probs(probs: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log(probs) / T): what the model gives once `apply_temperature(model, T)` is done."""
    logits = np.log(np.clip(probs, 1e-12, None)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=1, keepdims=True)


def classifier_layer(model: torch.nn.Module, num_labels: int) -> torch.nn.Linear:
    """The last linear layer that produces the label logits (BERT `classifier`, MPNet `classifier.out_proj`, ...)."""
    found = [m for _, m in model.named_modules() if isinstance(m, torch.nn.Linear) and m.out_features == num_labels]
    if not found:
        raise ValueError(f"no linear layer with {num_labels} outputs in {type(model).__name__}")
    return found[-1]


@torch.no_grad()
def apply_temperature(model: torch.nn.Module, temperature: float) -> None:
    """Divide the label logits by `temperature` for good, by scaling the last layer's weight and bias."""
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    layer = classifier_layer(model, model.config.num_labels)
    layer.weight.div_(temperature)
    if layer.bias is not None:
        layer.bias.div_(temperature)
