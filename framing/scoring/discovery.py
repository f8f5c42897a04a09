"""Which files a scoring run reads: a sorted recursive walk with an optional glob, shards and symlink-loop checks."""
from __future__ import annotations

import errno
import fnmatch
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")


@dataclass(frozen=True)
class Entry:
    """A file to read (`error` None) or one the walk already knows it cannot read."""

    rel: str
    path: Path
    error: tuple[str, str] | None = None


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    @classmethod
    def parse(cls, spec: str) -> "Shard":
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec or "")
        if not match:
            raise ValueError(f"--shard: expected I/N such as 0/4, got {spec!r}")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or not 0 <= index < count:
            raise ValueError(f"--shard: I must be in 0..N-1 and N at least 1, got {spec!r}")
        return cls(index, count)

    def owns(self, rel: str) -> bool:
        # A digest of the relative path, not Python's hash(): the same file lands in the same shard on every machine.
        digest = hashlib.blake2b(rel.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.index


def _normalise_glob(pattern: str) -> str:
    pattern = pattern.strip()
    if not pattern:
        raise ValueError("--glob: empty pattern")
    return ("**/" + pattern if "/" not in pattern else pattern).lstrip("/")


def compile_glob(pattern: str) -> re.Pattern:
    """A gitignore-style pattern: `**` spans folders, `*` and `?` stay inside one; without a `/` it matches the
    file name at any depth."""
    pattern = _normalise_glob(pattern)
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape("["))
                i += 1
            else:
                body = pattern[i + 1:end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
                i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def folder_filter(pattern: str):
    """Whether a folder (relative path) can hold a file the pattern matches: the walk skips the others."""
    segments = _normalise_glob(pattern).split("/")

    def could_hold(folder: str) -> bool:
        for i, name in enumerate(folder.split("/")):
            if "**" in segments[i]:
                return True
            if i >= len(segments) - 1 or not fnmatch.fnmatchcase(name, segments[i]):
                return False
        return True

    return could_hold


def walk(root: Path, glob: str | None = None, shard: Shard | None = None,
         exclude: tuple[Path, ...] = ()) -> Iterator[Entry]:
    """Files under `root` in sorted path order (depth first). Hidden entries and `exclude` folders are passed
    over; a symlinked folder is followed unless it leads back into its own ancestry (a loop, reported as an
    error entry)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a folder")
    matcher = compile_glob(glob) if glob else None
    may_hold = folder_filter(glob) if glob else (lambda folder: True)
    excluded = {_identity(p) for p in exclude if p.exists()}

    def selected(rel: str) -> bool:
        if matcher is not None:
            ok = matcher.match(rel) is not None
        else:
            ok = rel.lower().endswith(SUPPORTED_SUFFIXES)
        return ok and (shard is None or shard.owns(rel))

    def visit(folder: Path, prefix: str, ancestry: frozenset) -> Iterator[Entry]:
        try:
            with os.scandir(folder) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            if prefix and (shard is None or shard.owns(prefix.rstrip("/"))):
                yield Entry(prefix.rstrip("/"), folder, ("unreadable", f"cannot list folder: {exc.strerror}"))
            return
        for entry in entries:
            rel = f"{prefix}{entry.name}"
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                identity = _identity(path) if is_dir else None
            except OSError as exc:
                if exc.errno == errno.ELOOP and selected(rel):
                    yield Entry(rel, path, ("symlink_loop", "symlink loop (the link resolves to itself)"))
                elif exc.errno != errno.ELOOP and (shard is None or shard.owns(rel)):
                    yield Entry(rel, path, ("unreadable", exc.strerror or str(exc)))
                continue
            if is_dir:
                if identity in excluded or not may_hold(rel):
                    continue
                if identity in ancestry:
                    if shard is None or shard.owns(rel):
                        yield Entry(rel, path, ("symlink_loop", f"symlink loop: leads back to "
                                                               f"{os.path.realpath(path)}"))
                    continue
                yield from visit(path, rel + "/", ancestry | {identity})
            elif selected(rel):
                if entry.is_symlink() and not path.exists():
                    yield Entry(rel, path, ("unreadable", f"broken symlink to {os.readlink(path)}"))
                else:
                    yield Entry(rel, path)

    # Recursion depth is folder depth; each level carries the (device, inode) chain of its ancestors.
    yield from visit(root, "", frozenset({_identity(root)}))


def _identity(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino
