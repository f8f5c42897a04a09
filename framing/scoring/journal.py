"""Crash-safe output of a scoring run: append-only logs plus a SQLite manifest of what is committed.

Layout under OUTDIR/.framing-score/:
  sentences.log, articles.log, errors.log   JSON lines, appended in stream order
  state.sqlite                              files (fingerprint, status, records done, order in this run),
                                            chunks (the byte ranges of each file's records in the logs),
                                            committed log lengths and the run settings

A commit first flushes and fsyncs the logs, then records the new ranges in one SQLite transaction, so
a committed range always points at bytes that are on disk. Whatever follows the committed lengths was
written by a run that died before committing; `open()` cuts it off. The final tables are assembled from
the committed ranges of the files seen in this run, in walk order (see tables.py).
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)

STATE_DIR = ".framing-score"
STREAMS = ("sentences", "articles", "errors")
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, fingerprint TEXT, status TEXT NOT NULL, records_done INTEGER NOT NULL,
    run INTEGER NOT NULL, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    path TEXT NOT NULL, seq INTEGER NOT NULL,
    sentences_start INTEGER NOT NULL, sentences_end INTEGER NOT NULL,
    articles_start INTEGER NOT NULL, articles_end INTEGER NOT NULL,
    errors_start INTEGER NOT NULL, errors_end INTEGER NOT NULL,
    n_sentences INTEGER NOT NULL, n_articles INTEGER NOT NULL, n_errors INTEGER NOT NULL,
    PRIMARY KEY (path, seq));
CREATE TABLE IF NOT EXISTS committed (
    id INTEGER PRIMARY KEY CHECK (id = 0), sentences INTEGER NOT NULL, articles INTEGER NOT NULL,
    errors INTEGER NOT NULL);
"""
SEEN_FLUSH = 10_000


@dataclass(frozen=True)
class FileState:
    fingerprint: str | None
    status: str  # "partial" or "done"
    records_done: int


@dataclass(frozen=True)
class Chunk:
    path: str
    ranges: dict[str, tuple[int, int]]
    n_sentences: int
    n_articles: int
    n_errors: int


@dataclass
class _Pending:
    """A file's uncommitted progress: where its current chunk starts, how far it is resolved."""

    position: int
    fingerprint: str | None
    reset: bool
    start: dict[str, int]
    end: dict[str, int]
    records_done: int = 0
    done: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STREAMS, 0))


class JournalError(ValueError):
    pass


class Journal:
    """The one writer of a scoring run's state. Use as a context manager."""

    def __init__(self, out: Path, settings: dict):
        self.out = Path(out)
        self.dir = self.out / STATE_DIR
        self.settings = settings
        self.run = 0
        self._db: sqlite3.Connection | None = None
        self._logs: dict[str, object] = {}
        self._offset: dict[str, int] = {}
        self._synced: dict[str, int] = {}
        self._resolved: dict[str, int] = {}
        self._pending: dict[str, _Pending] = {}
        self._seen: list[tuple[str, int]] = []
        self._lock_fd: int | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> "Journal":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        """Lock the folder, check the settings, cut off what no commit covers, and start a new run."""
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(self.dir / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise JournalError(f"{self.out}: another `framing score` run is writing here") from None
        self._db = sqlite3.connect(self.dir / "state.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._check_settings()
        row = self._db.execute("SELECT sentences, articles, errors FROM committed WHERE id = 0").fetchone()
        committed = dict(zip(STREAMS, row)) if row else dict.fromkeys(STREAMS, 0)
        for name in STREAMS:
            path = self.dir / f"{name}.log"
            size = path.stat().st_size if path.exists() else 0
            if size < committed[name]:
                raise JournalError(f"{path}: {size} bytes but {committed[name]} were committed; the state folder "
                                   f"is damaged, delete {self.dir} to start over")
            handle = open(path, "ab")
            if size > committed[name]:
                log.info("%s: dropping %d uncommitted bytes from an interrupted run", path.name, size - committed[name])
                handle.truncate(committed[name])
                os.fsync(handle.fileno())
            self._logs[name] = handle
            self._offset[name] = self._synced[name] = self._resolved[name] = committed[name]
        fsync_dir(self.dir)
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self.run = int(self._meta("run") or 0) + 1
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('run', ?)", (str(self.run),))

    def close(self) -> None:
        for handle in self._logs.values():
            handle.close()
        self._logs = {}
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _check_settings(self) -> None:
        stored = self._meta("settings")
        current = json.dumps(self.settings, sort_keys=True)
        if stored is None:
            self._db.execute("INSERT INTO meta VALUES ('settings', ?)", (current,))
            return
        if stored != current:
            old = json.loads(stored)
            changed = ", ".join(f"{k}: {old.get(k)!r} -> {self.settings.get(k)!r}"
                                for k in sorted(set(old) | set(self.settings)) if old.get(k) != self.settings.get(k))
            raise JournalError(f"{self.out} holds results scored with other settings ({changed}); use another --out "
                               f"or delete {self.dir} to start over")

    # -- reading state (any thread: its own connection) -------------------------------------------

    def reader(self) -> "StateReader":
        return StateReader(self.dir / "state.sqlite")

    # -- writing --------------------------------------------------------------------------------

    def begin_file(self, path: str, position: int, fingerprint: str | None, reset: bool,
                   records_done: int = 0) -> None:
        """Start (reset=True: drop what an earlier run kept for it) or resume a file."""
        here = dict(self._offset)
        self._pending[path] = _Pending(position, fingerprint, reset, here, dict(here), records_done)

    def mark_seen(self, path: str, position: int) -> None:
        """An unchanged file, already scored: it belongs to this run's tables without new work."""
        self._seen.append((path, position))
        if len(self._seen) >= SEEN_FLUSH:
            self._flush_seen()

    def append(self, stream: str, lines: list[bytes]) -> None:
        if not lines:
            return
        data = b"".join(lines)
        self._logs[stream].write(data)
        self._offset[stream] += len(data)

    def resolved(self, path: str, record: int, sentences: int = 0, articles: int = 0, errors: int = 0) -> None:
        """Everything written so far belongs to `path` and is complete up to its `record` (line, item, or 1)."""
        pending = self._pending[path]
        pending.end = self._resolved = dict(self._offset)
        pending.records_done = max(pending.records_done, record)
        for name, n in zip(STREAMS, (sentences, articles, errors)):
            pending.counts[name] += n

    def end_file(self, path: str) -> None:
        pending = self._pending[path]
        pending.end = self._resolved = dict(self._offset)
        pending.done = True

    def commit(self) -> None:
        """Make everything resolved so far durable; an interrupted run resumes from here."""
        for name, handle in self._logs.items():
            if self._offset[name] != self._synced[name]:
                handle.flush()
                os.fsync(handle.fileno())
                self._synced[name] = self._offset[name]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            for path, p in self._pending.items():
                if p.reset:
                    self._db.execute("DELETE FROM chunks WHERE path = ?", (path,))
                    p.reset = False
                self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                                 (path, p.fingerprint, "done" if p.done else "partial", p.records_done, self.run,
                                  p.position))
                if p.end != p.start:
                    seq = self._db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM chunks WHERE path = ?",
                                           (path,)).fetchone()[0]
                    self._db.execute("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                     (path, seq, *(v for s in STREAMS for v in (p.start[s], p.end[s])),
                                      p.counts["sentences"], p.counts["articles"], p.counts["errors"]))
            self._write_seen()
            self._db.execute("INSERT OR REPLACE INTO committed VALUES (0, ?, ?, ?)",
                             tuple(self._resolved[s] for s in STREAMS))
        self._pending = {path: _Pending(p.position, p.fingerprint, False, dict(p.end), dict(p.end), p.records_done)
                         for path, p in self._pending.items() if not p.done}

    def _write_seen(self) -> None:
        if self._seen:
            self._db.executemany("UPDATE files SET run = ?, position = ? WHERE path = ?",
                                 [(self.run, position, path) for path, position in self._seen])
            self._seen = []

    def _flush_seen(self) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._write_seen()

    # -- the committed result -------------------------------------------------------------------

    def unfinished(self) -> list[str]:
        """Files seen in this run that are not done (none after a complete run)."""
        return [r[0] for r in self._db.execute("SELECT path FROM files WHERE run = ? AND status != 'done' "
                                               "ORDER BY position", (self.run,))]

    def chunks(self) -> Iterator[Chunk]:
        """The committed chunks of this run's files, in walk order then write order."""
        rows = self._db.execute(
            "SELECT c.* FROM chunks c JOIN files f ON f.path = c.path WHERE f.run = ? ORDER BY f.position, c.seq",
            (self.run,))
        for row in rows:
            path, _, s0, s1, a0, a1, e0, e1, ns, na, ne = row
            yield Chunk(path, {"sentences": (s0, s1), "articles": (a0, a1), "errors": (e0, e1)}, ns, na, ne)

    def log_path(self, stream: str) -> Path:
        return self.dir / f"{stream}.log"


class StateReader:
    """Read-only view of the committed file states, for the reader thread (WAL lets it read during commits)."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(path, check_same_thread=False)

    def lookup(self, path: str) -> FileState | None:
        row = self._db.execute("SELECT fingerprint, status, records_done FROM files WHERE path = ?",
                               (path,)).fetchone()
        return FileState(*row) if row else None

    def close(self) -> None:
        self._db.close()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
