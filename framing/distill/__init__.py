"""Knowledge distillation: a small student learns a large teacher's probabilities on unlabelled sentences.

`transfer.py` builds the transfer set (sentences of unlabelled articles, held-out articles excluded), `teacher.py`
caches the teacher's probabilities on it (resumable), `targets.py` turns them into training features with soft
targets, and `loss.py` is the student's loss (KL to the softened teacher plus cross-entropy on gold labels).
`framing distill` and the `distill_*` keys of the training config drive it through `train.py`.
"""
