"""Actor tables of a stance run: how often each actor is targeted negatively, neutrally and positively, per
article (actors_by_article.csv) and per group or source (actors_by_group.csv), plus groups.csv (framing shares per
group) when articles have groups. Read from articles.jsonl, one row at a time."""
from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Iterable

from ..actors import Actor
from .aggregate import CorpusTotals
from .groups import source_of
from .tables import AtomicFile, read_jsonl

log = logging.getLogger(__name__)

STANCES = ("negative", "neutral", "positive")
OUTPUTS = ("actors_by_article.csv", "actors_by_group.csv", "groups.csv")


def net(counts: dict[str, int]) -> float:
    """(positive - negative) / mentions: -1 when every mention is negative, +1 when every one is positive."""
    total = sum(counts.values())
    return (counts.get("positive", 0) - counts.get("negative", 0)) / total if total else 0.0


def write_actor_tables(out: Path, totals: CorpusTotals, actors: list[Actor] | None,
                       articles: Iterable[dict] | None = None) -> list[Path]:
    """The stance and group tables of a finished run (none without stance or groups; stale ones removed).
    `articles`: the run's article rows (default: read from articles.jsonl)."""
    written = []
    if actors is not None:
        types = {a.name: a.type for a in actors}
        by_group: dict[str, dict[str, dict[str, int]]] = {}
        with _CsvFile(out / "actors_by_article.csv", ["article", "group", "actor", "type", *STANCES, "net"]) as w:
            for row in articles if articles is not None else read_jsonl(out / "articles.jsonl"):
                source = source_of(row)
                for actor, counts in row.get("actors", {}).items():
                    w.writerow([row["article"], source, actor, types.get(actor, ""),
                                *[counts.get(s, 0) for s in STANCES], f"{net(counts):.4f}"])
                    cell = by_group.setdefault(source, {}).setdefault(actor, dict.fromkeys(STANCES, 0))
                    for s in STANCES:
                        cell[s] += counts.get(s, 0)
        with _CsvFile(out / "actors_by_group.csv", ["group", "actor", "type", *STANCES, "mentions", "net"]) as w:
            for source in sorted(by_group):
                for actor, counts in sorted(by_group[source].items(), key=lambda kv: -sum(kv[1].values())):
                    w.writerow([source, actor, types.get(actor, ""), *[counts[s] for s in STANCES],
                                sum(counts.values()), f"{net(counts):.4f}"])
        written += [out / "actors_by_article.csv", out / "actors_by_group.csv"]
        unused = [a.name for a in actors if a.name not in totals.actors]
        if unused and len(unused) < len(actors):
            log.info("%d actor(s) of the list never mentioned, e.g. %s", len(unused), ", ".join(unused[:5]))
    if totals.groups:
        labels = [*totals.labels, "uncertain"]
        with _CsvFile(out / "groups.csv", ["group", "articles", "sentences", *[f"share_{x}" for x in labels]]) as w:
            for name, group in sorted(totals.groups.items()):
                shares = group.shares()
                w.writerow([name, group.articles, group.sentences, *[f"{shares.get(x, 0.0):.4f}" for x in labels]])
        written.append(out / "groups.csv")
    for name in OUTPUTS:
        if out / name not in written and (out / name).exists():
            log.info("removing %s (this run made no such table, so it would be out of date)", out / name)
            (out / name).unlink()
    return written


class _CsvFile:
    """A CSV table written atomically (framing.scoring.tables.AtomicFile)."""

    def __init__(self, target: Path, header: list[str]):
        self.file = AtomicFile(target)
        self.header = header

    def __enter__(self):
        self.file.__enter__()
        self.text = io.TextIOWrapper(self.file.handle, encoding="utf-8", newline="")
        writer = csv.writer(self.text)
        writer.writerow(self.header)
        return writer

    def __exit__(self, *exc) -> None:
        self.text.flush()
        self.text.detach()
        self.file.__exit__(*exc)
