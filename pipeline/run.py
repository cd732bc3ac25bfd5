"""Run: the stages in order. One page: load -> clean -> nlp -> dates -> entities -> events -> ``Record``;
a folder: the batch.

``process_batch`` takes pages through every stage, a batch at a time (the NLP stage runs on the whole
batch at once) and gives a ``Record`` or the page's exception for each. ``run_batch`` walks a raw folder,
skips pages whose bytes (and the pipeline) did not change since the last run, keeps one record per
canonical URL, turns every failure into an ``ErrorEntry`` and rewrites events.jsonl, errors.jsonl and
the manifest from the current state, so the output always describes exactly the current input folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__, dates, entities, events, export, nlp, resources, settings
from .clean import clean
from .errors import PageError
from .gazetteer import load_gazetteer
from .load import iter_pages, load_page
from .models import SCHEMA_VERSION, ErrorEntry, PageAnalysis, Record, Source
from .places import load_places
from .urls import is_web_url, record_id, site_of

LOGGER = logging.getLogger(__name__)

# The extraction stages, in order: each reads what it needs from the page context and adds its part.
STAGES: tuple[Callable[[PageAnalysis], None], ...] = (dates.process, entities.process, events.process)

DUPLICATE_WARNING = "same canonical URL as"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Changes whenever the code version, the schema, a packaged data file, a module or the settings in
    force change: a new fingerprint makes the next batch redo every page instead of skipping it."""
    digest = hashlib.sha256(f"{__version__}/{SCHEMA_VERSION}".encode())
    for item in resources.all_files():
        digest.update(str(item).encode())
        digest.update(item.read_bytes())
    for module in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(module.read_bytes())
    digest.update(json.dumps(settings.current().as_dict(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def prepare() -> None:
    """Load what every page needs (gazetteer, place index, the spaCy model) once per process."""
    load_gazetteer()
    load_places()
    nlp.load_model()


def read_page(path: Path, raw_dir: Path, max_bytes: int | None = None) -> PageAnalysis:
    """load -> clean: the page context of one file, ready for the extraction stages."""
    page = load_page(path, raw_dir, max_bytes=max_bytes)
    document, clean_warnings = clean(page)
    analysis = PageAnalysis(page=page, document=document, warnings=page.warnings + clean_warnings)
    if not analysis.extractable:
        analysis.warnings.append(f"page language looks like '{document.language}', not French: no entities extracted")
    return analysis


def record(analysis: PageAnalysis) -> Record:
    """The page context -> the validated ``Record`` written to ``documents/<id>.json``."""
    page, document = analysis.page, analysis.document
    sidecar = page.sidecar
    absolute = document.url if is_web_url(document.url) else None
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
    result = Record(
        id=record_id(url, page.path),
        source=source,
        document=document,
        events=analysis.events,
        entities=analysis.entities,
        warnings=analysis.warnings,
    )
    return Record.model_validate(result.model_dump())


def process_batch(paths: list[Path], raw_dir: Path, max_bytes: int | None = None) -> list[Record | Exception]:
    """Every page through every stage; a page that fails gives its exception in place of a record."""
    read: list[PageAnalysis | Exception] = []
    for path in paths:
        try:
            read.append(read_page(path, raw_dir, max_bytes))
        except Exception as exc:
            read.append(exc)
    nlp.process([a for a in read if isinstance(a, PageAnalysis) and a.extractable])
    outcomes: list[Record | Exception] = []
    for analysis in read:
        if isinstance(analysis, Exception):
            outcomes.append(analysis)
            continue
        try:
            if analysis.extractable:
                for stage in STAGES:
                    stage(analysis)
            outcomes.append(record(analysis))
        except Exception as exc:
            outcomes.append(exc)
    return outcomes


def process_page(path: Path, raw_dir: Path, max_bytes: int | None = None) -> Record:
    """One page through every stage. Raises a ``PageError`` subclass for a page that cannot be used."""
    [outcome] = process_batch([path], raw_dir, max_bytes)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


# --- the batch -------------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    total: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates: int = 0
    events: int = 0
    removed: int = 0
    errors: list[ErrorEntry] = field(default_factory=list)

    def line(self, out_dir: Path) -> str:
        parts = [f"{self.total} pages: {self.processed} processed, {self.skipped} unchanged, {self.failed} failed"]
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates of another page (one record each)")
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
    return ErrorEntry(
        path=rel, error="InternalError", message=f"{type(exc).__name__}: {exc} (please report this page)", sha256=sha256
    )


@dataclass
class _Page:
    """One input page in this run: its record (fresh or read back), what the manifest knows of it when
    it was a duplicate of another page and did not change, or its error."""

    rel: str
    sha256: str | None
    path: Path | None = None
    record: Record | None = None
    error: ErrorEntry | None = None
    stored: str | None = None  # the record as it is on disk, when it was not redone
    known: dict | None = None  # the manifest entry of an unchanged duplicate (its record is not on disk)

    @property
    def id(self) -> str | None:
        return self.record.id if self.record else (self.known or {}).get("id")

    @property
    def fetched_at(self) -> str:
        if self.record:
            return self.record.source.fetched_at or ""
        return (self.known or {}).get("fetched_at") or ""

    @property
    def text_chars(self) -> int:
        return len(self.record.document.text) if self.record else (self.known or {}).get("text_chars", 0)


def _without_duplicate_warning(record: Record) -> Record:
    warnings = [w for w in record.warnings if not w.startswith(DUPLICATE_WARNING)]
    return record if warnings == record.warnings else record.model_copy(update={"warnings": warnings})


def _rank(page: _Page) -> tuple:
    """Among pages of one canonical URL: the one fetched last, else the longer text, else the first path."""
    return (page.fetched_at, page.text_chars, [-ord(c) for c in page.rel])


def _groups(pages: list[_Page]) -> dict[str, list[_Page]]:
    """Pages that share a record id (one canonical URL), best first."""
    by_id: dict[str, list[_Page]] = {}
    for page in pages:
        if page.id is not None and page.error is None:
            by_id.setdefault(page.id, []).append(page)
    return {key: sorted(group, key=_rank, reverse=True) for key, group in by_id.items() if len(group) > 1}


def _mark_winner(record_key: str, group: list[_Page]) -> None:
    winner, others = group[0], group[1:]
    why = (
        "fetched last"
        if winner.fetched_at > others[0].fetched_at
        else ("longer text" if winner.text_chars > others[0].text_chars else "first path")
    )
    warning = (
        f"{DUPLICATE_WARNING} {', '.join(p.rel for p in others)} (record {record_key}): "
        f"this record is from {winner.rel} ({why})"
    )
    winner.record = winner.record.model_copy(update={"warnings": [*winner.record.warnings, warning]})


def _process(todo: list[_Page], raw_dir: Path, max_bytes: int, summary: BatchSummary, on_page) -> None:
    batch_size = settings.section("run").batch_size
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        outcomes = process_batch([page.path for page in chunk], raw_dir, max_bytes=max_bytes)
        for page, outcome in zip(chunk, outcomes):
            if on_page:
                on_page(page.rel)
            page.known = None
            if isinstance(outcome, Exception):
                page.error = _error_entry(page.rel, outcome, page.sha256)
            else:
                page.record = outcome
                summary.processed += 1


def run_batch(
    raw_dir: Path,
    out_dir: Path,
    *,
    force: bool = False,
    max_bytes: int | None = None,
    on_page: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Process every page below ``raw_dir`` into ``out_dir``; a failing page never stops the run."""
    max_bytes = max_bytes or settings.section("load").max_bytes
    summary = BatchSummary()
    previous = export.read_manifest(out_dir)
    fp = fingerprint()
    reuse = not force and previous.get("pipeline_fingerprint") == fp
    old_inputs: dict[str, dict] = previous.get("inputs", {}) if reuse else {}
    paths = iter_pages(raw_dir)
    summary.total = len(paths)
    pages: list[_Page] = []
    pending: list[_Page] = []
    for path in paths:
        rel = path.relative_to(raw_dir).as_posix()
        try:
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size <= max_bytes else None
        except OSError as exc:
            sha256 = None
            LOGGER.debug("cannot read %s: %s", rel, exc)
        page = _Page(rel, sha256, path)
        pages.append(page)
        old = old_inputs.get(rel)
        if old and sha256 and old.get("sha256") == sha256:
            stored = export.read_record_text(out_dir, old["id"]) if old["status"] == "ok" else None
            if stored is not None:
                page.record, page.stored = stored
            elif old["status"] == "duplicate":
                page.known = old
            elif old["status"] == "error":
                page.error = ErrorEntry.model_validate(old["error"])
            if page.record or page.known or page.error:
                summary.skipped += 1
                if on_page:
                    on_page(rel)
                continue
        pending.append(page)
    _process(pending, raw_dir, max_bytes, summary, on_page)
    # an unchanged duplicate whose page now wins (the other changed or went) is read again
    again = [group[0] for group in _groups(pages).values() if group[0].record is None]
    again += [p for p in pages if p.known and p.known.get("id") not in _groups(pages)]
    if again:
        summary.skipped -= len(again)
        _process(again, raw_dir, max_bytes, summary, None)
    return _write_outputs(out_dir, fp, pages, summary)


def _write_outputs(out_dir: Path, fp: str, pages: list[_Page], summary: BatchSummary) -> BatchSummary:
    for page in pages:
        if page.record is not None:
            page.record = _without_duplicate_warning(page.record)
    groups = _groups(pages)
    for record_key, group in groups.items():
        _mark_winner(record_key, group)
    losers = {id(p): group[0] for group in groups.values() for p in group[1:]}
    inputs: dict[str, dict] = {}
    kept: dict[str, Record] = {}
    for page in pages:
        if page.error is not None:
            summary.errors.append(page.error)
            summary.failed += 1
            inputs[page.rel] = {"sha256": page.sha256, "status": "error", "error": page.error.model_dump(mode="json")}
            continue
        if page.id is None:
            continue
        entry = {
            "sha256": page.sha256,
            "status": "ok",
            "id": page.id,
            "fetched_at": page.fetched_at or None,
            "text_chars": page.text_chars,
        }
        if id(page) in losers:
            winner = losers[id(page)]
            entry.update(
                status="duplicate",
                duplicate_of=winner.rel,
                warning=f"{DUPLICATE_WARNING} {winner.rel}: the record {page.id} of that page stands for this one",
            )
            summary.duplicates += 1
        else:
            content = export.dumps(page.record.model_dump(mode="json"))
            if content != page.stored:
                export.write_atomic(export.document_path(out_dir, page.id), content)
            kept[page.rel] = page.record
        inputs[page.rel] = entry
    (out_dir / "documents").mkdir(parents=True, exist_ok=True)
    summary.removed = len(export.remove_stale_documents(out_dir, {r.id for r in kept.values()}))
    summary.events = export.write_events(out_dir, (kept[p] for p in sorted(kept)))
    export.write_errors(out_dir, sorted(summary.errors, key=lambda e: e.path))
    export.write_manifest(out_dir, fp, inputs)
    return summary
