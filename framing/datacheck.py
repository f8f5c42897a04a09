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
    # duplicate pairs both inside published data shipped as is (a `PUBLISHED` file in its folder): reported, not
    # errors, since changing a benchmark's split would change the benchmark
    published: list[str] = field(default_factory=list)

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
        for p in self.published:
            out.append(f"note (published data, kept as is): {p}")
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


def _roots(paths: list[Path]) -> list[tuple[Path, Path]]:
    """(file, the folder it was found under, or its own folder when named directly)."""
    return [(f, p if p.is_dir() else f.parent) for p in paths for f in _expand([p])]


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


LABELS_FILE = "labels.txt"
PUBLISHED = "PUBLISHED"


def _published(source: str) -> bool:
    """True for a record (`file:line`) of a folder marked as published data shipped unchanged."""
    return (Path(source.rsplit(":", 1)[0]).parent / PUBLISHED).is_file()


def folder_labels(path: Path, root: Path) -> list[str] | None:
    """The label set a folder declares for the files in and under it: a `labels.txt` (one label a line) in the
    file's folder or the nearest folder above it, up to the project holding the checked folder `root` (the
    nearest folder above it with a pyproject.toml), else up to `root` itself; None when none does."""
    root = root.resolve()
    limit = next((f for f in [root, *root.parents] if (f / "pyproject.toml").is_file()), root)
    for folder in [path.parent.resolve(), *path.parent.resolve().parents]:
        declared = folder / LABELS_FILE
        if declared.is_file():
            return [x.strip() for x in declared.read_text(encoding="utf-8").splitlines() if x.strip()]
        if folder == limit:
            return None
    return None


def check_paths(paths: list[Path], labels: list[str] | None = None, near_threshold: float = 0.8) -> CheckReport:
    """Check labelled files. Without `labels`, each file takes the label set of its folder's `labels.txt`, else
    the four framing labels; files of different label sets are checked as separate tasks (duplicates are looked
    for within a task)."""
    files = _roots(paths)
    if not files:
        report = CheckReport(labels=labels or FRAMING_LABELS)
        report.problems.append(f"{', '.join(map(str, paths))}: no .jsonl/.csv/.parquet files found")
        return report
    tasks: dict[tuple[str, ...], list[Path]] = {}
    for path, root in files:
        tasks.setdefault(tuple(labels or folder_labels(path, root) or FRAMING_LABELS), []).append(path)
    reports = [_check_task(group, list(task), near_threshold) for task, group in tasks.items()]
    if len(reports) == 1:
        return reports[0]
    return MultiReport(reports)


def _check_task(files: list[Path], labels: list[str], near_threshold: float) -> CheckReport:
    report = CheckReport(labels=labels)
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
            if _published(seen[key].source) and _published(e.source):
                report.published.append(f"exact duplicate: {seen[key].source} and {e.source}")
            else:
                report.exact.append((seen[key].source, e.source, e.text))
            exact_ids.add(i)
        else:
            seen[key] = e
    texts = [normalise(e.text) for e in everything]
    for i, j, sim in near_duplicates(texts, near_threshold):
        if _same_article(everything[i], everything[j]):
            continue  # a headline and the body sentence that repeats it, in one real article
        if i not in exact_ids and j not in exact_ids and texts[i] != texts[j]:
            a, b = everything[i].source, everything[j].source
            if _published(a) and _published(b):
                report.published.append(f"near duplicate ({sim:.2f}): {a} and {b}")
            else:
                report.near.append((a, b, sim))
    return report


class MultiReport:
    """Reports of several label sets (a folder with a labels.txt beside the framing data), rendered one after
    the other."""

    def __init__(self, reports: list[CheckReport]):
        self.reports = reports

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports)

    @property
    def files(self) -> dict[str, list[Example]]:
        return {k: v for r in self.reports for k, v in r.files.items()}

    @property
    def problems(self) -> list[str]:
        return [p for r in self.reports for p in r.problems]

    def render(self) -> str:
        return "\n\n".join(f"labels: {', '.join(r.labels)}\n{r.render()}" for r in self.reports)


def _same_article(a: Example, b: Example) -> bool:
    return a.article is not None and a.article == b.article
