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
