"""`framing data check`: labels, empty text, exact and near duplicates within and across files, balance."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


from .data import SUFFIXES, DataError, Example, iter_records

FRAMING_LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]


def normalise(text: str) -> str:
    """Case, accents, quotes and punctuation removed: texts equal after this are duplicates."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class CheckReport:
    files: dict[str, list[Example]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    exact: list[tuple[str, str, str]] = field(default_factory=list)  # (loc a, loc b, text)
    near: list[tuple[str, str, float]] = field(default_factory=list)  # (loc a, loc b, similarity)
    labels: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.problems or self.exact or self.near)

    def render(self) -> str:
        out = []
        labels = self.labels or sorted({e.label for ex in self.files.values() for e in ex})
        width = max([len(Path(f).name) for f in self.files] + [5])
        out.append(f"{'file':<{width}}  " + "  ".join(f"{x:>14}" for x in labels) + f"  {'total':>6}")
        totals = dict.fromkeys(labels, 0)
        for name, examples in self.files.items():
            counts = {x: sum(e.label == x for e in examples) for x in labels}
            for x in labels:
                totals[x] += counts[x]
            cells = "  ".join(f"{counts[x]:>6} ({counts[x] / max(len(examples), 1):5.1%})" for x in labels)
            out.append(f"{Path(name).name:<{width}}  {cells}  {len(examples):>6}")
        grand = sum(totals.values())
        out.append(f"{'all':<{width}}  " + "  ".join(f"{totals[x]:>6} ({totals[x] / max(grand, 1):5.1%})" for x in labels)
                   + f"  {grand:>6}")
        out.append("")
        for p in self.problems:
            out.append(f"error: {p}")
        for a, b, text in self.exact:
            out.append(f"error: exact duplicate: {a} and {b}: {text[:80]!r}")
        for a, b, sim in self.near:
            out.append(f"error: near duplicate ({sim:.2f}): {a} and {b}")
        n_err = len(self.problems) + len(self.exact) + len(self.near)
        out.append("OK: no problems found" if self.ok else
                   f"FAILED: {len(self.problems)} invalid record(s), {len(self.exact)} exact and "
                   f"{len(self.near)} near duplicate pair(s) ({n_err} in all)")
        return "\n".join(out)


def _expand(paths: list[Path]) -> list[Path]:
    """The labelled files named or found under the folders named; folders called `annotation` hold working
    files of the labelling (article lists, passes), not labelled splits, and are skipped."""
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                                and "annotation" not in p.relative_to(path).parts[:-1]))
        else:
            files.append(path)
    return files


def near_duplicates(texts: list[str], threshold: float, chunk: int = 2000) -> list[tuple[int, int, float]]:
    """Pairs whose character 3-5-gram TF-IDF cosine similarity is at least `threshold`."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return []
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=1).fit_transform(texts)
    pairs = []
    for lo in range(0, matrix.shape[0], chunk):
        sims = (matrix[lo:lo + chunk] @ matrix.T).tocoo()
        keep = (sims.data >= threshold) & (sims.row + lo < sims.col)
        pairs.extend((int(r) + lo, int(c), float(v)) for r, c, v in zip(sims.row[keep], sims.col[keep], sims.data[keep]))
    return sorted(pairs)


def check_paths(paths: list[Path], labels: list[str] | None = None, near_threshold: float = 0.8) -> CheckReport:
    labels = labels or FRAMING_LABELS
    report = CheckReport(labels=labels)
    files = _expand(paths)
    if not files:
        report.problems.append(f"{', '.join(map(str, paths))}: no .jsonl/.csv/.parquet files found")
        return report
    everything: list[Example] = []
    for path in files:
        good = []
        try:
            for loc, item in iter_records(path, labels):
                if isinstance(item, str):
                    report.problems.append(f"{loc}: {item}")
                else:
                    good.append(item)
        except DataError as exc:
            report.problems.extend(exc.problems)
        report.files[str(path)] = good
        everything.extend(good)
    seen: dict[str, Example] = {}
    exact_ids = set()
    for i, e in enumerate(everything):
        key = normalise(e.text + " " + (e.text_pair or ""))
        if key in seen and _same_article(seen[key], e):
            continue
        if key in seen:
            report.exact.append((seen[key].source, e.source, e.text))
            exact_ids.add(i)
        else:
            seen[key] = e
    texts = [normalise(e.text) for e in everything]
    for i, j, sim in near_duplicates(texts, near_threshold):
        if _same_article(everything[i], everything[j]):
            continue  # a headline and the body sentence that repeats it, in one real article
        if i not in exact_ids and j not in exact_ids and texts[i] != texts[j]:
            report.near.append((everything[i].source, everything[j].source, sim))
    return report


def _same_article(a: Example, b: Example) -> bool:
    return a.article is not None and a.article == b.article
