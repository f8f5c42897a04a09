"""`framing export` (framing.commands.export) through framing.cli.main: the files it writes and what it prints."""
from __future__ import annotations

import shutil

import pytest

from framing.cli import main
from framing.onnx import INT8_FILE, ONNX_FILE


@pytest.fixture
def model_dir(tiny_model, tmp_path):
    """A writable copy: export writes beside the weights, and the session fixture is shared."""
    return shutil.copytree(tiny_model, tmp_path / "model")


def test_export_int8_writes_both_files_and_prints_their_sizes(model_dir, capsys):
    assert main(["export", "--model", str(model_dir), "--quantize", "int8"]) == 0
    fp32, int8 = model_dir / ONNX_FILE, model_dir / INT8_FILE
    assert fp32.is_file() and int8.is_file()
    assert fp32.stat().st_size > 0 and int8.stat().st_size > 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"{path}  ({path.stat().st_size / 2**20:.1f} MiB)" for path in (fp32, int8)]
    assert not list(model_dir.glob("*.partial"))


def test_export_without_quantize_writes_and_prints_fp32_only(model_dir, capsys):
    assert main(["export", "--model", str(model_dir)]) == 0
    assert (model_dir / ONNX_FILE).is_file() and not (model_dir / INT8_FILE).exists()
    assert capsys.readouterr().out.splitlines() == [
        f"{model_dir / ONNX_FILE}  ({(model_dir / ONNX_FILE).stat().st_size / 2**20:.1f} MiB)"]


def test_folder_without_config_is_exit_code_2_naming_it(model_dir, capsys):
    (model_dir / "config.json").unlink()
    assert main(["export", "--model", str(model_dir), "--quantize", "int8"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {model_dir}: not a model folder (no config.json)\n"
    assert not (model_dir / ONNX_FILE).exists() and not (model_dir / INT8_FILE).exists()


def test_unknown_quantisation_is_a_usage_error(model_dir, capsys):
    with pytest.raises(SystemExit) as info:
        main(["export", "--model", str(model_dir), "--quantize", "int4"])
    assert info.value.code == 2 and "invalid choice: 'int4'" in capsys.readouterr().err
