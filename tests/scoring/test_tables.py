"""framing.scoring.tables: summary-only runs and the CSV/Parquet copies of the tables."""
from __future__ import annotations

from framing.scoring import score_folder

from scoring_helpers import LABELS, _options, _rows


def test_summary_only_and_extra_formats(messy_folder, tmp_path, tiny_model, clf):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    score_folder(_options(messy_folder, out, tiny_model, summary_only=True, formats=("csv", "parquet")),
                 classifier=clf)
    assert not (out / "sentences.jsonl").exists() and not (out / "sentences.csv").exists()
    articles = _rows(out / "articles.jsonl")
    table = pq.read_table(out / "articles.parquet")
    assert table.num_rows == len(articles)
    assert {"count_accusatory", "share_uncertain", "top_background_text", "dominant"} <= set(table.column_names)
    assert pacsv.read_csv(out / "errors.csv").num_rows == len(_rows(out / "errors.jsonl"))
    assert "most confident sentence" in (out / "report.html").read_text(encoding="utf-8")

    full = tmp_path / "full"
    score_folder(_options(messy_folder, full, tiny_model, formats=("parquet",)), classifier=clf)
    sentences = pq.read_table(full / "sentences.parquet")
    assert sentences.num_rows == len(_rows(full / "sentences.jsonl"))
    assert {f"p_{x}" for x in LABELS} <= set(sentences.column_names)
