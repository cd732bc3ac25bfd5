"""Resources: the one way to read the packaged knowledge in ``pipeline/data/``.

Every vocabulary, pattern, gazetteer and place table of the pipeline is a data file there, each opening
with a line that says where its facts come from. Stages read them through these functions, once per
process (cached). Regular expressions in TOML files are literal strings ('…' or '''…'''), so a
backslash is written once.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

PACKAGE = "pipeline.data"


def path(name: str) -> Traversable:
    """The packaged data file ``name`` ('events.toml', 'places/communes.csv')."""
    node = resources.files(PACKAGE)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node


def as_file(name: str):
    """A context manager giving a real file-system path for the packaged file or folder ``name``."""
    return resources.as_file(path(name))


@cache
def text(name: str) -> str:
    return path(name).read_text(encoding="utf-8")


@cache
def toml(name: str) -> dict:
    """A TOML data file, parsed (callers must not modify it)."""
    return tomllib.loads(text(name))


@cache
def json_data(name: str):
    return json.loads(text(name))


def csv_rows(name: str) -> list[list[str]]:
    """Rows of a CSV table, without its '#' comment lines and its header."""
    rows = csv.reader(line for line in io.StringIO(text(name)) if not line.startswith("#"))
    next(rows, None)
    return list(rows)


def lines(name: str) -> list[str]:
    """The non-empty lines of a list file, without '#' comment lines."""
    return [line.strip() for line in text(name).splitlines() if line.strip() and not line.startswith("#")]


def regex(patterns: str | list[str], flags: int = 0) -> re.Pattern:
    """One compiled pattern from a pattern or a list of them (joined as alternatives)."""
    if isinstance(patterns, str):
        return re.compile(patterns, flags)
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


def all_files() -> list[Traversable]:
    """Every packaged data file (for the pipeline's fingerprint), in a stable order."""

    def walk(folder: Traversable) -> list[Traversable]:
        found = []
        for item in folder.iterdir():
            if item.is_dir():
                found += walk(item)
            elif not item.name.endswith((".py", ".pyc")):
                found.append(item)
        return found

    return sorted(walk(resources.files(PACKAGE)), key=str)
