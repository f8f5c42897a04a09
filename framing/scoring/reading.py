"""Articles out of files: plain text, Markdown, HTML (main text via trafilatura), JSON and JSON Lines records.

Each file gives a fingerprint (a content hash, so a changed file is scored again) and then a stream of
`Article`s and `Problem`s; a problem names the file, the line or item and the field, and never stops the stream.
"""
from __future__ import annotations

import hashlib
import logging
import io
import json
import os
import re
from dataclasses import dataclass
from typing import Iterator

from .decoding import DecodeError, decode, decode_line, sniff_bom
from .discovery import Entry

log = logging.getLogger(__name__)

TITLE_MAX_CHARS = 200
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Article:
    file: str
    text: str
    title: str | None
    encoding: str
    format: str
    line: int | None = None  # JSON Lines: the record's line
    item: int | None = None  # JSON array: the record's position, from 1
    date: str | None = None  # from Markdown front matter, a JSON record's field or the HTML's metadata
    outlet: str | None = None

    @property
    def record(self) -> int | None:
        return self.line if self.line is not None else self.item

    @property
    def id(self) -> str:
        """The article's name in the output tables: the file, plus `:LINE` or `#ITEM` for one record of many."""
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.item is not None:
            return f"{self.file}#{self.item}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """Why a file, line or record was not scored. `reason` is a short code for counting."""

    file: str
    reason: str
    message: str
    line: int | None = None
    item: int | None = None
    field: str | None = None

    @property
    def record(self) -> int | None:
        return self.line if self.line is not None else self.item

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "item": self.item, "field": self.field, "reason": self.reason,
                "message": str(self)}


def file_format(rel: str) -> str:
    suffix = os.path.splitext(rel)[1].lower()
    return {".md": "md", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}.get(suffix, "txt")


class SourceFile:
    """One discovered file: `fingerprint()` first (cheap to compare), then `records()`."""

    def __init__(self, entry: Entry, max_bytes: int, text_field: str = "text"):
        self.entry = entry
        self.rel = entry.rel
        self.format = file_format(entry.rel)
        self.max_bytes = max_bytes
        self.text_field = text_field
        self._data: bytes | None = None
        self._problem: Problem | None = None
        if entry.error is not None:
            self._problem = Problem(entry.rel, *entry.error)

    def fingerprint(self) -> str | None:
        """A content hash, or a size marker for a file too large to read; None when it cannot be read at all
        (such a file is retried on every run)."""
        if self._problem is not None:
            return None
        try:
            size = os.stat(self.entry.path).st_size
            if self.format == "jsonl":
                # JSON Lines are read line by line, so only a single line is held to --max-bytes.
                digest = hashlib.blake2b(digest_size=16)
                with open(self.entry.path, "rb") as f:
                    while chunk := f.read(_HASH_CHUNK):
                        digest.update(chunk)
                return digest.hexdigest()
            if size > self.max_bytes:
                self._problem = Problem(self.rel, "too_large", f"{size} bytes, over --max-bytes {self.max_bytes}")
                return f"size:{size}"
            with open(self.entry.path, "rb") as f:
                self._data = f.read(self.max_bytes + 1)
        except OSError as exc:
            self._problem = Problem(self.rel, "unreadable", f"cannot read: {exc.strerror or exc}")
            return None
        if len(self._data) > self.max_bytes:  # grew since stat
            self._problem = Problem(self.rel, "too_large", f"over --max-bytes {self.max_bytes}")
            self._data = None
            return f"size:>{self.max_bytes}"
        return hashlib.blake2b(self._data, digest_size=16).hexdigest()

    def records(self, after: int = 0) -> Iterator[Article | Problem]:
        """Articles and problems in file order, skipping records numbered `after` or lower (a resumed file)."""
        if self._data is None and self._problem is None and self.format != "jsonl":
            self.fingerprint()
        if self._problem is not None:
            yield self._problem
            return
        if self.format == "jsonl":
            yield from self._jsonl(after)
            return
        data, self._data = self._data, None
        try:
            text, encoding = decode(data)
        except DecodeError as exc:
            yield Problem(self.rel, exc.reason, str(exc))
            return
        if self.format == "json":
            yield from self._json(text, encoding, after)
        elif self.format == "html":
            yield self._html(text, encoding)
        elif self.format == "md":
            body, meta = markdown_text(text), front_matter(text, where=self.rel)
            title = meta.get("title") or markdown_title(text) or headline(body)
            yield Article(self.rel, body, title, encoding, "md", date=meta.get("date"), outlet=meta.get("outlet"))
        else:
            yield Article(self.rel, text, headline(text), encoding, "txt")

    # -- formats --------------------------------------------------------------------------------

    def _html(self, text: str, encoding: str) -> Article | Problem:
        import trafilatura

        doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, include_tables=False,
                                          include_images=False)
        body = (doc.text or "") if doc is not None else ""
        if not body.strip():
            return Problem(self.rel, "no_text", "no main text found in the HTML")
        title = (doc.title or "").strip() or None
        return Article(self.rel, body, title, encoding, "html", date=_text(doc.date), outlet=_text(doc.sitename))

    def _record(self, obj, encoding: str, line: int | None = None, item: int | None = None) -> Article | Problem:
        where = {"line": line, "item": item}
        prefix = f"item {item}: " if item is not None else ""
        if not isinstance(obj, dict):
            return Problem(self.rel, "invalid_record", f"{prefix}expected a JSON object, got {type(obj).__name__}",
                           **where)
        value = obj.get(self.text_field)
        if value is None:
            return Problem(self.rel, "missing_field", f"{prefix}no {self.text_field!r} field", field=self.text_field,
                           **where)
        if not isinstance(value, str):
            return Problem(self.rel, "invalid_record", f"{prefix}field {self.text_field!r} is "
                                                       f"{type(value).__name__}, not a string", field=self.text_field,
                           **where)
        if not value.strip():
            return Problem(self.rel, "no_text", f"{prefix}field {self.text_field!r} is empty", field=self.text_field,
                           **where)
        return Article(self.rel, value, _text(obj.get("title")), encoding, self.format, **where,
                       date=_text(obj.get("date")), outlet=_text(obj.get("outlet") or obj.get("source")))

    def _json(self, text: str, encoding: str, after: int) -> Iterator[Article | Problem]:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data":  # several objects, one a line: JSON Lines under a .json name
                yield from self._jsonl(after, io.BytesIO(text.encode("utf-8")), encoding)
                return
            yield Problem(self.rel, "invalid_json", f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)
            return
        if not isinstance(obj, list):
            if after < 1:
                yield self._record(obj, encoding)
            return
        for item, value in enumerate(obj, 1):
            if item > after:
                yield self._record(value, encoding, item=item)

    def _jsonl(self, after: int, stream: io.BufferedIOBase | None = None,
               encoding: str | None = None) -> Iterator[Article | Problem]:
        try:
            f = stream or open(self.entry.path, "rb")
        except OSError as exc:
            yield Problem(self.rel, "unreadable", f"cannot read: {exc.strerror or exc}")
            return
        with f:
            any_record = False
            for line, raw in _lines(f, self.max_bytes, encoding):
                if raw is None or raw.strip():
                    any_record = True
                if line <= after:
                    continue
                if raw is None:
                    yield Problem(self.rel, "too_large", f"line over --max-bytes {self.max_bytes}", line=line)
                    continue
                if isinstance(raw, bytes):
                    try:
                        raw, enc = decode_line(raw)
                    except DecodeError as exc:
                        yield Problem(self.rel, exc.reason, str(exc), line=line)
                        continue
                else:
                    enc = encoding or "utf-8"
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield Problem(self.rel, "invalid_json", f"invalid JSON: {exc.msg} (column {exc.colno})", line=line)
                    continue
                yield self._record(obj, enc, line=line)
            if not any_record and after == 0:
                yield Problem(self.rel, "empty", "empty file (no records)")


def _lines(f, max_bytes: int, encoding: str | None) -> Iterator[tuple[int, bytes | str | None]]:
    """(line number, line) with None for a line over `max_bytes`, which is skipped without being held whole.
    Lines are bytes, or text for a UTF-16/32 file (found by its byte-order mark)."""
    head = f.read(4)
    bom = sniff_bom(head)
    if bom is not None and not bom[0].startswith("utf-8"):
        f.seek(0)
        text = io.TextIOWrapper(f, encoding=bom[0].replace("-le", "").replace("-be", ""), errors="replace")
        number = 0
        while line := text.readline(max_bytes + 1):
            number += 1
            if len(line) > max_bytes and not line.endswith("\n"):
                while (rest := text.readline(_HASH_CHUNK)) and not rest.endswith("\n"):
                    pass
                yield number, None
            else:
                yield number, line
        text.detach()
        return
    f.seek(bom[1] if bom is not None else 0)
    number = 0
    while line := f.readline(max_bytes + 1):
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := f.readline(_HASH_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


def headline(text: str) -> str | None:
    """The first line when it reads like a headline: short, and not ending as a sentence does."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) <= TITLE_MAX_CHARS and line[-1] not in ".!?…;,:":
            return line
        return None
    return None


_MD_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_LINK_LINE = re.compile(r"^[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]+)?!?\[[^\]]*\]\([^)]*\)[ \t]*$", re.MULTILINE)
_META_KEYS = {"title": ("title", "headline"), "date": ("date", "published", "pubdate", "published_at"),
              "outlet": ("outlet", "source", "publisher", "site_name", "sitename", "site")}
_MD_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_MD_SETEXT = re.compile(r"^(?:=+|-+)[ \t]*$", re.MULTILINE)
_MD_RULE = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)
_MD_QUOTE_LIST = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+|^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.MULTILINE)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_MD_REFDEF = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]+\S+.*$", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_MD_CODE = re.compile(r"`([^`]*)`")
_MD_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def markdown_text(md: str) -> str:
    """Markdown to the plain text a reader sees: markup gone, one line per block kept."""
    text = _MD_FRONT_MATTER.sub("", md.replace("\r\n", "\n"))
    text = _MD_LINK_LINE.sub("", text)  # lists of related stories, lone links and images
    text = _MD_FENCE.sub("", text)
    text = _MD_REFDEF.sub("", text)
    text = _MD_RULE.sub("", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_SETEXT.sub("", text)
    text = _MD_QUOTE_LIST.sub("", text)
    text = _MD_IMAGE.sub("", text)  # alt text is a caption, not a sentence of the article
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_TAG.sub("", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text


def markdown_title(md: str) -> str | None:
    match = _MD_HEADING.search(_MD_FRONT_MATTER.sub("", md.replace("\r\n", "\n")))
    return markdown_text(match.group(1)).strip() or None if match else None


def front_matter(md: str, where: str | None = None) -> dict[str, str]:
    """Title, date and outlet from a Markdown file's YAML front matter; {} when it has none or it is not a YAML
    mapping (then a warning names `where`, and the article is still read: only its metadata is missing)."""
    import yaml

    match = _MD_FRONT_MATTER.match(md.replace("\r\n", "\n"))
    if match is None:
        return {}
    try:
        raw = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for the opening ---, +1 from 0-based
        log.warning("%s:%d: front matter: not valid YAML (%s); title, date and outlet not read",
                    where or "markdown", line, getattr(exc, "problem", exc))
        return {}
    if not isinstance(raw, dict):
        log.warning("%s:1: front matter: expected key: value lines, got %s; title, date and outlet not read",
                    where or "markdown", type(raw).__name__)
        return {}
    lowered = {str(k).lower(): v for k, v in raw.items()}
    meta = {}
    for name, keys in _META_KEYS.items():
        value = next((_text(lowered[k]) for k in keys if k in lowered and _text(lowered[k])), None)
        if value:
            meta[name] = value
    return meta


def _text(value: object) -> str | None:
    """A metadata value as a trimmed string (YAML dates included), or None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None
