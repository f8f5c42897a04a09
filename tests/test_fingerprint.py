"""The model fingerprint (framing.fingerprint): a content hash of config, tokenizer and the weights a backend runs."""
from __future__ import annotations

import json
import shutil

import pytest

from framing.fingerprint import model_fingerprint
from framing.onnx import INT8_FILE, ONNX_FILE


@pytest.fixture
def folder(tiny_model, tmp_path):
    """A writable copy: the tests change files, and the session fixture is shared."""
    return shutil.copytree(tiny_model, tmp_path / "model")


def test_stable_for_the_same_files(folder, tmp_path):
    first = model_fingerprint(folder)
    assert len(first) == 32 and int(first, 16) >= 0
    assert model_fingerprint(folder) == first
    assert model_fingerprint(str(folder)) == first
    # only names and contents count: the same files elsewhere give the same hash, other files do not change it
    assert model_fingerprint(shutil.copytree(folder, tmp_path / "elsewhere")) == first
    (folder / "README.md").write_text("a model card\n", encoding="utf-8")
    (folder / "metrics.json").write_text("{}\n", encoding="utf-8")
    assert model_fingerprint(folder) == first


def test_changes_when_weights_change(folder):
    from safetensors.torch import load_file, save_file

    before = model_fingerprint(folder)
    weights = load_file(folder / "model.safetensors")
    name = next(k for k in weights if k.startswith("classifier."))
    weights[name] = weights[name] + 1e-3
    save_file(weights, folder / "model.safetensors", metadata={"format": "pt"})
    assert model_fingerprint(folder) != before


def test_changes_when_config_or_tokenizer_change(folder):
    before = model_fingerprint(folder)
    config = folder / "config.json"
    config.write_text(config.read_text(encoding="utf-8").replace('"accusatory"', '"accusing"'), encoding="utf-8")
    after_config = model_fingerprint(folder)
    assert after_config != before
    tokenizer = folder / "tokenizer_config.json"
    settings = json.loads(tokenizer.read_text(encoding="utf-8"))
    settings["model_max_length"] = 32
    tokenizer.write_text(json.dumps(settings), encoding="utf-8")
    assert model_fingerprint(folder) != after_config


def test_onnx_files_do_not_change_the_torch_fingerprint(folder):
    torch_before = model_fingerprint(folder)
    assert model_fingerprint(folder, "torch") == torch_before  # torch is the default backend
    onnx_before = model_fingerprint(folder, "onnx")
    (folder / ONNX_FILE).write_bytes(b"an exported graph")
    assert model_fingerprint(folder, "torch") == torch_before
    onnx_after = model_fingerprint(folder, "onnx")
    assert onnx_after != onnx_before and onnx_after != torch_before
    (folder / ONNX_FILE).write_bytes(b"another exported graph")
    assert model_fingerprint(folder, "onnx") != onnx_after
    assert model_fingerprint(folder, "torch") == torch_before


def test_each_onnx_backend_hashes_its_own_file(folder):
    (folder / ONNX_FILE).write_bytes(b"fp32 graph")
    int8_before = model_fingerprint(folder, "onnx-int8")
    (folder / INT8_FILE).write_bytes(b"int8 graph")
    int8_after = model_fingerprint(folder, "onnx-int8")
    assert int8_after != int8_before
    assert int8_after != model_fingerprint(folder, "onnx")
    onnx = model_fingerprint(folder, "onnx")
    (folder / INT8_FILE).write_bytes(b"another int8 graph")
    assert model_fingerprint(folder, "onnx") == onnx
