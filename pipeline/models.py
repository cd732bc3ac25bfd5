"""The records that pass between stages and the JSON written to ``processed/``.

Every stage takes and returns these typed models, never loose dicts: a reader can find the shape of any
value here. ``Record`` is the contract of ``processed/documents/<id>.json``; ``crpv schema`` writes its
JSON Schema to ``schema/record.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # typing only: the look-up tables' own entries
    from .places import PlaceEntry

SCHEMA_VERSION = "1.0"

Span = tuple[int, int]
"""A half-open character span [start, end) in ``document.text``."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- load -> clean -------------------------------------------------------------------------------


class SidecarMeta(_Model):
    """What the crawler knew about a page (``NAME.meta.json`` beside it)."""

    url: str | None = None
    fetched_at: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)


class LoadedPage(_Model):
    """A raw page decoded to text: the output of ``load``."""

    path: str = Field(description="path relative to the raw directory, POSIX")
    format: Literal["html", "text"]
    text: str
    encoding: str
    sha256: str
    sidecar: SidecarMeta | None = None
    warnings: list[str] = Field(default_factory=list)


# --- evidence ------------------------------------------------------------------------------------


class Evidence(_Model):
    """Where a value came from: a span of ``document.text`` or a named place of the page, and the rule."""

    rule: str = Field(description="the rule, model or metadata field that produced the value")
    text: str | None = Field(default=None, description="the words the value was read from")
    span: Span | None = Field(default=None, description="[start, end) in document.text, when it is there")


# --- document ------------------------------------------------------------------------------------


class Source(_Model):
    path: str = Field(description="input path relative to the raw directory, POSIX")
    url: str | None = None
    site: str | None = None
    format: Literal["html", "text"]
    sha256: str
    encoding: str | None = None
    fetched_at: str | None = None


class Image(_Model):
    src: str
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None


class Link(_Model):
    url: str
    text: str | None = None


class Document(_Model):
    title: str | None = None
    lead: str | None = None
    published: str | None = Field(default=None, description="publication date, YYYY-MM-DD")
    modified: str | None = Field(default=None, description="last modification date, YYYY-MM-DD")
    url: str | None = Field(default=None, description="the page's own URL as it states it (may be relative)")
    site: str | None = None
    publisher: str | None = None
    publisher_id: str | None = Field(default=None, description="gazetteer id of the publishing centre, when known")
    author: str | None = None
    categories: list[str] = Field(default_factory=list)
    language: str | None = None
    text: str = ""
    images: list[Image] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    evidence: dict[str, Evidence] = Field(
        default_factory=dict, description="for each metadata field above, where its value came from"
    )


# --- entities ------------------------------------------------------------------------------------


class Mention(_Model):
    text: str
    span: Span


class DateEntity(_Model):
    text: str
    span: Span
    start: str = Field(description="ISO date at the precision: YYYY-MM-DD, YYYY-MM or YYYY")
    end: str
    precision: Literal["day", "month", "year"]
    time: str | None = Field(default=None, description="HH:MM when a time of day is given")
    end_time: str | None = None
    anchor: str | None = Field(default=None, description="the date a relative or partial date was resolved against")
    anchor_source: str | None = Field(default=None, description="where the anchor came from")
    rule: str


class Organisation(_Model):
    id: str | None = Field(description="canonical gazetteer id; null for an organisation not in the gazetteer")
    name: str
    acronym: str | None = None
    mentions: list[Mention] = Field(default_factory=list)
    rule: str = Field(
        description="how it was found; 'title:…' when only the title names it (its spans are into document.title)"
    )


class Person(_Model):
    name: str
    role: str | None = None
    organisation: str | None = Field(default=None, description="the organisation the role belongs to")
    organisation_id: str | None = None
    mentions: list[Mention] = Field(default_factory=list)
    evidence: Evidence | None = Field(default=None, description="where the role was read: its words, span and rule")


class Place(_Model):
    name: str = Field(description="official name")
    kind: Literal["commune", "département", "région", "territory", "country", "quartier"]
    insee: str | None = Field(
        default=None,
        description="INSEE code of the commune, département or région; for a listed quartier (QPV, ZUS), its commune's",
    )
    region: str | None = None
    mentions: list[Mention] = Field(default_factory=list)
    rule: str = Field(
        description="how it was found; 'title:…' when only the title names it (its spans are into document.title)"
    )


class Entities(_Model):
    dates: list[DateEntity] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)


# --- events --------------------------------------------------------------------------------------


class Location(_Model):
    city: str | None = None
    insee: str | None = None
    region: str | None = None
    venue: str | None = Field(
        default=None, description="the venue the page names for the event (a maison de quartier, a théâtre…)"
    )


class OrganisationRef(_Model):
    id: str | None
    name: str


class Participants(_Model):
    count: int
    unit: str | None = None


class Event(_Model):
    name: str
    kind: str | None = None
    edition: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    location: Location | None = None
    online: bool = False
    organisers: list[OrganisationRef] = Field(default_factory=list)
    participants: Participants | None = None
    formats: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    period: str | None = Field(
        default=None,
        description="YYYY-MM or YYYY: the month or year the page gives an event whose day it does not state",
    )
    status: Literal["past", "announced"] | None = None
    evidence: dict[str, Evidence] = Field(default_factory=dict)


# --- the record ----------------------------------------------------------------------------------


class Record(_Model):
    """One page's extraction: ``processed/documents/<id>.json``."""

    schema_version: str = SCHEMA_VERSION
    id: str
    source: Source
    document: Document
    events: list[Event] = Field(default_factory=list)
    entities: Entities = Field(default_factory=Entities)
    warnings: list[str] = Field(default_factory=list)


class ErrorEntry(_Model):
    """A page that could not be processed: one line of ``processed/errors.jsonl``."""

    path: str
    error: str = Field(description="the error kind, e.g. EmptyPage")
    message: str
    sha256: str | None = None


# --- the page context: what travels through the extraction stages (never written as such) -------


@dataclass
class PlaceMention:
    """A place named in a text: [start, end) and the entry of the place index it names (or, with a
    ``rule``, the place a rule or the model found outside the index)."""

    start: int
    end: int
    place: PlaceEntry
    rule: str | None = None

    @property
    def span(self) -> Span:
        return (self.start, self.end)


@dataclass(frozen=True)
class Publisher:
    """The body whose website published the page: a gazetteer entry (``id``), or a body the page names
    whose name the site's address spells (``id`` None: "Espacité" on espacite.com)."""

    id: str | None
    name: str
    acronym: str | None = None


@dataclass
class OrgMention:
    """An organisation named in a text: [start, end), its gazetteer id (None when unknown), the name
    it is known by, its acronym and the rule that found it."""

    start: int
    end: int
    id: str | None
    name: str
    acronym: str | None
    rule: str

    @property
    def span(self) -> Span:
        return (self.start, self.end)


@dataclass(frozen=True)
class Anchor:
    """The day partial dates are resolved against, where it came from, and whether it is the exact
    publication date ("dernier" and "prochain" then mean before and after it)."""

    day: date
    source: str
    exact: bool


@dataclass(frozen=True)
class YearlessDay:
    """A day the page states without a year that nothing on the page resolves ("les 10 et 11 octobre"
    on a page with no dated fact at all): its words, span, grammar rule and months (first, last)."""

    text: str
    span: Span
    rule: str
    months: tuple[int, int]


@dataclass
class TextAnalysis:
    """One text of a page (its main text, or its title) and what the stages found in it. The title
    goes through the same functions as the main text. ``text`` is the ``text.view`` of the page's
    characters (``source``): the same length, so every span found in one holds in the other."""

    text: str
    source: str = ""
    doc: Any = None  # the spaCy Doc (nlp)
    sentences: list[Span] = field(default_factory=list)  # nlp: sentences, never across a line break
    dates: list[DateEntity] = field(default_factory=list)  # dates
    yearless: list[YearlessDay] = field(default_factory=list)  # dates: days no anchor resolves
    places: list[PlaceMention] = field(default_factory=list)  # entities
    organisations: list[OrgMention] = field(default_factory=list)  # entities
    people: list[Person] = field(default_factory=list)  # entities (main text only)


@dataclass
class PageAnalysis:
    """One page on its way through the stages: load and clean make ``page`` and ``document``; nlp,
    dates, entities and events each read what they need and add their part."""

    page: LoadedPage
    document: Document
    warnings: list[str] = field(default_factory=list)
    body: TextAnalysis = field(default_factory=lambda: TextAnalysis(""))
    title: TextAnalysis = field(default_factory=lambda: TextAnalysis(""))
    anchor: Anchor | None = None  # dates
    publisher: Publisher | None = None  # entities: the body whose website published the page
    entities: Entities = field(default_factory=lambda: Entities())  # entities
    events: list[Event] = field(default_factory=list)  # events

    def __post_init__(self) -> None:
        from .text import view

        if not self.body.text:
            self.body = TextAnalysis(view(self.document.text), self.document.text)
        if not self.title.text:
            self.title = TextAnalysis(view(self.document.title or ""), self.document.title or "")

    @property
    def extractable(self) -> bool:
        """Entities and events are only read from French pages (or pages whose language is unknown)."""
        return self.document.language in (None, "fr")
