"""The committed JSON Schema is the one the models give."""

from __future__ import annotations

import json

from pipeline.models import Record

from .conftest import ROOT


def test_committed_schema_is_current():
    committed = json.loads((ROOT / "schema" / "record.schema.json").read_text(encoding="utf-8"))
    assert committed == Record.model_json_schema(), "run `crpv schema` (make schema) and commit the result"
