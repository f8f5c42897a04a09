import json

from framing.cli import main
from framing.datacheck import check_paths, near_duplicates, normalise


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_clean_files_pass_and_print_balance(tmp_path, capsys):
    write(tmp_path / "train.jsonl", [{"text": "The court ruled on Monday.", "label": "legal_argument"},
                                     {"text": "Aid reached the town.", "label": "humanitarian"}])
    write(tmp_path / "dev.jsonl", [{"text": "Rebels lie about the truce.", "label": "accusatory"}])
    assert main(["data", "check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "OK: no problems found" in out and "train.jsonl" in out and "(50.0%)" in out


def test_every_problem_named_with_file_and_line(tmp_path):
    write(tmp_path / "train.jsonl", [
        {"text": "The court ruled on Monday.", "label": "legal_argument"},
        {"text": "   ", "label": "background"},
        {"text": "Something.", "label": "propaganda"},
        {"text": "the court ruled on monday!", "label": "legal_argument"},
    ])
    write(tmp_path / "test.jsonl", [{"text": "Aid convoys reached the besieged northern town on Tuesday morning.", "label": "humanitarian"},
                                    {"text": "The Court ruled on Monday", "label": "background"}])
    write(tmp_path / "dev.jsonl", [{"text": "Aid convoys reached the besieged northern town on Tuesday morning, officials said.",
                                    "label": "humanitarian"}])
    report = check_paths([tmp_path])
    assert not report.ok
    problems = "\n".join(report.problems)
    assert "train.jsonl:2: text: empty text" in problems
    assert "train.jsonl:3: label: 'propaganda'" in problems
    exact = {(a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1]) for a, b, _ in report.exact}
    # each copy is reported against the first occurrence (files are read in name order: dev, test, train)
    assert exact == {("test.jsonl:2", "train.jsonl:1"), ("test.jsonl:2", "train.jsonl:4")}
    assert len(report.near) == 1 and {"dev.jsonl:1", "test.jsonl:1"} == {x.rsplit("/", 1)[-1] for x in report.near[0][:2]}
    assert "FAILED" in report.render()


def test_exact_duplicate_within_one_file(tmp_path):
    write(tmp_path / "train.jsonl", [{"text": "Talks resume Monday.", "label": "background"},
                                     {"text": "Talks resume, Monday!", "label": "background"}])
    report = check_paths([tmp_path / "train.jsonl"])
    assert [(a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1]) for a, b, _ in report.exact] == [("train.jsonl:1", "train.jsonl:2")]


def test_cli_exit_code_on_failure(tmp_path, capsys):
    write(tmp_path / "a.jsonl", [{"text": "x y z", "label": "nope"}])
    assert main(["data", "check", str(tmp_path / "a.jsonl")]) == 1
    assert "a.jsonl:1: label: 'nope'" in capsys.readouterr().out


def test_normalise_and_near_duplicates():
    assert normalise("“Civilians,” she said — fled!") == normalise('"civilians" she said fled')
    pairs = near_duplicates(["aid reached the town today", "aid reached the town today too", "court ruling"], 0.8)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
