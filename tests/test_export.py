"""export: atomic, reproducible files in the output folder."""

from __future__ import annotations

import json

from pipeline import export
from pipeline.models import Document, ErrorEntry, Event, Record, Source


def _record(record_id: str = "local-a-1234") -> Record:
    return Record(
        id=record_id,
        source=Source(path="a.html", format="html", sha256="0" * 64),
        document=Document(title="Réunion", text="Le 3 mars 2024 à Lyon."),
        events=[Event(name="Réunion", start_date="2024-03-03", end_date="2024-03-03")],
    )


def test_write_atomic_leaves_no_temporary_file(tmp_path):
    export.write_atomic(tmp_path / "x.json", "{}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_records_round_trip_and_events_lines_carry_their_page(tmp_path):
    record = _record()
    path = export.write_record(tmp_path, record)
    assert export.read_record(tmp_path, record.id) == record
    assert path.read_text(encoding="utf-8").endswith("\n") and "Réunion" in path.read_text(encoding="utf-8")
    assert export.write_page_events(tmp_path, [record]) == 1
    [row] = [json.loads(line) for line in (tmp_path / "page_events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert row["document_id"] == record.id and row["source_path"] == "a.html" and row["start_date"] == "2024-03-03"


def test_a_missing_or_broken_record_reads_as_none(tmp_path):
    assert export.read_record(tmp_path, "nothing") is None
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "bad.json").write_text("{not json", encoding="utf-8")
    assert export.read_record(tmp_path, "bad") is None


def test_manifest_is_sorted_and_versioned(tmp_path):
    export.write_manifest(tmp_path, "fp", {"b.html": {"status": "ok"}, "a.html": {"status": "error"}})
    manifest = export.read_manifest(tmp_path)
    assert manifest["pipeline_fingerprint"] == "fp" and list(manifest["inputs"]) == ["a.html", "b.html"]
    (tmp_path / "manifest.json").write_text('{"manifest_version": 0}', encoding="utf-8")
    assert export.read_manifest(tmp_path) == {}


def test_errors_and_stale_documents(tmp_path):
    export.write_errors(tmp_path, [ErrorEntry(path="x.html", error="EmptyPage", message="file is empty")])
    assert json.loads((tmp_path / "errors.jsonl").read_text(encoding="utf-8"))["error"] == "EmptyPage"
    export.write_record(tmp_path, _record("keep"))
    export.write_record(tmp_path, _record("gone"))
    assert export.remove_stale_documents(tmp_path, {"keep"}) == ["gone"]
    assert [p.stem for p in (tmp_path / "documents").iterdir()] == ["keep"]
