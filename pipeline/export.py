"""Export: records -> files in the output directory, atomically and byte-for-byte reproducibly.

Layout of ``OUT_DIR``:
  documents/<id>.json   one validated ``Record`` per page (pretty JSON, UTF-8)
  events.jsonl          one network event per line (consolidate.NetworkEvent): the main output for analysts
  events/<id>.json      the same network events, one file each
  page_events.jsonl     one line per page event: the ``Event`` plus ``document_id``, ``source_path``, ``site``
  errors.jsonl          one ``ErrorEntry`` per page that could not be processed
  manifest.json         input path -> sha256, record id, status: what the next run may skip

Every file is written to a temporary file in the same directory and renamed over the old one, so a
reader (or a crash) never sees half a file. Nothing time-dependent goes into these files.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .models import ErrorEntry, Record

MANIFEST_VERSION = 1


TEMP_SUFFIX = ".tmp"
SPOOL = ".crpv-spool"  # the records a run made, until it writes them (removed at the end, or by the next run)
PAGE_EVENTS = "page_events.jsonl"
NETWORK_EVENTS = "events.jsonl"
FORMER_NETWORK_EVENTS = "network_events.jsonl"  # the network events' file before events.jsonl held them


@lru_cache(maxsize=1)
def _file_mode() -> int:
    """0644 under the usual umask: what a file the user writes gets (mkstemp's own is 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, bytes as they are) to ``path`` via a temporary file and a rename;
    never leaves a partial file, even when the process is killed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), _file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_leftovers(out_dir: Path) -> list[str]:
    """Delete the temporary files a killed run left in ``out_dir`` (they are never read)."""
    removed = []
    if (out_dir / SPOOL).is_dir():
        shutil.rmtree(out_dir / SPOOL, ignore_errors=True)
        removed.append(SPOOL)
    for folder in (out_dir, out_dir / "documents"):
        for path in sorted(folder.glob(f".*{TEMP_SUFFIX}")) if folder.is_dir() else []:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def jsonl(rows: Iterable[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def document_path(out_dir: Path, record_id: str) -> Path:
    return out_dir / "documents" / f"{record_id}.json"


def write_record(out_dir: Path, record: Record) -> Path:
    path = document_path(out_dir, record.id)
    write_atomic(path, dumps(record.model_dump(mode="json")))
    return path


def read_record(out_dir: Path, record_id: str) -> Record | None:
    """The record ``documents/<id>.json`` holds, or None when it is missing or not a valid record."""
    try:
        return Record.model_validate_json(document_path(out_dir, record_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_records(out_dir: Path) -> list[Record]:
    """The records of an output folder that its manifest lists as ok, by id; a folder without a
    manifest is a usage error (it is not an output folder of ``crpv extract``)."""
    from .errors import UsageError

    manifest = read_manifest(out_dir)
    if not manifest:
        raise UsageError(f"{out_dir} holds no manifest.json: run crpv extract first")
    ids = sorted({e["id"] for e in manifest.get("inputs", {}).values() if e.get("status") == "ok"})
    return [r for r in (read_record(out_dir, i) for i in ids) if r is not None]


def event_rows(records: Iterable[Record]) -> list[dict]:
    """Flat rows for page_events.jsonl: each event with the id, path and site of the page that reported it."""
    rows = []
    for record in records:
        for index, event in enumerate(record.events):
            row = {
                "document_id": record.id,
                "event_index": index,
                "source_path": record.source.path,
                "site": record.source.site,
            }
            row.update(event.model_dump(mode="json"))
            rows.append(row)
    return rows


def write_page_events(out_dir: Path, records: Iterable[Record]) -> int:
    rows = event_rows(records)
    write_atomic(out_dir / PAGE_EVENTS, jsonl(rows))
    return len(rows)


def write_network_events(out_dir: Path, events: list) -> int:
    """``events.jsonl`` (one network event per line) and ``events/<id>.json`` (the same, one file
    each; files of events that no longer exist are removed)."""
    folder = out_dir / "events"
    folder.mkdir(parents=True, exist_ok=True)
    keep = set()
    for event in events:
        content = dumps(event.model_dump(mode="json"))
        path = folder / f"{event.id}.json"
        keep.add(path.name)
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            write_atomic(path, content)
    for path in folder.glob("*.json"):
        if path.name not in keep:
            path.unlink(missing_ok=True)
    write_atomic(out_dir / NETWORK_EVENTS, jsonl(e.model_dump(mode="json") for e in events))
    (out_dir / FORMER_NETWORK_EVENTS).unlink(missing_ok=True)  # its ids were read back: one file holds them now
    return len(events)


def write_errors(out_dir: Path, errors: Iterable[ErrorEntry]) -> None:
    write_atomic(out_dir / "errors.jsonl", jsonl(e.model_dump(mode="json") for e in errors))


def read_manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("manifest_version") == MANIFEST_VERSION:
            return data
    except (OSError, ValueError):
        pass
    return {}


def write_manifest(out_dir: Path, fingerprint: str, inputs: dict[str, dict], run: dict | None = None) -> None:
    """``manifest.json``: the inputs, and what the run that wrote it counted (``run``: the corrections'
    sha256, the page events and network events, the corrections' warnings), so that a run that finds
    nothing new can say the same without reading a record."""
    data = {
        "manifest_version": MANIFEST_VERSION,
        "pipeline_fingerprint": fingerprint,
        **(run or {}),
        "inputs": {path: inputs[path] for path in sorted(inputs)},
    }
    write_atomic(out_dir / "manifest.json", dumps(data))


def remove_stale_documents(out_dir: Path, keep_ids: set[str]) -> list[str]:
    """Delete documents/<id>.json whose page is no longer in the input; return the removed ids."""
    removed = []
    for path in sorted((out_dir / "documents").glob("*.json")):
        if path.stem not in keep_ids:
            path.unlink()
            removed.append(path.stem)
    return removed
