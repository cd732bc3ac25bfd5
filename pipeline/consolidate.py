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
``events.jsonl`` when one of its page events was in it; a new one takes an id made from its first
page event.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from . import settings
from .export import FORMER_NETWORK_EVENTS, NETWORK_EVENTS
from .models import Event, OrganisationRef, Record
from .places import load_places
from .sources import read_checked
from .text import fold


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
    """One gathering of the network, told by one or more pages: one line of ``processed/events.jsonl``."""

    id: str
    name: str
    kind: str | None = None
    edition: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    period: str | None = Field(default=None, description="YYYY-MM or YYYY of an event whose day no page states")
    city: str | None = None
    insee: str | None = Field(default=None, description="INSEE code of the city")
    region: str | None = None
    online: bool = False
    organisers: list[OrganisationRef] = Field(default_factory=list)
    participants_count: int | None = None
    sources: list[SourceRef]
    fields: dict[str, Chosen] = Field(default_factory=dict, description="how each value was chosen")


class EventFix(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    start_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    end_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    city: str | None = None  # "" clears it (an online event)
    organisers: list[str] | None = None
    ignore: bool = False


class MergeFix(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(min_length=2)


class SplitFix(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(pattern=r"^.+#\d+$", description="a page event, document_id#index, that stands alone")


class OrganisationFix(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    id: str


class Corrections(BaseModel):
    """What a documentalist fixed once, in ``corrections.toml`` beside raw/: applied by every run."""

    model_config = ConfigDict(extra="forbid")

    ignore_pages: list[str] = Field(default_factory=list, description="document ids or input paths")
    event: list[EventFix] = Field(default_factory=list)
    merge: list[MergeFix] = Field(default_factory=list)
    split: list[SplitFix] = Field(default_factory=list)
    organisation: list[OrganisationFix] = Field(default_factory=list)


def load_corrections(path: Path) -> Corrections:
    """``path``'s corrections (none when it does not exist); a bad file is a usage error naming the key."""
    return read_checked(path, Corrections)


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
    known: dict[str, str] = {}
    for path in (out_dir / FORMER_NETWORK_EVENTS, out_dir / NETWORK_EVENTS):
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        for line in lines:
            try:
                row = json.loads(line)
                for source in row.get("sources", []):
                    known[f"{source['document_id']}#{source['event_index']}"] = row["id"]
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # a damaged line, or a page event of an older layout: its events get new ids
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


def consolidate(
    records: list[Record],
    known: dict[str, str] | None = None,
    corrections: Corrections | None = None,
    warnings: list[str] | None = None,
) -> list[NetworkEvent]:
    """The network events the ``records``' events tell, in order of start date then id, with the
    documentalist's ``corrections`` applied (each that matches nothing adds a line to ``warnings``)."""
    known = known or {}
    fixes = corrections or Corrections()
    warnings = warnings if warnings is not None else []
    ignored = set(fixes.ignore_pages)
    for page in sorted(ignored - {r.id for r in records} - {r.source.path for r in records if r.source}):
        warnings.append(f"corrections: ignore_pages {page!r} matches no page")
    items: list[tuple[SourceRef, Event]] = []
    for record in sorted(records, key=lambda r: r.id):
        if record.id in ignored or (record.source and record.source.path in ignored):
            continue
        for index, event in enumerate(record.events):
            ref = SourceRef(document_id=record.id, event_index=index, site=record.source.site, url=record.source.url)
            items.append((ref, event))
    alone = {f.source for f in fixes.split}
    for source in sorted(alone - {ref.key for ref, _ in items}):
        warnings.append(f"corrections: split {source!r} matches no page event")
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidates([event for _, event in items]):
        if items[i][0].key in alone or items[j][0].key in alone:
            continue
        if items[i][0].document_id != items[j][0].document_id and same_event(items[i][1], items[j][1]):
            parent[root(j)] = root(i)
    clusters: dict[int, list[int]] = {}
    for i in range(len(items)):
        clusters.setdefault(root(i), []).append(i)
    by_id: dict[str, list[int]] = {}
    used: set[str] = set()
    for members in clusters.values():
        refs = [items[i][0] for i in members]
        old = Counter(known[r.key] for r in refs if r.key in known and known[r.key] not in used)
        event_id = min(old, key=lambda k: (-old[k], k)) if old else _new_id(refs[0])
        used.add(event_id)
        by_id[event_id] = members
    for merge in fixes.merge:  # two events a documentalist says are one: the first id stays
        present = [i for i in merge.ids if i in by_id]
        if len(present) < len(merge.ids):
            missing = ", ".join(i for i in merge.ids if i not in by_id)
            warnings.append(f"corrections: merge names no event {missing}")
        for other in present[1:]:
            by_id[present[0]] = sorted(by_id[present[0]] + by_id.pop(other))
    out = []
    for event_id, members in by_id.items():
        merged = _merge(event_id, [items[i][0] for i in members], [items[i][1] for i in members])
        if present := [merge for merge in fixes.merge if merge.ids and merge.ids[0] == event_id]:
            merged.fields["sources"] = Chosen(value=len(members), sources=present[0].ids, rule="correction")
        out.append(merged)
    out = _corrected(out, fixes, warnings)
    return sorted(out, key=lambda e: (e.start_date or "9999", e.id))


def _corrected(events: list[NetworkEvent], fixes: Corrections, warnings: list[str]) -> list[NetworkEvent]:
    """The event fixes (dates, city, organisers, ignore) and the organisation ids of ``fixes`` applied;
    each changed field says ``rule: correction``."""
    by_id = {e.id: e for e in events}
    dropped = set()
    for fix in fixes.event:
        event = by_id.get(fix.id)
        if event is None:
            warnings.append(f"corrections: event {fix.id!r} matches no event")
            continue
        if fix.ignore:
            dropped.add(fix.id)
            continue
        if fix.start_date or fix.end_date:
            event.start_date = fix.start_date or event.start_date
            event.end_date = fix.end_date or fix.start_date or event.end_date
            event.fields["dates"] = Chosen(value=f"{event.start_date}/{event.end_date}", rule="correction")
        if fix.city is not None:
            event.city = fix.city or None
            place = load_places().best(fix.city) if fix.city else None
            event.insee = place.insee if place and place.kind == "commune" else None
            event.region = place.region if place and place.kind == "commune" else None
            event.fields["city"] = Chosen(value=event.city, rule="correction")
        if fix.organisers is not None:
            event.organisers = [OrganisationRef(id=None, name=name) for name in fix.organisers]
            event.fields["organisers"] = Chosen(value=len(event.organisers), rule="correction")
    for fix in fixes.organisation:
        hits = 0
        for event in events:
            for n, org in enumerate(event.organisers):
                if fold(org.name) == fold(fix.name):
                    event.organisers[n] = OrganisationRef(id=fix.id, name=org.name)
                    event.fields["organisers"] = event.fields["organisers"].model_copy(update={"rule": "correction"})
                    hits += 1
        if not hits:
            warnings.append(f"corrections: organisation {fix.name!r} is no event's organiser")
    return [e for e in events if e.id not in dropped]


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
        "period": _choose([(None if e.start_date else e.period, k) for e, k in zip(events, keys)]),
        "kind": _choose([(e.kind, k) for e, k in zip(events, keys)]),
        "edition": _choose([(e.edition, k) for e, k in zip(events, keys)]),
    }
    dates = str(fields["dates"].value).split("/") if fields["dates"].value else [None, None]
    organisers: dict[str, OrganisationRef] = {}
    for event in events:
        for org in event.organisers:
            organisers.setdefault(org.id or fold(org.name), org)
    fields["organisers"] = Chosen(value=len(organisers), sources=keys, rule="union")
    city = fields["city"].value
    located = next((e.location for e in events if e.location and city and e.location.city == city), None)
    return NetworkEvent(
        id=event_id,
        name=str(fields["name"].value),
        kind=fields["kind"].value,  # type: ignore[arg-type]
        edition=fields["edition"].value,  # type: ignore[arg-type]
        start_date=dates[0],
        end_date=dates[1],
        period=None if dates[0] else fields["period"].value,  # type: ignore[arg-type]
        city=city,  # type: ignore[arg-type]
        insee=located.insee if located else None,
        region=located.region if located else None,
        online=any(e.online for e in events) and not fields["city"].value,
        organisers=sorted(organisers.values(), key=lambda o: (o.id or "", o.name)),
        participants_count=fields["participants_count"].value,  # type: ignore[arg-type]
        sources=refs,
        fields=fields,
    )
