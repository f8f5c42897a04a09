import json

import pytest

from framing.data import DataError, make_splits, read_examples

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]


def test_reads_csv_jsonl_parquet_alike(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"text": "One.", "label": "background", "article": "x"}, {"text": "Two.", "label": "humanitarian", "article": None}]
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "d.csv").write_text("text,label,article\nOne.,background,x\nTwo.,humanitarian,\n", encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "d.parquet")
    for name in ("d.jsonl", "d.csv", "d.parquet"):
        got = read_examples(tmp_path / name, LABELS)
        assert [(e.text, e.label, e.article) for e in got] == [("One.", "background", "x"), ("Two.", "humanitarian", None)]


def test_missing_column_names_file_and_column(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("sentence,label\nOne.,background\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv:1: missing column\(s\) text"):
        read_examples(path, LABELS)


def test_empty_text_names_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('text,label\nOne.,background\n"   ",background\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.csv:3: text: empty text"):
        read_examples(path, LABELS)


def test_unknown_label_names_line_and_value(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "label": "background"}\n{"text": "b", "label": "propaganda"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.jsonl:2: label: 'propaganda' is not one of"):
        read_examples(path, LABELS)


def test_broken_json_line_and_all_problems_reported(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "label": "background"}\n{"text": \n[1, 2]\n{"label": "background"}\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_examples(path, LABELS)
    message = str(info.value)
    assert "d.jsonl:2: invalid JSON" in message
    assert "d.jsonl:3: expected a JSON object, got list" in message
    assert "d.jsonl:4: missing field(s) text" in message


def test_parquet_row_numbers(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([{"text": "a", "label": "background"}, {"text": "b", "label": "nope"}]),
                   tmp_path / "d.parquet")
    with pytest.raises(DataError, match=r"d\.parquet: row 2: label: 'nope'"):
        read_examples(tmp_path / "d.parquet", LABELS)


def test_missing_file_and_bad_suffix(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_examples(tmp_path / "nope.csv", LABELS)
    (tmp_path / "d.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match="unsupported file type '.txt'"):
        read_examples(tmp_path / "d.txt", LABELS)


def test_splits_grouped_stratified_seeded(tiny_corpus, tmp_path):
    path = tmp_path / "all.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in tiny_corpus), encoding="utf-8")
    examples = read_examples(path, LABELS)
    train, dev, test = make_splits(examples, 0.2, 0.2, seed=7)
    assert len(train) + len(dev) + len(test) == len(examples)
    articles = [{e.article for e in part} for part in (train, dev, test)]
    assert not (articles[0] & articles[1]) and not (articles[0] & articles[2]) and not (articles[1] & articles[2])
    assert {e.label for e in test} == set(LABELS)
    again = make_splits(examples, 0.2, 0.2, seed=7)
    assert [e.text for e in again[2]] == [e.text for e in test]


def test_several_files_are_read_in_order_and_all_problems_reported(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "one", "label": "accusatory"}\n{"text": "", "label": "background"}\n')
    (tmp_path / "b.jsonl").write_text('{"text": "two", "label": "humanitarian"}\n{"text": "x", "label": "nope"}\n')
    with pytest.raises(DataError) as err:
        read_examples([tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"], LABELS)
    message = str(err.value)
    assert "a.jsonl:2: text" in message and "b.jsonl:2: label" in message and "c.jsonl: file not found" in message
    (tmp_path / "b.jsonl").write_text('{"text": "two", "label": "humanitarian"}\n')
    (tmp_path / "a.jsonl").write_text('{"text": "one", "label": "accusatory"}\n')
    got = read_examples([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], LABELS)
    assert [e.text for e in got] == ["one", "two"]
