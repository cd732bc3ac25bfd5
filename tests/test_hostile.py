"""Unbreakable: every hostile input is a record, a clear error line or an ignored file; a page that
hangs, explodes or kills its process is stopped alone; the CLI never shows a traceback."""

from __future__ import annotations

import json
import os
import signal
import stat
import time

import pytest
from typer.testing import CliRunner

from pipeline import run as run_module
from pipeline.cli import app
from pipeline.models import ErrorEntry, Record
from pipeline.run import BatchOptions, run_batch

from . import hostile
from .conftest import FIXTURES

runner = CliRunner()


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("hostile") / "raw"
    cases = hostile.build(raw, scale=0.15)
    out = raw.parent / "out"
    started = time.monotonic()
    result = runner.invoke(app, ["extract", str(raw), "-o", str(out), "--workers", "2"])
    return cases, out, result, time.monotonic() - started


def test_every_hostile_input_is_a_record_an_error_line_or_ignored(hostile_run):
    cases, out, result, _ = hostile_run
    assert result.exit_code == 1, result.output  # some cases are bad pages: exit 1, never 70 nor a traceback
    assert "Traceback" not in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    for name, (filename, expected) in cases.items():
        key = filename.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        if expected == "ignored":
            assert key not in manifest, name
        elif expected == "record":
            assert manifest[key]["status"] == "ok", (name, manifest[key])
        else:
            assert manifest[key]["status"] == "error" and manifest[key]["error"]["error"] == expected, name
    ignored = sum(1 for _, expected in cases.values() if expected == "ignored")
    assert f"{ignored} other files ignored" in result.output


def test_every_output_of_the_hostile_run_loads(hostile_run):
    _, out, _, _ = hostile_run
    for path in (out / "documents").glob("*.json"):
        Record.model_validate_json(path.read_text(encoding="utf-8"))
    for name in ("events.jsonl", "page_events.jsonl", "errors.jsonl"):
        for line in (out / name).read_text(encoding="utf-8").splitlines():
            json.loads(line)
    errors = [ErrorEntry.model_validate_json(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert {e.error for e in errors} == {"EmptyPage"}


def test_hostile_records_say_what_was_wrong(hostile_run):
    _, out, _, _ = hostile_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]

    def record(name: str) -> Record:
        return Record.model_validate_json((out / "documents" / f"{manifest[name]['id']}.json").read_text())

    assert any("impossible date '31 juin 2019' skipped" in w for w in record("impossible.html").warnings)
    assert any("not a valid URL" in w for w in record("brackets.html").warnings)
    assert any("control characters removed" in w for w in record("controls.txt").warnings)
    assert "\x07" not in record("controls.txt").document.text
    sidecar = record("bad-sidecar.html")
    assert sidecar.source.fetched_at is None and sidecar.source.url is None
    assert any("not an http(s) address" in w for w in sidecar.warnings)
    assert "caf\\xe9-r\\xe9union.html" in manifest
    assert record("caf\\xe9-r\\xe9union.html").source.path == "caf\\xe9-r\\xe9union.html"
    assert "Journée régionale" in record("utf16.html").document.text + (record("utf16.html").document.title or "")
    assert any("characters: names, organisations" in w for w in record("huge-dump.txt").warnings)


def _slow_page(raw, name="slow.html"):
    (raw / name).write_text((FIXTURES / "article.html").read_text(encoding="utf-8"), encoding="utf-8")
    (raw / "fine.html").write_text(
        (FIXTURES / "article.html").read_text(encoding="utf-8").replace("journee-regionale-acteurs", "autre"),
        encoding="utf-8",
    )


def _patched_clean(monkeypatch, behaviour):
    real = run_module.clean

    def clean(page):
        if page.path == "slow.html":
            behaviour()
        return real(page)

    monkeypatch.setattr(run_module, "clean", clean)  # the workers fork with it


def _explode() -> None:
    grown = [b"x" * 50_000_000 for _ in range(8)]  # 400 MB, every byte written (calloc would not be)
    time.sleep(30 + len(grown))


@pytest.mark.parametrize(
    ("behaviour", "kind", "timeout"),
    [
        (lambda: time.sleep(30), "PageTimeout", 3),
        (_explode, "PageMemory", 15),
        (lambda: os.kill(os.getpid(), signal.SIGKILL), "PageCrashed", 3),
    ],
    ids=["hangs", "explodes", "kills-its-process"],
)
def test_a_page_that_hangs_explodes_or_crashes_is_stopped_alone(
    monkeypatch, raw_dir, tmp_path, behaviour, kind, timeout
):
    _slow_page(raw_dir)
    _patched_clean(monkeypatch, behaviour)
    options = BatchOptions(workers=1, page_timeout=timeout, page_memory_mb=200)
    started = time.monotonic()
    summary = run_batch(raw_dir, tmp_path / "out", options)
    assert time.monotonic() - started < 25
    [error] = summary.errors
    assert (error.path, error.error) == ("slow.html", kind) and "the other pages went on" in error.message
    assert summary.processed == 1 and summary.failed == 1


def test_a_page_that_breaks_the_model_fails_alone(monkeypatch, raw_dir):
    from pipeline import nlp

    real = nlp.analyse

    def analyse(texts):
        texts = list(texts)
        if any("BOOM" in t for t in texts):
            raise ValueError("[E088] text too long")
        return real(texts)

    monkeypatch.setattr(nlp, "analyse", analyse)
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    (raw_dir / "a.html").write_text(html, encoding="utf-8")
    (raw_dir / "b.html").write_text(html.replace("une centaine", "BOOM").replace("acteurs", "b"), encoding="utf-8")
    outcomes = run_module.process_batch([raw_dir / "a.html", raw_dir / "b.html"], raw_dir)
    assert isinstance(outcomes[0], Record) and isinstance(outcomes[1], ValueError)


def test_outputs_are_0644_and_leftover_temp_files_are_removed(raw_dir, tmp_path):
    (raw_dir / "a.html").write_text((FIXTURES / "article.html").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    (out / "documents").mkdir(parents=True)
    (out / ".events.jsonl.abc123.tmp").write_text("half")
    (out / "documents" / ".x.json.def456.tmp").write_text("half")
    old = os.umask(0o022)
    try:
        run_batch(raw_dir, out, BatchOptions(workers=0))
    finally:
        os.umask(old)
    assert not list(out.rglob("*.tmp"))
    for path in [*out.glob("*.json*"), *(out / "documents").glob("*.json")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_the_output_folder_inside_the_input_is_never_read(raw_dir):
    (raw_dir / "a.html").write_text((FIXTURES / "article.html").read_text(encoding="utf-8"), encoding="utf-8")
    out = raw_dir / "processed"
    run_batch(raw_dir, out, BatchOptions(workers=0))
    again = run_batch(raw_dir, out, BatchOptions(workers=0))
    assert again.total == 1 and again.ignored == 0
