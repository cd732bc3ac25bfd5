"""The batch and the CLI: documents, events.jsonl, errors.jsonl, manifest; bad pages; reruns."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.models import Record

from .conftest import FIXTURES, SEEDS

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
    (raw_dir / "photo.html").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)  # a JPEG saved as .html
    (raw_dir / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)  # not a page file: ignored
    html = (FIXTURES / "article.html").read_text().replace("journee-regionale-acteurs", "page-coupee")
    (raw_dir / "truncated.html").write_text(html[: html.index("Après une plénière")])
    (raw_dir / "data.txt").write_text(json.dumps({"items": [1, 2, 3]}))
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
    assert errors["photo.html"]["error"] == "BinaryPage"
    assert errors["data.txt"]["error"] == "NotAPage"
    assert errors["huge.html"]["error"] == "PageTooLarge" and "--max-bytes" in errors["huge.html"]["message"]
    assert set(errors) == {"empty.html", "photo.html", "data.txt", "huge.html"}
    assert "1 other files ignored" in result.output
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
    assert result.exit_code == 0 and "1 processed" in result.output and "1 no longer in the input" in result.output
    assert len(list((out / "documents").glob("*.json"))) == 2  # a vanished page is never wiped without --prune
    manifest = json.loads((out / "manifest.json").read_text())["inputs"]
    assert manifest["other.html"]["missing"] is True and "missing" not in manifest["article.html"]
    pruned = run(raw_dir, "-o", out, "--prune")
    assert pruned.exit_code == 0 and "1 removed" in pruned.output
    [document] = list((out / "documents").glob("*.json"))
    assert "une soixantaine" in document.read_text()
    assert list(json.loads((out / "manifest.json").read_text())["inputs"]) == ["article.html"]


def test_an_input_that_lost_most_of_its_pages_is_refused(raw_dir, tmp_path):
    for n in range(3):
        (raw_dir / f"p{n}.html").write_text(_with_url(f"https://www.exemple-crpv.fr/a{n}"), encoding="utf-8")
    out = tmp_path / "out"
    assert run(raw_dir, "-o", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for n in range(3):
        (raw_dir / f"p{n}.html").unlink()  # the crawl disk did not mount
    for flags in ((), ("--prune",), ("--quiet",)):
        refused = run(raw_dir, "-o", out, *flags)
        assert refused.exit_code == 2 and "the last run knew 3" in refused.output and "Traceback" not in refused.output
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    allowed = run(raw_dir, "-o", out, "--prune", "--allow-shrink")
    assert allowed.exit_code == 0 and list((out / "documents").glob("*.json")) == []


def test_events_and_errors_files_load_as_json_lines(raw_dir, tmp_path):
    shutil.copy(FIXTURES / "article.html", raw_dir / "article.html")
    (raw_dir / "empty.html").write_bytes(b"")
    out = tmp_path / "out"
    run(raw_dir, "-o", out)
    events = [json.loads(line) for line in (out / "page_events.jsonl").read_text().splitlines()]
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    [record] = [Record.model_validate_json(p.read_text()) for p in (out / "documents").glob("*.json")]
    assert len(events) == len(record.events) >= 1
    assert {e["document_id"] for e in events} == {record.id}
    assert events[0]["start_date"] == record.events[0].start_date and events[0]["source_path"] == "article.html"
    assert [(e["path"], e["error"]) for e in errors] == [("empty.html", "EmptyPage")]
    network = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert len(network) == len(events) and all(n["sources"][0]["document_id"] == record.id for n in network)


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
    assert result.exit_code == 75 and "another run" in result.output


def _with_url(url: str, text: str = "") -> str:
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    html = re.sub(r'<link rel="canonical" href="[^"]*"', f'<link rel="canonical" href="{url}"', html)
    return html.replace("</article>", f"<p>{text}</p></article>") if text else html


def test_two_files_of_one_canonical_url_give_one_record_and_exit_0(raw_dir, tmp_path):
    url = "https://www.exemple-crpv.fr/actualites/journee-regionale-acteurs"
    (raw_dir / "page.html").write_text(_with_url(url), encoding="utf-8")
    (raw_dir / "print.html").write_text(
        _with_url(url, "Un paragraphe de plus, que seule cette copie garde. " * 3), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run(raw_dir, "-o", out)
    assert result.exit_code == 0, result.output
    [document] = list((out / "documents").glob("*.json"))
    record = Record.model_validate_json(document.read_text(encoding="utf-8"))
    assert record.source.path == "print.html"  # no fetch date on either: the longer text wins
    assert any("same canonical URL as page.html" in w and "longer text" in w for w in record.warnings)
    manifest = json.loads((out / "manifest.json").read_text())["inputs"]
    assert manifest["page.html"]["status"] == "duplicate" and manifest["page.html"]["duplicate_of"] == "print.html"
    assert (out / "errors.jsonl").read_text() == ""
    assert "1 duplicates of another page" in result.output
    snapshot = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = run(raw_dir, "-o", out)
    assert again.exit_code == 0 and "2 unchanged" in again.output
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == snapshot


def test_the_page_fetched_last_wins_and_a_gone_winner_hands_over(raw_dir, tmp_path):
    url = "https://www.exemple-crpv.fr/actualites/journee-regionale-acteurs"
    for name, when in (("old.html", "2024-01-01T00:00:00Z"), ("new.html", "2025-06-01T00:00:00Z")):
        (raw_dir / name).write_text(_with_url(url), encoding="utf-8")
        (raw_dir / name.replace(".html", ".meta.json")).write_text(json.dumps({"url": url, "fetched_at": when}))
    out = tmp_path / "out"
    assert run(raw_dir, "-o", out).exit_code == 0
    [document] = list((out / "documents").glob("*.json"))
    assert Record.model_validate_json(document.read_text()).source.path == "new.html"
    (raw_dir / "new.html").unlink()
    (raw_dir / "new.meta.json").unlink()
    result = run(raw_dir, "-o", out)
    assert result.exit_code == 0
    [document] = list((out / "documents").glob("*.json"))
    record = Record.model_validate_json(document.read_text())
    assert record.source.path == "old.html"  # a page still in the input wins over one that is gone
    assert any("same canonical URL as new.html" in w for w in record.warnings)
    assert run(raw_dir, "-o", out, "--prune").exit_code == 0
    record = Record.model_validate_json(document.read_text())
    assert record.source.path == "old.html" and not any("same canonical URL" in w for w in record.warnings)


def test_spip_articles_with_their_query_string_are_two_records(raw_dir, tmp_path):
    for number in (612, 613):
        html = _with_url(f"https://www.exemple-crpv.fr/spip.php?article{number}").replace(
            "Journée régionale", f"Journée {number}"
        )
        (raw_dir / f"a{number}.html").write_text(html, encoding="utf-8")
    out = tmp_path / "out"
    assert run(raw_dir, "-o", out).exit_code == 0
    assert len(list((out / "documents").glob("*.json"))) == 2


def test_progress_is_heard_once_per_page_and_the_model_load_is_said(raw_dir, tmp_path):
    from pipeline.run import BatchOptions, run_batch

    shutil.copy(FIXTURES / "article.html", raw_dir / "article.html")
    shutil.copy(FIXTURES / "agenda.html", raw_dir / "agenda.html")
    (raw_dir / "empty.html").write_bytes(b"")
    pages, statuses = [], []
    options = BatchOptions(workers=0)
    run_batch(raw_dir, tmp_path / "out", options, on_page=pages.append, on_status=statuses.append)
    assert sorted(pages) == ["agenda.html", "article.html", "empty.html"]  # each once, the failed one too
    assert statuses[0] == "chargement du modèle de langue" and "extraction" in statuses
    pages.clear()
    run_batch(raw_dir, tmp_path / "out", options, on_page=pages.append)  # nothing new: each once still
    assert sorted(pages) == ["agenda.html", "article.html", "empty.html"]
