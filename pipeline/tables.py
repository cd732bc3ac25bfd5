"""Tables: an output folder's records and network events -> the analysts' tables, and the data package
that describes every output file and field.

Downstream of consolidate and export (``crpv export``). Six tables, one pydantic row model each, so that
the CSV header, the Parquet and DuckDB column types and the Frictionless ``datapackage.json`` all come
from one place:

  events          one row per network event (events.jsonl, flattened)
  event_sources   one row per page event that tells a network event (the link events -> documents)
  documents       one row per page record
  organisations   one row per organisation mention, joined to its document and, where known, its event
  people          one row per person mention, likewise
  places          one row per place mention, likewise

A mention belongs to the page event whose evidence spans enclose it (an item of a listing), else to the
page's only event; on a page of several events, a mention outside all of them has no event. Its
``event_id`` is the network event of that page event.

Formats: ``jsonl`` (one JSON object per row), ``csv`` (UTF-8, a header; lists as JSON arrays, booleans
``true``/``false``, null as an empty cell: Frictionless' own conventions), ``parquet`` (pyarrow; dates
as dates) and ``duckdb`` (one database file, ``crpv.duckdb``, a table each). Every file is written
atomically; jsonl, csv and parquet are byte-identical for the same outputs.
"""

from __future__ import annotations

import csv
import io
import json
import types
import typing
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from . import __version__, export
from .consolidate import NetworkEvent
from .models import ErrorEntry, Record, Span
from .text import fold

FORMATS = ("jsonl", "csv", "parquet", "duckdb")
TABLES_DIR = "tables"  # in the output folder
DATABASE = "crpv.duckdb"
DATE = {"format": "date"}  # a field holding an ISO day: a date in Parquet and DuckDB, "date" in Table Schema


class EventRow(BaseModel):
    """One network event (a line of events.jsonl), flattened."""

    id: str = Field(description="network event id, stable across runs (ne-…)")
    name: str
    kind: str | None = Field(None, description="rencontre, journée, séminaire, webinaire, formation…")
    edition: int | None = None
    start_date: str | None = Field(None, json_schema_extra=DATE)
    end_date: str | None = Field(None, json_schema_extra=DATE)
    period: str | None = Field(None, description="YYYY-MM or YYYY when no page states the day")
    city: str | None = None
    insee: str | None = Field(None, description="INSEE code of the city")
    region: str | None = None
    online: bool = False
    participants_count: int | None = None
    organisers: list[str] = Field(default_factory=list, description="organisers' names")
    organiser_ids: list[str] = Field(default_factory=list, description="gazetteer ids of the organisers known")
    sources_count: int = Field(description="page events that tell it")
    sites: list[str] = Field(default_factory=list, description="the sites that tell it")
    corrected: list[str] = Field(default_factory=list, description="fields set by corrections.toml")


class EventSourceRow(BaseModel):
    """One page event telling a network event."""

    event_id: str
    document_id: str
    event_index: int = Field(description="the event's index in its record's events")
    site: str | None = None
    url: str | None = None
    name: str = Field(description="the event's name as that page gives it")
    start_date: str | None = Field(None, json_schema_extra=DATE)
    city: str | None = None


class DocumentRow(BaseModel):
    """One page record (documents/<id>.json), without its entities."""

    id: str
    url: str | None = None
    site: str | None = None
    path: str = Field(description="input path relative to raw/")
    format: str
    sha256: str
    fetched_at: str | None = None
    title: str | None = None
    published: str | None = Field(None, json_schema_extra=DATE)
    modified: str | None = Field(None, json_schema_extra=DATE)
    publisher: str | None = None
    publisher_id: str | None = None
    author: str | None = None
    language: str | None = None
    categories: list[str] = Field(default_factory=list)
    events_count: int
    warnings_count: int
    text: str = Field(description="the main text, the page's own characters")


class _MentionRow(BaseModel):
    document_id: str
    event_id: str | None = Field(None, description="the network event the mention belongs to, where one does")
    mention: str = Field(description="the words of the page")
    span_start: int = Field(description="[start, end) in the document's text (its title for a title: rule)")
    span_end: int


class OrganisationRow(_MentionRow):
    """One mention of an organisation."""

    organisation_id: str | None = Field(None, description="gazetteer id; null when the gazetteer does not know it")
    name: str
    acronym: str | None = None
    rule: str
    organiser: bool = Field(False, description="an organiser of the mention's event")


class PersonRow(_MentionRow):
    """One mention of a person."""

    name: str
    role: str | None = None
    organisation: str | None = None
    organisation_id: str | None = None
    role_rule: str | None = Field(None, description="the rule that read the role")


class PlaceRow(_MentionRow):
    """One mention of a place."""

    name: str = Field(description="official name")
    kind: str
    insee: str | None = None
    region: str | None = None
    rule: str
    event_city: bool = Field(False, description="the city of the mention's event")


TABLES: dict[str, type[BaseModel]] = {
    "events": EventRow,
    "event_sources": EventSourceRow,
    "documents": DocumentRow,
    "organisations": OrganisationRow,
    "people": PersonRow,
    "places": PlaceRow,
}


# --- rows ----------------------------------------------------------------------------------------


def _evidence_range(event) -> Span | None:
    spans = [e.span for e in event.evidence.values() if e.span]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def _event_of(record: Record, span: Span, title: bool) -> int | None:
    """The index of the page event a mention at ``span`` belongs to (the module docstring), or None:
    the page's only event, else the one whose evidence range is the narrowest to enclose it."""
    if len(record.events) == 1:
        return 0
    if title:
        return None
    enclosing = []
    for index, event in enumerate(record.events):
        found = _evidence_range(event)
        if found and found[0] <= span[0] and span[1] <= found[1]:
            enclosing.append((found[1] - found[0], index))
    return min(enclosing)[1] if enclosing else None


def rows(records: list[Record], events: list[NetworkEvent]) -> dict[str, list[BaseModel]]:
    """Every table's rows, in a fixed order (events as events.jsonl; the rest by document, then span)."""
    network_of = {source.key: e.id for e in events for source in e.sources}
    page_events = {(r.id, i): ev for r in records for i, ev in enumerate(r.events)}
    out: dict[str, list[BaseModel]] = {name: [] for name in TABLES}
    for event in events:
        out["events"].append(
            EventRow(
                id=event.id,
                name=event.name,
                kind=event.kind,
                edition=event.edition,
                start_date=event.start_date,
                end_date=event.end_date,
                period=event.period,
                city=event.city,
                insee=event.insee,
                region=event.region,
                online=event.online,
                participants_count=event.participants_count,
                organisers=[o.name for o in event.organisers],
                organiser_ids=[o.id for o in event.organisers if o.id],
                sources_count=len(event.sources),
                sites=sorted({s.site for s in event.sources if s.site}),
                corrected=sorted(k for k, v in event.fields.items() if v.rule == "correction"),
            )
        )
        for source in event.sources:
            told = page_events.get((source.document_id, source.event_index))
            out["event_sources"].append(
                EventSourceRow(
                    event_id=event.id,
                    document_id=source.document_id,
                    event_index=source.event_index,
                    site=source.site,
                    url=source.url,
                    name=told.name if told else event.name,
                    start_date=told.start_date if told else None,
                    city=told.location.city if told and told.location else None,
                )
            )
    for record in sorted(records, key=lambda r: r.id):
        doc = record.document
        out["documents"].append(
            DocumentRow(
                id=record.id,
                url=record.source.url or doc.url,
                site=record.source.site,
                path=record.source.path,
                format=record.source.format,
                sha256=record.source.sha256,
                fetched_at=record.source.fetched_at,
                title=doc.title,
                published=doc.published,
                modified=doc.modified,
                publisher=doc.publisher,
                publisher_id=doc.publisher_id,
                author=doc.author,
                language=doc.language,
                categories=doc.categories,
                events_count=len(record.events),
                warnings_count=len(record.warnings),
                text=doc.text,
            )
        )
        out["organisations"] += _mentions(record, network_of, OrganisationRow)
        out["people"] += _mentions(record, network_of, PersonRow)
        out["places"] += _mentions(record, network_of, PlaceRow)
    return out


def _mentions(record: Record, network_of: dict[str, str], row: type[_MentionRow]) -> list[_MentionRow]:
    made = []
    entities = {
        OrganisationRow: record.entities.organisations,
        PersonRow: record.entities.people,
        PlaceRow: record.entities.places,
    }[row]
    for entity in entities:
        title = getattr(entity, "rule", "").startswith("title:")
        for mention in entity.mentions:
            index = _event_of(record, mention.span, title)
            event = record.events[index] if index is not None else None
            base = {
                "document_id": record.id,
                "event_id": network_of.get(f"{record.id}#{index}") if index is not None else None,
                "mention": mention.text,
                "span_start": mention.span[0],
                "span_end": mention.span[1],
            }
            if row is OrganisationRow:
                keys = {o.id or fold(o.name) for o in event.organisers} if event else set()
                extra = {
                    "organisation_id": entity.id,
                    "name": entity.name,
                    "acronym": entity.acronym,
                    "rule": entity.rule,
                    "organiser": (entity.id or fold(entity.name)) in keys,
                }
            elif row is PersonRow:
                extra = {
                    "name": entity.name,
                    "role": entity.role,
                    "organisation": entity.organisation,
                    "organisation_id": entity.organisation_id,
                    "role_rule": entity.evidence.rule if entity.evidence else None,
                }
            else:
                city = event.location.city if event and event.location else None
                extra = {
                    "name": entity.name,
                    "kind": entity.kind,
                    "insee": entity.insee,
                    "region": entity.region,
                    "rule": entity.rule,
                    "event_city": bool(city) and fold(city) == fold(entity.name),
                }
            made.append(row(**base, **extra))
    return sorted(made, key=lambda r: (r.span_start, r.span_end, r.mention))


# --- reading an output folder ---------------------------------------------------------------------


def read_outputs(out_dir: Path) -> tuple[list[Record], list[NetworkEvent]]:
    """The records the manifest lists as ok and the network events of events.jsonl; a folder that is
    not an output folder of ``crpv extract`` is a usage error."""
    from .errors import UsageError

    records = export.read_records(out_dir)
    path = out_dir / export.NETWORK_EVENTS
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        events = [NetworkEvent.model_validate_json(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not a file of network events ({exc}): run crpv consolidate {out_dir}") from None
    return records, events


# --- formats -------------------------------------------------------------------------------------


def _kind(annotation) -> tuple[str, bool]:
    """(Table Schema type, is a list) of a row field's annotation."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return _kind(args[0])
    if typing.get_origin(annotation) is list:
        return "array", True
    return {str: "string", int: "integer", bool: "boolean"}[annotation], False


def _columns(model: type[BaseModel]) -> list[tuple[str, str, bool]]:
    """(name, Table Schema type, is a list) of each column; ISO days are "date"."""
    out = []
    for name, info in model.model_fields.items():
        kind, many = _kind(info.annotation)
        if (info.json_schema_extra or {}) == DATE:
            kind = "date"
        out.append((name, kind, many))
    return out


def _csv(model: type[BaseModel], table: list[BaseModel]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = _columns(model)
    writer.writerow([name for name, _, _ in columns])
    for row in table:
        cells = []
        for name, kind, many in columns:
            value = getattr(row, name)
            if value is None:
                cells.append("")
            elif many:
                cells.append(json.dumps(value, ensure_ascii=False))
            elif kind == "boolean":
                cells.append("true" if value else "false")
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return buffer.getvalue()


def _arrow(model: type[BaseModel], table: list[BaseModel]):
    import datetime

    import pyarrow as pa

    types_ = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(), "date": pa.date32()}
    fields, data = [], {}
    for name, kind, many in _columns(model):
        fields.append(pa.field(name, pa.list_(pa.string()) if many else types_[kind]))
        values = [getattr(row, name) for row in table]
        if kind == "date":
            values = [datetime.date.fromisoformat(v) if v else None for v in values]
        data[name] = values
    schema = pa.schema(fields)
    return pa.table({f.name: pa.array(data[f.name], type=f.type) for f in schema}, schema=schema)


def _parquet(model: type[BaseModel], table: list[BaseModel]) -> bytes:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(_arrow(model, table), buffer, compression="zstd")
    return buffer.getvalue()


def write(out_dir: Path, formats: Iterable[str]) -> dict[str, int]:
    """Write every table in each of ``formats`` into ``out_dir/tables/`` and ``out_dir/datapackage.json``;
    return the number of rows per table."""
    dest = out_dir / TABLES_DIR
    records, events = read_outputs(out_dir)
    tables = rows(records, events)
    for fmt in formats:
        for name, model in TABLES.items():
            if fmt == "jsonl":
                export.write_atomic(
                    dest / f"{name}.jsonl", export.jsonl(r.model_dump(mode="json") for r in tables[name])
                )
            elif fmt == "csv":
                export.write_atomic(dest / f"{name}.csv", _csv(model, tables[name]))
            elif fmt == "parquet":
                export.write_atomic(dest / f"{name}.parquet", _parquet(model, tables[name]))
        if fmt == "duckdb":
            _duckdb(dest / DATABASE, tables)
    export.write_atomic(out_dir / "datapackage.json", export.dumps(datapackage(out_dir, records)))
    return {name: len(table) for name, table in tables.items()}


def _duckdb(path: Path, tables: dict[str, list[BaseModel]]) -> None:
    """One DuckDB database holding every table, built beside ``path`` and renamed over it."""
    import os

    import duckdb

    tmp = path.with_name(f".{path.name}{export.TEMP_SUFFIX}")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as db:
            for name, model in TABLES.items():
                db.register("rows", _arrow(model, tables[name]))
                db.execute(f'CREATE TABLE "{name}" AS SELECT * FROM "rows"')
                db.unregister("rows")
        os.chmod(tmp, export._file_mode())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- the data package and the JSON Schemas ---------------------------------------------------------


class PageEventRow(BaseModel):
    """One line of page_events.jsonl: a page's event as that page tells it, and which page."""

    document_id: str
    event_index: int
    source_path: str
    site: str | None = None


class ManifestEntry(BaseModel):
    sha256: str
    status: typing.Literal["ok", "duplicate", "error"]
    id: str | None = None
    fetched_at: str | None = None
    text_chars: int | None = None
    duplicate_of: str | None = None
    warning: str | None = None
    missing: bool | None = None
    error: ErrorEntry | None = None


class Manifest(BaseModel):
    """manifest.json: what the next run may skip."""

    manifest_version: int
    pipeline_fingerprint: str
    corrections_sha256: str | None = Field(None, description="the corrections.toml the run applied")
    page_events: int | None = None
    network_events: int | None = None
    correction_warnings: list[str] = Field(default_factory=list)
    inputs: dict[str, ManifestEntry] = Field(description="input path -> what became of it")


def json_schemas() -> dict[str, dict]:
    """The JSON Schema of each JSON output, by file name in schema/."""
    from .models import Event

    page_event = PageEventRow.model_json_schema()
    event = Event.model_json_schema()
    page_event["properties"].update(event["properties"])
    page_event["required"] = sorted(set(page_event.get("required", [])) | set(event.get("required", [])))
    page_event["$defs"] = event.get("$defs", {})
    page_event["description"] = PageEventRow.__doc__
    return {
        "record.schema.json": Record.model_json_schema(),
        "event.schema.json": NetworkEvent.model_json_schema(),
        "page-event.schema.json": page_event,
        "error.schema.json": ErrorEntry.model_json_schema(),
        "manifest.schema.json": Manifest.model_json_schema(),
    }


def _table_schema(model: type[BaseModel]) -> dict:
    fields = []
    for name, kind, many in _columns(model):
        info = model.model_fields[name]
        field: dict = {"name": name, "type": kind}
        if info.description:
            field["description"] = info.description
        if info.is_required():
            field["constraints"] = {"required": True}
        if many:
            field["arrayItem"] = {"type": "string"}
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def datapackage(out_dir: Path | None = None, records: list[Record] | None = None) -> dict:
    """The Frictionless data package of an output folder: every JSON output (with its JSON Schema, the
    one in schema/) and every table in each format found there (with its Table Schema). Without ``out_dir``,
    the descriptor of the layout (what ``crpv schema`` writes: every format, documents as a pattern)."""
    schemas = json_schemas()

    def present(path: str) -> bool:
        return out_dir is None or (out_dir / path).is_file()

    documents = [f"documents/{r.id}.json" for r in sorted(records or [], key=lambda r: r.id)]
    json_outputs = [
        ("events", export.NETWORK_EVENTS, "jsonl", "event.schema.json", "one network event per line"),
        ("page_events", export.PAGE_EVENTS, "jsonl", "page-event.schema.json", "one line per page event"),
        ("errors", "errors.jsonl", "jsonl", "error.schema.json", "one line per page that could not be processed"),
        ("manifest", "manifest.json", "json", "manifest.schema.json", "what the next run may skip"),
    ]
    resources = []
    for name, path, fmt, schema, title in json_outputs:
        if present(path):
            resources.append(
                {
                    "name": f"{name}-json".replace("_", "-"),
                    "path": path,
                    "format": fmt,
                    "title": title,
                    "jsonSchema": schemas[schema],
                }
            )
    if out_dir is None or documents:
        resources.append(
            {
                "name": "documents-json",
                "path": documents or "documents/<id>.json",
                "format": "json",
                "title": "one record per page",
                "jsonSchema": schemas["record.schema.json"],
            }
        )
    media = {"csv": "text/csv", "jsonl": "application/jsonl", "parquet": "application/vnd.apache.parquet"}
    for fmt in ("csv", "jsonl", "parquet"):
        for name, model in TABLES.items():
            path = f"{TABLES_DIR}/{name}.{fmt}"
            if present(path):
                resource = {
                    "name": f"{name}-{fmt}".replace("_", "-"),
                    "path": path,
                    "format": fmt,
                    "mediatype": media[fmt],
                    "title": (model.__doc__ or "").strip(),
                    "type": "table",
                    "schema": _table_schema(model),
                }
                if fmt == "csv":
                    resource["dialect"] = {"header": True, "delimiter": ","}
                    resource["encoding"] = "utf-8"
                resources.append(resource)
    if present(f"{TABLES_DIR}/{DATABASE}"):
        resources.append(
            {
                "name": "database",
                "path": f"{TABLES_DIR}/{DATABASE}",
                "format": "duckdb",
                "title": "every table above in one DuckDB database: " + ", ".join(TABLES),
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "crpv-network-events",
        "title": "Events of the network of the centres de ressources politique de la ville",
        "description": "Made by crpv-pipeline from the centres' web pages; every value carries its evidence "
        "in the JSON outputs (jsonSchema). Lists in CSV cells are JSON arrays.",
        "version": __version__,
        "resources": resources,
    }
