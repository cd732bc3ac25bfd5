"""The ``crpv`` command: parses arguments, calls the stages, reports. No extraction logic lives here.

Exit codes (sysexits): 0 every page processed; 1 some pages failed (the others are written, reasons in
errors.jsonl); 2 usage error (a missing folder, an output that cannot be written, a bad file: one line
says which, before any long work starts); 70 internal error (EX_SOFTWARE: a bug, please report it);
75 another run holds the output folder's lock (EX_TEMPFAIL: try again later).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from filelock import FileLock, Timeout
from pydantic import ValidationError

from . import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn CRPV web pages into clean, validated event data.",
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SOFTWARE, EXIT_LOCKED = 0, 1, 2, 70, 75
LOGGER = logging.getLogger("pipeline.cli")
F = TypeVar("F", bound=Callable)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``crpv: error: message`` on stderr; the caller raises what this returns."""
    typer.echo(f"crpv: error: {message}", err=True)
    return typer.Exit(code)


def guarded(command: F) -> F:
    """A command whose file, JSON and validation errors are one-line usage errors (exit 2), and whose
    bugs are one line and exit 70 (the traceback with --verbose), never a traceback on a user's screen."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .errors import UsageError
        from .settings import SettingsError

        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except (UsageError, SettingsError) as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            raise fail(f"{exc.strerror or exc}{where}") from None
        except (ValueError, ValidationError) as exc:  # json.JSONDecodeError is a ValueError
            raise fail(f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from None
        except Exception as exc:
            LOGGER.debug("internal error", exc_info=exc)
            raise fail(
                f"internal error: {type(exc).__name__}: {exc} (please report it; --verbose shows where)", EXIT_SOFTWARE
            ) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crpv-pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="A settings file overriding the packaged thresholds (pipeline/data/settings.toml)."
        ),
    ] = None,
) -> None:
    from . import settings

    try:
        settings.use_config(config) if config else settings.current()
    except settings.SettingsError as exc:
        raise fail(str(exc)) from None
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if not verbose:  # the libraries' own notes ("discarding data") mean nothing to a cron job
        for library in ("trafilatura", "htmldate", "courlan"):
            logging.getLogger(library).setLevel(logging.ERROR)


# --- checks made before any long work ---------------------------------------------------------------


def input_folder(path: Path, what: str = "a folder of pages") -> Path:
    if not path.exists():
        raise fail(f"{path} does not exist (give {what})")
    if not path.is_dir():
        raise fail(f"{path} is not a folder (give {what})")
    return path


def output_folder(path: Path) -> Path:
    """``path`` made (with its parents) and proven writable, or a usage error saying why not."""
    if path.exists() and not path.is_dir():
        raise fail(f"{path} is a file, not a folder: give another output folder with -o")
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            raise fail(f"{parent} is a file: {path} cannot be made there")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".crpv-write-test-"):
            pass
    except OSError as exc:
        raise fail(f"cannot write in {path}: {exc.strerror or exc}") from None
    return path


def output_file(path: Path) -> Path:
    if path.is_dir():
        raise fail(f"{path} is a folder: give a file name")
    output_folder(path.parent)
    return path


# --- commands ------------------------------------------------------------------------------------


@app.command()
@guarded
def extract(
    raw_dir: Annotated[Path, typer.Argument(help="Folder of scraped pages (walked recursively).")] = Path("raw"),
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("processed"),
    force: Annotated[bool, typer.Option("--force", help="Redo every page, even unchanged ones.")] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Drop the records of pages that are no longer in the input.")
    ] = False,
    allow_shrink: Annotated[
        bool,
        typer.Option("--allow-shrink", help="Go on when the input lost more than half of the pages the last run knew."),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary unless pages failed (for cron).")
    ] = False,
    max_bytes: Annotated[
        int | None,
        typer.Option("--max-bytes", help="Refuse pages larger than this (default: the load.max_bytes setting, 10 MB)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="Processes reading pages (default: the machine's cores; 0: in this process, no limits)."
        ),
    ] = None,
    page_timeout: Annotated[
        float, typer.Option("--page-timeout", help="Seconds a page may take before it is stopped (an error line).")
    ] = 60.0,
    page_memory: Annotated[
        float, typer.Option("--page-memory", help="Megabytes a page may need before it is stopped (an error line).")
    ] = 1000.0,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for another run to release the output folder.")
    ] = 0,
) -> None:
    """Extract every page of RAW_DIR into OUT_DIR: documents/<id>.json, events.jsonl (network events),
    page_events.jsonl, events/<id>.json, errors.jsonl, manifest.json."""
    from .run import BatchOptions

    input_folder(raw_dir)
    output_folder(out_dir)
    options = BatchOptions(
        force=force,
        prune=prune,
        allow_shrink=allow_shrink,
        max_bytes=max_bytes,
        workers=default_workers(workers),
        page_timeout=page_timeout,
        page_memory_mb=page_memory,
    )
    with locked(out_dir, wait):
        summary = _extract(raw_dir, out_dir, options, quiet)
    if not quiet or summary.failed:
        typer.echo(f"crpv: {summary.line(out_dir)}", err=quiet)
    raise typer.Exit(EXIT_FAILED if summary.failed else EXIT_OK)


def default_workers(asked: int | None = None) -> int:
    """``asked`` when given, else the cores this process may use (its CPU affinity, else the machine's)."""
    if asked is not None:
        return asked
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def locked(folder: Path, wait: float = 0, name: str = ".crpv.lock") -> Iterator[None]:
    """Hold ``folder``'s lock; another run holding it is one line and exit 75 (EX_TEMPFAIL: cron tries
    again later)."""
    lock = FileLock(str(folder / name))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        typer.echo(
            f"crpv: another run is writing {folder} (lock {folder / name}); try again later or pass --wait", err=True
        )
        raise typer.Exit(EXIT_LOCKED) from None
    try:
        yield
    finally:
        lock.release()


def _extract(raw_dir: Path, out_dir: Path, options, quiet: bool):
    """One batch, with a progress bar on a terminal; the model is loaded only when a page needs it."""
    from .nlp import ModelMissing
    from .run import run_batch

    try:
        if not quiet and sys.stderr.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            from .load import iter_pages

            total = len(iter_pages(raw_dir, exclude=out_dir))
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task("pages inchangées", total=total)
                return run_batch(
                    raw_dir,
                    out_dir,
                    options,
                    on_page=lambda _: bar.advance(task),
                    on_status=lambda text: bar.update(task, description=text),
                )
        return run_batch(raw_dir, out_dir, options)
    except ModelMissing as exc:
        raise fail(str(exc)) from None


class JsonLines(logging.Formatter):
    """One JSON object per log line: time, level, event and its fields (``--log-json``)."""

    def format(self, record: logging.LogRecord) -> str:
        from .fetch import now_iso

        line = {"time": now_iso(), "level": record.levelname.lower(), "logger": record.name}
        if event := getattr(record, "event", None):
            line["event"] = event
            line.update(getattr(record, "fields", {}))
        else:
            line["message"] = record.getMessage()
        return json.dumps(line, ensure_ascii=False, default=str)


def _json_logs() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    logging.getLogger("pipeline.fetch").setLevel(logging.INFO)


def _fetch(sources_file: Path, raw_dir: Path, state: Path | None, sites: list[str] | None, log_json: bool):
    from .fetch import fetch
    from .sources import load_sources

    sources = load_sources(sources_file, sites)
    if log_json:
        _json_logs()
    return fetch(sources, raw_dir, state)


SourcesOption = Annotated[Path, typer.Option("--sources", help="The sites to fetch (sources.toml).")]
RawOption = Annotated[Path, typer.Option("--raw", help="Where pages land: raw/<site>/<slug>.html + .meta.json.")]
StateOption = Annotated[
    Path | None, typer.Option("--state", help="The fetch state (SQLite; default RAW/.crpv-fetch.sqlite).")
]
SiteOption = Annotated[list[str] | None, typer.Option("--site", help="Only this site (repeat for more).")]
LogJsonOption = Annotated[bool, typer.Option("--log-json", help="Log one JSON object per line on stderr.")]


@app.command("fetch")
@guarded
def fetch_command(
    sources_file: SourcesOption = Path("sources.toml"),
    raw_dir: RawOption = Path("raw"),
    state: StateOption = None,
    site: SiteOption = None,
    log_json: LogJsonOption = False,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another run's lock.")] = 0,
) -> None:
    """Download the new and changed articles of the sites in sources.toml into raw/ (politely: robots.txt,
    per-host delay, conditional GET). Exit 0, or 1 when a site could not be reached at all."""
    output_folder(raw_dir)
    with locked(raw_dir, wait, ".crpv-fetch.lock"):
        summary = _fetch(sources_file, raw_dir, state, site, log_json)
    _report("fetch", summary.line(), summary.as_dict(), log_json)
    raise typer.Exit(EXIT_FAILED if summary.sites_unreachable else EXIT_OK)


@app.command()
@guarded
def ingest(
    sources_file: SourcesOption = Path("sources.toml"),
    raw_dir: RawOption = Path("raw"),
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("processed"),
    state: StateOption = None,
    site: SiteOption = None,
    log_json: LogJsonOption = False,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes reading pages (default: the machine's cores).")
    ] = None,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another run's lock.")] = 0,
) -> None:
    """The nightly job: fetch, then extract what is new or changed (nothing loaded when nothing is).
    One summary line; exit 0, 1 when a site was unreachable or a page failed, 75 when another run holds
    a lock."""
    from .run import BatchOptions

    output_folder(raw_dir)
    output_folder(out_dir)
    with locked(raw_dir, wait, ".crpv-fetch.lock"), locked(out_dir, wait):
        fetched = _fetch(sources_file, raw_dir, state, site, log_json)
        summary = _extract(raw_dir, out_dir, BatchOptions(workers=default_workers(workers)), quiet=True)
    line = f"{fetched.line()}; {summary.line(out_dir)}"
    data = {**fetched.as_dict(), "records_written": summary.processed, "pages_failed": summary.failed}
    _report("ingest", line, data, log_json)
    raise typer.Exit(EXIT_FAILED if fetched.sites_unreachable or summary.failed else EXIT_OK)


def _report(command: str, line: str, data: dict, log_json: bool) -> None:
    if log_json:
        logging.getLogger("pipeline.fetch").info(
            "summary", extra={"event": "summary", "fields": {"command": command, **data}}
        )
    else:
        typer.echo(f"crpv: {line}", err=True)


@app.command("consolidate")
@guarded
def consolidate_command(
    out_dir: Annotated[Path, typer.Argument(help="An output folder of crpv extract.")] = Path("processed"),
    corrections: Annotated[Path, typer.Option("--corrections", help="The documentalist's fixes (beside raw/).")] = Path(
        "corrections.toml"
    ),
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another run's lock.")] = 0,
) -> None:
    """Merge the page events of OUT_DIR's records into network events again (events.jsonl,
    events/<id>.json), keeping the ids of the last run and applying corrections.toml; extract and ingest
    do it at their end."""
    from . import consolidate, export

    input_folder(out_dir, "an output folder of crpv extract")
    with locked(out_dir, wait):
        records = export.read_records(out_dir)
        fixes, warnings = consolidate.load_corrections(corrections), []
        network = consolidate.consolidate(records, consolidate.previous_ids(out_dir), fixes, warnings)
        export.write_network_events(out_dir, network)
    events = sum(len(r.events) for r in records)
    typer.echo(f"crpv: {len(records)} records, {events} page events -> {len(network)} network events in {out_dir}")
    for warning in warnings:
        typer.echo(f"crpv: warning: {warning}", err=True)


@app.command("export")
@guarded
def export_command(
    out_dir: Annotated[Path, typer.Argument(help="An output folder of crpv extract.")] = Path("processed"),
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="jsonl, csv, parquet or duckdb (repeat it; all four when not given)."),
    ] = None,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another run's lock.")] = 0,
) -> None:
    """Write the analysts' tables (events, event_sources, documents, organisations, people, places) into
    OUT_DIR/tables/ in each format, and OUT_DIR/datapackage.json describing every output file and field."""
    from . import tables

    chosen = formats or list(tables.FORMATS)
    unknown = sorted(set(chosen) - set(tables.FORMATS))
    if unknown:
        raise fail(f"unknown format {', '.join(unknown)}: give {', '.join(tables.FORMATS)}")
    input_folder(out_dir, "an output folder of crpv extract")
    output_folder(out_dir / tables.TABLES_DIR)
    with locked(out_dir, wait):
        counts = tables.write(out_dir, [f for f in tables.FORMATS if f in chosen])
    listed = ", ".join(f"{n} {name}" for name, n in counts.items())
    typer.echo(f"crpv: {listed} -> {out_dir / tables.TABLES_DIR} ({', '.join(chosen)}), {out_dir / 'datapackage.json'}")


@app.command("report")
@guarded
def report_command(
    out_dir: Annotated[Path, typer.Argument(help="An output folder of crpv extract.")] = Path("processed"),
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another run's lock.")] = 0,
) -> None:
    """Write OUT_DIR/report.html: one self-contained page (no network) with the events by year, centre and
    region, the most cited organisations and people, and each event's sources and evidence."""
    from . import report

    input_folder(out_dir, "an output folder of crpv extract")
    with locked(out_dir, wait):
        path = report.write(out_dir)
    typer.echo(f"crpv: wrote {path} ({path.stat().st_size // 1024} KB)")


@app.command()
@guarded
def schema(
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder of the JSON Schemas.")] = Path("schema"),
) -> None:
    """Write the JSON Schema of each JSON output (record, event, page-event, error, manifest) and the data
    package describing an output folder's layout (datapackage.json) into OUT."""
    from . import tables
    from .export import dumps, write_atomic

    if out.suffix == ".json":
        raise fail(f"{out} is a file name: give the folder of the schemas")
    output_folder(out)
    for name, content in tables.json_schemas().items():
        write_atomic(out / name, dumps(content))
    write_atomic(out / "datapackage.json", dumps(tables.datapackage()))
    typer.echo(f"crpv: wrote {len(tables.json_schemas()) + 1} files in {out}")


@app.command("eval")
@guarded
def evaluate(
    corpus: Annotated[
        Path, typer.Argument(help="An annotated corpus: gold/*.json (+ aliases*.json), inputs relative to it.")
    ],
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Also score the naive baseline (spaCy NER + dateparser search_dates).")
    ] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the scores as JSON here.")] = None,
) -> None:
    """Score the pipeline on an annotated corpus (format of shared/dev-corpus/README.md)."""
    from .evaluate import evaluate_corpus, format_report

    input_folder(corpus, "an annotated corpus: a folder with gold/*.json")
    if not (corpus / "gold").is_dir():
        raise fail(f"{corpus}/gold/ not found (an annotated corpus has gold/*.json files)")
    if json_out:
        output_file(json_out)
    report = evaluate_corpus(corpus, baseline=baseline)
    typer.echo(format_report(report))
    if json_out:
        from .export import dumps, write_atomic

        write_atomic(json_out, dumps(report))


@app.command("eval-anchors")
@guarded
def evaluate_anchor_sets(
    peer_data: Annotated[Path, typer.Argument(help="shared/peer-data: the peer test sets and their READMEs.")],
    only: Annotated[list[str] | None, typer.Option("--set", help="Only this set (repeat for more).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the scores as JSON here.")] = None,
) -> None:
    """Main text, publication dates and French dates on the peer sets, beside their anchors (trafilatura,
    htmldate, HeidelTime's corpus), by each set's own rules."""
    from .anchors import SETS, evaluate_anchors, format_anchors

    input_folder(peer_data, "shared/peer-data")
    if unknown := sorted(set(only or []) - set(SETS)):
        raise fail(f"no peer set named {', '.join(unknown)} (the sets: {', '.join(SETS)})")
    if json_out:
        output_file(json_out)
    reports = evaluate_anchors(peer_data, only)
    if not reports:
        raise fail(f"no peer set found in {peer_data} (give shared/peer-data)")
    typer.echo(format_anchors(reports))
    if json_out:
        from .export import dumps, write_atomic

        write_atomic(json_out, dumps(reports))


@app.command()
@guarded
def bench(
    corpus: Annotated[
        Path | None, typer.Argument(help="A flat folder of pages to time (default: the generated corpus).")
    ] = None,
    generate: Annotated[
        int, typer.Option("--generate", help="First write this many pages, varied from every annotated page.")
    ] = 0,
    shared: Annotated[Path, typer.Option("--shared", help="The shared folder (more seed pages).")] = Path("../shared"),
    build: Annotated[Path, typer.Option("--build", help="Where the corpus and the outputs go.")] = Path("build/bench"),
    workers: Annotated[
        int | None, typer.Option("--workers", help="Workers of the pipeline run (default: the cores).")
    ] = None,
    also_workers: Annotated[
        list[int] | None, typer.Option("--also-workers", help="Time the pipeline again at this many workers.")
    ] = None,
    results: Annotated[Path, typer.Option("--results", help="The JSON of the figures.")] = Path("bench/results.json"),
) -> None:
    """Pages/s, MB/s, peak RSS and start-up of (a) the pipeline, (b) the floor (trafilatura.extract + spaCy
    NER alone), (c) the naive baseline and (d) a re-run with nothing changed, on the same pages."""
    from . import bench as benchmark
    from .export import dumps, write_atomic

    if generate:
        root = Path(__file__).resolve().parent.parent
        corpus = build / "pages"
        benchmark.generate(benchmark.seed_folders(root, shared), corpus, generate)
    elif corpus is None:
        raise fail("give a folder of pages, or --generate N")
    input_folder(corpus)
    output_file(results)
    figures = benchmark.run(corpus, build / "out", default_workers(workers), also_workers)
    write_atomic(results, dumps(figures))
    typer.echo(benchmark.format_results(figures))
    typer.echo(f"crpv: wrote {results}")


@app.command()
@guarded
def dates(
    source: Annotated[str, typer.Argument(help="A plain-text file, or - for standard input.")] = "-",
    anchor: Annotated[
        str | None,
        typer.Option("--anchor", help="YYYY-MM-DD: the day the text was written (else read from the text itself)."),
    ] = None,
) -> None:
    """The date expressions of a plain text as JSON lines: text, span (into the input as given), start,
    end, precision, rule, anchor."""
    from datetime import date

    from .dates import infer_anchor
    from .models import Anchor
    from .temporal import find_expressions, resolve
    from .text import view

    if anchor is not None:
        try:
            day = date.fromisoformat(anchor)
        except ValueError:
            raise fail(f"--anchor {anchor!r} is not a date (give YYYY-MM-DD)") from None
    if source == "-":
        text = sys.stdin.read()
    else:
        path = Path(source)
        if path.is_dir():
            raise fail(f"{path} is a folder: give a text file, or - for standard input")
        text = path.read_bytes().decode("utf-8", errors="replace")
    seen = view(text)  # one character for one: spans hold in the input as given
    found = find_expressions(seen)
    used = Anchor(day, "--anchor", exact=True) if anchor is not None else infer_anchor(seen, found, None, [])
    unresolved = []
    for expression in found:
        entity = resolve(expression, used)
        if entity is None:
            unresolved.append(text[expression.start : expression.end])
            continue
        row = {
            "text": text[entity.span[0] : entity.span[1]],
            "span": list(entity.span),
            "start": entity.start,
            "end": entity.end,
            "precision": entity.precision,
            "rule": entity.rule,
            "anchor": used.day.isoformat() if used else None,
        }
        if entity.time:
            row["time"], row["end_time"] = entity.time, entity.end_time
        typer.echo(json.dumps(row, ensure_ascii=False))
    if unresolved:  # said on stderr, so that stdout stays JSON lines
        shown = ", ".join(repr(u) for u in unresolved[:3]) + (" …" if len(unresolved) > 3 else "")
        typer.echo(
            f"crpv dates: {len(unresolved)} expression(s) without a year to read them by ({shown}): "
            "give --anchor YYYY-MM-DD, the day the text was written",
            err=True,
        )


@app.command()
@guarded
def show(
    record: Annotated[Path, typer.Argument(help="A processed/documents/<id>.json file.")],
) -> None:
    """Print a record's document fields, events and entities in a readable form."""
    from .models import Record

    if record.is_dir():
        raise fail(f"{record} is a folder: give one processed/documents/<id>.json file")
    try:
        data = Record.model_validate_json(record.read_bytes())
    except ValidationError as exc:
        raise fail(
            f"{record} is not a record of processed/documents/ ({exc.error_count()} problems, first: "
            f"{exc.errors()[0]['msg']})"
        ) from None
    doc = data.document
    typer.echo(f"{doc.title}\n  published {doc.published}  site {doc.site}  url {doc.url}")
    for event in data.events:
        where = (event.location.city if event.location else None) or ("en ligne" if event.online else "?")
        typer.echo(f"  event: {event.start_date} → {event.end_date}  {where}  {event.name}")
    for kind in ("people", "organisations", "places"):
        names = [e.name for e in getattr(data.entities, kind)]
        typer.echo(f"  {kind}: {', '.join(names) if names else '-'}")
    for warning in data.warnings:
        typer.echo(f"  warning: {warning}")


def main() -> None:
    """The console script: a bug outside any command is still one line and exit 70."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - commands are guarded; this is the last net
        typer.echo(f"crpv: error: internal error: {type(exc).__name__}: {exc} (please report it)", err=True)
        sys.exit(EXIT_SOFTWARE)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
