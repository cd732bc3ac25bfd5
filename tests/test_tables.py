"""crpv export: the analysts' tables load back with pandas and DuckDB and say what the JSON outputs say;
the data package describes every file and field; the README's loading lines run."""

from __future__ import annotations

import csv
import datetime
import json
import re

import pytest
from typer.testing import CliRunner

from pipeline import tables
from pipeline.cli import app

from .conftest import ROOT

pd = pytest.importorskip("pandas")
duckdb = pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def exported(sample_output):
    """The bundled raw/ extracted into a folder named processed/, then exported in every format."""
    result = CliRunner().invoke(app, ["export", str(sample_output)])
    assert result.exit_code == 0, result.output
    return sample_output


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_table_is_written_in_every_format_and_each_loads_back_alike(exported):
    for name in tables.TABLES:
        rows = _jsonl(exported / "tables" / f"{name}.jsonl")
        from_csv = pd.read_csv(exported / "tables" / f"{name}.csv", keep_default_na=False)
        from_parquet = pd.read_parquet(exported / "tables" / f"{name}.parquet")
        with duckdb.connect(str(exported / "tables" / "crpv.duckdb"), read_only=True) as db:
            [(count,)] = db.sql(f'SELECT count(*) FROM "{name}"').fetchall()
            columns = [c for c, *_ in db.sql(f'DESCRIBE "{name}"').fetchall()]
        assert len(rows) == len(from_csv) == len(from_parquet) == count, name
        assert list(from_csv.columns) == list(from_parquet.columns) == columns == list(tables.TABLES[name].model_fields)
    assert all(len(_jsonl(exported / "tables" / f"{name}.jsonl")) for name in ("events", "documents", "places"))


def test_the_events_table_is_events_jsonl_one_row_per_network_event(exported):
    network = _jsonl(exported / "events.jsonl")
    table = pd.read_parquet(exported / "tables" / "events.parquet")
    assert list(table["id"]) == [e["id"] for e in network]
    first = table.iloc[0]
    assert first["start_date"] == datetime.date.fromisoformat(network[0]["start_date"])  # a real date
    assert list(first["organisers"]) == [o["name"] for o in network[0]["organisers"]]
    assert list(first["sites"]) == sorted({s["site"] for s in network[0]["sources"] if s["site"]})
    links = pd.read_csv(exported / "tables" / "event_sources.csv")
    assert len(links) == sum(len(e["sources"]) for e in network)
    assert set(links["event_id"]) == set(table["id"])


def test_mentions_join_their_document_and_their_event(exported):
    documents = set(pd.read_parquet(exported / "tables" / "documents.parquet")["id"])
    events = set(pd.read_parquet(exported / "tables" / "events.parquet")["id"])
    records = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (exported / "documents").glob("*.json")}
    assert documents == set(records)
    for name, key in (("organisations", "organisations"), ("people", "people"), ("places", "places")):
        table = pd.read_parquet(exported / "tables" / f"{name}.parquet")
        assert set(table["document_id"]) <= documents
        assert set(table["event_id"].dropna()) <= events
        mentions = sum(len(e["mentions"]) for r in records.values() for e in r["entities"][key])
        assert len(table) == mentions, name  # one row per mention
    organisations = pd.read_parquet(exported / "tables" / "organisations.parquet")
    assert organisations["organiser"].any() and not organisations["organiser"].all()
    places = pd.read_parquet(exported / "tables" / "places.parquet")
    assert places["event_city"].any()


def test_the_data_package_describes_every_file_and_each_csv_matches_its_table_schema(exported):
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
        assert all((exported / p).is_file() for p in paths), resource["name"]
        assert re.fullmatch(r"[a-z0-9._-]+", resource["name"])
        if resource.get("format") != "csv":
            continue
        fields = resource["schema"]["fields"]
        with (exported / resource["path"]).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            assert next(reader) == [f["name"] for f in fields]
            for row in reader:
                for field, cell in zip(fields, row, strict=True):
                    if cell == "":
                        assert not field.get("constraints", {}).get("required"), (resource["name"], field)
                    elif field["type"] == "integer":
                        int(cell)
                    elif field["type"] == "boolean":
                        assert cell in ("true", "false")
                    elif field["type"] == "date":
                        datetime.date.fromisoformat(cell)
                    elif field["type"] == "array":
                        assert isinstance(json.loads(cell), list)
    described = {r["path"] for r in package["resources"] if isinstance(r["path"], str)}
    on_disk = {str(p.relative_to(exported)) for p in (exported / "tables").iterdir()}
    assert on_disk <= described
    assert {"events.jsonl", "page_events.jsonl", "errors.jsonl", "manifest.json"} <= described


def test_the_readme_loading_lines_run_on_an_output_folder(exported, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- tested:[^>]*-->\s*```python\n(.*?)```\s*<!-- end tested -->", readme, re.S)
    assert block, "the README's tested block of loading lines is missing"
    lines = [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert any("pd." in line for line in lines) and any("duckdb." in line for line in lines)
    monkeypatch.chdir(exported.parent)
    for line in lines:
        result = eval(line, {"pd": pd, "duckdb": duckdb})
        frame = result if isinstance(result, pd.DataFrame) else result.df()
        assert len(frame) > 0, line


def test_exporting_twice_gives_the_same_bytes(exported):
    before = {p.name: p.read_bytes() for p in (exported / "tables").iterdir() if p.suffix != ".duckdb"}
    assert (
        CliRunner().invoke(app, ["export", str(exported), "-f", "csv", "-f", "jsonl", "-f", "parquet"]).exit_code == 0
    )
    after = {p.name: p.read_bytes() for p in (exported / "tables").iterdir() if p.suffix != ".duckdb"}
    assert before == after
