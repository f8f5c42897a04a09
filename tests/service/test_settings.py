"""framing.service.settings: defaults, then FRAMING_* variables, then CLI flags; bad values."""
from __future__ import annotations

import pytest

from framing.service.settings import ServiceSettings


def test_settings_env_then_cli(tmp_path):
    env = {"FRAMING_MAX_BATCH": "16", "FRAMING_BATCHING": "false", "FRAMING_CORS_ORIGINS": "https://a.example, https://b.example",
           "FRAMING_MODEL": str(tmp_path)}
    s = ServiceSettings.from_sources(env, max_batch=None, port=9000)
    assert (s.max_batch, s.batching, s.port, s.model) == (16, False, 9000, tmp_path)
    assert s.cors_origins == ("https://a.example", "https://b.example")
    assert ServiceSettings.from_sources(env, max_batch=4).max_batch == 4
    with pytest.raises(ValueError, match="FRAMING_MAX_BATCH: expected an integer, got 'many'"):
        ServiceSettings.from_sources({"FRAMING_MAX_BATCH": "many"})
    with pytest.raises(ValueError, match="max_batch: must be at least 1, got 0"):
        ServiceSettings(max_batch=0)
    with pytest.raises(ValueError, match="backend"):
        ServiceSettings(backend="tpu")
    with pytest.raises(ValueError, match="max_queue"):
        ServiceSettings(max_queue=10, max_sentences=20)
