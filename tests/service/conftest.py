"""Fixtures shared by the tests of framing.service: one TestClient with small limits per module."""
from __future__ import annotations

import pytest

from service_helpers import _client


@pytest.fixture(scope="module")
def client(tiny_model):
    with _client(tiny_model, max_sentences=5, max_chars=40, max_body_bytes=4000) as c:
        yield c
