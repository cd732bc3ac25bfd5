"""Property tests: the loader, the cleaner, the date grammar and the records never fail in a way other
than the pipeline's own errors, whatever they are given."""

from __future__ import annotations

import contextlib
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import clean
from pipeline.errors import PageError
from pipeline.load import decode, detect_format, load_page
from pipeline.models import Anchor, Document, Event, LoadedPage, Location, Record, Source
from pipeline.temporal import find_expressions, parse_metadata_date, resolve

DATEISH = st.sampled_from(
    [
        "le 31 juin 2019",
        "les 30 et 31 février",
        "du 28 décembre au 3 janvier",
        "lundi 11 décembre",
        "12/13/2020",
        "2019-02-30",
        "14h30",
        "de 9h à 17h",
        "été 2019",
        "1er mai",
        "les 7-8 et 21-22 mars",
        "en juin dernier",
        "mardi dernier",
        "2015-2020",
        "10 novembre 93",
        "00/00/0000",
        "le 0 mars 2020",
        "99/99/99",
        "sept.",
        " ",
    ]
)
TEXT = st.lists(st.one_of(DATEISH, st.text(max_size=20)), max_size=12).map(" ".join)
TAGS = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<article>",
        "<h1>",
        "</h1>",
        "<script>",
        "<!--",
        "-->",
        "<meta charset='utf-8'>",
        "<a href='http://[::1'>",
        "<img src='x.png'>",
        "<br>",
        "<table><tr><td>",
        "<time datetime='2021-13-45'>",
        "<link rel='canonical' href='javascript:x'>",
        "&nbsp;",
        "&#0;",
    ]
)
HTML = st.lists(st.one_of(TAGS, TEXT), max_size=40).map(lambda parts: "<html><body>" + "".join(parts))
FEW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FEW
@given(st.binary(max_size=600))
def test_decode_takes_any_bytes(data):
    text, codec, warnings = decode(data)
    assert isinstance(text, str) and codec and isinstance(warnings, list)


@FEW
@given(st.binary(max_size=600), st.sampled_from(["page.html", "page.txt"]))
def test_load_page_raises_only_page_errors(tmp_path_factory, data, name):
    folder = tmp_path_factory.mktemp("load")
    (folder / name).write_bytes(data)
    try:
        page = load_page(folder / name, folder)
    except PageError:
        return
    assert page.format in ("html", "text") and page.path == name


@FEW
@given(st.text(max_size=400))
def test_detect_format_is_html_text_or_not_a_page(text):
    with contextlib.suppress(PageError):
        assert detect_format(text) in ("html", "text")


@FEW
@given(st.one_of(HTML, TEXT))
def test_the_cleaner_gives_a_document_or_says_there_is_no_content(text):
    page = LoadedPage(
        path="p.html",
        format="html" if text.startswith("<html") else "text",
        text=text,
        encoding="utf-8",
        sha256="0" * 64,
    )
    try:
        document, warnings = clean(page)
    except PageError:
        return
    assert isinstance(document, Document) and isinstance(warnings, list)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_the_date_grammar_resolves_anything_against_any_anchor(text, day, exact):
    anchor = Anchor(day, "published" if exact else "text", exact=exact)
    for found in find_expressions(text):
        assert text[found.start : found.end] == found.text
        entity = resolve(found, anchor)
        if entity is not None:
            assert entity.start <= entity.end and entity.precision in ("day", "month", "year")


@FEW
@given(st.one_of(st.none(), st.text(max_size=40), DATEISH))
def test_metadata_dates_are_iso_or_none(value):
    parsed = parse_metadata_date(value)
    assert parsed is None or date.fromisoformat(parsed)


@FEW
@given(st.text(max_size=200), st.text(max_size=60), st.one_of(st.none(), st.text(max_size=30)))
def test_records_survive_a_json_round_trip(text, name, city):
    record = Record(
        id="local-x-00000000",
        source=Source(path=name or "x", format="text", sha256="0" * 64),
        document=Document(title=name, text=text),
        events=[Event(name=name or "e", start_date="2024-01-01", end_date="2024-01-02", location=Location(city=city))],
        warnings=[text],
    )
    assert Record.model_validate_json(record.model_dump_json()) == record
