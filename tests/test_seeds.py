"""End to end on the two seed pages: every key of shared/seeds/expected/*.json is asserted."""

from __future__ import annotations

import json

import pytest

from pipeline.run import process_page
from pipeline.text import fold

from .conftest import SEEDS, needs

EXPECTED = sorted((SEEDS / "expected").glob("*.json")) if SEEDS.exists() else []
pytestmark = needs(SEEDS)


@pytest.fixture(scope="module", params=EXPECTED, ids=lambda p: p.stem)
def case(request):
    expected = json.loads(request.param.read_text(encoding="utf-8"))
    record = process_page(SEEDS / expected["input"], SEEDS)
    return expected, record


def test_format(case):
    expected, record = case
    assert record.source.format == expected["input_format"]


def test_document_fields(case):
    expected, record = case
    document = record.document
    for key, value in expected["document"].items():
        if key.endswith("_note"):
            continue
        if key == "title_casefold":
            assert document.title.casefold() == value.casefold()
        elif key == "lead_starts_with":
            assert document.lead.startswith(value)
        elif key == "text_contains":
            for fragment in value:
                assert fragment in document.text, fragment
        elif key == "text_excludes":
            for fragment in value:
                assert fragment not in document.text, fragment
        elif key == "categories_include":
            assert set(value) <= set(document.categories)
        else:
            assert getattr(document, key) == value, key


def test_images_links_and_credits(case):
    expected, record = case
    document = record.document
    sources = [image.src for image in document.images]
    for name in expected.get("images_include", []):
        assert any(src.endswith(name) for src in sources), name
    credits = [image.credit or "" for image in document.images]
    for credit in expected.get("image_credits_include", []):
        assert any(fold(credit) in fold(c) for c in credits), credit
    links = [link.url for link in document.links]
    for url in expected.get("links_include", []):
        assert url in links


def test_record_is_valid_and_stable(case):
    _, record = case
    again = process_page(SEEDS / record.source.path, SEEDS)
    assert again.model_dump_json() == record.model_dump_json()


def _org_names(org) -> set[str]:
    names = {org.name, getattr(org, "acronym", None) or "", org.id or ""} | {
        m.text for m in getattr(org, "mentions", [])
    }
    return {fold(n) for n in names if n}


def _matches(wanted: str, org, aliases: dict) -> bool:
    from pipeline.gazetteer import load_gazetteer

    wanted_names = {fold(wanted)} | {fold(a) for a in aliases.get(wanted, [])}
    names = _org_names(org)
    if org.id and (entry := load_gazetteer().get(org.id)):
        names |= {fold(n) for n in (entry.name, entry.acronym or "", *entry.aliases) if n}
    return bool(wanted_names & names)


def test_events(case):
    expected, record = case
    assert len(record.events) == len(expected["events"])
    for want, event in zip(expected["events"], record.events):
        assert (event.start_date, event.end_date) == (want["start_date"], want["end_date"])
        assert event.location.city == want["city"]
        if "edition" in want:
            assert event.edition == want["edition"]
        if "participants_count" in want:
            assert event.participants.count == want["participants_count"]
        for fmt in want.get("formats_include", []):
            assert fmt in event.formats
        for org in want.get("organisers_include", []):
            assert any(_matches(org, o, expected.get("organisation_aliases", {})) for o in event.organisers), org


def test_people(case):
    expected, record = case
    people = {p.name: p for p in record.entities.people}
    for want in expected.get("people", []):
        person = people[want["name"]]
        assert want["role_contains"] in person.role
        assert person.organisation == want["organisation"]
    for name in expected.get("not_people", []):
        assert not any(fold(name) == fold(p.name) for p in record.entities.people), name


def test_organisations(case):
    expected, record = case
    aliases = expected.get("organisation_aliases", {})
    for want in expected.get("organisations_include", []):
        assert any(_matches(want, org, aliases) for org in record.entities.organisations), want


def test_dates(case):
    expected, record = case
    for want in expected.get("dates_include", []):
        found = [d for d in record.entities.dates if d.text == want["text"]]
        assert found, want["text"]
        assert found[0].start == want["start"]
        if "precision" in want:
            assert found[0].precision == want["precision"]


def test_places(case):
    expected, record = case
    names = {p.name for p in record.entities.places}
    mentions = {m.text for p in record.entities.places for m in p.mentions}
    for place in expected.get("places_include", []):
        assert place in names
    for text in expected.get("not_places", []):
        assert text not in names and text not in mentions
