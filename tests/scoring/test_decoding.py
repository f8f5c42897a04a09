"""framing.scoring.decoding: bytes to text, and the files that are not text."""
from __future__ import annotations

import pytest

from framing.scoring.decoding import UTF8_REPLACED, DecodeError, decode


@pytest.mark.parametrize("data, encoding", [
    ("plain ascii and caf\u00e9".encode(), "utf-8"),
    (b"\xef\xbb\xbf" + "with a BOM".encode(), "utf-8-sig"),
    ("UTF-16 with a BOM".encode("utf-16"), "utf-16-le"),
    ("UTF-16 big-endian with a BOM".encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16-be"),
    ("UTF-16 without a BOM, plain English".encode("utf-16-le"), "utf-16-le"),
    ("Se\u00f1or Mu\u00f1oz said the fa\u00e7ade and the caf\u00e9 were damaged.".encode("cp1252"), "cp1252"),
    ("\u041c\u043e\u0441\u043a\u0432\u0430 \u0437\u0430\u044f\u0432\u0438\u043b\u0430 \u043e "
     "\u043f\u0440\u0435\u043a\u0440\u0430\u0449\u0435\u043d\u0438\u0438 \u043e\u0433\u043d\u044f "
     "\u0432 \u0440\u0435\u0433\u0438\u043e\u043d\u0435.".encode("cp1251"), "cp1251"),
])
def test_decode_detects_encodings(data, encoding):
    text, found = decode(data)
    assert found == encoding
    assert "\ufeff" not in text and text.strip()


def test_decode_keeps_mostly_utf8_text_with_replacements():
    text, encoding = decode("na\u00efve caf\u00e9 r\u00e9sum\u00e9".encode() + b" \xff tail")
    assert encoding == UTF8_REPLACED and text.startswith("na\u00efve caf\u00e9") and "\ufffd" in text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"  \n\t ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + bytes(range(256)), "binary"),
    (bytes(range(128, 256)) * 3, "undecodable"),
])
def test_decode_refuses_non_text(data, reason):
    with pytest.raises(DecodeError) as info:
        decode(data)
    assert info.value.reason == reason
