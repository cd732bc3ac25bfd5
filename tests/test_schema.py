"""The committed JSON Schemas and data package are the ones the models give."""

from __future__ import annotations

import json

import pytest

from pipeline import tables
from pipeline.models import Record

from .conftest import ROOT


def test_committed_record_schema_is_current():
    committed = json.loads((ROOT / "schema" / "record.schema.json").read_text(encoding="utf-8"))
    assert committed == Record.model_json_schema(), "run `crpv schema` (make schema) and commit the result"


@pytest.mark.parametrize("name", sorted(tables.json_schemas()))
def test_each_committed_output_schema_is_current(name):
    committed = json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))
    assert committed == tables.json_schemas()[name], "run `crpv schema` (make schema) and commit the result"


def test_committed_datapackage_is_current_and_names_every_table_in_every_format():
    committed = json.loads((ROOT / "schema" / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == tables.datapackage(), "run `crpv schema` (make schema) and commit the result"
    paths = {r["path"] if isinstance(r["path"], str) else "" for r in committed["resources"]}
    for name in tables.TABLES:
        assert {f"tables/{name}.{fmt}" for fmt in ("csv", "jsonl", "parquet")} <= paths
    assert {"events.jsonl", "page_events.jsonl", "errors.jsonl", "manifest.json", "tables/crpv.duckdb"} <= paths
