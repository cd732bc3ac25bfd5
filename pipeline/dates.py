"""Dates (stage): a page's main text and title -> its dates resolved to ISO, and the anchor used.

The grammar (``temporal``) delimits the expressions; this stage chooses the anchor that partial dates
are resolved against and records it on every entity. In order: the publication date (exact, where
"dernier" and "prochain" apply); else the latest full date stated (not a deadline or a horizon), or
the month of the article's photos; else a weekday pinned near the years the text speaks of; else the
latest year mentioned; else the day the crawler fetched the page.
"""

from __future__ import annotations

from datetime import date

from . import settings
from .clean import image_dates
from .models import Anchor, DateEntity, PageAnalysis
from .temporal import Found, find_expressions, impossible, normalise_day, parse_metadata_date, resolve, vocabulary


def _horizon_before(text: str, start: int) -> bool:
    before = text[max(0, start - settings.section("dates").horizon_chars) : start].lower()
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
                and f.rule not in ("year", "year-range", "season")
            ) and (day := normalise_day(f.d2 or 1, f.m2, f.y2)):
                stated.append((day, f"{where}:{f.text}"))
    for ym in image_months:
        stated.append((date(int(ym[:4]), int(ym[5:7]), 1), f"image:{ym}"))
    if stated:
        day, source = max(stated)
        return Anchor(day, source, exact=False)
    years = [f.y2 for f in [*found, *title_found] if f.rule == "year"]
    reference = max(years) if years else (int(fetched_at[:4]) if fetched_at and fetched_at[:4].isdigit() else None)
    if reference is not None:
        # "lundi 22 septembre": the weekday fixes the year, taken nearest the year the text speaks of
        span = settings.section("dates").weekday_pin_years
        pinned = []
        for f in [*found, *title_found]:
            if f.wd2 is not None and f.d2 and f.m2 and f.y2 is None:
                days = [
                    d
                    for y in range(reference - span, reference + span + 1)
                    if (d := normalise_day(f.d2, f.m2, y)) and d.weekday() == f.wd2
                ]
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


def process(analysis: PageAnalysis) -> None:
    """Add the dates of the main text and the title, and the anchor, to ``analysis``."""
    document = analysis.document
    sidecar = analysis.page.sidecar
    analysis.body.dates, analysis.title.dates, analysis.anchor = extract_dates(
        analysis.body.text,
        document.published,
        image_dates(document.images),
        sidecar.fetched_at if sidecar else None,
        analysis.title.text,
    )
    for found in find_expressions(analysis.body.text):
        if impossible(found):
            analysis.warnings.append(f"impossible date {found.text!r} skipped")
    anchor = analysis.anchor
    if anchor is None and any(e.precision != "year" for e in analysis.body.dates):
        analysis.warnings.append("no anchor for partial dates (no publication date, no full date in the text)")
    elif anchor is not None and anchor.source != "published":
        analysis.warnings.append(
            f"partial dates resolved against {anchor.day.isoformat()} ({anchor.source}): no publication date"
        )
