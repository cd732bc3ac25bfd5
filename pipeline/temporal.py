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
    tokens["REL_DAYS"] = rf"(?:{alternation(v['relative']['days'])})"
    tokens["PERIODS"] = rf"(?:{alternation(v['relative']['periods'])})"
    tokens["PARTS"] = rf"(?:{alternation(v['relative']['parts_of_day'])})\b"
    tokens["HOLIDAYS"] = rf"(?:{alternation(v['holidays'])})"
    tokens["DECADE_WORDS"] = rf"(?:{alternation(v['decades'])})"

    def expand(form: str) -> str:
        return re.sub(r"<([A-Z_]+)>", lambda m: tokens[m.group(1)], form)

    return [(name, re.compile(expand(form), re.I)) for name, form in v["grammar"]["forms"].items()]


@lru_cache(maxsize=1)
def _time_pattern() -> re.Pattern:
    return re.compile(vocabulary()["grammar"]["time"])


@lru_cache(maxsize=1)
def _future_cue() -> re.Pattern:
    return re.compile(vocabulary()["relative"]["future_cue"])


_SENTENCE_BREAK = re.compile(r"[.!?\n]")
# How far around a bare weekday or month its sentence is read for a future tense.
_TENSE_WINDOW = 160


@lru_cache(maxsize=1)
def _shared_marker_pattern() -> re.Pattern:
    v = vocabulary()
    months = alternation(v["months"])
    markers = alternation(v["markers"]["past"] + v["markers"]["future"])
    return re.compile(rf"\s*(?:,|et|ou)\s+(?:en\s+)?(?:{months})\s+(?P<rel>{markers})\b", re.I)


def _shared_marker(text: str, end: int) -> str | None:
    """'en mai et juin derniers': the marker after the last month is the first one's too."""
    if m := _shared_marker_pattern().match(text, end):
        return "past" if m.group("rel").lower() in vocabulary()["markers"]["past"] else "future"
    return None


def _tense(text: str, start: int, end: int) -> str:
    """'future' when the sentence around [start, end) speaks of what will be, else 'past'."""
    before = text[max(0, start - _TENSE_WINDOW) : start]
    after = text[end : end + _TENSE_WINDOW]
    breaks = list(_SENTENCE_BREAK.finditer(before))
    before = before[breaks[-1].end() :] if breaks else before
    if m := _SENTENCE_BREAK.search(after):
        after = after[: m.start()]
    sentence = before + " " + after
    if sentence.isupper():  # a headline in capitals: "LE VILLAGE FERA LA FÊTE DIMANCHE"
        sentence = sentence.lower()
    return "future" if _future_cue().search(sentence) else "past"


_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN[ch]
        total += -value if i + 1 < len(numeral) and _ROMAN[numeral[i + 1]] > value else value
    return total


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
    marker: str | None = None  # 'past' | 'future' | 'this' (the current week's day)
    time: str | None = None
    end_time: str | None = None
    offset: int | None = None  # "hier": days from the day of writing
    period: tuple[str, int] | None = None  # "l'an dernier": (unit, units from the day of writing)
    holiday: str | None = None  # "Pentecôte": its rule in the vocabulary
    part_of_day: str | None = None  # "hier soir": a time expression rather than a date
    first_end: int | None = None  # where the first day of a range or list ends ("les 6| et 13 avril")
    second_start: int | None = None  # where its last day starts

    @property
    def complete(self) -> bool:
        return self.y2 is not None

    @property
    def relative(self) -> bool:
        """Said relative to the day of writing or to the reader's time ("hier", "samedi", "cet été"):
        never an event's date nor an anchor."""
        return self.rule in RELATIVE_RULES


RELATIVE_RULES = frozenset(
    ["relative-day", "relative-period", "weekday", "month", "season-relative", "holiday", "weekday-relative"]
)
# Said relative to the reader's now, with no day of the month: never an event's date ("hier",
# "samedi", "cette semaine", "à Pâques").
NOT_EVENT_RULES = frozenset(["relative-day", "relative-period", "weekday", "month", "season-relative", "holiday"])


def _day(text: str | None) -> int | None:
    if not text:
        return None
    return 1 if text.lower() in vocabulary()["days"]["first"] else int(text)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    if value >= 100:
        return value
    return value + (2000 if value < vocabulary()["relative"]["two_digit_pivot"] else 1900)


def _found(rule: str, m: re.Match, text: str) -> Found:
    v = vocabulary()
    gd = m.groupdict()
    marker = None
    if gd.get("rel"):
        marker = "past" if gd["rel"].lower() in v["markers"]["past"] else "future"
    elif gd.get("this"):
        marker = "this"
    elif rule in ("weekday", "month", "season-relative", "holiday", "month-relative", "relative-period"):
        marker = _shared_marker(text, m.end()) or _tense(text, m.start(), m.end())
    month2 = int(gd["mn2"]) if gd.get("mn2") else (month_number(gd["m2"]) if gd.get("m2") else None)
    y1, y2 = _year(gd.get("y1")), _year(gd.get("y2"))
    if gd.get("decade"):
        word = gd["decade"].lower()
        tens = v["decades"].get(word, int(word) % 100 if word.isdigit() else 0)
        y1 = int(word) if word.isdigit() and len(word) == 4 else 1900 + tens
        y2 = y1 + 9
    if gd.get("century"):
        y1 = (_roman(gd["century"]) - 1) * 100
        y2 = y1 + 99
    period = None
    if gd.get("period"):
        unit, offset = next(
            value
            for key, value in v["relative"]["periods"].items()
            if key.lower() == gd["period"].lower().replace("’", "'")
        )
        period = (unit, offset)
    offset = None
    if gd.get("rel_day"):
        offset = next(
            value for key, value in v["relative"]["days"].items() if key == gd["rel_day"].lower().replace("’", "'")
        )
    return Found(
        start=m.start(),
        end=m.end(),
        text=m.group(),
        rule=rule,
        d1=_day(gd.get("d1")),
        m1=month_number(gd["m1"]) if gd.get("m1") else None,
        y1=y1,
        wd1=weekday_number(gd["wd1"]) if gd.get("wd1") else None,
        d2=_day(gd.get("d2")),
        m2=month2,
        y2=y2,
        wd2=weekday_number(gd["wd2"]) if gd.get("wd2") else None,
        season=gd["season"].lower() if gd.get("season") else None,
        marker=marker,
        offset=offset,
        period=period,
        holiday=gd.get("holiday"),
        part_of_day=gd.get("part"),
        first_end=m.end("d1") if gd.get("d1") else None,
        second_start=m.start("d2") if gd.get("d2") and gd.get("d1") else None,
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
            found = _found(rule, m, text)
            if found.y2 is not None and not cfg.min_year <= found.y2 <= cfg.max_year:
                continue
            if rule == "range-dash" and found.wd2 is not None and found.wd1 is None and found.m1 is None:
                continue  # "Épisode 1 – jeudi 22 janvier 2026": a number, then a day with its weekday
            candidates.append((rank, found))
    chosen = [f for _, f in longest_first(candidates, span=lambda c: (c[1].start, c[1].end), rank=lambda c: c[0])]
    return sorted(_split_lists(text, _attach_times(text, chosen)), key=lambda f: f.start)


def _split_lists(text: str, found: list[Found]) -> list[Found]:
    """'les 5 et 12 mai': two separate days, not a week-long range; each keeps its own words."""
    out = []
    for f in found:
        if (
            f.rule == "range-list"
            and f.d1
            and f.d2
            and f.m1 is None
            and f.d2 - f.d1 > settings.section("dates").max_list_range_days
        ):
            second = f.second_start if f.second_start is not None else f.start
            first_end = f.first_end if f.first_end is not None else f.end
            out.append(replace(f, rule="day-list", d1=None, wd1=None, start=second, text=text[second : f.end]))
            out.append(
                replace(
                    f,
                    rule="day-list",
                    d2=f.d1,
                    wd2=f.wd1,
                    d1=None,
                    wd1=None,
                    end=first_end,
                    text=text[f.start : first_end],
                )
            )
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
        "rule": f"grammar:{found.rule}" + ("+part-of-day" if found.part_of_day else ""),
        "time": found.time,
        "end_time": found.end_time,
    }
    if found.rule in ("year", "year-range", "decade", "century"):
        first = found.y1 or found.y2
        return DateEntity(start=str(first), end=str(found.y2), precision="year", **common)
    if found.relative and found.rule not in ("month", "weekday", "weekday-relative"):
        return _resolve_relative(found, anchor, common, anchor_fields)
    if found.rule == "season":
        first, last = vocabulary()["seasons"][found.season]
        start_year = found.y2 - 1 if first > last else found.y2
        return DateEntity(start=f"{start_year}-{first:02d}", end=f"{found.y2}-{last:02d}", precision="month", **common)
    if found.m2 is None:  # "mardi dernier", "samedi", "ce dimanche"
        if anchor is None or found.wd2 is None:
            return None
        window = range(-3, 4) if found.marker == "this" else range(-7, 8)
        days = [
            anchor.day + timedelta(days=k)
            for k in window
            if (anchor.day + timedelta(days=k)).weekday() == found.wd2 and (k != 0 or found.marker == "this")
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


def easter(year: int) -> date:
    """Easter Sunday of ``year`` (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the computus's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _holiday(rule: str, year: int) -> date:
    if rule.startswith("easter+"):
        return easter(year) + timedelta(days=int(rule.removeprefix("easter+")))
    month, day = map(int, rule.split("-"))
    return date(year, month, day)


def _resolve_relative(found: Found, anchor: Anchor | None, common: dict, anchor_fields: dict) -> DateEntity | None:
    """'hier', 'l'an dernier', 'cette semaine', 'cet été', 'Pentecôte': against the day of writing
    ('Pâques 2024' says its year)."""
    v = vocabulary()
    if found.holiday and found.y2:
        day = _holiday(v["holidays"][found.holiday], found.y2)
        return DateEntity(start=day.isoformat(), end=day.isoformat(), precision="day", **common)
    if anchor is None:
        return None
    today = anchor.day
    if found.offset is not None:
        day = today + timedelta(days=found.offset)
        return DateEntity(start=day.isoformat(), end=day.isoformat(), precision="day", **common, **anchor_fields)
    if found.period:
        unit, offset = found.period
        if unit == "year":
            value = str(today.year + offset)
            return DateEntity(start=value, end=value, precision="year", **common, **anchor_fields)
        if unit == "month":
            index = today.year * 12 + today.month - 1 + offset
            value = f"{index // 12}-{index % 12 + 1:02d}"
            return DateEntity(start=value, end=value, precision="month", **common, **anchor_fields)
        if unit == "weekend" and offset == 0 and found.marker == "past" and today.weekday() < 5:
            offset = -1  # "se sont rendus ce week-end", written on a weekday: the weekend just gone
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        first, last = (
            (monday, monday + timedelta(days=6))
            if unit == "week"
            else (monday + timedelta(days=5), monday + timedelta(days=6))
        )
        return DateEntity(start=first.isoformat(), end=last.isoformat(), precision="day", **common, **anchor_fields)
    if found.holiday:
        rule = v["holidays"][found.holiday]
        days = [_holiday(rule, y) for y in (today.year - 1, today.year, today.year + 1)]
        day = _pick(days, found.marker, anchor)
        return DateEntity(start=day.isoformat(), end=day.isoformat(), precision="day", **common, **anchor_fields)
    if found.season:
        first, last = v["seasons"][found.season]
        starts = [date(y, first, 1) for y in (today.year - 1, today.year, today.year + 1)]
        if found.marker == "this":  # "cet été", "cet hiver": of the year of writing, the nearest to the day
            spans = [(s, date(s.year + (first > last), last, 1)) for s in starts]
            spans = [(s, e) for s, e in spans if today.year in (s.year, e.year)]
            begin = min(spans, key=lambda se: max((se[0] - today).days, (today - se[1]).days - 31, 0))[0]
        else:
            begin = _pick(starts, found.marker, anchor)
        end_year = begin.year + 1 if first > last else begin.year
        return DateEntity(
            start=f"{begin.year}-{first:02d}",
            end=f"{end_year}-{last:02d}",
            precision="month",
            **common,
            **anchor_fields,
        )
    return None


# --- metadata dates --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _metadata_patterns() -> dict[str, re.Pattern]:
    v = vocabulary()
    weekdays = alternation([*v["weekdays"], *v["weekday_abbreviations"]])
    patterns = {name: re.compile(p, re.I) for name, p in v["metadata"].items()}
    patterns["weekday_prefix"] = re.compile(rf"^\s*(?:{weekdays})\.?\s+(?=\d)", re.I)
    return patterns


def bare_date(line: str) -> str | None:
    """A line that is a date and nothing else ("18 octobre 2024", "Mardi 5 mars 2019", "12/09/2024") ->
    'YYYY-MM-DD'; a line with more ("Jeudi 16 octobre de 9h à 17h", "le 16 octobre prochain") -> None."""
    p = _metadata_patterns()
    value = p["weekday_prefix"].sub("", line).strip(" \t\u00a0.,–-|")
    for name in ("iso", "numeric", "words"):
        if (m := p[name].match(value)) and m.end() == len(value):
            return parse_metadata_date(value)
    return None


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
