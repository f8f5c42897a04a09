"""Labelled data through `datasets`: files, save_to_disk folders, differing columns, row-numbered errors, and
the same training inputs as tokenising the validated examples directly."""
import json

import pytest

from framing.config import TrainConfig
from framing.data import DataError, read_examples
from framing.dataset import rows_dataset, tokenized
from framing.features import training_features
from framing.train_data import load_splits, training_rows

LABELS = ["accusatory", "humanitarian", "legal_argument", "background"]


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_training_rows_equal_tokenising_the_examples(tiny_encoder, corpus_files):
    from transformers import AutoTokenizer

    cfg = TrainConfig(labels=LABELS, train_file=str(corpus_files["train"]), dev_file=str(corpus_files["dev"]),
                      encoder=str(tiny_encoder), max_length=16, test_ratio=0.0, progress=False)
    tokenizer = AutoTokenizer.from_pretrained(tiny_encoder)
    splits = load_splits(cfg)
    rows, lengths = training_rows(cfg, tokenizer, splits)
    expected = training_features(tokenizer, splits.train, LABELS, 16)
    assert rows.to_list() == expected
    assert lengths == [len(f["input_ids"]) for f in expected]


def test_carved_train_split_selects_the_same_rows(tiny_encoder, tiny_corpus, tmp_path):
    from transformers import AutoTokenizer

    path = _write(tmp_path / "all.jsonl", tiny_corpus)
    cfg = TrainConfig(labels=LABELS, train_file=str(path), encoder=str(tiny_encoder), max_length=16, dev_ratio=0.2,
                      test_ratio=0.2, progress=False)
    tokenizer = AutoTokenizer.from_pretrained(tiny_encoder)
    splits = load_splits(cfg)
    assert 0 < len(splits.train) < len(splits.read)
    rows, _ = training_rows(cfg, tokenizer, splits)
    assert rows.to_list() == training_features(tokenizer, splits.train, LABELS, 16)


def test_files_whose_optional_columns_differ_load_together(tmp_path):
    a = _write(tmp_path / "a.jsonl", [{"text": "One.", "label": "background", "article": "x", "outlet": "A"}])
    b = _write(tmp_path / "b.jsonl", [{"text": "Two.", "label": "accusatory", "text_pair": "Russia"}])
    c = tmp_path / "c.csv"
    c.write_text("label,text\nhumanitarian,Three.\n", encoding="utf-8")
    read = read_examples([a, b, c], LABELS)
    ds = rows_dataset([str(a), str(b), str(c)], read)
    assert ds["text"] == ["One.", "Two.", "Three."]
    assert ds["text_pair"] == [None, "Russia", None]
    assert ds["article"] == ["x", None, None]


def test_save_to_disk_folder_is_a_source_and_bad_rows_are_named(tmp_path):
    import datasets

    folder = tmp_path / "saved"
    datasets.Dataset.from_list([{"text": "One.", "label": "background"}, {"text": " ", "label": "background"},
                                {"text": "Three.", "label": "nope"}]).save_to_disk(str(folder))
    with pytest.raises(DataError) as info:
        read_examples(folder, LABELS)
    message = str(info.value)
    assert f"{folder}: row 2: text: empty text" in message
    assert f"{folder}: row 3: label: 'nope' is not one of" in message
    good = tmp_path / "good"
    datasets.Dataset.from_list([{"text": "One.", "label": "background"}]).save_to_disk(str(good))
    assert [e.text for e in read_examples(good, LABELS)] == ["One."]


def test_dataset_dict_folder_asks_for_a_split(tmp_path):
    import datasets

    folder = tmp_path / "dd"
    datasets.DatasetDict({"train": datasets.Dataset.from_list([{"text": "a", "label": "background"}])}).save_to_disk(str(folder))
    with pytest.raises(DataError, match="name one split's folder"):
        read_examples(folder, LABELS)
    assert len(read_examples(folder / "train", LABELS)) == 1


def test_file_errors_keep_file_line_field(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "label": "background"}\n\n{"text": "", "label": "background"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.jsonl:3: text: empty text"):
        read_examples(path, LABELS)


def test_unlabelled_rows_get_ignore_index(tiny_encoder):
    import datasets
    from transformers import AutoTokenizer

    from framing.dataset import from_examples
    from framing.data import Example

    ds = from_examples([Example("One.", "background")])
    extra = datasets.Dataset.from_dict({"text": ["Two."], "label": [None], "text_pair": [None], "article": [None]},
                                       features=ds.features)
    out = tokenized(datasets.concatenate_datasets([ds, extra]), AutoTokenizer.from_pretrained(tiny_encoder), LABELS,
                    16, pairs=False)
    assert out["labels"] == [3, -100]
