import json

import numpy as np
import pytest

from framing.evaluation import compute_metrics, expected_calibration_error, format_table, write_report

LABELS = ["a", "b", "c"]


def test_metrics_on_known_predictions():
    probs = np.array([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    gold = np.array([0, 1, 1, 2])
    m = compute_metrics(probs, gold, LABELS)
    assert m["accuracy"] == 0.75
    assert m["per_label"]["a"] == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3), "support": 1}
    assert m["per_label"]["b"]["recall"] == 0.5
    assert m["confusion_matrix"] == [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    assert m["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)


def test_ece_perfectly_calibrated_and_overconfident():
    gold = np.array([0, 0, 1, 1])
    assert expected_calibration_error(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]), gold) == 0.0
    assert expected_calibration_error(np.array([[1.0, 0.0]] * 4), gold) == pytest.approx(0.5)


def test_report_files(tmp_path):
    probs = np.array([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1]])
    m = compute_metrics(probs, np.array([0, 2]), LABELS)
    write_report(m, tmp_path, "t", [{"text": "x|y", "gold": "c", "pred": "b", "score": 0.7}])
    assert json.loads((tmp_path / "metrics.json").read_text())["n"] == 2
    report = (tmp_path / "report.md").read_text()
    assert "| c | 0.000 | 0.000 | 0.000 | 1 |" in report and "x\\|y" in report
    assert (tmp_path / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
    assert "macro-F1" in format_table(m)
