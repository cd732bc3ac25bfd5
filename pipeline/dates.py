"""Dates: French temporal expressions in a text -> ``DateEntity`` values resolved to ISO dates.

Expressions are found by this module's own grammar (regular expressions built from the vocabulary of
``data/french_dates.toml``), never by dateparser's free search, which reads "Mars a", "a sept" or "jeu"
as dates and "Les 25 et 26 juin derniers" as 1926. dateparser only normalises a complete day this
grammar has delimited, with ``languages=["fr"]`` and ``DATE_ORDER="DMY"``.

Forms: single days ("le 17 octobre dernier", "Mardi 2 novembre 2021", "02/11/2021", "jeudi 27
novembre"), ranges ("les 25 et 26 juin derniers", "du 14 au 16 octobre 2024", "du 30 septembre au 2
octobre", "14-16 octobre 2024"), months and seasons ("en juillet 2018", "été 2019", "en juin dernier"),
years ("le bilan 2020", "2015-2020"), weekdays ("mardi dernier") and times attached to the date before
them ("09:30", "14h30", "de 9h à 17h").

A date without its year is resolved against an anchor: the publication date when there is one (then
"dernier" means on or before it, "prochain" after it); else what the text itself says: the latest full
date it mentions, or the dates of the article's photos, as an approximate "now" (the nearest matching
day wins). A weekday narrows the year. The anchor used is recorded on every entity.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

from .models import DateEntity

LOGGER = logging.getLogger(__name__)

# Two days of a "les 5 et 12 mai" list further apart than this are two dates, not one range.
MAX_LIST_RANGE_DAYS = 3
# A time belongs to the date before it when it starts within this many characters of the date's end.
TIME_ATTACH_CHARS = 30
# Years outside this window are not read as years ("1515" in a text about a town is not a date here).
MIN_YEAR, MAX_YEAR = 1950, 2099


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return tomllib.loads(resources.files("pipeline.data").joinpath("french_dates.toml").read_text("utf-8"))


def month_number(word: str) -> int | None:
    return vocabulary()["months"].get(word.lower().rstrip("."))


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    v = vocabulary()
    months = v["months"]
    # an abbreviation ("sept", "janv") is a shorter spelling of another name of the same month; only
    # abbreviations take a period, so the full stop after "mars." stays out of the date
    abbreviations = [m for m in months if any(o != m and o.startswith(m) and months[o] == months[m] for o in months)]
    full = [m for m in months if m not in abbreviations]
    month = rf"(?:(?:{_alternation(full)})\b|(?:{_alternation(abbreviations)})(?:\.|\b))"
    wday = rf"(?:{_alternation(v['weekdays'])})\b"
    season = rf"(?:{_alternation(v['seasons'])})\b"
    day = r"(?:1er|premier|[12]\d|3[01]|0?[1-9])(?!\d)"
    year = r"(?:19|20)\d\d(?!\d)"
    rel = rf"(?:{_alternation(v['markers']['past'] + v['markers']['future'])})\b"
    num_day, num_month, num_year = r"[0-3]?\d", r"[01]?\d", r"(?:19|20)\d\d|\d\d"
    iso_month, iso_day = r"[01]\d", r"[0-3]\d"

    def g(name: str, body: str) -> str:
        return f"(?P<{name}>{body})"

    forms = [
        ("range-du-au", rf"\bdu\s+(?:{g('wd1', wday)}\s+)?{g('d1', day)}(?:\s+{g('m1', month)})?(?:\s+{g('y1', year)})?"
                        rf"\s+au\s+(?:{g('wd2', wday)}\s+)?{g('d2', day)}\s+{g('m2', month)}(?:\s+{g('y2', year)})?(?:\s+{g('rel', rel)})?"),
        ("range-list", rf"\b(?:{g('wd1', wday)}\s+)?{g('d1', day)}(?:\s*,\s*(?:{wday}\s+)?{day})*\s+(?:et|&)\s+(?:{g('wd2', wday)}\s+)?"
                       rf"{g('d2', day)}\s+{g('m2', month)}(?:\s+{g('y2', year)})?(?:\s+{g('rel', rel)})?"),
        ("range-dash-pair", rf"\b{g('d1', day)}\s*[-–]\s*{day}\s+(?:et|&)\s+{day}\s*[-–]\s*{g('d2', day)}\s+{g('m2', month)}(?:\s+{g('y2', year)})?"),
        ("range-dash", rf"\b(?:{g('wd1', wday)}\s+)?{g('d1', day)}(?:\s+{g('m1', month)})?(?:\s+{g('y1', year)})?\s*[-–—]\s*"
                       rf"(?:{g('wd2', wday)}\s+)?{g('d2', day)}\s+{g('m2', month)}(?:\s+{g('y2', year)})?"),
        ("day", rf"\b(?:{g('wd2', wday)}\s+)?{g('d2', day)}\s+{g('m2', month)}(?:\s+{g('y2', year)})?(?:\s+{g('rel', rel)})?"),
        ("numeric", rf"(?<![\d/.]){g('d2', num_day)}[/.]{g('mn2', num_month)}[/.]{g('y2', num_year)}(?![\d/.]\d)"),
        ("numeric-day-month", rf"\b(?:{g('wd2', wday)}\s+|le\s+){g('d2', num_day)}/{g('mn2', num_month)}(?![/\d])"),
        ("iso", rf"(?<![\d-]){g('y2', year)}-{g('mn2', iso_month)}-{g('d2', iso_day)}(?!\d)"),
        ("season", rf"\b{g('season', season)}\s+(?:de\s+l'année\s+|de\s+|d')?{g('y2', year)}"),
        ("month-year", rf"\b(?:(?:début|fin|mi|courant)[\s-]+)?{g('m2', month)}\s+(?:de\s+l'année\s+)?{g('y2', year)}"),
        ("month-relative", rf"\b(?:en|au\s+mois\s+de|début|fin|mi|courant)[\s-]+{g('m2', month)}(?:\s+{g('rel', rel)})?"),
        ("weekday-relative", rf"\b{g('wd2', wday)}\s+{g('rel', rel)}"),
        ("year-range", rf"(?<![\d/.-]){g('y1', year)}\s*(?:-|–|/|\s+à\s+)\s*{g('y2', year)}"),
        ("year", rf"(?<![\d/.,°-])(?<!n°\s){g('y2', year)}(?![-/.,]\d)"),
    ]
    return [(name, re.compile(body, re.I)) for name, body in forms]


_TIME = re.compile(
    r"(?:\b(?:de|dès|à partir de)\s+)?(?P<h1>[01]?\d|2[0-3])\s*(?:h|H|:)\s*(?P<mi1>[0-5]\d)?"
    r"(?:\s*(?:-|–|à|>)\s*(?P<h2>[01]?\d|2[0-3])\s*(?:h|H|:)\s*(?P<mi2>[0-5]\d)?)?(?![\w])"
)


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


@dataclass(frozen=True)
class Anchor:
    """The date partial dates are resolved against, and whether it is the exact publication date."""

    day: date
    source: str
    exact: bool


def _day(text: str | None) -> int | None:
    if not text:
        return None
    return 1 if text.lower() in ("1er", "premier") else int(text)


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
        start=m.start(), end=m.end(), text=m.group(), rule=rule,
        d1=_day(gd.get("d1")), m1=month_number(gd["m1"]) if gd.get("m1") else None, y1=_year(gd.get("y1")),
        wd1=v["weekdays"].get(gd["wd1"].lower()) if gd.get("wd1") else None,
        d2=_day(gd.get("d2")), m2=month2, y2=_year(gd.get("y2")),
        wd2=v["weekdays"].get(gd["wd2"].lower()) if gd.get("wd2") else None,
        season=gd["season"].lower() if gd.get("season") else None, marker=marker,
    )


def _is_quantity(text: str, end: int) -> bool:
    after = text[end : end + 14].lower().lstrip()
    return any(after.startswith(word) for word in vocabulary()["years"]["not_after"])


def find_expressions(text: str) -> list[Found]:
    """Every temporal expression in ``text``, longest first where they overlap, in text order."""
    candidates: list[Found] = []
    for rank, (rule, pattern) in enumerate(_patterns()):
        for m in pattern.finditer(text):
            if rule in ("year", "year-range") and _is_quantity(text, m.end()):
                continue
            found = _found(rule, m)
            if found.y2 is not None and not MIN_YEAR <= found.y2 <= MAX_YEAR:
                continue
            candidates.append((m.start(), -(m.end() - m.start()), rank, found))
    chosen: list[Found] = []
    taken: list[tuple[int, int]] = []
    for _, _, _, found in sorted(candidates, key=lambda c: (c[1], c[2], c[0])):
        if all(found.end <= s or found.start >= e for s, e in taken):
            chosen.append(found)
            taken.append((found.start, found.end))
    chosen.sort(key=lambda f: f.start)
    return _split_lists(_attach_times(text, chosen))


def _split_lists(found: list[Found]) -> list[Found]:
    """'les 5 et 12 mai': two separate days, not a week-long range."""
    out = []
    for f in found:
        if f.rule == "range-list" and f.d1 and f.d2 and f.m1 is None and f.d2 - f.d1 > MAX_LIST_RANGE_DAYS:
            out.append(replace(f, rule="day-list", d1=None, wd1=None))
            out.append(replace(f, rule="day-list", d2=f.d1, wd2=f.wd1, d1=None, wd1=None))
        else:
            out.append(f)
    return out


def _attach_times(text: str, found: list[Found]) -> list[Found]:
    out = list(found)
    for m in _TIME.finditer(text):
        start = m.start("h1")
        for i in range(len(out) - 1, -1, -1):
            f = out[i]
            if f.end <= start and start - f.end <= TIME_ATTACH_CHARS and "\n" not in text[f.end : start] and f.d2 and f.time is None:
                out[i] = replace(
                    f, time=f"{int(m['h1']):02d}:{m['mi1'] or '00'}",
                    end_time=f"{int(m['h2']):02d}:{m['mi2'] or '00'}" if m["h2"] else None,
                )
                break
            if f.end <= start:
                break
    return out


# --- normalisation and resolution ----------------------------------------------------------------


@lru_cache(maxsize=4096)
def normalise_day(day: int, month: int, year: int) -> date | None:
    """A complete day -> date, through dateparser (French, day first) as the one normaliser."""
    import dateparser

    parsed = dateparser.parse(
        f"{day:02d}/{month:02d}/{year}", languages=["fr"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True}
    )
    return parsed.date() if parsed else None


def _candidates(day: int, month: int, weekday: int | None, anchor: Anchor) -> list[date]:
    span = 7 if weekday is not None else 1
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
    anchor_fields = {"anchor": anchor.day.isoformat(), "anchor_source": anchor.source} if anchor and not found.complete else {}
    common = {"text": found.text, "span": (found.start, found.end), "rule": f"grammar:{found.rule}", "time": found.time, "end_time": found.end_time}
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
        days = [anchor.day + timedelta(days=k) for k in range(-7, 8) if (anchor.day + timedelta(days=k)).weekday() == found.wd2 and k != 0]
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


def _horizon_before(text: str, start: int) -> bool:
    before = text[max(0, start - 20) : start].lower()
    return any(before.rstrip().endswith(word) for word in vocabulary()["years"]["horizon"])


def infer_anchor(
    text: str,
    found: list[Found],
    published: str | None,
    image_months: list[str],
    fetched_at: str | None = None,
    title: str = "",
    title_found: list[Found] = (),
) -> Anchor | None:
    """The publication date; else the latest full date the text states (not a deadline or a horizon),
    or the month of the article's photos; else the latest year mentioned; else, last, the day the
    crawler fetched the page (a page cannot speak of a "jeudi 27 novembre" after it was fetched)."""
    if published:
        return Anchor(date.fromisoformat(published), "published", exact=True)
    stated = []
    for source, expressions, where in ((text, found, "text"), (title, title_found, "title")):
        for f in expressions:
            if f.complete and f.m2 and not _horizon_before(source, f.start) and f.rule not in ("year", "year-range", "season"):
                stated.append((date(f.y2, f.m2, f.d2 or 1), f"{where}:{f.text}"))
    for ym in image_months:
        stated.append((date(int(ym[:4]), int(ym[5:7]), 1), f"image:{ym}"))
    if stated:
        day, source = max(stated)
        return Anchor(day, source, exact=False)
    years = [f.y2 for f in [*found, *title_found] if f.rule == "year"]
    reference = max(years) if years else (int(fetched_at[:4]) if fetched_at and fetched_at[:4].isdigit() else None)
    if reference is not None:
        # "lundi 22 septembre": the weekday fixes the year, taken nearest the year the text speaks of
        pinned = []
        for f in [*found, *title_found]:
            if f.wd2 is not None and f.d2 and f.m2 and f.y2 is None:
                days = [d for y in range(reference - 6, reference + 7) if (d := normalise_day(f.d2, f.m2, y)) and d.weekday() == f.wd2]
                if days:
                    pinned.append((min(days, key=lambda d: (abs(d.year - reference), d)), f.text))
        if pinned:
            day, text_ = max(pinned)
            return Anchor(day, f"weekday:{text_}", exact=False)
    if years:
        return Anchor(date(max(years), 7, 1), f"text:{max(years)}", exact=False)  # somewhere in that year
    if fetched_at and (day := parse_metadata_date(fetched_at)):
        return Anchor(date.fromisoformat(day), "crawl:fetched_at", exact=False)
    return None


def extract_dates(
    text: str,
    published: str | None = None,
    image_months: list[str] | None = None,
    fetched_at: str | None = None,
    title: str = "",
) -> tuple[list[DateEntity], list[DateEntity], Anchor | None]:
    """Every date of ``text`` and of ``title`` resolved to ISO (in text order; title spans are in the
    title), and the anchor used for the partial ones."""
    found = find_expressions(text)
    title_found = find_expressions(title) if title else []
    anchor = infer_anchor(text, found, published, image_months or [], fetched_at, title, title_found)

    def resolved(expressions: list[Found]) -> list[DateEntity]:
        entities = [entity for f in expressions if (entity := resolve(f, anchor)) is not None]
        return sorted(entities, key=lambda e: (e.span[0], e.start))

    return resolved(found), resolved(title_found), anchor


# --- metadata dates --------------------------------------------------------------------------------


_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_WEEKDAY_PREFIX = re.compile(r"^\s*(?:lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?\s+(?=\d)", re.I)
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
    value = _WEEKDAY_PREFIX.sub("", str(value))  # "ven 24/09/2021", "Mardi 2 novembre 2021"
    if m := _ISO.match(value):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(value):
        year = int(m[3]) if len(m[3]) == 4 else 2000 + int(m[3])
        return _valid(year, int(m[2]), int(m[1]))
    if (m := _WORDS.match(value)) and (month := month_number(m[2])):
        return _valid(int(m[3]), month, int(m[1]))
    return None
