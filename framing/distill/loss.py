"""The student's loss: KL divergence to the teacher's softened probabilities, plus cross-entropy on gold labels.

    loss = alpha * T^2 * KL(q_T || p_T) + (1 - alpha) * CE(p, gold)      (Hinton et al. 2015)

q_T is the teacher's distribution at temperature T (its probabilities raised to 1/T and renormalised, the same as
dividing its logits by T), p_T the student's. T^2 keeps the soft gradients' size independent of T. Rows without a
gold label (`-100`: transfer sentences) count in the KL term only; rows without a teacher row (soft all zero)
in the CE term only. Each term is a mean over its rows, and an absent term is 0: a batch of transfer sentences
alone weighs alpha * KL, so every batch is on the same scale.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

IGNORE = -100


class DistillationLoss(torch.nn.Module):
    def __init__(self, temperature: float, alpha: float, weight: torch.Tensor | None = None,
                 label_smoothing: float = 0.0):
        super().__init__()
        self.temperature = temperature
        self.alpha = alpha
        self.label_smoothing = label_smoothing
        self.register_buffer("weight", weight if weight is not None else None, persistent=False)

    def forward(self, logits: torch.Tensor, gold: torch.Tensor, soft: torch.Tensor | None = None) -> torch.Tensor:
        zero = logits.sum() * 0.0
        has_gold = gold != IGNORE
        hard = (F.cross_entropy(logits[has_gold], gold[has_gold], weight=self.weight,
                                label_smoothing=self.label_smoothing) if has_gold.any() else zero)
        if soft is None:
            return hard
        has_soft = soft.sum(dim=-1) > 0
        if not has_soft.any():
            return hard
        t = self.temperature
        teacher = soft[has_soft].clamp_min(1e-8).log() / t
        teacher = teacher - teacher.logsumexp(dim=-1, keepdim=True)  # log q_T
        student = F.log_softmax(logits[has_soft] / t, dim=-1)         # log p_T
        kl = F.kl_div(student, teacher, log_target=True, reduction="batchmean") * t * t
        return self.alpha * kl + (1.0 - self.alpha) * hard
