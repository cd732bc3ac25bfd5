"""Dates: French temporal expressions in a text -> ``DateEntity`` values resolved to ISO dates.

Expressions are found by this module's own grammar (regular expressions built from the vocabulary of
``data/french_dates.toml``), never by dateparser's free search, which reads "Mars a", "a sept" or "jeu"
as dates. dateparser only normalises a piece this grammar has already delimited, always with
``languages=["fr"]`` and ``DATE_ORDER="DMY"``.
"""

from __future__ import annotations

import logging
import re
import tomllib
from datetime import date
from functools import lru_cache
from importlib import resources

LOGGER = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return tomllib.loads(resources.files("pipeline.data").joinpath("french_dates.toml").read_text("utf-8"))


def month_number(word: str) -> int | None:
    return vocabulary()["months"].get(word.lower().rstrip("."))


_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_WORDS = re.compile(r"^\s*(?:[a-zé]+\.?\s+)?(\d{1,2})(?:er)?\s+([a-zéû]+)\.?\s+(\d{4})\b", re.I)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_metadata_date(value: str | None) -> str | None:
    """A date as metadata writes it -> 'YYYY-MM-DD': ISO 8601, '02/11/2021' (day first), '2 novembre 2021'."""
    if not value:
        return None
    value = str(value)
    if m := _ISO.match(value):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(value):
        year = int(m[3]) if len(m[3]) == 4 else 2000 + int(m[3])
        return _valid(year, int(m[2]), int(m[1]))
    if (m := _WORDS.match(value)) and (month := month_number(m[2])):
        return _valid(int(m[3]), month, int(m[1]))
    return None
