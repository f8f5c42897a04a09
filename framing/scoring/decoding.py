"""Bytes to text: BOM sniffing, BOM-less UTF-16, strict UTF-8, then charset-normalizer for legacy code pages."""
from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SNIFF_BYTES = 8192
# charset-normalizer scores cp1250/cp1252/cp1257 alike on most English/Western text; Western news is far more
# often cp1252, so it wins whenever it reads the bytes about as cleanly as the detector's first choice.
PREFERRED_LEGACY = "cp1252"
CHAOS_SLACK = 0.01
MAX_CONTROL_SHARE = 0.01
UTF8_REPLACED = "utf-8 (invalid bytes replaced)"
_REPLACED_RUN = re.compile("\ufffd+")


class DecodeError(ValueError):
    """The bytes are not text; `reason` is a short machine-readable code (empty, binary, undecodable)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def sniff_bom(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when `data` starts with a byte-order mark."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def _bomless_utf16(sample: bytes) -> str | None:
    """ASCII-heavy UTF-16 without a BOM has a NUL in every other byte; binary files have NULs anywhere."""
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes (a bad copy, a cut file) reads better with those bytes replaced than
    re-read as a legacy code page, which would garble every correct accented letter."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    broken_runs = len(_REPLACED_RUN.findall(text))  # one damaged spot often spans several bytes
    valid_non_ascii = sum(1 for ch in text if ord(ch) > 127) - replaced
    return text if valid_non_ascii > broken_runs else None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return controls > MAX_CONTROL_SHARE * max(len(text), 1)


def _legacy(data: bytes) -> str | None:
    best = from_bytes(data).best()
    if best is None:
        return None
    if best.encoding != PREFERRED_LEGACY:
        preferred = from_bytes(data, cp_isolation=[PREFERRED_LEGACY]).best()
        if preferred is not None and preferred.chaos <= best.chaos + CHAOS_SLACK:
            return PREFERRED_LEGACY
    return best.encoding


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a whole file's bytes; raises DecodeError when they are not text."""
    if not data or not data.strip():
        raise DecodeError("empty", "empty file")
    bom = sniff_bom(data)
    if bom is not None:
        codec, size = bom
        try:
            text = data[size:].decode(codec)
        except UnicodeDecodeError as exc:
            raise DecodeError("undecodable", f"starts with a {codec} byte-order mark but is not {codec}: {exc.reason} "
                                             f"at byte {exc.start}") from None
        return _checked(text, codec)
    utf16 = _bomless_utf16(data[:SNIFF_BYTES])
    if utf16 is not None:
        try:
            return _checked(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            raise DecodeError("binary", "binary file (NUL bytes)") from None
    if b"\x00" in data:
        # Non-Latin UTF-16 has no NUL pattern to spot; the detector still knows it from binary data.
        best = from_bytes(data[:SNIFF_BYTES * 8]).best()
        if best is None or not best.encoding.startswith(("utf_16", "utf_32")):
            raise DecodeError("binary", "binary file (NUL bytes)")
        try:
            return _checked(data.decode(best.encoding), best.encoding)
        except UnicodeDecodeError:
            raise DecodeError("binary", "binary file (NUL bytes)") from None
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return _checked(mostly, UTF8_REPLACED)
    encoding = _legacy(data)
    if encoding is None:
        raise DecodeError("undecodable", "not text in UTF-8, UTF-16 or a known legacy encoding")
    try:
        return _checked(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        raise DecodeError("undecodable", f"not valid {encoding} text") from None


def decode_line(data: bytes) -> tuple[str, str]:
    """One JSONL line without a BOM of its own: UTF-8 (what JSON requires), else the legacy fallback."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _legacy(data)
    if encoding is None:
        raise DecodeError("undecodable", "line is not UTF-8 text")
    return data.decode(encoding, errors="replace"), encoding


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if not text.strip():
        raise DecodeError("empty", "empty file (only whitespace)")
    if _looks_binary(text):
        raise DecodeError("binary", f"binary file (control characters after decoding as {encoding})")
    return text, encoding if encoding == UTF8_REPLACED else codecs.lookup(encoding).name
