"""Which group an article belongs to, for `framing score --group-by outlet|date|folder` and the report."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from .reading import Article

GROUP_BY = ("outlet", "date", "folder")
UNDATED = "undated"
NO_OUTLET = "(no outlet)"
TOP_FOLDER = "(top folder)"
_MONTH = re.compile(r"^(\d{4})-(\d{2})")


def month(date: str | None) -> str | None:
    """YYYY-MM of an ISO-like date ("2024-03-05", "2024-03-05T10:00Z", "2024-03"), else None."""
    found = _MONTH.match(date.strip()) if date else None
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    return f"{found.group(1)}-{found.group(2)}"


def folder(file: str) -> str:
    """The article file's folder relative to the scored root ('(top folder)' at the root)."""
    parent = str(PurePosixPath(file).parent)
    return TOP_FOLDER if parent in ("", ".") else parent


def group_of(article: Article, by: str | None) -> str | None:
    """The group of `article` under `by`; None without grouping. Missing values get a named group, never
    dropped: undated articles are counted as `undated`."""
    if by is None:
        return None
    if by == "outlet":
        return (article.outlet or "").strip() or NO_OUTLET
    if by == "date":
        return month(article.date) or UNDATED
    if by == "folder":
        return folder(article.file)
    raise ValueError(f"group_by: must be one of {', '.join(GROUP_BY)}, got {by!r}")


def source_of(row: dict) -> str:
    """The source an article row stands for in the stance matrix: its group, else its outlet, else its folder."""
    return row.get("group") or (row.get("outlet") or "").strip() or folder(row["file"])
