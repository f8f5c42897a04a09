from pathlib import Path

from framing import paths


def test_checkout_keeps_models_in_the_repository(monkeypatch):
    monkeypatch.delenv("FRAMING_HOME", raising=False)
    monkeypatch.delenv("FRAMING_MODEL", raising=False)
    assert paths.in_checkout()
    assert paths.models_home() == Path(__file__).resolve().parents[1] / "models"
    assert paths.default_model_path() == paths.models_home() / "default"


def test_installed_package_never_writes_into_site_packages(monkeypatch, tmp_path):
    monkeypatch.delenv("FRAMING_HOME", raising=False)
    monkeypatch.setattr(paths, "PACKAGE_PARENT", tmp_path / "lib" / "python3.11" / "site-packages")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert not paths.in_checkout()
    assert paths.models_home() == tmp_path / "home" / ".cache" / "framing" / "models"
    monkeypatch.setenv("FRAMING_HOME", str(tmp_path / "fh"))
    assert paths.models_home() == tmp_path / "fh" / "models"
    monkeypatch.setenv("FRAMING_MODEL", str(tmp_path / "mine"))
    assert paths.default_model_path() == tmp_path / "mine"
