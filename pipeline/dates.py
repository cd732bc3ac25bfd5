"""Dates (stage): a page's main text and title -> its dates resolved to ISO, and the anchor used.

The grammar (``temporal``) delimits the expressions; this stage chooses the anchor that partial dates
are resolved against and records it, with the piece of evidence that decided, on every entity. In
order: the publication date (exact, where "dernier" and "prochain" apply); else the latest full date
stated (not a deadline, a horizon or the end of a span), or the month of the article's photos; else the
year the page writes from (``_reference_year``: the latest year stated as a fact, the year after one
under review, a span's first year; never a horizon or a programme's name), bounded by the crawl date
(a sidecar's ``fetched_at``, or the " date 2023-02" line a crawler put at the top of a saved text),
with a weekday pinning the day ("lundi 22 septembre"); else the day the crawler fetched the page.
A day the page states without a year that nothing resolves is kept as such (``body.yearless``).
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from functools import lru_cache

from . import settings
from .clean import image_dates
from .models import Anchor, DateEntity, PageAnalysis, YearlessDay
from .temporal import Found, find_expressions, impossible, normalise_day, parse_metadata_date, resolve, vocabulary
from .text import alternation, fold


def _horizon_before(text: str, start: int) -> bool:
    before = text[max(0, start - settings.section("dates").horizon_chars) : start].lower()
    return any(before.rstrip().endswith(word) for word in vocabulary()["years"]["horizon"])


@lru_cache(maxsize=1)
def _year_patterns() -> dict[str, re.Pattern]:
    years = vocabulary()["years"]
    return {
        "reviewed": re.compile(rf"(?<![\w'’])(?:{alternation(years['reviewed'], key=fold)})\s*$"),
        "planned": re.compile(rf"(?<![\w'’])(?:{alternation(years['planned'], key=fold)})\s*$"),
        "span_end": re.compile(years["span_end_before"]),
        "name": re.compile(years["name_before"]),
        "crawl": re.compile(years["crawl_line"]),
        "span_link": re.compile(years["month_span_link"], re.I),
    }


def crawl_month(text: str) -> str | None:
    """The month a crawler line at the top of a saved text gives (" date 2023-02"), as YYYY-MM."""
    m = _year_patterns()["crawl"].match(text)
    return m.group(1) if m else None


def _reference_year(text: str, found: list[Found], title: str, title_found: list[Found]) -> tuple[int, str] | None:
    """The year the page writes from, and the piece that decided it: the latest year it states as a
    fact; a year under review ("bilan 2017", "notre activité 2014") means the year after, a year being
    planned ("le budget prévisionnel 2023") the year before; a span
    ("2025-2026", "contrats de ville 2024-2030") its first year. Not a horizon ("d'ici 2030"), the end
    of a span, nor a programme's name ("Quartiers 2030")."""
    p = _year_patterns()
    pieces: list[tuple[int, str]] = []
    for source, expressions in ((text, found), (title, title_found)):
        for f in expressions:
            if f.rule not in ("year", "year-range") or f.y2 is None:
                continue
            before = source[max(0, f.start - settings.section("dates").year_context_chars) : f.start]
            if _horizon_before(source, f.start) or p["span_end"].search(before) or p["name"].search(before):
                continue
            if f.rule == "year-range":
                pieces.append((f.y1 or f.y2, f"span:{f.text}"))
            elif p["reviewed"].search(fold(before)):
                pieces.append((f.y2 + 1, f"reviewed:{f.text}"))
            elif p["planned"].search(fold(before)):
                pieces.append((f.y2 - 1, f"planned:{f.text}"))
            else:
                pieces.append((f.y2, f"text:{f.text}"))
    return max(pieces, key=lambda piece: piece[0]) if pieces else None


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
    oldest = settings.section("dates").anchor_min_year
    found = [f for f in found if f.y2 is None or f.y2 >= oldest]  # "la loi du 1er juillet 1901" is history
    title_found = [f for f in title_found if f.y2 is None or f.y2 >= oldest]
    stated = []
    for source, expressions, where in ((text, found, "text"), (title, title_found, "title")):
        for f in expressions:
            if (
                f.complete
                and f.m2
                and not _horizon_before(source, f.start)
                and not _year_patterns()["span_end"].search(
                    source[max(0, f.start - settings.section("dates").year_context_chars) : f.start]
                )
                and f.rule not in ("year", "year-range", "season")
            ) and (day := normalise_day(f.d2 or 1, f.m2, f.y2)):
                stated.append((day, f"{where}:{f.text}"))
    for ym in image_months:
        stated.append((date(int(ym[:4]), int(ym[5:7]), 1), f"image:{ym}"))
    if stated:
        day, source = max(stated)
        return Anchor(day, source, exact=False)
    reference = _reference_year(text, found, title, title_found)
    fetched_year = int(fetched_at[:4]) if fetched_at and fetched_at[:4].isdigit() else None
    if fetched_year is not None and (reference is None or reference[0] <= fetched_year):
        # the crawl is after the page: its year is the latest the page can speak from
        floor = reference[0] if reference else fetched_year - settings.section("dates").weekday_pin_years
        reference = (fetched_year, "crawl:fetched_at" + (f"+{reference[1]}" if reference else ""))
    if reference is not None:
        # "lundi 22 septembre": the weekday fixes the year. The years a page states are behind it or
        # just ahead ("le programme 2026" is written in 2025 or 2026): the first fitting year from the
        # year before the latest of them on; a crawl date is ahead: the last fitting year before it
        year, piece = reference
        span = settings.section("dates").weekday_pin_years
        ahead = piece.startswith("crawl:")
        years_to_try = (
            range(year, max(floor, year - span) - 1, -1)
            if ahead
            else [*range(year - 1, year + span + 1), *range(year - 2, year - span - 1, -1)]
        )
        pinned = []
        for f in [*found, *title_found]:
            if f.wd2 is not None and f.d2 and f.m2 and f.y2 is None:
                day = next(
                    (d for y in years_to_try if (d := normalise_day(f.d2, f.m2, y)) and d.weekday() == f.wd2), None
                )
                if day:
                    pinned.append((day, f.text))
        if pinned:
            day, text_ = max(pinned)
            return Anchor(day, f"weekday:{text_}+{piece}", exact=False)
        if not ahead:
            return Anchor(date(year, 7, 1), piece, exact=False)  # somewhere in that year
    if fetched_at and (day := parse_metadata_date(fetched_at)):
        return Anchor(date.fromisoformat(day), "crawl:fetched_at", exact=False)
    return None


def extract_dates(
    text: str,
    published: str | None = None,
    image_months: list[str] | None = None,
    fetched_at: str | None = None,
    title: str = "",
    found: list[Found] | None = None,
) -> tuple[list[DateEntity], list[DateEntity], Anchor | None]:
    """Every date of ``text`` and of ``title`` resolved to ISO (in text order; title spans are in the
    title), and the anchor used for the partial ones. ``found``: the grammar's expressions of ``text``,
    when the caller already has them."""
    found = find_expressions(text) if found is None else found
    title_found = find_expressions(title) if title else []
    anchor = infer_anchor(text, found, published, image_months or [], fetched_at, title, title_found)

    def resolved(expressions: list[Found]) -> list[tuple[Found, DateEntity]]:
        return [(f, entity) for f in expressions if (entity := resolve(f, anchor)) is not None]

    pairs, title_pairs = resolved(found), resolved(title_found)
    _same_day_same_year([*pairs, *title_pairs])
    _inside_the_stated_span(text, pairs)
    return (
        sorted((e for _, e in pairs), key=lambda e: (e.span[0], e.start)),
        sorted((e for _, e in title_pairs), key=lambda e: (e.span[0], e.start)),
        anchor,
    )


def _inside_the_stated_span(text: str, pairs: list[tuple[Found, DateEntity]]) -> None:
    """A page that frames its days with a span of months ("D'octobre 2016 à juin 2017, cinq débats…")
    gives a day it states without a year ("le 4 octobre", "le 1er février") the year that puts it inside
    the span."""
    months = [(f, e) for f, e in pairs if e.precision == "month"]
    # a range of months, not a season ("l'été 2022" dates a fact, it frames nothing)
    spans = [(e.start, e.end, e.text) for f, e in months if e.start < e.end and f.season is None]
    for (_, a), (_, b) in itertools.pairwise(months):
        if a.start < b.start and _year_patterns()["span_link"].fullmatch(text[a.span[1] : b.span[0]]):
            spans.append((a.start, b.end, text[a.span[0] : b.span[1]]))
    if not spans:
        return
    for f, e in pairs:
        if f.y2 is not None or e.precision != "day" or f.offset is not None or "weekday:" in (e.anchor_source or ""):
            continue
        if any(lo <= e.start[:7] <= hi for lo, hi, _ in spans):
            continue
        for shift in (-1, 1, -2, 2):
            moved = _shifted(e, shift)
            inside = [t for lo, hi, t in spans if moved and lo <= moved[0].isoformat()[:7] <= hi]
            if inside:
                e.start, e.end = moved[0].isoformat(), moved[1].isoformat()
                e.anchor_source = f"span:{inside[0]}"
                break


def _shifted(e: DateEntity, years: int) -> tuple[date, date] | None:
    """A day or range moved by ``years`` (None when a day does not exist that year: 29 February)."""
    start, end = date.fromisoformat(e.start), date.fromisoformat(e.end[:10])
    moved = [normalise_day(d.day, d.month, d.year + years) for d in (start, end)]
    return None if None in moved else (moved[0], moved[1])


def _same_day_same_year(pairs: list[tuple[Found, DateEntity]]) -> None:
    """A day the page gives with its weekday ("la journée du jeudi 21 septembre") fixes the year of the
    same day given without one ("les 21 et 22 septembre derniers"): they are one day of one page."""
    pinned: dict[tuple[int, int], tuple[int, str]] = {}
    for f, e in pairs:
        if f.y2 is None and f.wd2 is not None and e.precision == "day" and e.start == e.end:
            day = date.fromisoformat(e.start)
            if day.weekday() == f.wd2:
                pinned.setdefault((day.month, day.day), (day.year, f.text))
    for f, e in pairs:
        if f.y2 is not None or f.wd2 is not None or e.precision != "day" or f.offset is not None:
            continue
        for (month, day_of_month), (year, text_) in pinned.items():
            shift = year - int(e.start[:4])
            moved = _shifted(e, shift)
            if shift and moved and moved[0] <= date(year, month, day_of_month) <= moved[1]:
                e.start, e.end = moved[0].isoformat(), moved[1].isoformat()
                e.anchor_source = f"weekday:{text_}"
                break


def process(analysis: PageAnalysis) -> None:
    """Add the dates of the main text and the title, and the anchor, to ``analysis``."""
    document = analysis.document
    sidecar = analysis.page.sidecar
    expressions = find_expressions(analysis.body.text)
    analysis.body.dates, analysis.title.dates, analysis.anchor = extract_dates(
        analysis.body.text,
        document.published,
        image_dates(document.images),
        (sidecar.fetched_at if sidecar else None) or crawl_month(analysis.body.text),
        analysis.title.text,
        found=expressions,
    )
    anchor = analysis.anchor
    for found in expressions:
        if impossible(found):
            analysis.warnings.append(f"impossible date {found.text!r} skipped")
        elif anchor is None and found.d2 and found.m2 and found.y2 is None and not found.relative:
            # "les 10 et 11 octobre" on a page that dates nothing: a day without its year, kept as such
            analysis.body.yearless.append(
                YearlessDay(
                    found.text, (found.start, found.end), f"grammar:{found.rule}", (found.m1 or found.m2, found.m2)
                )
            )
    if anchor is None and any(e.precision != "year" for e in analysis.body.dates):
        analysis.warnings.append("no anchor for partial dates (no publication date, no full date in the text)")
    elif anchor is not None and anchor.source != "published":
        analysis.warnings.append(
            f"partial dates resolved against {anchor.day.isoformat()} ({anchor.source}): no publication date"
        )
