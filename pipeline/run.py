"""Run: the stages in order. One page: load -> clean -> nlp -> dates -> entities -> events -> ``Record``;
a folder: the batch.

``process_batch`` takes pages through every stage, a batch at a time (the NLP stage runs on the whole
batch at once) and gives a ``Record`` or the page's exception for each. ``run_batch`` walks a raw folder,
skips pages whose bytes (and the pipeline) did not change since the last run, keeps one record per
canonical URL, turns every failure into an ``ErrorEntry`` and rewrites events.jsonl (network events),
page_events.jsonl, errors.jsonl and the manifest from the current state, so the output always describes
exactly the current input folder.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__, consolidate, export, resources, settings
from .errors import PageError, UsageError
from .load import display_path, load_page, scan_inputs
from .models import SCHEMA_VERSION, Document, Entities, ErrorEntry, PageAnalysis, Record, Source
from .text import dominant_apostrophe
from .urls import is_web_url, record_id, site_of

LOGGER = logging.getLogger(__name__)

# The stages, in the order data flows: load -> clean -> nlp (a batch at once) -> then these extraction
# stages, each the ``process`` of its module, which reads what it needs from the page context and adds
# its part. Each is imported when a page first needs it: a run with nothing new loads none of them.
STAGES: tuple[str, ...] = ("dates", "entities", "events")


def clean(page):
    """The clean stage (``pipeline/clean/``), imported on first use (it brings trafilatura and lxml)."""
    from .clean import clean as stage

    return stage(page)


@lru_cache(maxsize=1)
def _stages() -> tuple[Callable[[PageAnalysis], None], ...]:
    import importlib

    return tuple(importlib.import_module(f".{name}", __package__).process for name in STAGES)


DUPLICATE_WARNING = "same canonical URL as"
# A record that cannot be written for a reason of its own (its name): that page's error, not the run's.
CORRECTIONS = "corrections.toml"  # beside the raw/ folder: a documentalist's fixes, applied by every run
_PAGE_WRITE_ERRORS = {errno.ENAMETOOLONG, errno.EINVAL, errno.EILSEQ}


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
    """Load what every page needs (gazetteer, place index, the spaCy model, the stages) once per process."""
    from . import nlp
    from .gazetteer import load_gazetteer
    from .places import load_places

    load_gazetteer()
    load_places()
    nlp.load_model()
    _stages()


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
    ).model_dump()
    _page_characters(result, document.text, document.title or "")
    return Record.model_validate(result)


def _page_characters(data: dict, text: str, title: str = "") -> None:
    """The stages read the text's ``view``; the record gives back the page's own characters: a value
    with a span is that span of the text (of the title under a 'title:' rule), a name or role read in
    it takes the page's apostrophe (canonical names of the gazetteer and of the COG stay as they are)."""
    apostrophe = dominant_apostrophe(text)

    def spans(node, source: str) -> None:
        if isinstance(node, dict):
            if str(node.get("rule") or "").startswith("title:"):
                source = title
            span = node.get("span")
            fits = span and 0 <= span[0] <= span[1] <= len(source)
            if isinstance(node.get("text"), str) and fits and len(node["text"]) == span[1] - span[0]:
                node["text"] = source[span[0] : span[1]]
            for value in node.values():
                spans(value, source)
        elif isinstance(node, list):
            for value in node:
                spans(value, source)

    def written(value: str | None) -> str | None:
        return value.replace("'", apostrophe) if value and apostrophe != "'" else value

    spans(data["entities"], text)
    spans(data["events"], text)
    for person in data["entities"]["people"]:
        person["name"], person["role"] = written(person["name"]), written(person["role"])
        if not person.get("organisation_id"):
            person["organisation"] = written(person.get("organisation"))
    for org in data["entities"]["organisations"]:
        if not org.get("id") or org.get("rule") == "gazetteer+place":
            org["name"] = written(org["name"])
    for event in data["events"]:
        event["name"] = written(event["name"])
        for org in event["organisers"]:
            org["name"] = org["name"] if org.get("id") else written(org["name"])
        if event.get("location") and event["location"].get("venue"):
            event["location"]["venue"] = written(event["location"]["venue"])
        if event.get("participants"):
            event["participants"]["unit"] = written(event["participants"].get("unit"))


def process_batch(
    paths: list[Path],
    raw_dir: Path,
    max_bytes: int | None = None,
    report: Callable[[str, list[int]], None] | None = None,
) -> list[Record | Exception]:
    """Every page through every stage; a page that fails, in any stage, gives its exception in place of a
    record and the others go on. ``report(phase, positions)`` hears what is being done: "read" one
    page, "nlp" on the batch, "extract" one page (the pool holds each to the time limit)."""
    from . import nlp

    read: list[PageAnalysis | Exception] = []
    for position, path in enumerate(paths):
        if report:
            report("read", [position])
        try:
            read.append(read_page(path, raw_dir, max_bytes))
        except Exception as exc:
            read.append(exc)
    french = [i for i, a in enumerate(read) if isinstance(a, PageAnalysis) and a.extractable]
    if french:
        if report:
            report("nlp", french)
        try:
            nlp.process([read[i] for i in french])
        except Exception:  # one page broke the batch: each page alone, so that only that one fails
            for i in french:
                try:
                    nlp.process([read[i]])
                except Exception as exc:
                    read[i] = exc
    outcomes: list[Record | Exception] = []
    for position, analysis in enumerate(read):
        if isinstance(analysis, Exception):
            outcomes.append(analysis)
            continue
        if report:
            report("extract", [position])
        try:
            if analysis.extractable:
                for stage in _stages():
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


class InputShrank(UsageError):
    """The input folder holds far fewer pages than the last run knew (a crawl disk that did not mount)."""


@dataclass
class BatchOptions:
    """How ``run_batch`` goes about it (the ``crpv extract`` options)."""

    force: bool = False  # redo every page, even unchanged ones
    prune: bool = False  # drop the records of pages no longer in the input
    allow_shrink: bool = False  # go on when the input lost more than half of the pages the last run knew
    max_bytes: int | None = None
    workers: int = 1  # processes (the CLI's default: the machine's cores); 0 runs here, without limits
    page_timeout: float = 60.0
    page_memory_mb: float = 1000.0


@dataclass
class BatchSummary:
    total: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates: int = 0
    events: int = 0
    network_events: int = 0
    correction_warnings: list[str] = field(default_factory=list)
    removed: int = 0
    ignored: int = 0
    vanished: int = 0
    errors: list[ErrorEntry] = field(default_factory=list)

    def line(self, out_dir: Path) -> str:
        parts = [f"{self.total} pages: {self.processed} processed, {self.skipped} unchanged, {self.failed} failed"]
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates of another page (one record each)")
        if self.vanished:
            parts.append(f"{self.vanished} no longer in the input (their records kept; --prune drops them)")
        if self.removed:
            parts.append(f"{self.removed} removed (no longer in the input)")
        if self.ignored:
            parts.append(f"{self.ignored} other files ignored (not pages)")
        parts.append(f"{self.events} events ({self.network_events} network events once consolidated)")
        text = "; ".join(parts) + f" -> {out_dir}"
        for warning in self.correction_warnings:
            text += f"\ncrpv: warning: {warning}"
        if self.failed:
            text += f" (reasons in {out_dir / 'errors.jsonl'})"
        return text


def error_entry(rel: str, exc: Exception, sha256: str | None) -> ErrorEntry:
    """The error line of a page that failed: the ``PageError``'s kind and sentence, else an internal error."""
    path = display_path(rel)
    if isinstance(exc, PageError):
        return ErrorEntry(path=path, error=type(exc).__name__, message=str(exc), sha256=sha256)
    LOGGER.debug("internal error on %s", path, exc_info=exc)
    message = f"{type(exc).__name__}: {exc} (please report this page)"
    return ErrorEntry(path=path, error="InternalError", message=message[:2000], sha256=sha256)


@dataclass
class _Page:
    """One input page in this run: its record (fresh or read back), what the manifest knows of it when
    it was a duplicate of another page and did not change, or its error."""

    rel: str
    sha256: str | None
    path: Path | None = None
    record: Record | None = None  # slim: no text nor entities (see hold); the whole record is on disk
    error: ErrorEntry | None = None
    spool: Path | None = None  # the whole record of a page redone in this run, until it is written
    held_warnings: list[str] | None = None  # the warnings of the whole record held (spool or documents/)
    chars: int = 0  # the length of its main text
    known: dict | None = None  # the manifest entry of an unchanged duplicate (its record is not on disk)
    vanished: bool = False  # no longer in the input: its record is kept (without --prune)

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
        return self.chars if self.record else (self.known or {}).get("text_chars", 0)

    def hold(self, record: Record, spool_dir: Path | None = None) -> None:
        """Keep what the batch needs of ``record`` (its id, source, events and warnings) and leave the rest
        on disk: in ``spool_dir`` for a record made in this run, else in documents/ where it was read
        from. So the run's memory does not grow with the pages' texts and entities."""
        self.chars = len(record.document.text)
        self.held_warnings = list(record.warnings)
        if spool_dir is not None:
            spool_dir.mkdir(parents=True, exist_ok=True)
            self.spool = spool_dir / (hashlib.sha256(self.rel.encode("utf-8", "surrogateescape")).hexdigest() + ".json")
            self.spool.write_text(export.dumps(record.model_dump(mode="json")), encoding="utf-8")
        self.record = record.model_copy(update={"document": Document(), "entities": Entities()})


def _without_duplicate_warning(record: Record) -> Record:
    warnings = [w for w in record.warnings if not w.startswith(DUPLICATE_WARNING)]
    return record if warnings == record.warnings else record.model_copy(update={"warnings": warnings})


def _rank(page: _Page) -> tuple:
    """Among pages of one canonical URL: one still in the input, then the one fetched last, else the
    longer text, else the first path."""
    return (not page.vanished, page.fetched_at, page.text_chars, [-ord(c) for c in page.rel])


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


def _process(
    todo: list[_Page],
    raw_dir: Path,
    options: BatchOptions,
    summary: BatchSummary,
    on_page,
    on_status=None,
    spool: Path | None = None,
) -> None:
    """The pages through the stages: in worker processes under the time and memory limits, or (with
    ``workers=0``) here. ``on_page(rel)`` is called once per page, as its extraction starts (the
    model has read its batch) or as it ends in an error; ``on_status(text)`` says what the run does."""
    counted: set[int] = set()

    def progress(index: int) -> None:
        if on_page and index not in counted:
            counted.add(index)
            on_page(todo[index].rel)

    def phase(name: str, indices: list[int]) -> None:
        if name == "extract" and len(indices) == 1:
            progress(indices[0])
        if on_status:
            on_status({"read": "lecture", "nlp": "modèle de langue", "extract": "extraction"}.get(name, name))

    def done(index: int, outcome) -> None:
        page = todo[index]
        progress(index)
        page.known = None
        if isinstance(outcome, ErrorEntry):
            page.error = outcome.model_copy(update={"sha256": page.sha256})
        elif isinstance(outcome, Exception):
            page.error = error_entry(page.rel, outcome, page.sha256)
        else:
            page.hold(outcome, spool)
            summary.processed += 1

    if not todo:  # nothing new: the model and the tables are never loaded
        return
    batch_size = settings.section("run").batch_size
    if on_status:
        on_status("chargement du modèle de langue")
    if options.workers <= 0:
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]

            def report(name: str, positions: list[int], start: int = start) -> None:
                phase(name, [start + p for p in positions])

            outcomes = process_batch([p.path for p in chunk], raw_dir, options.max_bytes, report=report)
            for position, outcome in enumerate(outcomes):
                done(start + position, outcome)
        return
    from .pool import PagePool

    prepare()  # before the fork: the workers share the loaded model and tables
    pool = PagePool(
        raw_dir,
        workers=options.workers,
        page_timeout=options.page_timeout,
        memory_mb=options.page_memory_mb,
        max_bytes=options.max_bytes,
        batch_size=batch_size,
    )
    pool.run([page.path for page in todo], on_done=done, on_phase=phase)


def run_batch(
    raw_dir: Path,
    out_dir: Path,
    options: BatchOptions | None = None,
    *,
    on_page: Callable[[str], None] | None = None,
    on_status: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Process every page below ``raw_dir`` into ``out_dir``; a failing page never stops the run.
    ``on_page(rel)`` is called once per page (unchanged ones first), ``on_status(text)`` with what the
    run is doing (loading the model, reading, the model, extracting)."""
    options = options or BatchOptions()
    max_bytes = options.max_bytes or settings.section("load").max_bytes
    summary = BatchSummary()
    export.remove_leftovers(out_dir)
    previous = export.read_manifest(out_dir)
    inputs = scan_inputs(raw_dir, exclude=out_dir)
    known = previous.get("inputs", {})
    present = {display_path(p.relative_to(raw_dir).as_posix()) for p in inputs.pages}
    lost = [rel for rel in known if rel not in present]
    if known and len(lost) > len(known) / 2 and not options.allow_shrink:
        raise InputShrank(
            f"{raw_dir} holds {len(present)} pages where the last run knew {len(known)} ({len(lost)} are gone): "
            "is the input folder the right one (a disk that did not mount)? Nothing was changed; "
            "pass --allow-shrink to go on"
        )
    corrections_path = raw_dir.resolve().parent / CORRECTIONS
    corrections = consolidate.load_corrections(corrections_path)  # a bad file stops here
    fp = fingerprint()
    reuse = not options.force and previous.get("pipeline_fingerprint") == fp
    old_inputs: dict[str, dict] = known if reuse else {}
    summary.total = len(inputs.pages)
    summary.ignored = inputs.ignored
    pages: list[_Page] = []
    unchanged: set[int] = set()  # pages whose record is on disk and need not be redone
    for path in inputs.pages:
        rel = display_path(path.relative_to(raw_dir).as_posix())
        try:
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size <= max_bytes else None
        except OSError as exc:
            sha256 = None
            LOGGER.debug("cannot read %s: %s", rel, exc)
        page = _Page(rel, sha256, path)
        pages.append(page)
        old = old_inputs.get(rel)
        if old and sha256 and old.get("sha256") == sha256:
            if old["status"] == "ok" and export.document_path(out_dir, old["id"]).is_file():
                unchanged.add(len(pages) - 1)  # read back below, unless nothing at all changed
            elif old["status"] == "duplicate":
                page.known = old
            elif old["status"] == "error":
                page.error = ErrorEntry.model_validate(old["error"])
    digest = _digest(corrections_path)
    if reuse and not lost and _nothing_new(pages, unchanged, previous, digest, out_dir):
        return _as_last_time(summary, previous, on_page)  # nothing to read, nothing to write
    pending: list[_Page] = []
    for n, page in enumerate(pages):
        stored = export.read_record(out_dir, old_inputs[page.rel]["id"]) if n in unchanged else None
        if stored is not None:
            page.hold(stored)
        if page.record or page.known or page.error:
            summary.skipped += 1
            if on_page:
                on_page(page.rel)
        else:
            pending.append(page)
    spool = out_dir / export.SPOOL
    _process(pending, raw_dir, options, summary, on_page, on_status, spool)
    # an unchanged duplicate whose page now wins (the other changed or went) is read again
    again = [group[0] for group in _groups(pages).values() if group[0].record is None]
    again += [p for p in pages if p.known and p.known.get("id") not in _groups(pages)]
    if again:
        summary.skipped -= len(again)
        _process(again, raw_dir, options, summary, None, spool=spool)
    kept = [] if options.prune else _vanished(out_dir, known, present)
    summary.vanished = len(kept)
    return _write_outputs(out_dir, fp, pages + kept, summary, corrections, digest)


def _digest(path: Path) -> str:
    """The sha256 of ``path``'s bytes ("" when there is no such file)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _nothing_new(pages: list[_Page], unchanged: set[int], previous: dict, digest: str, out_dir: Path) -> bool:
    """Whether the last run's outputs are already this run's: every page is as the last run left it (its
    record on disk, or the same duplicate or error), the corrections are the same bytes, and the outputs
    the manifest counts are there (the manifest is written last, so they are whole)."""
    return (
        all(n in unchanged or page.known or page.error for n, page in enumerate(pages))
        and previous.get("corrections_sha256") == digest
        and "network_events" in previous
        and (out_dir / export.NETWORK_EVENTS).is_file()
        and (out_dir / export.PAGE_EVENTS).is_file()
    )


def _as_last_time(summary: BatchSummary, previous: dict, on_page) -> BatchSummary:
    """The summary of a run that found nothing new, from the manifest of the last run."""
    for rel, entry in previous["inputs"].items():
        summary.skipped += 1
        if entry["status"] == "error":
            summary.failed += 1
            summary.errors.append(ErrorEntry.model_validate(entry["error"]))
        elif entry["status"] == "duplicate":
            summary.duplicates += 1
        if on_page:
            on_page(rel)
    summary.events = previous.get("page_events", 0)
    summary.network_events = previous["network_events"]
    summary.correction_warnings = list(previous.get("correction_warnings", []))
    return summary


def _vanished(out_dir: Path, known: dict[str, dict], present: set[str]) -> list[_Page]:
    """The pages of the last run that are no longer in the input, with their records (kept)."""
    kept = []
    for rel, entry in known.items():
        if rel in present:
            continue
        page = _Page(rel, entry.get("sha256"), vanished=True)
        if entry.get("status") == "ok" and (stored := export.read_record(out_dir, entry["id"])):
            page.hold(stored)
        elif entry.get("status") == "duplicate":
            page.known = entry
        else:
            continue  # a page that failed and is gone leaves nothing to keep
        kept.append(page)
    return kept


def _write_record(out_dir: Path, page: _Page) -> None:
    """``documents/<id>.json`` of a page that stands for its record: the whole record (from the spool, or
    from documents/ when only its warnings changed) with the warnings the batch settled on."""
    path = export.document_path(out_dir, page.id)
    if page.spool is None and page.record.warnings == page.held_warnings:
        return  # read back from documents/ and unchanged
    text = (page.spool or path).read_text(encoding="utf-8")
    if page.record.warnings != page.held_warnings:
        whole = Record.model_validate_json(text)
        text = export.dumps(whole.model_copy(update={"warnings": page.record.warnings}).model_dump(mode="json"))
    export.write_atomic(path, text)


def _write_outputs(
    out_dir: Path,
    fp: str,
    pages: list[_Page],
    summary: BatchSummary,
    corrections: consolidate.Corrections,
    corrections_digest: str = "",
) -> BatchSummary:
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
            try:
                _write_record(out_dir, page)
            except OSError as exc:
                if exc.errno not in _PAGE_WRITE_ERRORS:
                    raise  # a disk that is full or read-only: no page can be written
                error = ErrorEntry(
                    path=page.rel,
                    error="WriteError",
                    sha256=page.sha256,
                    message=f"its record {page.id} could not be written: {exc.strerror}",
                )
                summary.errors.append(error)
                summary.failed += 1
                inputs[page.rel] = {"sha256": page.sha256, "status": "error", "error": error.model_dump(mode="json")}
                continue
            kept[page.rel] = page.record
        if page.vanished:
            entry["missing"] = True
        inputs[page.rel] = entry
    (out_dir / "documents").mkdir(parents=True, exist_ok=True)
    summary.removed = len(export.remove_stale_documents(out_dir, {r.id for r in kept.values()}))
    summary.events = export.write_page_events(out_dir, (kept[p] for p in sorted(kept)))
    network = consolidate.consolidate(
        list(kept.values()), consolidate.previous_ids(out_dir), corrections, summary.correction_warnings
    )
    summary.network_events = export.write_network_events(out_dir, network)
    export.write_errors(out_dir, sorted(summary.errors, key=lambda e: e.path))
    shutil.rmtree(out_dir / export.SPOOL, ignore_errors=True)
    export.write_manifest(
        out_dir,
        fp,
        inputs,
        {
            "corrections_sha256": corrections_digest,
            "page_events": summary.events,
            "network_events": summary.network_events,
            "correction_warnings": summary.correction_warnings,
        },
    )
    return summary
