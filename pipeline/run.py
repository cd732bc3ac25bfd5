"""Run: the stages put together. One page: load -> clean -> extract -> ``Record``; a folder: the batch.

``process_page`` is the whole pipeline for one file and raises a ``PageError`` for a bad page.
``run_batch`` walks a raw folder, skips pages whose bytes (and the pipeline) did not change since the
last run, turns every failure into an ``ErrorEntry`` and rewrites events.jsonl, errors.jsonl and the
manifest from the current state, so the output always describes exactly the current input folder.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__, entities, events, export, nlp
from .clean import clean, image_dates, site_of
from .dates import extract_dates
from .gazetteer import load_gazetteer
from .places import load_places
from .errors import PageError
from .load import DEFAULT_MAX_BYTES, iter_pages, load_page
from .models import SCHEMA_VERSION, Document, Entities, ErrorEntry, Event, LoadedPage, Place, Record, Source

LOGGER = logging.getLogger(__name__)

# Pages handed to the NLP stage at once (spaCy's nlp.pipe batches within it).
BATCH_SIZE = 32


def record_id(url: str | None, path: str) -> str:
    """Stable id: '<site>-<hash>' of the canonical absolute URL (scheme, www., query, trailing / ignored),
    else 'local-<hash>' of the input path."""
    if url and (parts := urlsplit(url)).hostname:
        host = parts.hostname.removeprefix("www.")
        key = f"{host}{parts.path.rstrip('/') or '/'}"
        return f"{host}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"
    stem = re.sub(r"[^\w.-]+", "-", Path(path).stem).strip("-")[:40] or "page"
    return f"local-{stem}-{hashlib.sha1(path.encode()).hexdigest()[:8]}"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Changes whenever the code version, the schema or a packaged data file changes: a new fingerprint
    makes the next batch redo every page instead of skipping it."""
    digest = hashlib.sha256(f"{__version__}/{SCHEMA_VERSION}".encode())
    for item in sorted(_data_files(resources.files("pipeline.data")), key=str):
        digest.update(str(item).encode())
        digest.update(item.read_bytes())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def _data_files(folder) -> list:
    files = []
    for item in folder.iterdir():
        if item.is_dir():
            files += _data_files(item)
        elif not item.name.endswith((".py", ".pyc")):
            files.append(item)
    return files


def prepare() -> None:
    """Load what every page needs (gazetteer, place index, the spaCy model) once per process."""
    load_gazetteer()
    load_places()
    nlp.load_model()


def _document(path: Path, raw_dir: Path, max_bytes: int) -> tuple[LoadedPage, Document, list[str]]:
    page = load_page(path, raw_dir, max_bytes=max_bytes)
    document, clean_warnings = clean(page)
    warnings = page.warnings + clean_warnings
    if document.language and document.language != "fr":
        warnings.append(f"page language looks like '{document.language}', not French: no entities extracted")
    return page, document, warnings


def _extract(document: Document, doc, title_doc, fetched_at: str | None) -> tuple[Entities, list[Event], list[str]]:
    """dates -> places -> organisations -> people -> events, for one French document."""
    text = document.text
    warnings: list[str] = []
    dates, title_dates, anchor = extract_dates(
        text, document.published, image_dates(document.images), fetched_at, document.title or ""
    )
    if anchor is None and any(e.precision != "year" for e in dates):
        warnings.append("no anchor for partial dates (no publication date, no full date in the text)")
    elif anchor is not None and anchor.source != "published":
        warnings.append(f"partial dates resolved against {anchor.day.isoformat()} ({anchor.source}): no publication date")
    person_spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"]
    place_spans = entities.find_places(text, person_spans)
    org_spans = entities.find_organisations(text, doc, place_spans)
    people = entities.find_people(text, doc, org_spans)
    place_spans = entities.keep_places(place_spans, org_spans, people)
    places = entities.places_entities(text, place_spans)
    title = document.title or ""
    for _, _, place in load_places().find_in_text(title):
        if place.name not in {p.name for p in places}:
            places.append(Place(name=place.name, kind=entities._place_kind(place.kind), insee=place.insee, region=place.region, rule="places:title"))
    found = Entities(
        dates=dates, people=people, organisations=entities.organisations_entities(text, org_spans), places=places,
    )
    sentences = [part for s in doc.sents for part in _split_lines(text, s.start_char, s.end_char)]
    title_orgs = entities.find_organisations(title, title_doc, load_places().find_in_text(title)) if title else []
    found_events = events.extract_events(
        text, title, sentences, dates, title_dates, org_spans, place_spans, document.publisher_id, document.published,
        title_orgs,
    )
    return found, found_events, warnings


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence never runs over a line break (a heading, a list item, a field of a listing)."""
    parts, cursor = [], start
    while (newline := text.find("\n", cursor, end)) != -1:
        parts.append((cursor, newline))
        cursor = newline + 1
    parts.append((cursor, end))
    return [(s, e) for s, e in parts if e > s]


def _record(page: LoadedPage, document: Document, warnings: list[str], extracted=None) -> Record:
    sidecar = page.sidecar
    absolute = document.url if document.url and urlsplit(document.url).hostname else None
    url = absolute or (sidecar.url if sidecar else None) or document.url
    source = Source(
        path=page.path,
        url=url,
        site=document.site or site_of(url),
        format=page.format,
        sha256=page.sha256,
        encoding=page.encoding,
        fetched_at=sidecar.fetched_at if sidecar else None,
    )
    found, found_events, extract_warnings = extracted or (Entities(), [], [])
    record = Record(
        id=record_id(url, page.path), source=source, document=document, events=found_events, entities=found,
        warnings=warnings + extract_warnings,
    )
    return Record.model_validate(record.model_dump())


def process_batch(paths: list[Path], raw_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Record | Exception]:
    """Every page through every stage; a page that fails gives its exception in place of a record."""
    loaded: list[tuple | Exception] = []
    for path in paths:
        try:
            loaded.append(_document(path, raw_dir, max_bytes))
        except Exception as exc:  # noqa: BLE001 - the caller turns it into an error line
            loaded.append(exc)
    french = [i for i, item in enumerate(loaded) if not isinstance(item, Exception) and item[1].language in (None, "fr")]
    docs = dict(zip(french, nlp.analyse(loaded[i][1].text for i in french)))
    title_docs = dict(zip(french, nlp.analyse(loaded[i][1].title or "" for i in french)))
    outcomes: list[Record | Exception] = []
    for i, item in enumerate(loaded):
        if isinstance(item, Exception):
            outcomes.append(item)
            continue
        page, document, warnings = item
        try:
            fetched_at = page.sidecar.fetched_at if page.sidecar else None
            extracted = _extract(document, docs[i], title_docs[i], fetched_at) if i in docs else None
            outcomes.append(_record(page, document, warnings, extracted))
        except Exception as exc:  # noqa: BLE001
            outcomes.append(exc)
    return outcomes


def process_page(path: Path, raw_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Record:
    """One page through every stage. Raises a ``PageError`` subclass for a page that cannot be used."""
    [outcome] = process_batch([path], raw_dir, max_bytes)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@dataclass
class BatchSummary:
    total: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    events: int = 0
    removed: int = 0
    errors: list[ErrorEntry] = field(default_factory=list)

    def line(self, out_dir: Path) -> str:
        parts = [f"{self.total} pages: {self.processed} processed, {self.skipped} unchanged, {self.failed} failed"]
        if self.removed:
            parts.append(f"{self.removed} removed (no longer in the input)")
        parts.append(f"{self.events} events")
        text = "; ".join(parts) + f" -> {out_dir}"
        if self.failed:
            text += f" (reasons in {out_dir / 'errors.jsonl'})"
        return text


def _error_entry(rel: str, exc: Exception, sha256: str | None) -> ErrorEntry:
    if isinstance(exc, PageError):
        return ErrorEntry(path=rel, error=type(exc).__name__, message=str(exc), sha256=sha256)
    LOGGER.debug("internal error on %s", rel, exc_info=exc)
    return ErrorEntry(path=rel, error="InternalError", message=f"{type(exc).__name__}: {exc} (please report this page)", sha256=sha256)


def _store(outcome, rel: str, sha256: str | None, out_dir: Path, records: dict, inputs: dict, summary: BatchSummary) -> None:
    """Write one page's record, or note its error; a second page with the same id is an error."""
    if isinstance(outcome, Exception):
        entry = _error_entry(rel, outcome, sha256)
    elif duplicate := next((p for p, r in records.items() if r.id == outcome.id), None):
        entry = ErrorEntry(
            path=rel, error="DuplicatePage", sha256=sha256,
            message=f"same canonical URL as {duplicate} (record {outcome.id}); kept {duplicate}",
        )
    else:
        export.write_record(out_dir, outcome)
        records[rel] = outcome
        inputs[rel] = {"sha256": sha256, "status": "ok", "id": outcome.id}
        summary.processed += 1
        return
    summary.errors.append(entry)
    summary.failed += 1
    inputs[rel] = {"sha256": sha256, "status": "error", "error": entry.model_dump(mode="json")}


def run_batch(
    raw_dir: Path,
    out_dir: Path,
    *,
    force: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_page: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Process every page below ``raw_dir`` into ``out_dir``; a failing page never stops the run."""
    summary = BatchSummary()
    previous = export.read_manifest(out_dir)
    fp = fingerprint()
    reuse = not force and previous.get("pipeline_fingerprint") == fp
    old_inputs: dict[str, dict] = previous.get("inputs", {}) if reuse else {}
    inputs: dict[str, dict] = {}
    records: dict[str, Record] = {}
    paths = iter_pages(raw_dir)
    summary.total = len(paths)
    pending: list[tuple[Path, str, str | None]] = []
    for path in paths:
        rel = path.relative_to(raw_dir).as_posix()
        try:
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size <= max_bytes else None
        except OSError as exc:
            sha256 = None
            LOGGER.debug("cannot read %s: %s", rel, exc)
        old = old_inputs.get(rel)
        if old and sha256 and old.get("sha256") == sha256:
            if old["status"] == "ok" and (record := export.read_record(out_dir, old["id"])) is not None:
                records[rel] = record
                inputs[rel] = old
                summary.skipped += 1
                if on_page:
                    on_page(rel)
                continue
            if old["status"] == "error":
                inputs[rel] = old
                summary.errors.append(ErrorEntry.model_validate(old["error"]))
                summary.skipped += 1
                summary.failed += 1
                if on_page:
                    on_page(rel)
                continue
        pending.append((path, rel, sha256))
    for start in range(0, len(pending), BATCH_SIZE):
        chunk = pending[start : start + BATCH_SIZE]
        outcomes = process_batch([path for path, _, _ in chunk], raw_dir, max_bytes=max_bytes)
        for (_, rel, sha256), outcome in zip(chunk, outcomes):
            if on_page:
                on_page(rel)
            _store(outcome, rel, sha256, out_dir, records, inputs, summary)
    (out_dir / "documents").mkdir(parents=True, exist_ok=True)
    summary.removed = len(export.remove_stale_documents(out_dir, {r.id for r in records.values()}))
    summary.events = export.write_events(out_dir, (records[p] for p in sorted(records)))
    export.write_errors(out_dir, sorted(summary.errors, key=lambda e: e.path))
    export.write_manifest(out_dir, fp, inputs)
    return summary
