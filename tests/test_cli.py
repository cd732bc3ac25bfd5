"""The crpv command: each command on real inputs, and the documentation of every command."""

from __future__ import annotations

import json
import os
import re
import shutil

import typer
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.models import Record

from .conftest import FIXTURES, ROOT

runner = CliRunner()


def _commands() -> list[str]:
    group = typer.main.get_group(app)
    return sorted(group.commands)


def test_every_command_is_documented_in_the_readme_and_has_help():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"crpv ([a-z][a-z-]+)", readme))
    for command in _commands():
        assert command in documented, f"`crpv {command}` is not shown in README.md"
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_show_prints_a_record(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FIXTURES / "article.html", raw / "article.html")
    assert runner.invoke(app, ["extract", str(raw), "-o", str(tmp_path / "out")]).exit_code == 0
    [path] = (tmp_path / "out" / "documents").glob("*.json")
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 0
    record = Record.model_validate_json(path.read_text(encoding="utf-8"))
    assert record.document.title in result.output
    assert f"event: {record.events[0].start_date}" in result.output


def test_schema_writes_the_record_schema_and_the_others(tmp_path):
    out = tmp_path / "schema"
    result = runner.invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads((out / "record.schema.json").read_text(encoding="utf-8")) == Record.model_json_schema()
    assert {p.name for p in out.iterdir()} >= {"event.schema.json", "error.schema.json", "datapackage.json"}


def test_eval_scores_an_annotated_folder(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    (corpus / "pages").mkdir()
    shutil.copy(FIXTURES / "article.html", corpus / "pages" / "a.html")
    gold = {
        "case": "a",
        "input": "pages/a.html",
        "title": "Journée régionale des acteurs de la ville",
        "published": "2025-10-14",
        "events": [],
        "people": [],
        "organisations": [],
        "places": [],
        "must_contain": [],
        "must_not_contain": ["cookies"],
    }
    (corpus / "gold" / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    (corpus / "gold" / "aliases.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(corpus), "--json", str(tmp_path / "scores.json")])
    assert result.exit_code == 0, result.output
    assert re.search(r"title exact\s+1\.000", result.output)
    scores = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))["systems"]["pipeline"]["scores"]
    assert scores["published"] == 1.0 and scores["non_event_pages_without_event"] == 0.0  # the page has an event


def test_a_bad_settings_file_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[events]\nnope = 1\n", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(bad), "schema", "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 2 and "unknown setting events.nope" in result.output


def _bad_arguments(tmp_path):
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x", encoding="utf-8")
    not_json = tmp_path / "not.json"
    not_json.write_text("{nope", encoding="utf-8")
    not_record = tmp_path / "other.json"
    not_record.write_text('{"a": 1}', encoding="utf-8")
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    missing = tmp_path / "missing"
    raw = tmp_path / "raw"
    raw.mkdir()
    return [
        ["show", str(missing)],
        ["show", str(tmp_path)],
        ["show", str(not_json)],
        ["show", str(not_record)],
        ["extract", str(missing)],
        ["extract", str(a_file)],
        ["extract", str(raw), "-o", str(a_file)],
        ["extract", str(raw), "-o", str(a_file / "under")],
        ["schema", "-o", str(a_file / "schema.json")],
        ["schema", "-o", str(a_file)],
        ["export", str(missing)],
        ["export", str(a_file)],
        ["export", str(raw)],
        ["export", str(raw), "--format", "xlsx"],
        ["report", str(missing)],
        ["report", str(raw)],
        ["eval", str(missing)],
        ["eval", str(a_file)],
        ["eval-anchors", str(missing)],
        ["eval-anchors", str(raw)],
        ["bench", str(missing)],
        ["--config", str(missing), "schema"],
        ["--config", str(not_json), "schema"],
    ] + ([] if os.geteuid() == 0 else [["extract", str(raw), "-o", str(read_only / "out")]])


def test_each_command_on_each_bad_argument_is_one_line_and_exit_2(tmp_path):
    for args in _bad_arguments(tmp_path):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("crpv: error:"), (args, result.output)


def test_a_bug_is_one_line_and_exit_70(monkeypatch, tmp_path):
    from pipeline import run

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(run, "run_batch", broken)
    raw = tmp_path / "raw"
    raw.mkdir()
    result = runner.invoke(app, ["extract", str(raw), "-o", str(tmp_path / "out")])
    assert result.exit_code == 70 and "internal error: RuntimeError: a bug" in result.output
    assert "Traceback" not in result.output


def test_dates_prints_the_expressions_of_a_text_with_spans_into_the_input(tmp_path):
    text = "Réunion du 14 au 16 octobre 2024 ; l’an dernier, à Lyon ; hier soir\u00a0: rien.\n"
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["dates", str(tmp_path / "t.txt"), "--anchor", "2024-11-05"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["start"], r["end"], r["precision"]) for r in rows] == [
        ("2024-10-14", "2024-10-16", "day"),
        ("2023", "2023", "year"),
        ("2024-11-04", "2024-11-04", "day"),
    ]
    for row in rows:
        assert text[row["span"][0] : row["span"][1]] == row["text"]  # the typographic apostrophe kept
        assert set(row) >= {"text", "span", "start", "end", "precision", "rule", "anchor"}
    assert rows[1]["anchor"] == "2024-11-05"


def test_dates_reads_standard_input_and_infers_its_anchor():
    result = runner.invoke(app, ["dates", "-"], input="Publié le 3 mars 2022. La rencontre a eu lieu le 1er mars.")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[-1]["start"] == "2022-03-01" and rows[-1]["anchor"] == "2022-03-03"


def test_dates_refuses_a_bad_anchor():
    result = runner.invoke(app, ["dates", "-", "--anchor", "mardi"], input="hier")
    assert result.exit_code == 2 and "is not a date" in result.output


def test_dates_says_on_stderr_which_expressions_need_an_anchor():
    result = runner.invoke(app, ["dates", "-"], input="La rencontre s’est tenue les 21 et 22 octobre derniers.")
    assert result.exit_code == 0
    assert result.stdout == ""  # stdout stays JSON lines
    assert "21 et 22 octobre derniers" in result.stderr and "--anchor" in result.stderr
