"""The crpv command: each command on real inputs, and the documentation of every command."""

from __future__ import annotations

import json
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


def test_schema_writes_the_record_schema(tmp_path):
    out = tmp_path / "schema.json"
    result = runner.invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == Record.model_json_schema()


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
