"""resources: every packaged data file reads, says where its facts come from, and regexes compile."""

from __future__ import annotations

import re

import pytest

from pipeline import resources

TOML_FILES = sorted(str(p.name) for p in resources.all_files() if p.name.endswith(".toml"))


def test_every_data_file_opens_with_its_source():
    for item in resources.all_files():
        if item.name.endswith((".toml", ".csv", ".txt")):
            first = item.read_text(encoding="utf-8").lstrip().splitlines()[0]
            assert first.startswith("#"), f"{item.name} does not open with a comment saying where its facts come from"


@pytest.mark.parametrize("name", TOML_FILES)
def test_toml_files_parse(name):
    assert resources.toml(name)


def test_regex_joins_alternatives():
    assert resources.regex(["a+", "b"]).fullmatch("aaa")
    assert resources.regex("x", re.I).match("X")


def test_csv_rows_skip_comments_and_header():
    rows = resources.csv_rows("places/regions.csv")
    assert rows and all(not r[0].startswith("#") for r in rows)
    assert ["53", "Bretagne"] in rows
