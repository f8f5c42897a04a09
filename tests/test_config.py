import pytest

from framing.config import TrainConfig, load_config

LABELS = ["a", "b"]


def write(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_and_overrides_are_typed(tmp_path):
    path = write(tmp_path, "labels: [a, b]\ntrain_file: t.csv\nepochs: 3\nlearning_rate: 1.0e-4\n")
    cfg = load_config(path, {"epochs": "5", "group_by_length": "false", "dev_file": "none"})
    assert cfg.epochs == 5 and cfg.learning_rate == 1e-4 and cfg.group_by_length is False and cfg.dev_file is None


def test_unknown_key_names_file_and_key(tmp_path):
    path = write(tmp_path, "labels: [a, b]\ntrain_file: t.csv\nepochz: 3\n")
    with pytest.raises(ValueError, match=r"c\.yaml: unknown config key 'epochz'"):
        load_config(path)


def test_unknown_override_is_error(tmp_path):
    path = write(tmp_path, "labels: [a, b]\ntrain_file: t.csv\n")
    with pytest.raises(ValueError, match="command line: unknown config key 'lr'"):
        load_config(path, {"lr": "1"})


def test_wrong_type_names_field(tmp_path):
    path = write(tmp_path, "labels: [a, b]\ntrain_file: t.csv\nepochs: many\n")
    with pytest.raises(ValueError, match=r"field 'epochs' expects int, got 'many'"):
        load_config(path)


def test_invalid_yaml_names_line(tmp_path):
    path = write(tmp_path, "labels: [a, b\ntrain_file: t.csv\n")
    with pytest.raises(ValueError, match=r"c\.yaml:\d+: invalid YAML"):
        load_config(path)


@pytest.mark.parametrize("field,value,message", [
    ("labels", ["a"], "labels: need a list of at least 2"),
    ("labels", ["a", "a"], "labels: duplicates"),
    ("class_weighting", "inverse", "class_weighting: must be one of"),
    ("epochs", 0, "epochs: must be >= 1"),
    ("learning_rate", 2.0, "learning_rate: must be in"),
    ("dev_ratio", 0.7, "dev_ratio: must be in"),
    ("mixed_precision", "fp8", "mixed_precision: must be one of"),
])
def test_post_init_names_field_and_value(field, value, message):
    kwargs = {"labels": LABELS, "train_file": "t.csv", field: value}
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs)


def test_shipped_configs_load():
    for name in ("default", "fast", "gvfc"):
        cfg = load_config(f"configs/{name}.yaml")
        assert cfg.labels


def test_file_fields_take_a_list_of_files(tmp_path):
    path = write(tmp_path, "labels: [a, b]\ntrain_file: [w.jsonl, r.jsonl]\ndev_file: d.jsonl\n")
    cfg = load_config(path)
    assert cfg.train_file == ["w.jsonl", "r.jsonl"] and cfg.dev_file == "d.jsonl"
    assert load_config(path, {"dev_file": "d1.jsonl,d2.jsonl"}).dev_file == ["d1.jsonl", "d2.jsonl"]
    with pytest.raises(ValueError, match="train_file"):
        load_config(write(tmp_path, "labels: [a, b]\ntrain_file: [w.jsonl, 3]\n"))
