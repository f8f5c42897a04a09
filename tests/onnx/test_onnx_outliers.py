"""The outlier-channel split behind the int8 model: same values in fp32, outliers out of the int8 MatMuls."""
import logging
import shutil

import numpy as np
import pytest

from framing.onnx import INT8_FILE, ONNX_FILE, export_onnx, outliers
from framing.onnx.quantize import quantize_onnx, weight_matmuls
from framing.onnx.outliers import input_channel_peaks, outlier_channels, split_outlier_channels


def matmul_graph(weight: np.ndarray):
    """x [batch, seq, in] @ W [in, out] + 1: one weight MatMul whose output feeds another node."""
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="down"),
         helper.make_node("Add", ["y", "one"], ["z"], name="after")],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, None, weight.shape[0]])],
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, [None, None, weight.shape[1]])],
        [numpy_helper.from_array(weight, "W"), numpy_helper.from_array(np.ones(1, np.float32), "one")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def run(model, x):
    import onnxruntime as ort

    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]


def test_split_computes_the_same_values():
    rng = np.random.default_rng(0)
    weight = rng.normal(size=(16, 4)).astype(np.float32)
    x = rng.normal(size=(2, 5, 16)).astype(np.float32)
    x[..., 3] *= 80  # an outlier channel
    model = matmul_graph(weight)
    before = run(model, x)
    added = split_outlier_channels(model, {"down": np.array([3, 11])})
    np.testing.assert_allclose(run(model, x), before, rtol=1e-5, atol=1e-4)
    names = [n.name for n in model.graph.node]
    assert added == ["down/outlier_split/MatMul"] and "down" in names  # the int8 part keeps the original name
    inits = {i.name for i in model.graph.initializer}
    assert "W" not in inits  # the original weight is replaced, not kept beside the two parts
    from onnx import numpy_helper
    rest = next(numpy_helper.to_array(i) for i in model.graph.initializer if i.name.endswith("/rest_weight"))
    assert not rest[[3, 11]].any() and np.array_equal(rest[0], weight[0])


def test_split_without_channels_leaves_the_graph_alone():
    model = matmul_graph(np.eye(4, dtype=np.float32))
    assert split_outlier_channels(model, {"down": np.array([], dtype=np.int64)}) == []
    assert [n.name for n in model.graph.node] == ["down", "after"]


def test_outlier_channels_are_relative_to_the_median():
    peaks = np.array([1.0, 1.2, 0.9, 8.0, 1.1, 6.5, 30.0])
    assert outlier_channels(peaks).tolist() == [3, 6]  # >= 6 x the median (1.2)
    assert outlier_channels(peaks, factor=5.0).tolist() == [3, 5, 6]
    assert outlier_channels(np.ones(8)).tolist() == []


@pytest.fixture(scope="module")
def exported(tiny_model, tmp_path_factory):
    folder = shutil.copytree(tiny_model, tmp_path_factory.mktemp("outliers") / "model")
    export_onnx(folder)
    return folder


def test_peaks_cover_every_channel_of_each_down_projection(exported):
    import onnx
    from transformers import AutoConfig, AutoTokenizer

    _, down = weight_matmuls(exported / ONNX_FILE)
    model = onnx.load(str(exported / ONNX_FILE))
    peaks = input_channel_peaks(model, down, AutoTokenizer.from_pretrained(exported),
                                texts=["Aid stopped.", "The court ruled that the strikes broke the treaty."])
    assert [o.name for o in model.graph.output] == ["logits"]  # the probe outputs are removed again
    width = AutoConfig.from_pretrained(exported).intermediate_size
    assert list(peaks) == down and all(p.shape == (width,) and (p >= 0).all() and p.max() > 0 for p in peaks.values())


def test_int8_keeps_outlier_channels_in_fp32_and_agrees(exported, tmp_path, monkeypatch):
    import onnx

    from framing.predict import FramingClassifier

    # a low factor, so that the tiny random model has outlier channels to split
    monkeypatch.setattr(outliers, "OUTLIER_FACTOR", 1.5)
    out = quantize_onnx(exported / ONNX_FILE, tmp_path / INT8_FILE)
    nodes = {n.name: n.op_type for n in onnx.load(str(out)).graph.node}
    split = [n for n in nodes if n.endswith("/outlier_split/MatMul")]
    assert split and all(nodes[n] == "MatMul" for n in split)  # fp32, not quantised
    assert not list(tmp_path.glob("*.split.onnx"))  # the intermediate graph is removed
    shutil.copy(out, exported / INT8_FILE)
    texts = ["The army shelled the market.", "Aid stopped.", "The court ruled that the strikes broke the treaty."]
    fp32 = FramingClassifier.from_pretrained(exported, backend="onnx").predict_proba(texts)
    int8 = FramingClassifier.from_pretrained(exported, backend="onnx-int8").predict_proba(texts)
    assert np.abs(int8 - fp32).max() < 0.1


def test_without_a_tokenizer_int8_is_made_without_the_split(exported, tmp_path, caplog):
    import onnx

    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(exported / ONNX_FILE, bare / ONNX_FILE)
    with caplog.at_level(logging.WARNING, logger="framing.onnx.quantize"):
        out = quantize_onnx(bare / ONNX_FILE, bare / INT8_FILE)
    assert "no tokenizer beside the graph" in caplog.text
    assert not any(n.name.endswith("/outlier_split/MatMul") for n in onnx.load(str(out)).graph.node)


def test_calibration_sentences_ship_with_the_package():
    texts = outliers.calibration_texts()
    assert len(texts) >= 100 and not any(t.startswith("#") for t in texts)
