"""Events (stage): a page's sentences, dates and entities -> the events the page reports or announces.

An event is a day-precise date (or range) standing in a sentence, a line or the title that names an
event ("rencontre nationale", "webinaire", "assemblée générale"…) or says one happened ("se sont
retrouvés", "aura lieu"…), and that is not the date of something else (a law, a deadline, a founding:
``data/events.toml``). Dates repeated inside an event's range join that event; a range that only spans
other events (a cycle's "du 10 avril au 28 mai") is not one itself. Each event then takes, from its own
sentence and line first and from the whole page when the page has one event: its city (a commune of
the place index, "à Nantes"), or ``online``, and the venue the page names; its organisers ("à
l'invitation de", "co-organisée avec", "X organise"…, else the centre that publishes the page);
participants ("80 professionnel.e.s", "une centaine"); formats, topics, kind and edition. A day stated
without a year that nothing resolves ("les 10 et 11 octobre" on a page that dates nothing) still makes
an event, with null dates; so does a title naming an event when the page states no day for it (the
page's subject: "Rencontre régionale : …"), with its month or year when the page gives one. Every field
says where it came from in ``evidence``. Sidebars, footers and photo credits never reach this stage:
``clean`` keeps them out of the text. Thresholds are the ``[events]`` settings.
"""

from __future__ import annotations

import itertools
import logging
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date as calendar_day
from functools import lru_cache

from . import resources, settings
from .entities import lexicon as entity_lexicon
from .entities import org_key
from .gazetteer import load_gazetteer
from .models import (
    DateEntity,
    Event,
    Evidence,
    Location,
    OrganisationRef,
    OrgMention,
    PageAnalysis,
    Participants,
    PlaceMention,
    Publisher,
    YearlessDay,
)
from .temporal import NOT_EVENT_RULES, bare_date
from .text import Folded, alternation, fold

LOGGER = logging.getLogger(__name__)


def _cfg():
    return settings.section("events")


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    data = dict(resources.toml("events.toml"))

    def words(items) -> str:
        return alternation(items, key=fold)

    def bounded(items) -> re.Pattern:
        # whole words; a dash before one is a separator ("Juin 2021 - Rencontre" folds to "2021-rencontre")
        return re.compile(rf"(?<!\w)({words(items)})(?![\w-])")

    data["_kind_re"] = bounded(data["kinds"])
    data["_kinds"] = {fold(k): kind for k, kind in data["kinds"].items()}
    data["_format_re"] = bounded(data["formats"])
    data["_topic_re"] = bounded(data["topics"])
    data["_before_any"] = bounded(data["organisers"]["before"])
    # accents matter here: "organisé par" (a passive) folds to the active "organise"
    data["_after_verbs"] = frozenset(w.lower() for w in data["organisers"]["after"])
    data["_first_person_re"] = bounded(data["organisers"]["first_person"])
    data["_list_intro_re"] = bounded(data["context"]["list_intro"])
    data["_gathering_re"] = bounded(data["context"]["gathering"])
    data["_animation"] = frozenset(fold(w) for w in data["organisers"]["animation"])
    data["_carried"] = frozenset(fold(w) for w in data["organisers"]["carried"])
    data["_event_part_re"] = bounded(data["organisers"]["event_parts"])
    data["_after_re"] = re.compile(rf"[^.;:!?]*?(?<![\w-])({words(data['organisers']['after'])})(?![\w-])")
    data["_not_event_re"] = bounded(data["context"]["not_event_before"])
    data["_not_event_after_re"] = re.compile(rf"^[\s,]*(?:{words(data['context']['not_event_after'])})(?![\w-])")
    data["_subject_not_after_re"] = re.compile(rf"(?<!\w)({words(data['context']['subject_not_after'])})\s*$")
    data["_online_re"] = bounded(data["context"]["online"])
    data["_verb_re"] = bounded(data["verbs"]["event"])
    participants = data["participants"]
    data["_participants_re"] = re.compile(
        rf"(?:(?:{words(participants['approximately'])})\s+)?"
        rf"(?P<count>\d{{1,3}}(?:[  ]\d{{3}})*|{words(participants['words'])})\s+(?:de\s+|d')?"
        rf"(?P<unit>(?:{words(participants['units'])})[\w.·()-]*)"
    )
    data["_edition_re"] = re.compile(
        rf"(?<![\w-])(?:(?P<num>\d{{1,2}})\s*(?:e|è|ème|eme|ᵉ|re|ère|er)|(?P<word>{words(data['editions']['words'])}))(?![\w])"
    )
    data["_p"] = {name: re.compile(value) for name, value in data["patterns"].items() if isinstance(value, str)}
    return data


@dataclass
class _Candidate:
    date: DateEntity | None  # None: the page's subject event, whose day the page does not state
    where: str  # "text" | "title"
    sentence: tuple[int, int]
    line: tuple[int, int]
    line_index: int = 0
    trigger: tuple[str, str] | None = None  # (kind, words)
    section: tuple[int, int] | None = None  # its line up to the next event's line
    yearless: bool = False  # its day is stated without a year nothing resolves
    item: bool = False  # a list item's own line (bullet): an event of its own, even on another's day


class _Spans:
    """Sorted, non-overlapping spans (sentences, lines) and the one holding a position, by bisection."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self._starts = [s for s, _ in spans]

    def index(self, position: int) -> int | None:
        i = bisect_right(self._starts, position) - 1
        return i if i >= 0 and self.spans[i][0] <= position < self.spans[i][1] else None

    def at(self, position: int, default: tuple[int, int]) -> tuple[int, int]:
        i = self.index(position)
        return self.spans[i] if i is not None else default


def _lines(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def _near(span: tuple[int, int], date: DateEntity) -> tuple[int, int]:
    """A sentence or a line, cut to ``max_window_chars`` on either side of the date it holds (a page that
    is one endless line must not make every event read all of it)."""
    width = _cfg().max_window_chars
    return max(span[0], date.span[0] - width), min(span[1], date.span[1] + width)


def _trigger(folded: str) -> tuple[str, str] | None:
    v = vocabulary()
    matches = list(v["_kind_re"].finditer(folded))
    if matches:
        best = max(matches, key=lambda m: len(m.group(1)))
        return v["_kinds"][best.group(1)], best.group(1)
    if m := v["_verb_re"].search(folded):
        return ("rencontre", m.group(1))
    return None


class _Triggers:
    """Every event noun and event verb of a text, found once in its fold: the trigger of any window is
    then read by bisection (a page of 18,000 dates is not folded 18,000 times)."""

    def __init__(self, folded: Folded):
        v = vocabulary()
        self._kinds = [(*folded.span(m.start(1), m.end(1)), m.group(1)) for m in v["_kind_re"].finditer(folded.text)]
        self._verbs = [(*folded.span(m.start(1), m.end(1)), m.group(1)) for m in v["_verb_re"].finditer(folded.text)]
        self._kind_starts = [s for s, _, _ in self._kinds]
        self._verb_starts = [s for s, _, _ in self._verbs]

    @staticmethod
    def _within(found: list, starts: list[int], start: int, end: int) -> list:
        return [f for f in found[bisect_left(starts, start) : bisect_left(starts, end)] if f[1] <= end]

    def noun(self, start: int, end: int) -> tuple[str, str] | None:
        """The longest event noun of the window [start, end)."""
        kinds = self._within(self._kinds, self._kind_starts, start, end)
        if not kinds:
            return None
        words = max(kinds, key=lambda k: len(k[2]))[2]
        return vocabulary()["_kinds"][words], words

    def best(self, start: int, end: int) -> tuple[str, str] | None:
        """``_trigger`` of the window [start, end): its longest event noun, else its first event verb."""
        if noun := self.noun(start, end):
            return noun
        verbs = self._within(self._verbs, self._verb_starts, start, end)
        return ("rencontre", verbs[0][2]) if verbs else None


def _not_an_event(text: str, date: DateEntity, sentence_start: int) -> bool:
    """'la loi de programmation pour la ville et la cohésion urbaine du 21 février 2014': the clause
    before the date (back to the last punctuation) names a law, a deadline, a founding…; or the words
    right after it make it a legal act's or a publication's ("du 14 avril 2022 portant création")."""
    v = vocabulary()
    window = text[max(sentence_start, date.span[0] - _cfg().context_chars) : date.span[0]]
    clause = v["_p"]["clause_break"].split(window)[-1]
    after = text[date.span[1] : date.span[1] + _cfg().context_chars]
    return bool(v["_not_event_re"].search(fold(clause)) or v["_not_event_after_re"].match(fold(after)))


def _candidates(
    text: str,
    title: str,
    dates: list[DateEntity],
    title_dates: list[DateEntity],
    sentences: _Spans,
    lines: _Spans,
    triggers: _Triggers,
    page_date: str | None = None,
) -> list[_Candidate]:
    found = []
    days = [
        d
        for d in dates
        if d.precision == "day" and d.rule.removeprefix("grammar:").split("+")[0] not in NOT_EVENT_RULES
    ]
    eligible = {_day_key(d) for d in days if not _not_an_event(text, d, sentences.at(d.span[0], d.span)[0])}
    dated_lines = {i for d in days if (i := lines.index(d.span[0])) is not None}
    title_trigger = _trigger(fold(title)) if title else None
    if title_trigger is None and not title and sentences.spans:
        # a page without a title line: its first sentence says what the page is about ("Ce séminaire vise…")
        title_trigger = triggers.noun(*sentences.spans[0])
    for date in days:
        sentence = _near(sentences.at(date.span[0], (date.span[0], date.span[1])), date)
        line_index = lines.index(date.span[0])
        line = _near(lines.spans[line_index], date) if line_index is not None else sentence
        if _not_an_event(text, date, sentence[0]):
            continue
        trigger = triggers.best(*sentence) or triggers.best(*line)
        if trigger is None and line_index == 0 and date.start == page_date and bare_date(text[line[0] : line[1]]):
            # the page's date opening its text dates an event only when the text states no other day, and
            # only the event its title names ("Journée régionale : …" over "12/09/2024")
            if len(eligible) > 1 or title_trigger is None:
                continue
            trigger = title_trigger
        if trigger is None and line_index is not None and _date_only_line(text[line[0] : line[1]], date):
            around = lines.spans[max(0, line_index - 1) : line_index + 1 + _cfg().listing_lines_after]
            trigger = triggers.best(around[0][0], around[-1][1])
        if trigger is None and line_index is not None:
            trigger = _list_intro_trigger(
                text, lines.spans, line_index, triggers, date.span[0], title_trigger, dated_lines
            )
        item = line_index is not None and bool(vocabulary()["_p"]["list_bullet"].match(text[line[0] : line[1]]))
        if trigger is None and title_trigger and eligible == {_day_key(date)}:
            trigger = title_trigger  # the page's one day-precise date: the title says what happened
        if trigger:
            found.append(_Candidate(date, "text", sentence, line, line_index or 0, trigger, item=item))
    for date in title_dates:
        if (
            date.precision == "day"
            and title_trigger
            and date.rule.removeprefix("grammar:").split("+")[0] not in NOT_EVENT_RULES
        ):
            found.append(_Candidate(date, "title", (0, 0), (0, 0), 0, title_trigger))
    return found


def _day_key(date: DateEntity) -> tuple | str:
    return (date.start, date.end) if date.start else date.text


def _yearless_dates(days: list[YearlessDay]) -> list[DateEntity]:
    """The page's days without a year, as date entities without a value (they never leave this stage:
    an event made from one has null dates and says why in its evidence)."""
    return [
        DateEntity.model_construct(text=d.text, span=d.span, start=None, end=None, precision="day", rule=d.rule)
        for d in days
    ]


def _one_per_day(candidates: list[_Candidate]) -> list[_Candidate]:
    """Yearless candidates: one per distinct day expression ("le 10 février" said twice is one event)."""
    seen, out = set(), []
    for cand in candidates:
        key = vocabulary()["_p"]["clause_break"].sub(" ", fold(cand.date.text)).strip()
        if key not in seen:
            seen.add(key)
            cand.yearless = True
            out.append(cand)
    return out


def _subject(title: str) -> _Candidate | None:
    """A page whose title names an event ("Rencontre régionale : …", "L'ERU lance une formation…") and
    that states no day for it: its subject event, undated. "plan de formation" names no gathering."""
    if not title:
        return None
    folded = fold(title)
    v = vocabulary()
    matches = list(v["_kind_re"].finditer(folded))
    kept = [m for m in matches if not v["_subject_not_after_re"].search(folded[: m.start(1)])]
    if not kept:
        return None
    best = max(kept, key=lambda m: len(m.group(1)))
    return _Candidate(None, "title", (0, 0), (0, 0), 0, (v["_kinds"][best.group(1)], best.group(1)))


def _lead_subject(text: str, dates: list[DateEntity], sentences: _Spans, triggers: _Triggers) -> _Candidate | None:
    """A page whose lead says that a body organised or proposes a gathering in a month, without its day
    ("Trajectoire Ressources a organisé, fin mai 2013, une session-ressources …"): its subject event,
    undated. The sentence holds an organising verb and the month, it or the next the event noun; or it
    names an edition of the gathering and a verb of gathering ("ces 16e journées réunissent à Nîmes")."""
    v = vocabulary()
    lead = sentences.spans[: _cfg().lead_sentences]
    for i, (start, end) in enumerate(lead):
        months = [d for d in dates if d.precision == "month" and start <= d.span[0] < end]
        # the noun in that sentence or the next ("… une session-ressources … Ces trois journées ont …")
        noun = triggers.noun(start, end) or (triggers.noun(*lead[i + 1]) if i + 1 < len(lead) else None)
        folded = fold(text[start:end])
        if months and noun and v["_after_re"].match(folded):
            return _Candidate(None, "text", (start, end), (start, end), 0, noun)
        # "Durant deux jours, ces 16e journées réunissent à Nîmes les participants …": an edition of a
        # gathering that the sentence says is taking place
        if noun and _edition(folded)[0] and v["_gathering_re"].search(folded):
            return _Candidate(None, "text", (start, end), (start, end), 0, noun)
    return None


def _period(ctx: _Context, cand: _Candidate) -> tuple[str, Evidence] | None:
    """An undated event's month or year when the page gives it: a month in a sentence naming an event
    ("en février 2019, les deux premières journées…"), else a year in the title ("Forum 2023")."""
    v = vocabulary()
    if cand.where == "text":  # a subject read from the lead: the month of its own sentence
        s, e = cand.sentence
        if month := next((d for d in ctx.dates if d.precision == "month" and s <= d.span[0] < e), None):
            return month.start, Evidence(rule=f"{month.rule}:lead", text=month.text, span=month.span)
    for d in ctx.dates:
        if d.precision == "month" and d.rule.removeprefix("grammar:").split("+")[0] not in NOT_EVENT_RULES:
            s, e = ctx.sentence_at(d.span[0])
            if any(True for _ in ctx.folded.finditer(v["_kind_re"], s, e)):
                return d.start, Evidence(rule=f"{d.rule}:event-sentence", text=d.text, span=d.span)
    for d in ctx.title_dates:
        if d.precision == "year" and d.start == d.end:
            return d.start, Evidence(rule=f"{d.rule}:title", text=d.text)
    return None


def _date_only_line(line: str, date: DateEntity) -> bool:
    """A listing's date line: the date, maybe a time, and nothing else ("– Mardi 13 octobre 2015 – 20h00")."""
    p = vocabulary()["_p"]
    rest = line.replace(date.text, " ", 1)
    return len(line) <= _cfg().date_line_chars and not p["date_line_word"].search(p["date_line_noise"].sub(" ", rest))


def _list_intro_trigger(
    text: str,
    lines: list[tuple[int, int]],
    index: int,
    triggers: _Triggers,
    date_start: int,
    title_trigger: tuple[str, str] | None = None,
    dated_lines: set[int] = frozenset(),
) -> tuple[str, str] | None:
    """A list item ("Sambre-Avesnois : les 7-8 et 21-22 mars à Maubeuge") takes the event named by the
    line that introduces the list ("… le cycle de qualification se déroulera … :"); a bulleted item that
    opens on its date ("- Jeudi 16 novembre : rendez-vous…") takes it from the paragraph above the list."""
    p = vocabulary()["_p"]
    item = text[lines[index][0] : lines[index][1]]
    bullet = p["list_bullet"].match(item)
    bulleted = bool(bullet)
    opens_on_date = bulleted and date_start - (lines[index][0] + bullet.end()) <= _cfg().item_date_offset
    back = _cfg().list_items_back
    if bulleted:
        # the items above (one line each) are passed over: a list of ten dated items has one intro line
        while back < index and p["list_bullet"].match(text[lines[index - back][0] : lines[index - back][1]]):
            back += 1
    heading_items = len(item) <= 2 * _cfg().list_item_chars
    for k in range(index - 1, max(0, index - back) - 1, -1):
        s, e = lines[k]
        line = text[s:e]
        if heading_items and k in dated_lines:
            continue  # the list's other dated items ("Quartier 2 : le jeudi 20 avril, 19h30, …")
        heading = heading_items and len(line.strip()) <= _cfg().date_line_chars and not p["sentence_end"].search(line)
        if heading and (noun := triggers.noun(s, e)):
            return noun  # a heading over dated lines: "PLANNING DES RÉUNIONS"
        if line.rstrip().endswith(":"):
            # "10 évènements sont prévus dans les villes suivantes :" announces a list of gatherings
            intro = vocabulary()["_list_intro_re"].search(fold(line))
            return triggers.best(s, e) or (("rencontre", intro.group(1)) if intro else None)
        if bulleted and (p["list_bullet"].match(line) or not line.strip()):
            continue  # the list's other items
        if opens_on_date:
            return triggers.best(s, e)  # an item opening on its date takes the paragraph above the list
        if e - s > _cfg().list_item_chars:
            return None
    return title_trigger if opens_on_date and index <= _cfg().list_items_back else None  # the list opens the page


def _days(key: tuple[str, str]) -> int:
    return (calendar_day.fromisoformat(key[1][:10]) - calendar_day.fromisoformat(key[0][:10])).days + 1


def _group(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """One candidate per event: same dates merged, days inside a range joined to it, umbrella ranges
    over several events dropped, and 'les 28-29 janvier et 22-23 février' read as one event."""
    candidates = sorted(candidates, key=lambda c: (c.where != "text", c.date.span[0]))
    joined = vocabulary()["_p"]["joined_ranges"]
    merged: list[_Candidate] = []
    for cand in candidates:
        previous = merged[-1] if merged else None
        if (
            previous
            and cand.where == "text"
            and previous.where == "text"
            and previous.line == cand.line
            and joined.fullmatch(text[previous.date.span[1] : cand.date.span[0]])
            and previous.date.start != previous.date.end
            and cand.date.start != cand.date.end
        ):
            span = (previous.date.span[0], cand.date.span[1])
            previous.date = previous.date.model_copy(
                update={"end": max(previous.date.end, cand.date.end), "span": span, "text": text[span[0] : span[1]]}
            )
            continue
        merged.append(cand)
    events: list[_Candidate] = []
    distinct = {(c.date.start, c.date.end) for c in merged}
    umbrella = {
        key
        for key in distinct
        if _days(key) > _cfg().max_event_days
        and sum(1 for other in distinct if other != key and key[0] <= other[0] and other[1] <= key[1]) >= 2
    }
    for cand in merged:
        key = (cand.date.start, cand.date.end)
        if key in umbrella:
            continue
        # a list item is its own event ("- Blois, le 19 juin …", "- Sainte-Ménéhould, le 19 juin …")
        others = [e for e in events if not cand.item or e.line == cand.line]
        home = next((e for e in others if (e.date.start, e.date.end) == key), None)
        home = home or next(
            (e for e in others if e.date.start != e.date.end and e.date.start <= key[0] and key[1] <= e.date.end), None
        )
        if home is None:
            inner = [e for e in events if key[0] != key[1] and key[0] <= e.date.start and e.date.end <= key[1]]
            for e in inner:  # a range seen after a day inside it: the range is the event
                events.remove(e)
            events.append(cand)
    return sorted(events, key=lambda e: (e.where != "text", e.date.span[0]))


# --- fields --------------------------------------------------------------------------------------


@dataclass
class _Context:
    text: str
    title: str
    orgs: list[OrgMention]
    places: list[PlaceMention]
    publisher: Publisher | None
    single: bool
    title_orgs: list[OrgMention]
    title_places: list[PlaceMention]
    folded: Folded | None = None
    dates: list[DateEntity] = field(default_factory=list)
    title_dates: list[DateEntity] = field(default_factory=list)
    sentences: _Spans | None = None
    roles: list[tuple[int, int]] = field(default_factory=list)  # where people's roles are read
    lines: list[tuple[int, int]] = field(init=False)

    def __post_init__(self) -> None:
        self.folded = self.folded or Folded(self.text)
        self.lines = _lines(self.text)

    def sentence_at(self, position: int) -> tuple[int, int]:
        return self.sentences.at(position, (position, position)) if self.sentences else (0, len(self.text))


def _windows(ctx: _Context, cand: _Candidate) -> list[tuple[int, int]]:
    """Where an event's details are read, nearest first: its sentence, its line (and a listing item's
    next lines), then the whole page when the page has one event."""
    windows = []
    if cand.where == "text":
        windows.append(cand.sentence)
        windows.append(cand.line)
        if cand.line[1] - cand.line[0] <= _cfg().date_line_chars:
            last = ctx.lines[min(len(ctx.lines) - 1, cand.line_index + _cfg().listing_lines_after)]
            windows.append((cand.line[0], last[1]))
        if cand.section and not ctx.single:
            windows.append(cand.section)
    if ctx.single or cand.where == "title":
        windows.append((0, len(ctx.text)))
    return windows


def _city(
    ctx: _Context, cand: _Candidate, online: bool, near_only: bool = False
) -> tuple[Location | None, Evidence | None]:
    """The commune where the event takes place: "à Nantes" nearest the date in its sentence, else its
    line, listing item, the title and (for a page with one event) "à X" anywhere in the page."""
    if online:
        return None, None
    p = vocabulary()["_p"]
    searches = [(s, e, "text") for s, e in _windows(ctx, cand)]
    if near_only:
        searches = searches[:1]
    if cand.where == "title":
        searches.insert(0, (0, len(ctx.title), "title"))
    elif ctx.single:
        searches.insert(len(searches) - 1, (0, len(ctx.title), "title"))
    street = entity_lexicon().org["named_after_place_linked"]
    for start, end, where in searches:
        if where == "title":
            found = [m for m in ctx.title_places if m.place.kind == "commune"]
            source_text = ctx.title
        else:
            found = [
                m
                for m in ctx.places
                if start <= m.start
                and m.end <= end
                and m.place.kind == "commune"
                # "la communauté d'agglomération Maubeuge-Val de Sambre accueillait…" does not say where
                and not any(o.start <= m.start and m.end <= o.end and o.rule != "rule:venue" for o in ctx.orgs)
                # nor "610 chemin de Saint-Sauveur"
                and not street.search(ctx.text, max(0, m.start - 30), m.start)
            ]
            source_text = ctx.text
        if not found:
            continue
        preferred = [
            m
            for m in found
            if p["city_before"].search(source_text[max(0, m.start - 6) : m.start])
            or p["city_department"].match(source_text[m.end : m.end + 6])  # "Saintes (17)"
        ]
        if not preferred and (
            where == "title" or ((start, end) == (0, len(ctx.text)) and len(ctx.text) > _cfg().date_line_chars)
        ):
            # in the title or anywhere in the page, only "à Nantes" says where the event was:
            # "Fort-de-France veille à la sécurité…" names an actor
            continue
        pool = preferred or found
        if where == "text" and cand.where == "text" and cand.date is not None:
            before = [m for m in pool if m.start <= cand.date.span[0]]
            chosen = before[-1] if before else pool[0]  # "à Garges les 10 et 17 avril, ou à Cergy les 14 et 28 mai"
        else:
            chosen = pool[0]
        s, e, place = chosen.start, chosen.end, chosen.place
        evidence = Evidence(rule=f"places:{where}", text=source_text[s:e], span=(s, e) if where == "text" else None)
        return Location(city=place.name, insee=place.insee, region=place.region), evidence
    return None, None


def _venue(ctx: _Context, cand: _Candidate) -> tuple[str | None, Evidence | None]:
    """The venue the page names for the event ("à la maison de quartier Beaujardin"), nearest first."""
    for start, end in _windows(ctx, cand):
        venues = [o for o in ctx.orgs if o.rule == "rule:venue" and start <= o.start and o.end <= end]
        if venues:
            venue = venues[0]
            return ctx.text[venue.start : venue.end], Evidence(
                rule="venue", text=ctx.text[venue.start : venue.end], span=venue.span
            )
    return None, None


def _organisers_in(ctx: _Context, start: int, end: int) -> tuple[list[OrgMention], list[tuple[int, int]]]:
    """Organisations named as organisers between ``start`` and ``end``: after "organisée par", "en
    partenariat avec"…, or as the subject of "organise", "accueillait"…; venues never."""
    v = vocabulary()
    p = v["_p"]
    text, folded = ctx.text, ctx.folded
    found: list[OrgMention] = []
    spans: list[tuple[int, int]] = []
    for m in folded.finditer(v["_before_any"], start, end):
        phrase_start, phrase_end = folded.span(m.start(), m.end())
        if m.group(1) in v["_animation"]:
            sentence = folded.window(*ctx.sentence_at(phrase_start))
            if v["_event_part_re"].search(folded.text, *sentence):
                continue  # "Table ronde animée par …": who leads a part, not who organises
        if m.group(1) in v["_carried"]:
            clause = re.split(r"[.;:!?\n]", folded.text[max(0, m.start() - 200) : m.start()])[-1]
            words = clause.split()[-v["organisers"]["carried_words"] :]
            if words and not v["_kind_re"].search(" ".join(words)):
                continue  # "l'épicerie sociale portée par …": what is carried is not an event ("Porté par …"
                # opening a sentence speaks of the page's subject)
        # bodies that asked for or funded the event are not its organisers: "à la demande de la DRAC"
        stop = p["organiser_stop"].search(text[phrase_end : phrase_end + _cfg().organiser_window])
        window_end = min(end, phrase_end + (stop.start() if stop else _cfg().organiser_window))
        # a body in a person's role is that person's ("animée par X, directeur … (ANCT)"): the person leads
        picked = [
            o
            for o in ctx.orgs
            if phrase_end <= o.start < window_end and o.rule != "rule:venue" and not _in_role(ctx, o)
        ]
        found.extend(picked)
        if picked:
            spans.append((phrase_start, window_end))
    inside = [o for o in ctx.orgs if start <= o.start < end and o.rule != "rule:venue" and not _in_role(ctx, o)]
    for org in inside:
        lo, hi = folded.window(org.end, min(end, org.end + _cfg().subject_window))
        if not (m := v["_after_re"].match(folded.text, lo, hi)):
            continue
        verb_start, verb_end = folded.span(m.start(1), m.end())
        if " ".join(text[verb_start:verb_end].lower().replace("’", "'").split()) not in v["_after_verbs"]:
            continue
        # bodies of an organiser phrase in between ("X, en partenariat avec la DREETS, organise") are
        # organisers by that phrase, not a break in the subject
        between = [o for o in inside if org.end < o.start < verb_start and o not in found]
        # "L'IREV et Migrations Santé Alsace vous invitent": every subject joined by "et" or a comma
        chain = [org, *between]
        if all(p["subject_chain"].fullmatch(text[a.end : b.start]) for a, b in itertools.pairwise(chain)):
            found.extend(chain)
            spans.append((org.start, verb_end))
    for m in folded.finditer(v["_kind_re"], start, end):
        # "le 9e regroupement annuel du réseau national des CRPV", "l'assemblée générale de l'IREV"
        kind_start, kind_end = folded.span(m.start(), m.end())
        tail = text[kind_end : kind_end + _cfg().possessive_chars]
        if link := p["possessive_link"].match(tail):
            owner = next((o for o in inside if o.start == kind_end + link.end()), None)
            if owner is not None:
                found.append(owner)
                spans.append((kind_start, owner.end))
    return found, spans


def _in_role(ctx: _Context, org: OrgMention) -> bool:
    return any(s <= org.start and org.end <= e for s, e in ctx.roles)


def _organisers(ctx: _Context, cand: _Candidate) -> tuple[list[OrganisationRef], Evidence | None]:
    """Every organiser named in the event's own windows (the whole page for a page with one event);
    else in the title ("L'IREV propose …") or the lead; else the centre that publishes the page."""
    found: list[OrgMention] = []
    spans: list[tuple[int, int]] = []
    for start, end in _windows(ctx, cand):
        orgs, where = _organisers_in(ctx, start, end)
        found.extend(orgs)
        spans.extend(where)
    if not found and ctx.title:
        title_ctx = _Context(ctx.title, "", ctx.title_orgs, [], None, False, [], [])
        found, _ = _organisers_in(title_ctx, 0, len(ctx.title))
        if found:
            return _refs(found), Evidence(rule="organiser-phrase:title", text=ctx.title)
    if not found and ctx.text:
        lead_end = ctx.text.find("\n") if "\n" in ctx.text else len(ctx.text)
        found, spans = _organisers_in(ctx, 0, lead_end)
        if found:
            return _refs(found), Evidence(rule="organiser-phrase:lead", text=ctx.text[:lead_end], span=(0, lead_end))
    if found:
        s, e = min(spans)[0], max(e for _, e in spans)
        return _refs(found), Evidence(rule="organiser-phrase", text=ctx.text[s:e], span=(s, e))
    if ctx.publisher is not None and (own := _own_event(ctx, cand)):
        # a centre reporting its own event ("Notre assemblée générale", "l'IREV … ses membres réunis")
        rule, (s, e) = own
        return [OrganisationRef(id=ctx.publisher.id, name=ctx.publisher.acronym or ctx.publisher.name)], Evidence(
            rule=rule, text=ctx.text[s:e], span=(s, e)
        )
    return [], None


def _own_event(ctx: _Context, cand: _Candidate) -> tuple[str, tuple[int, int]] | None:
    """Where the page names its publisher, or speaks in its name ("notre", "nos", "nous"), in the
    event's own windows: the rule and the span."""
    v = vocabulary()
    for start, end in _windows(ctx, cand):
        for org in ctx.orgs:
            same = org.id == ctx.publisher.id if ctx.publisher.id else not org.id and org.name == ctx.publisher.name
            if same and start <= org.start < end:
                return "publisher:named", org.span
        for m in ctx.folded.finditer(v["_first_person_re"], start, end):
            return "publisher:first-person", ctx.folded.span(m.start(), m.end())
    return None


def _refs(found: list[OrgMention]) -> list[OrganisationRef]:
    """One reference per body, in text order; a body named inside an organiser's name (the Comité of
    "Réseau des jeunes chercheurs du Comité d'histoire") is not an organiser by itself."""
    refs, seen = [], set()
    for org in sorted(found, key=lambda o: o.start):
        if any(o is not org and o.start <= org.start and org.end <= o.end and o.span != org.span for o in found):
            continue
        ref = OrganisationRef(id=org.id, name=org.name if not org.id else _canonical(org))
        key = org_key(org)
        if key not in seen:
            seen.add(key)
            refs.append(ref)
    return refs


def _canonical(org: OrgMention) -> str:
    gaz = load_gazetteer().get(org.id)
    if org.name and gaz and org.name != gaz.name:
        return org.name  # "DREETS Grand Est": the body with its place
    return (gaz.acronym or gaz.name) if gaz else org.name


def _participants(ctx: _Context, cand: _Candidate) -> tuple[Participants | None, Evidence | None]:
    v = vocabulary()
    words = {fold(k): n for k, n in v["participants"]["words"].items()}
    for start, end in _windows(ctx, cand):
        for m in ctx.folded.finditer(v["_participants_re"], start, end):
            raw = m.group("count")
            count = words.get(raw) or int(re.sub(r"\D", "", raw))
            if count < _cfg().min_participants:
                continue
            unit_start, unit_end = ctx.folded.span(m.start("unit"), m.end("unit"))
            unit = v["_p"]["unit_end"].split(ctx.text[unit_start:unit_end])[0]
            span = ctx.folded.span(m.start(), m.end())
            return Participants(count=count, unit=unit), Evidence(
                rule="participants", text=ctx.text[span[0] : span[1]], span=span
            )
    return None, None


def _lexicon(ctx: _Context, cand: _Candidate, pattern: re.Pattern, table: dict) -> list[str]:
    mapping = {fold(k): value for k, value in table.items()}
    start, end = _windows(ctx, cand)[-1]
    found = [mapping[m.group(1)] for m in ctx.folded.finditer(pattern, start, end)]
    return list(dict.fromkeys(found))


def _edition(words: str) -> tuple[int | None, str | None]:
    v = vocabulary()
    kinds = v["_kind_re"]
    for m in v["_edition_re"].finditer(words):
        after = words[m.end() : m.end() + _cfg().edition_window]
        if kinds.match(after.lstrip()) or v["_p"]["edition_word"].match(after):
            value = int(m.group("num")) if m.group("num") else v["editions"]["words"].get(m.group("word"))
            return value, words[m.start() : m.end()]
    return None, None


def _name(ctx: _Context, cand: _Candidate) -> str:
    if ctx.single and ctx.title:
        return ctx.title
    if cand.where == "title":
        return ctx.title
    p = vocabulary()["_p"]
    line = ctx.text[cand.line[0] : cand.line[1]]
    if len(line) <= _cfg().date_line_chars:
        following = [ctx.text[s:e].strip(" –-") for s, e in ctx.lines[cand.line_index + 1 : cand.line_index + 3]]
        return " – ".join(x for x in following if x) or line
    sentence = ctx.text[cand.sentence[0] : cand.sentence[1]]
    kinds = list(ctx.folded.finditer(vocabulary()["_kind_re"], *cand.sentence))  # a noun, not the verb that triggered
    if not kinds:
        return ctx.title or sentence[: _cfg().name_fallback_chars]
    kind = next((k for k in kinds if cand.trigger and k.group(1) == cand.trigger[1]), kinds[0])
    words = p["name_word_break"].split(ctx.text[ctx.folded.original(kind.start()) : cand.sentence[1]])
    name = p["name_end"].split(" ".join(words[: _cfg().name_words]))[0].strip()
    if len(name.split()) < _cfg().min_name_words and cand.date and len(line) <= _cfg().name_fallback_chars:
        # a heading line that ends on its kind ("Les enjeux de la mixité – jeudi 29 octobre (classe
        # virtuelle)"): the line without its date names the event
        heading = " ".join(line.replace(cand.date.text, " ").split()).strip(" –-—:,")
        return re.sub(r"\s+[–—-]\s+(?=\()", " ", heading)
    if len(name.split()) < _cfg().min_name_words and ctx.title:
        return f"{ctx.title} – {name}"
    return name[:1].upper() + name[1:]


def build_event(ctx: _Context, cand: _Candidate, anchor_published: str | None) -> Event:
    """One event with every field and its evidence."""
    v = vocabulary()
    text = ctx.text
    date = cand.date
    windows = _windows(ctx, cand)
    near_start, near_end = windows[1] if len(windows) > 1 else windows[0]
    source = ctx.title if cand.where == "title" else text[near_start:near_end]
    if date is None and cand.where == "text":
        s, e = cand.sentence  # the lead says who organised it and in which month, not the day
        dates = Evidence(rule="undated-subject:lead", text=text[s:e], span=(s, e))
    elif date is None:
        dates = Evidence(rule="undated-subject:title", text=ctx.title)  # the title names it; no day stated
    elif cand.yearless:
        dates = Evidence(rule=f"{date.rule}+no-year", text=date.text, span=date.span)
    else:
        dates = Evidence(rule=date.rule, text=date.text, span=date.span if cand.where == "text" else None)
    evidence: dict[str, Evidence] = {"dates": dates}
    if cand.trigger:
        evidence["kind"] = Evidence(rule="event-vocabulary", text=cand.trigger[1])
    online_match = v["_online_re"].search(fold(source))
    in_person = any(word in fold(source) for word in v["patterns"]["in_person"])
    online = (cand.trigger and cand.trigger[0] == "webinaire") or (
        bool(online_match) and not in_person and not _city(ctx, cand, False, near_only=True)[0]
    )
    if online:
        evidence["online"] = Evidence(
            rule="online-vocabulary", text=online_match.group(1) if online_match else cand.trigger[1]
        )
    location, city_evidence = _city(ctx, cand, online)
    if city_evidence:
        evidence["location"] = city_evidence
    venue, venue_evidence = _venue(ctx, cand) if cand.where == "text" else (None, None)
    if venue:
        location = (location or Location()).model_copy(update={"venue": venue})
        evidence["venue"] = venue_evidence
    organisers, org_evidence = _organisers(ctx, cand)
    if org_evidence:
        evidence["organisers"] = org_evidence
    participants, participants_evidence = _participants(ctx, cand)
    if participants_evidence:
        evidence["participants"] = participants_evidence
    edition, edition_text = _edition(fold(source)) if cand.where == "text" else (None, None)
    if edition is None:
        edition, edition_text = _edition(fold(ctx.title))
    if edition is not None:
        evidence["edition"] = Evidence(rule="edition", text=edition_text)
    status = None
    if anchor_published and date is not None and date.start:
        status = "announced" if date.start > anchor_published else "past"
    period = _period(ctx, cand) if date is None else None
    if period:
        evidence["period"] = period[1]
    kind = cand.trigger[0] if cand.trigger else None
    title_trigger = _trigger(fold(ctx.title)) if ctx.single and ctx.title else None
    if (
        title_trigger
        and cand.trigger
        and len(title_trigger[1]) > len(cand.trigger[1])
        and title_trigger[1] in v["_kinds"]
    ):
        kind = title_trigger[0]  # "4e rencontre nationale" in the title says more than "rencontre"
    return Event(
        name=_name(ctx, cand),
        kind=kind,
        edition=edition,
        start_date=date.start if date else None,
        end_date=date.end if date else None,
        start_time=date.time if date else None,
        end_time=date.end_time if date else None,
        location=location,
        online=bool(online),
        organisers=organisers,
        participants=participants,
        formats=_lexicon(ctx, cand, v["_format_re"], v["formats"]),
        topics=_lexicon(ctx, cand, v["_topic_re"], v["topics"]),
        period=period[0] if period else None,
        status=status,
        evidence=evidence,
    )


def process(analysis: PageAnalysis) -> None:
    """Add the page's events, in the order the page gives them, to ``analysis``."""
    body, title = analysis.body, analysis.title
    text = body.text
    lines = _Spans(_lines(text))
    folded = Folded(text)
    sentences, triggers = _Spans(body.sentences), _Triggers(folded)
    # the date a text dump states alone under its title (the page's date; maybe its event's too)
    dated_by = analysis.document.evidence.get("published")
    page_date = analysis.document.published if dated_by and dated_by.rule == "text:date-under-title" else None
    candidates = _group(
        _candidates(text, title.text, body.dates, title.dates, sentences, lines, triggers, page_date), text
    )
    candidates += _one_per_day(
        _candidates(text, title.text, _yearless_dates(body.yearless), [], sentences, lines, triggers)
    )
    if not candidates and (subject := _subject(title.text) or _lead_subject(text, body.dates, sentences, triggers)):
        candidates = [subject]
    in_text = [c for c in candidates if c.where == "text"]
    for cand, following in zip(in_text, [*in_text[1:], None]):
        cand.section = (
            cand.line[0],
            following.line[0] if following and following.line[0] > cand.line[0] else len(text),
        )
    ctx = _Context(
        folded=folded,
        text=text,
        title=title.text,
        orgs=body.organisations,
        places=body.places,
        publisher=analysis.publisher,
        single=len(candidates) == 1,
        title_orgs=title.organisations,
        title_places=title.places,
        dates=body.dates,
        title_dates=title.dates,
        sentences=sentences,
        roles=[p.evidence.span for p in body.people if p.evidence and p.evidence.span],
    )
    analysis.events = [build_event(ctx, cand, analysis.document.published) for cand in candidates]
