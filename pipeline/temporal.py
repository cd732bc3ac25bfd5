"""Temporal: the French date grammar. Text -> the temporal expressions it holds (``Found``), each
resolvable to ISO dates (``DateEntity``) against an ``Anchor``; page-metadata dates -> 'YYYY-MM-DD'.

Expressions are found by this grammar (the forms of ``data/french_dates.toml``, built from its
vocabulary), never by dateparser's free search, which reads "Mars a", "a sept" or "jeu" as dates and
"Les 25 et 26 juin derniers" as 1926. A complete day is checked with ``datetime.date``.

Forms: single days ("le 17 octobre dernier", "Mardi 2 novembre 2021", "02/11/2021", "jeudi 27
novembre"), ranges ("les 25 et 26 juin derniers", "du 14 au 16 octobre 2024", "du 30 septembre au 2
octobre", "14-16 octobre 2024"), months and seasons ("en juillet 2018", "été 2019", "en juin dernier"),
years ("le bilan 2020", "2015-2020"), weekdays ("mardi dernier") and times attached to the date before
them ("09:30", "14h30", "de 9h à 17h").

A date without its year is resolved against an anchor (``dates`` chooses it): with the exact
publication date, "dernier" means on or before it and "prochain" after it; else the nearest matching
day wins. A weekday narrows the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from . import resources, settings
from .models import Anchor, DateEntity
from .text import alternation, longest_first


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return resources.toml("french_dates.toml")


def month_number(word: str) -> int | None:
    return vocabulary()["months"].get(word.lower().rstrip("."))


def weekday_number(word: str) -> int | None:
    v = vocabulary()
    word = word.lower().rstrip(".")
    return v["weekdays"].get(word, v["weekday_abbreviations"].get(word))


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    v = vocabulary()
    months = v["months"]
    # an abbreviation ("sept", "janv") is a shorter spelling of another name of the same month; only
    # abbreviations take a period, so the full stop after "mars." stays out of the date
    abbreviations = [m for m in months if any(o != m and o.startswith(m) and months[o] == months[m] for o in months)]
    full = [m for m in months if m not in abbreviations]
    tokens = dict(v["grammar"]["tokens"])
    tokens["MONTH"] = rf"(?:(?:{alternation(full)})\b|(?:{alternation(abbreviations)})(?:\.|\b))"
    tokens["WDAY"] = rf"(?:{alternation(v['weekdays'])})\b"
    tokens["SEASON"] = rf"(?:{alternation(v['seasons'])})\b"
    tokens["REL"] = rf"(?:{alternation(v['markers']['past'] + v['markers']['future'])})\b"

    def expand(form: str) -> str:
        return re.sub(r"<([A-Z_]+)>", lambda m: tokens[m.group(1)], form)

    return [(name, re.compile(expand(form), re.I)) for name, form in v["grammar"]["forms"].items()]


@lru_cache(maxsize=1)
def _time_pattern() -> re.Pattern:
    return re.compile(vocabulary()["grammar"]["time"])


@dataclass(frozen=True)
class Found:
    """An expression the grammar delimited, before its year is resolved."""

    start: int
    end: int
    text: str
    rule: str
    d1: int | None = None
    m1: int | None = None
    y1: int | None = None
    wd1: int | None = None
    d2: int | None = None
    m2: int | None = None
    y2: int | None = None
    wd2: int | None = None
    season: str | None = None
    marker: str | None = None  # 'past' | 'future'
    time: str | None = None
    end_time: str | None = None

    @property
    def complete(self) -> bool:
        return self.y2 is not None


def _day(text: str | None) -> int | None:
    if not text:
        return None
    return 1 if text.lower() in vocabulary()["days"]["first"] else int(text)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _found(rule: str, m: re.Match) -> Found:
    v = vocabulary()
    gd = m.groupdict()
    marker = None
    if gd.get("rel"):
        marker = "past" if gd["rel"].lower() in v["markers"]["past"] else "future"
    month2 = int(gd["mn2"]) if gd.get("mn2") else (month_number(gd["m2"]) if gd.get("m2") else None)
    return Found(
        start=m.start(),
        end=m.end(),
        text=m.group(),
        rule=rule,
        d1=_day(gd.get("d1")),
        m1=month_number(gd["m1"]) if gd.get("m1") else None,
        y1=_year(gd.get("y1")),
        wd1=weekday_number(gd["wd1"]) if gd.get("wd1") else None,
        d2=_day(gd.get("d2")),
        m2=month2,
        y2=_year(gd.get("y2")),
        wd2=weekday_number(gd["wd2"]) if gd.get("wd2") else None,
        season=gd["season"].lower() if gd.get("season") else None,
        marker=marker,
    )


def _is_quantity(text: str, end: int) -> bool:
    after = text[end : end + 14].lower().lstrip()
    return any(after.startswith(word) for word in vocabulary()["years"]["not_after"])


def find_expressions(text: str) -> list[Found]:
    """Every temporal expression in ``text``, longest first where they overlap, in text order."""
    cfg = settings.section("dates")
    candidates: list[tuple[int, Found]] = []
    for rank, (rule, pattern) in enumerate(_patterns()):
        for m in pattern.finditer(text):
            if rule in ("year", "year-range") and _is_quantity(text, m.end()):
                continue
            found = _found(rule, m)
            if found.y2 is not None and not cfg.min_year <= found.y2 <= cfg.max_year:
                continue
            candidates.append((rank, found))
    chosen = [f for _, f in longest_first(candidates, span=lambda c: (c[1].start, c[1].end), rank=lambda c: c[0])]
    return _split_lists(_attach_times(text, chosen))


def _split_lists(found: list[Found]) -> list[Found]:
    """'les 5 et 12 mai': two separate days, not a week-long range."""
    out = []
    for f in found:
        if (
            f.rule == "range-list"
            and f.d1
            and f.d2
            and f.m1 is None
            and f.d2 - f.d1 > settings.section("dates").max_list_range_days
        ):
            out.append(replace(f, rule="day-list", d1=None, wd1=None))
            out.append(replace(f, rule="day-list", d2=f.d1, wd2=f.wd1, d1=None, wd1=None))
        else:
            out.append(f)
    return out


def _attach_times(text: str, found: list[Found]) -> list[Found]:
    out = list(found)
    attach_chars = settings.section("dates").time_attach_chars
    for m in _time_pattern().finditer(text):
        start = m.start("h1")
        for i in range(len(out) - 1, -1, -1):
            f = out[i]
            if (
                f.end <= start
                and start - f.end <= attach_chars
                and "\n" not in text[f.end : start]
                and f.d2
                and f.time is None
            ):
                out[i] = replace(
                    f,
                    time=f"{int(m['h1']):02d}:{m['mi1'] or '00'}",
                    end_time=f"{int(m['h2']):02d}:{m['mi2'] or '00'}" if m["h2"] else None,
                )
                break
            if f.end <= start:
                break
    return out


# --- normalisation and resolution ----------------------------------------------------------------


def impossible(found: Found) -> bool:
    """A complete day that no calendar has ("le 31 juin 2019", "les 30 et 31 février 2020")."""
    if found.d2 is None or found.m2 is None or found.y2 is None:
        return False
    if normalise_day(found.d2, found.m2, found.y2) is None:
        return True
    return found.d1 is not None and normalise_day(found.d1, found.m1 or found.m2, found.y1 or found.y2) is None


def normalise_day(day: int, month: int, year: int) -> date | None:
    """A complete day -> date; None for an impossible one ("31 juin")."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _candidates(day: int, month: int, weekday: int | None, anchor: Anchor) -> list[date]:
    span = settings.section("dates").weekday_year_span if weekday is not None else 1
    days = []
    for year in range(anchor.day.year - span, anchor.day.year + span + 1):
        value = normalise_day(day, month, year)
        if value and (weekday is None or value.weekday() == weekday):
            days.append(value)
    return days


def _pick(days: list[date], marker: str | None, anchor: Anchor) -> date | None:
    if not days:
        return None
    if anchor.exact and marker == "past":
        days = [d for d in days if d <= anchor.day] or days
        return max(days)
    if anchor.exact and marker == "future":
        days = [d for d in days if d >= anchor.day] or days
        return min(days)
    return min(days, key=lambda d: (abs((d - anchor.day).days), d))


def resolve(found: Found, anchor: Anchor | None) -> DateEntity | None:
    """Found -> DateEntity; None when the year cannot be known (no anchor for a partial date)."""
    anchor_fields = (
        {"anchor": anchor.day.isoformat(), "anchor_source": anchor.source} if anchor and not found.complete else {}
    )
    common = {
        "text": found.text,
        "span": (found.start, found.end),
        "rule": f"grammar:{found.rule}",
        "time": found.time,
        "end_time": found.end_time,
    }
    if found.rule in ("year", "year-range"):
        first = found.y1 or found.y2
        return DateEntity(start=str(first), end=str(found.y2), precision="year", **common)
    if found.rule == "season":
        first, last = vocabulary()["seasons"][found.season]
        start_year = found.y2 - 1 if first > last else found.y2
        return DateEntity(start=f"{start_year}-{first:02d}", end=f"{found.y2}-{last:02d}", precision="month", **common)
    if found.m2 is None:  # "mardi dernier"
        if anchor is None or found.wd2 is None:
            return None
        days = [
            anchor.day + timedelta(days=k)
            for k in range(-7, 8)
            if (anchor.day + timedelta(days=k)).weekday() == found.wd2 and k != 0
        ]
        value = _pick(days, found.marker or "past", anchor)
        return DateEntity(start=value.isoformat(), end=value.isoformat(), precision="day", **common, **anchor_fields)
    if found.d2 is None:  # a month: "juillet 2018", "en juin dernier"
        year = found.y2
        if year is None:
            if anchor is None:
                return None
            months = [date(y, found.m2, 1) for y in (anchor.day.year - 1, anchor.day.year, anchor.day.year + 1)]
            pick = _pick(months, found.marker, replace(anchor, day=anchor.day.replace(day=1)))
            year = pick.year
        value = f"{year}-{found.m2:02d}"
        return DateEntity(start=value, end=value, precision="month", **common, **anchor_fields)
    if found.y2 is not None:
        end = normalise_day(found.d2, found.m2, found.y2)
    elif anchor is not None:
        end = _pick(_candidates(found.d2, found.m2, found.wd2, anchor), found.marker, anchor)
    else:
        return None
    if end is None:
        return None
    start = end
    if found.d1 is not None:
        start_month = found.m1 or found.m2
        start_year = found.y1 or (end.year - 1 if start_month > end.month else end.year)
        start = normalise_day(found.d1, start_month, start_year)
        if start is None or start > end:
            return None
    return DateEntity(start=start.isoformat(), end=end.isoformat(), precision="day", **common, **anchor_fields)


# --- metadata dates --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _metadata_patterns() -> dict[str, re.Pattern]:
    v = vocabulary()
    weekdays = alternation([*v["weekdays"], *v["weekday_abbreviations"]])
    patterns = {name: re.compile(p, re.I) for name, p in v["metadata"].items()}
    patterns["weekday_prefix"] = re.compile(rf"^\s*(?:{weekdays})\.?\s+(?=\d)", re.I)
    return patterns


def parse_metadata_date(value: str | None) -> str | None:
    """A date as metadata writes it -> 'YYYY-MM-DD': ISO 8601, '02/11/2021' (day first), '2 novembre 2021'."""
    if not value:
        return None
    p = _metadata_patterns()
    value = p["weekday_prefix"].sub("", str(value))  # "ven 24/09/2021", "Mardi 2 novembre 2021"
    day = None
    if m := p["iso"].match(value):
        day = normalise_day(int(m[3]), int(m[2]), int(m[1]))
    elif m := p["numeric"].match(value):
        year = int(m[3]) if len(m[3]) == 4 else 2000 + int(m[3])
        day = normalise_day(int(m[1]), int(m[2]), year)
    elif (m := p["words"].match(value)) and (month := month_number(m[2])):
        day = normalise_day(int(m[1]), month, int(m[3]))
    return day.isoformat() if day else None
