"""The ``crpv`` command: parses arguments, calls the stages, reports. No extraction logic lives here.

Exit codes: 0 every page processed; 1 some pages failed (the others are written, reasons in
errors.jsonl); 2 usage error; 3 another run holds the output folder's lock.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from filelock import FileLock, Timeout

from . import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn CRPV web pages into clean, validated event data.",
    pretty_exceptions_enable=False,
)

EXIT_LOCKED = 3


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
            "--config", help="A settings file overriding the packaged thresholds (see pipeline/data/settings.toml)."
        ),
    ] = None,
) -> None:
    from . import settings

    try:
        settings.use_config(config) if config else settings.current()
    except settings.SettingsError as exc:
        typer.echo(f"crpv: error: {exc}", err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if not verbose:  # the libraries' own notes ("discarding data") mean nothing to a cron job
        for library in ("trafilatura", "htmldate", "courlan"):
            logging.getLogger(library).setLevel(logging.ERROR)


@app.command()
def extract(
    raw_dir: Annotated[Path, typer.Argument(help="Folder of scraped pages (walked recursively).")] = Path("raw"),
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("processed"),
    force: Annotated[bool, typer.Option("--force", help="Redo every page, even unchanged ones.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary unless pages failed (for cron).")
    ] = False,
    max_bytes: Annotated[
        int | None,
        typer.Option("--max-bytes", help="Refuse pages larger than this (default: the load.max_bytes setting, 10 MB)."),
    ] = None,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for another run to release the output folder.")
    ] = 0,
) -> None:
    """Extract every page of RAW_DIR into OUT_DIR: documents/<id>.json, events.jsonl, errors.jsonl, manifest.json."""
    from .nlp import ModelMissing
    from .run import prepare, run_batch

    if not raw_dir.is_dir():
        typer.echo(
            f"crpv: error: {raw_dir} is not a folder of pages (give the folder that holds the scraped pages)", err=True
        )
        raise typer.Exit(2)
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out_dir / ".crpv.lock"))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        typer.echo(
            f"crpv: another run is writing {out_dir} (lock {out_dir / '.crpv.lock'}); try again later or pass --wait",
            err=True,
        )
        raise typer.Exit(EXIT_LOCKED) from None
    try:
        prepare()
    except ModelMissing as exc:
        lock.release()
        typer.echo(f"crpv: error: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        if not quiet and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            from .load import iter_pages

            total = len(iter_pages(raw_dir))
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task("extracting", total=total)
                summary = run_batch(
                    raw_dir, out_dir, force=force, max_bytes=max_bytes, on_page=lambda _: bar.advance(task)
                )
        else:
            summary = run_batch(raw_dir, out_dir, force=force, max_bytes=max_bytes)
    finally:
        lock.release()
    if not quiet or summary.failed:
        typer.echo(f"crpv: {summary.line(out_dir)}", err=quiet)
    raise typer.Exit(1 if summary.failed else 0)


@app.command()
def schema(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the JSON Schema.")] = Path(
        "schema/record.schema.json"
    ),
) -> None:
    """Write the JSON Schema of a record (processed/documents/<id>.json)."""
    from .export import dumps, write_atomic
    from .models import Record

    write_atomic(out, dumps(Record.model_json_schema()))
    typer.echo(f"crpv: wrote {out}")


@app.command("eval")
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

    if not (corpus / "gold").is_dir():
        typer.echo(f"crpv: error: {corpus}/gold/ not found (an annotated corpus has gold/*.json files)", err=True)
        raise typer.Exit(2)
    report = evaluate_corpus(corpus, baseline=baseline)
    typer.echo(format_report(report))
    if json_out:
        from .export import dumps, write_atomic

        write_atomic(json_out, dumps(report))


@app.command("eval-cleaning")
def evaluate_cleaning(
    corpus: Annotated[Path, typer.Argument(help="shared/peer-data/trafilatura-eval")],
) -> None:
    """Main-text scores on trafilatura's French evaluation pages: our cleaning vs trafilatura alone."""
    from .evaluate import evaluate_trafilatura_corpus, format_cleaning_report

    typer.echo(format_cleaning_report(evaluate_trafilatura_corpus(corpus)))


@app.command()
def bench(
    folders: Annotated[list[Path], typer.Argument(help="Folders of pages to time.")],
    repeat: Annotated[int, typer.Option("--repeat", help="Passes over the pages (the best is kept).")] = 2,
) -> None:
    """Pages per second and peak memory of the whole pipeline (model loading timed apart)."""
    from .bench import format_bench, run_bench

    typer.echo(format_bench(run_bench([f for f in folders if f.is_dir()], repeat=repeat)))


@app.command()
def show(
    record: Annotated[Path, typer.Argument(help="A processed/documents/<id>.json file.")],
) -> None:
    """Print a record's document fields, events and entities in a readable form."""
    data = json.loads(record.read_text(encoding="utf-8"))
    doc = data["document"]
    typer.echo(f"{doc.get('title')}\n  published {doc.get('published')}  site {doc.get('site')}  url {doc.get('url')}")
    for event in data.get("events", []):
        where = (event.get("location") or {}).get("city") or ("en ligne" if event.get("online") else "?")
        typer.echo(f"  event: {event['start_date']} → {event['end_date']}  {where}  {event['name']}")
    for kind in ("people", "organisations", "places"):
        names = [e.get("name") for e in data.get("entities", {}).get(kind, [])]
        typer.echo(f"  {kind}: {', '.join(names) if names else '-'}")
    for warning in data.get("warnings", []):
        typer.echo(f"  warning: {warning}")


def main() -> None:
    app()
