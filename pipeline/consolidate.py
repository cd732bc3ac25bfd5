"""Consolidate: the pages' events -> network events, one per gathering however many sites told it.

Downstream of events, upstream of export. Two page events are one network event when
- their dates overlap, both have a city, it is the same, and their names are alike (``name_same_city``);
- their dates overlap, one has no city or is online, and their names are very alike (``name_no_city``);
- they are the same edition of the same series (kind and edition number, same year) with alike names;
- one is undated (the page's subject event without a day) and the other is dated: only when they are the
  same edition of the same series, in the same year, with an organiser in common.
Two events on overlapping dates in two different cities are never one. Names are compared folded
(text.fold) with rapidfuzz's token_set_ratio; the thresholds are settings ([consolidate]).

Each field of a network event keeps the value chosen, the sources that gave it, any conflicting values
and the rule that chose (``most-sources``: the value most pages give, ties to the earliest page id;
``union`` for organisers). Ids are stable: a network event keeps the id it had in the last run's
``network_events.jsonl`` when one of its page events was in it; a new one takes an id made from its first
page event.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from . import settings
from .models import Event, OrganisationRef, Record
from .text import fold

NETWORK_EVENTS = "network_events.jsonl"


class SourceRef(BaseModel):
    document_id: str
    event_index: int
    site: str | None = None
    url: str | None = None

    @property
    def key(self) -> str:
        return f"{self.document_id}#{self.event_index}"


class Chosen(BaseModel):
    """One merged field: the value kept, the page events that gave it, the other values given."""

    value: str | int | bool | None = None
    sources: list[str] = Field(default_factory=list, description="page events (document_id#index) giving it")
    conflicts: dict[str, list[str]] = Field(
        default_factory=dict, description="each other value given, with the page events that gave it"
    )
    rule: str = "most-sources"


class NetworkEvent(BaseModel):
    """One gathering of the network, told by one or more pages: ``processed/network_events.jsonl``."""

    id: str
    name: str
    kind: str | None = None
    edition: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    city: str | None = None
    online: bool = False
    organisers: list[OrganisationRef] = Field(default_factory=list)
    participants_count: int | None = None
    sources: list[SourceRef]
    fields: dict[str, Chosen] = Field(default_factory=dict, description="how each value was chosen")


def _key(event: Event) -> str:
    return fold(event.name or "")


def _year(event: Event) -> str | None:
    if event.start_date:
        return event.start_date[:4]
    return event.period[:4] if event.period else None


def _city(event: Event) -> str | None:
    city = event.location.city if event.location else None
    return fold(city) if city else None


def _overlap(a: Event, b: Event) -> bool:
    return (
        bool(a.start_date and b.start_date)
        and a.start_date <= (b.end_date or b.start_date)
        and b.start_date <= (a.end_date or a.start_date)
    )


def _organiser_keys(event: Event) -> set[str]:
    return {o.id or fold(o.name) for o in event.organisers}


def same_event(a: Event, b: Event) -> bool:
    """Whether two page events tell one gathering (the rules of the module's docstring)."""
    cfg = settings.section("consolidate")
    likeness = fuzz.token_set_ratio(_key(a), _key(b))
    series = bool(a.kind and a.edition and a.kind == b.kind and a.edition == b.edition and _year(a) == _year(b))
    if a.start_date and b.start_date:
        ca, cb = _city(a), _city(b)
        if not _overlap(a, b):
            return False
        if ca and cb:
            return ca == cb and (likeness >= cfg.name_same_city or series)
        return likeness >= cfg.name_no_city or (series and likeness >= cfg.name_same_edition)
    if a.start_date or b.start_date:  # one undated: strong evidence only
        shared = bool(_organiser_keys(a) & _organiser_keys(b))
        return series and shared and likeness >= cfg.name_same_edition
    return False  # two undated events: nothing says when either was


def _choose(values: list[tuple[object, str]]) -> Chosen:
    """The value most page events give (ties: the earliest page event), with the others as conflicts."""
    given = [(v, src) for v, src in values if v is not None]
    if not given:
        return Chosen()
    counts = Counter(v for v, _ in given)
    first = {}
    for v, src in given:
        first.setdefault(v, src)
    best = min(counts, key=lambda v: (-counts[v], first[v]))
    conflicts: dict[str, list[str]] = {}
    for v, src in given:
        if v != best:
            conflicts.setdefault(str(v), []).append(src)
    return Chosen(value=best, sources=[s for v, s in given if v == best], conflicts=conflicts)


def _new_id(first: SourceRef) -> str:
    return "ne-" + hashlib.sha256(first.key.encode()).hexdigest()[:12]


def previous_ids(out_dir: Path) -> dict[str, str]:
    """page event key -> the network event id it had in the last run (empty when there was none)."""
    path = out_dir / NETWORK_EVENTS
    known: dict[str, str] = {}
    if not path.is_file():
        return known
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
            for source in row.get("sources", []):
                known[f"{source['document_id']}#{source['event_index']}"] = row["id"]
        except (ValueError, KeyError, TypeError):
            continue  # a damaged line: its events get new ids
    return known


def _candidates(events: list[Event]) -> list[tuple[int, int]]:
    """The pairs worth comparing (i < j): dated events whose dates overlap (a sweep over start dates, so
    thousands of events stay fast), and an undated event with the events of its series' edition."""
    pairs = []
    dated = sorted((i for i, e in enumerate(events) if e.start_date), key=lambda i: events[i].start_date)
    for n, i in enumerate(dated):
        end = events[i].end_date or events[i].start_date
        for j in dated[n + 1 :]:
            if events[j].start_date > end:
                break
            pairs.append((min(i, j), max(i, j)))
    by_series: dict[tuple, list[int]] = {}
    for i, e in enumerate(events):
        if e.kind and e.edition:
            by_series.setdefault((e.kind, e.edition), []).append(i)
    for members in by_series.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                if not (events[i].start_date and events[j].start_date):
                    pairs.append((i, j))
    return sorted(set(pairs))


def consolidate(records: list[Record], known: dict[str, str] | None = None) -> list[NetworkEvent]:
    """The network events the ``records``' events tell, in order of start date then id."""
    known = known or {}
    items: list[tuple[SourceRef, Event]] = []
    for record in sorted(records, key=lambda r: r.id):
        for index, event in enumerate(record.events):
            items.append(
                (
                    SourceRef(document_id=record.id, event_index=index, site=record.source.site, url=record.source.url),
                    event,
                )
            )
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidates([event for _, event in items]):
        if items[i][0].document_id != items[j][0].document_id and same_event(items[i][1], items[j][1]):
            parent[root(j)] = root(i)
    clusters: dict[int, list[int]] = {}
    for i in range(len(items)):
        clusters.setdefault(root(i), []).append(i)
    out, used = [], set()
    for members in clusters.values():
        refs = [items[i][0] for i in members]
        events = [items[i][1] for i in members]
        old = Counter(known[r.key] for r in refs if r.key in known and known[r.key] not in used)
        event_id = min(old, key=lambda k: (-old[k], k)) if old else _new_id(refs[0])
        used.add(event_id)
        out.append(_merge(event_id, refs, events))
    return sorted(out, key=lambda e: (e.start_date or "9999", e.id))


def _merge(event_id: str, refs: list[SourceRef], events: list[Event]) -> NetworkEvent:
    keys = [r.key for r in refs]
    fields = {
        "name": _choose([(e.name, k) for e, k in zip(events, keys)]),
        "dates": _choose(
            [
                (f"{e.start_date}/{e.end_date or e.start_date}" if e.start_date else None, k)
                for e, k in zip(events, keys)
            ]
        ),
        "city": _choose([(e.location.city if e.location else None, k) for e, k in zip(events, keys)]),
        "participants_count": _choose(
            [(e.participants.count if e.participants else None, k) for e, k in zip(events, keys)]
        ),
        "kind": _choose([(e.kind, k) for e, k in zip(events, keys)]),
        "edition": _choose([(e.edition, k) for e, k in zip(events, keys)]),
    }
    dates = str(fields["dates"].value).split("/") if fields["dates"].value else [None, None]
    organisers: dict[str, OrganisationRef] = {}
    for event in events:
        for org in event.organisers:
            organisers.setdefault(org.id or fold(org.name), org)
    fields["organisers"] = Chosen(value=len(organisers), sources=keys, rule="union")
    return NetworkEvent(
        id=event_id,
        name=str(fields["name"].value),
        kind=fields["kind"].value,  # type: ignore[arg-type]
        edition=fields["edition"].value,  # type: ignore[arg-type]
        start_date=dates[0],
        end_date=dates[1],
        city=fields["city"].value,  # type: ignore[arg-type]
        online=any(e.online for e in events) and not fields["city"].value,
        organisers=sorted(organisers.values(), key=lambda o: (o.id or "", o.name)),
        participants_count=fields["participants_count"].value,  # type: ignore[arg-type]
        sources=refs,
        fields=fields,
    )
