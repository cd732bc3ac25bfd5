"""The batch and the CLI: documents, events.jsonl, errors.jsonl, manifest; bad pages; reruns."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.models import Record

from .conftest import FIXTURES, SEEDS, needs

runner = CliRunner()

ENGLISH = (
    "<!DOCTYPE html><html lang='en'><head><title>Annual report</title></head><body><article><h1>Annual report of the network</h1>"
    + "<p>The network of resource centres met in Paris for its annual meeting, and the teams were able to share their work with the partners of the programme. "
    * 4
    + "</p></article></body></html>"
)


@pytest.fixture
def mixed_raw(raw_dir):
    """Good pages and one page of every bad kind."""
    shutil.copy(FIXTURES / "article.html", raw_dir / "article.html")
    if SEEDS.exists():
        for seed in SEEDS.glob("*.txt"):
            shutil.copy(seed, raw_dir / seed.name)
    (raw_dir / "empty.html").write_bytes(b"")
    (raw_dir / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    html = (FIXTURES / "article.html").read_text().replace("journee-regionale-acteurs", "page-coupee")
    (raw_dir / "truncated.html").write_text(html[: html.index("Après une plénière")])
    (raw_dir / "data.json").write_text(json.dumps({"items": [1, 2, 3]}))
    (raw_dir / "english.html").write_text(ENGLISH)
    with open(raw_dir / "huge.html", "wb") as handle:
        handle.write(b"<html><body>" + b"<p>bla</p>" * 2_000_000 + b"</body></html>")  # 20 MB
    return raw_dir


def run(*args):
    return runner.invoke(app, ["extract", *map(str, args)])


def test_bad_pages_are_error_lines_and_the_run_goes_on(mixed_raw, tmp_path):
    out = tmp_path / "out"
    result = run(mixed_raw, "-o", out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = {e["path"]: e for e in map(json.loads, (out / "errors.jsonl").read_text().splitlines())}
    assert errors["empty.html"]["error"] == "EmptyPage"
    assert errors["photo.jpg"]["error"] == "BinaryPage"
    assert errors["data.json"]["error"] == "NotAPage"
    assert errors["huge.html"]["error"] == "PageTooLarge" and "--max-bytes" in errors["huge.html"]["message"]
    assert set(errors) == {"empty.html", "photo.jpg", "data.json", "huge.html"}
    manifest = json.loads((out / "manifest.json").read_text())
    records = {
        path: Record.model_validate_json((out / "documents" / f"{entry['id']}.json").read_text())
        for path, entry in manifest["inputs"].items()
        if entry["status"] == "ok"
    }
    assert any("truncated" in w for w in records["truncated.html"].warnings)
    english = records["english.html"]
    assert english.document.language == "en" and any("not French" in w for w in english.warnings)
    assert english.entities.people == [] and english.events == []
    assert "failed" in result.output


def test_rerun_is_byte_identical_and_skips_unchanged_pages(raw_dir, tmp_path):
    shutil.copy(FIXTURES / "article.html", raw_dir / "article.html")
    (raw_dir / "second.html").write_text(
        (FIXTURES / "article.html").read_text().replace("journee-regionale-acteurs", "autre-page")
    )
    out = tmp_path / "out"
    assert run(raw_dir, "-o", out).exit_code == 0
    snapshot = {
        p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".")
    }
    second = run(raw_dir, "-o", out)
    assert second.exit_code == 0 and "2 unchanged" in second.output
    forced = run(raw_dir, "-o", out, "--force")
    assert "2 processed" in forced.output
    again = {
        p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".")
    }
    assert again == snapshot


def test_changed_and_removed_pages_are_redone_and_dropped(raw_dir, tmp_path):
    shutil.copy(FIXTURES / "article.html", raw_dir / "article.html")
    (raw_dir / "other.html").write_text(
        (FIXTURES / "article.html").read_text().replace("journee-regionale-acteurs", "autre")
    )
    out = tmp_path / "out"
    run(raw_dir, "-o", out)
    assert len(list((out / "documents").glob("*.json"))) == 2
    (raw_dir / "other.html").unlink()
    (raw_dir / "article.html").write_text(
        (FIXTURES / "article.html").read_text().replace("une centaine", "une soixantaine")
    )
    result = run(raw_dir, "-o", out)
    assert "1 processed" in result.output and "1 removed" in result.output
    [document] = list((out / "documents").glob("*.json"))
    assert "une soixantaine" in document.read_text()
    assert list(json.loads((out / "manifest.json").read_text())["inputs"]) == ["article.html"]


def test_events_and_errors_files_load_as_json_lines(raw_dir, tmp_path):
    shutil.copy(FIXTURES / "article.html", raw_dir / "article.html")
    out = tmp_path / "out"
    run(raw_dir, "-o", out)
    for name in ("events.jsonl", "errors.jsonl"):
        for line in (out / name).read_text().splitlines():
            json.loads(line)


def test_usage_errors_exit_2(tmp_path):
    assert run(tmp_path / "missing").exit_code == 2
    assert runner.invoke(app, ["extract", "--no-such-flag"]).exit_code == 2


def test_quiet_prints_nothing_when_all_is_well(raw_dir, tmp_path):
    shutil.copy(FIXTURES / "article.html", raw_dir / "article.html")
    result = run(raw_dir, "-o", tmp_path / "out", "--quiet")
    assert result.exit_code == 0 and result.output == ""


def test_a_held_lock_is_reported(raw_dir, tmp_path):
    from filelock import FileLock

    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / ".crpv.lock")):
        result = run(raw_dir, "-o", out)
    assert result.exit_code == 3 and "another run" in result.output


@needs(SEEDS)
def test_every_command_is_documented():
    result = runner.invoke(app, ["--help"])
    for command in ("extract", "schema", "eval", "eval-cleaning", "bench", "show"):
        assert command in result.output
        assert runner.invoke(app, [command, "--help"]).exit_code == 0
