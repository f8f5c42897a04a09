import logging
import shutil
import sys

import numpy as np
import pytest

from framing.onnx import export as onnx_export
from framing.cli import main
from framing.onnx import INT8_FILE, ONNX_FILE, export_onnx, load_onnx_backend
from framing.onnx.quantize import fp32_nodes, weight_matmuls
from framing.predict import FramingClassifier, TorchBackend

SENTENCES = ["The army shelled the market.", "Aid stopped.", "The court ruled that the strikes broke the treaty.",
             "Civilians fled the town after the ceasefire collapsed on Monday, officials said."]


@pytest.fixture
def model_dir(tiny_model, tmp_path):
    """A writable copy: export writes beside the weights, and the session fixture is shared."""
    return shutil.copytree(tiny_model, tmp_path / "model")


@pytest.fixture(scope="module")
def exported(tiny_model, tmp_path_factory):
    """Exported once for the read-only tests of this module: export is the slow step."""
    folder = shutil.copytree(tiny_model, tmp_path_factory.mktemp("exported") / "model")
    export_onnx(folder, quantize=True)
    return folder


def test_export_writes_fp32_and_int8(exported):
    import onnx

    for name in (ONNX_FILE, INT8_FILE):
        graph = onnx.load(str(exported / name)).graph
        inputs = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in graph.input}
        assert inputs == {k: ["batch", "sequence"] for k in ("input_ids", "attention_mask", "token_type_ids")}
        assert [o.name for o in graph.output] == ["logits"]
    ops = {n.op_type for n in onnx.load(str(exported / INT8_FILE)).graph.node}
    assert "MatMulInteger" in ops or "DynamicQuantizeMatMul" in ops


def test_fp32_probabilities_match_torch(exported):
    torch_clf = FramingClassifier.from_pretrained(exported, backend="torch", batch_size=3)
    onnx_clf = FramingClassifier.from_pretrained(exported, backend="onnx", batch_size=3)
    assert onnx_clf.backend.name == "onnx" and isinstance(torch_clf.backend, TorchBackend)
    np.testing.assert_allclose(onnx_clf.predict_proba(SENTENCES), torch_clf.predict_proba(SENTENCES), atol=1e-4)
    assert [p.label for p in onnx_clf.predict(SENTENCES)] == [p.label for p in torch_clf.predict(SENTENCES)]


@pytest.mark.parametrize("shape", [(1, 1), (3, 11), (17, 40)])
def test_fp32_graph_has_dynamic_batch_and_length(exported, shape):
    """Random ids and ragged padding in shapes the trace never saw: the graph must still match torch."""
    import torch
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(exported).eval()
    rng = np.random.default_rng(sum(shape))
    ids = rng.integers(0, model.config.vocab_size, size=shape)
    mask = (np.arange(shape[1]) < rng.integers(1, shape[1] + 1, size=(shape[0], 1))).astype(np.int64)
    batch = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    with torch.no_grad():
        expected = model(**{k: torch.as_tensor(v) for k, v in batch.items()}).logits.numpy()
    np.testing.assert_allclose(load_onnx_backend(exported).logits(batch), expected, atol=1e-4)


def test_int8_runs_with_right_shapes(exported):
    backend = load_onnx_backend(exported, quantized=True)
    assert backend is not None and backend.name == "onnx-int8"
    batch = {"input_ids": np.array([[2, 4, 1, 4, 3], [2, 1, 3, 0, 0]]),
             "attention_mask": np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])}
    logits = backend.logits(batch)  # no token_type_ids: the backend supplies zeros
    assert logits.shape == (2, 4) and logits.dtype == np.float32 and np.isfinite(logits).all()
    clf = FramingClassifier.from_pretrained(exported, backend="onnx-int8")
    probs = clf.predict_proba(SENTENCES)
    assert probs.shape == (len(SENTENCES), 4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_missing_onnx_file_falls_back_to_torch(model_dir, caplog):
    with caplog.at_level(logging.WARNING, logger="framing"):
        clf = FramingClassifier.from_pretrained(model_dir, backend="onnx-int8")
    assert isinstance(clf.backend, TorchBackend)
    assert INT8_FILE in caplog.text and "framing export" in caplog.text
    assert len(clf.predict(SENTENCES)) == len(SENTENCES)


def test_missing_onnxruntime_falls_back_to_torch(exported, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # makes `import onnxruntime` raise ImportError
    with caplog.at_level(logging.WARNING, logger="framing"):
        clf = FramingClassifier.from_pretrained(exported, backend="onnx")
    assert isinstance(clf.backend, TorchBackend) and "onnxruntime is not installed" in caplog.text


def test_export_check_rejects_a_wrong_graph(model_dir, monkeypatch):
    monkeypatch.setattr(onnx_export, "EXPORT_TOLERANCE", -1.0)  # no graph can pass: the check must fire
    with pytest.raises(RuntimeError, match="differs from the torch model"):
        export_onnx(model_dir)
    assert not (model_dir / ONNX_FILE).exists() and not list(model_dir.glob("*.partial"))


def test_cli_export_writes_files(model_dir, capsys):
    assert main(["export", "--model", str(model_dir), "--quantize", "int8"]) == 0
    assert (model_dir / ONNX_FILE).is_file() and (model_dir / INT8_FILE).is_file()
    assert INT8_FILE in capsys.readouterr().out


def test_cli_export_without_quantize_writes_fp32_only(model_dir):
    assert main(["export", "--model", str(model_dir)]) == 0
    assert (model_dir / ONNX_FILE).is_file() and not (model_dir / INT8_FILE).exists()


def test_cli_export_missing_folder_is_one_line_error(tmp_path, capsys):
    assert main(["export", "--model", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not a model folder" in err and err.count("\n") == 1


def test_int8_keeps_the_sensitive_matmuls_fp32(exported):
    import onnx

    matmuls, down = weight_matmuls(exported / ONNX_FILE)
    assert len(matmuls) == 12 and len(down) == 2  # 6 per layer of the tiny model, one down-projection each
    assert all("output/dense" in n and "attention" not in n for n in down)
    keep = fp32_nodes(exported / ONNX_FILE)
    # all of layer 0: its 6 weight MatMuls, ending with its down-projection
    assert keep == matmuls[:6] and matmuls[5] == down[0]
    ops = {n.name: n.op_type for n in onnx.load(str(exported / INT8_FILE)).graph.node}
    assert all(ops.get(n) == "MatMul" for n in keep)
    int8 = [n for n in matmuls if n not in keep]
    assert int8 and not any(ops.get(n) == "MatMul" for n in int8)  # every other weight is int8

