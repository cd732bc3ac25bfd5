"""Entities (stage): a page's texts and spaCy ``Doc`` objects -> organisations, people with roles,
places, and the centre that published the page.

Organisations come first from the gazetteer (the entity ruler's matches carry a canonical id), then
from rules for bodies named after a place ("Ville de Nantes", "DREETS Grand Est", "Brest Métropole")
and for venues ("maison de quartier Beaujardin"), last from the statistical NER when the name has the
shape of an organisation (``data/organisation_patterns.toml``); those have ``id`` null.
People are the NER's persons (and "Prénom NOM" names) that pass the filters of ``data/roles.toml``
(never a title, an organisation, a place or a field label), with the role read from the sentence around
the name: "X, directrice de Y, …" and "la présidente de Y, X"; each role says where it was read.
Places are every geographic name of the text, normalised against the COG place index
(``pipeline.places``), offline. The title goes through the same functions as the main text.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from . import resources, settings
from .gazetteer import GazetteerEntry, load_gazetteer
from .models import (
    Entities,
    Evidence,
    Mention,
    Organisation,
    OrgMention,
    PageAnalysis,
    Person,
    Place,
    PlaceMention,
    Publisher,
    TextAnalysis,
)
from .places import PlaceEntry, find_quartiers_in_text, load_places
from .text import Spans, alternation, fold, longest_first, squash
from .urls import site_of

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lexicon:
    """The vocabularies and patterns of ``roles.toml`` and ``organisation_patterns.toml``, compiled once."""

    role_heads: frozenset[str]
    role_prefixes: tuple[str, ...]
    not_person_words: frozenset[str]
    posts: dict[str, str]
    place_head: re.Pattern
    place_suffixed_ids: frozenset[str]
    place_tail: re.Pattern
    venue: re.Pattern
    structure: re.Pattern
    place_head_kinds: dict[str, tuple[str, ...]]
    plural_head: re.Pattern
    plural_names: dict[str, str]
    org_words: frozenset[str]
    phrase_heads: frozenset[str]
    generic_names: frozenset[str]
    not_name_words: frozenset[str]
    name_links: frozenset[str]
    title_chars: int  # the longest courtesy title and its space
    adjective: re.Pattern
    not_quartier_names: frozenset[str]
    compass_points: frozenset[str]
    place_tail_words: frozenset[str]
    list_gap_chars: int
    org_before: re.Pattern
    not_acronyms: frozenset[str]
    org: dict[str, re.Pattern]
    people: dict[str, re.Pattern]
    small_words: frozenset[str]
    first_last_not_first: frozenset[str]
    name_particles: frozenset[str]
    link: str


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    roles = resources.toml("roles.toml")
    orgs = resources.toml("organisation_patterns.toml")
    p = orgs["patterns"]
    words = {
        "PLACE_HEADS": alternation(orgs["place_heads"]),
        "PLACE_HEADS_ANY_CASE": alternation(orgs["place_heads_any_case"]),
        "PLACE_TAILS": alternation(orgs["place_tails"]),
        "PLACE_TAILS_ANY_CASE": alternation(orgs["place_tails_any_case"]),
        "VENUE_HEADS": alternation(orgs["venue_heads"]),
        "STRUCTURE_HEADS_UPPER": alternation([h for h in orgs["structure_heads"] if h.isupper()]),
        "STRUCTURE_HEADS": alternation([h for h in orgs["structure_heads"] if not h.isupper()]),
        "PLURAL_HEADS": alternation(orgs["plural_heads"]),
        "ORG_BEFORE": alternation(orgs["org_before"]),
        "NAMED_AFTER_HEADS": alternation(orgs["named_after_heads"]),
        "PHRASE_HEADS": alternation(orgs["phrase_heads"]),
        "COURTESY_TITLES": alternation(roles["courtesy_titles"]),
        "PHRASE_HEADS_LOWER": alternation(
            [h[:1].lower() + h[1:] for h in orgs["phrase_heads"] if h not in orgs["not_lower_heads"]]
        ),
        "PHRASE_HEADS_LOWER_ROLE": alternation(
            [h[:1].lower() + h[1:] for h in orgs["phrase_heads"] if h not in orgs["role_body_not_heads"]]
        ),
        "ROLE_HEADS": alternation(roles["role_heads"]),
        "EVENT_NOUNS": alternation(resources.toml("events.toml")["kinds"]).replace("'", "['’]"),
        "QUARTIER_HEADS": alternation(orgs["quartier_heads"]),
        "PLACE_CUE_WORDS": alternation(orgs["place_cue_words"]),
        "BUILDING_HEADS": alternation(orgs["building_heads"]),
        "ADJ": p["ADJ"],
        "LINK": p["LINK"],
        "CAP": p["CAP"],
    }

    def build(pattern: str) -> re.Pattern:
        return re.compile(re.sub(r"<([A-Z_]+)>", lambda m: words[m.group(1)], pattern))

    org_patterns = {
        name: build(value) for name, value in p.items() if isinstance(value, str) and name not in ("LINK", "CAP", "ADJ")
    }
    people_patterns = {name: build(value) for name, value in roles["patterns"].items() if isinstance(value, str)}
    return Lexicon(
        role_heads=frozenset(fold(w) for w in roles["role_heads"]),
        role_prefixes=tuple(roles["role_prefixes"]),
        not_person_words=frozenset(fold(w) for w in roles["not_person_words"]),
        posts={fold(k): v for k, v in roles["posts"].items()},
        place_head=org_patterns["place_head"],
        place_suffixed_ids=frozenset(orgs["place_suffixed_ids"]),
        place_tail=org_patterns["place_tail"],
        venue=org_patterns["venue"],
        structure=org_patterns["structure"],
        place_head_kinds={fold(k): tuple(v) for k, v in orgs["place_head_kinds"].items()},
        plural_head=org_patterns["plural_head"],
        plural_names={fold(k): v for k, v in orgs["plural_heads"].items()},
        org_words=frozenset(orgs["org_words"]),
        phrase_heads=frozenset(orgs["phrase_heads"]),
        generic_names=frozenset(fold(n) for n in orgs["generic_names"]),
        not_name_words=frozenset(orgs["not_name_words"]),
        name_links=frozenset(p["name_links"]),
        title_chars=max(map(len, roles["courtesy_titles"])) + 1,
        adjective=re.compile(p["ADJ"]),
        not_quartier_names=frozenset(orgs["not_quartier_names"]),
        compass_points=frozenset(fold(w) for w in orgs["compass_points"]),
        list_gap_chars=orgs["list_gap_chars"],
        place_tail_words=frozenset(orgs["place_tails"] + [w.lower() for w in orgs["place_tails_any_case"]]),
        not_acronyms=frozenset(orgs["not_organisation_acronyms"]),
        org_before=org_patterns["org_before"],
        org=org_patterns,
        people=people_patterns,
        small_words=frozenset(p["definition_small_words"]),
        first_last_not_first=frozenset(roles["patterns"]["first_last_not_first"]),
        name_particles=frozenset(roles["patterns"]["name_particles"]),
        link=p["LINK"],
    )


def _cfg():
    return settings.section("entities")


# --- the publisher -------------------------------------------------------------------------------


def publisher_of(site: str | None) -> GazetteerEntry | None:
    """The gazetteer organisation whose website is ``site`` (the centre that publishes the page)."""
    if not site:
        return None
    for org in load_gazetteer():
        for website in filter(None, (org.website, *org.other_websites)):
            if site_of("https://" + re.sub(r"^https?://", "", website)) == site:
                return org
    return None


def _site_labels(site: str | None) -> list[str]:
    """The words of a host that may spell its owner's name: 'www.centre-mercoeur.asso.fr' ->
    ['centremercoeur', 'asso']."""
    labels = [label.replace("-", "") for label in (site or "").lower().split(".")[:-1]]
    return [label for label in labels if label != "www" and len(label) >= 3]


def site_name_in_text(site: str | None, text: str, orgs: list[OrgMention]) -> OrgMention | None:
    """A name in the text that the site's address spells, which no rule took for a body: the site's
    owner ("Espacité, l'agence conseil…" on espacite.com, "le centre Mercœur" on mercoeur.asso.fr, with
    the venue or body word before it). Found only where the gazetteer does not know the site."""
    labels = set(_site_labels(site))
    if not labels:
        return None
    for m in lexicon().org["site_name"].finditer(text):
        spelled = {squash(m.group(part)) for part in ("name", 0)}
        if not spelled & labels or (not m.group("head") and load_places().lookup(m.group("name"))):
            continue  # a territory's site ("ardeche.gouv.fr") is its authority's, not a body named "Ardèche"
        start = m.start()
        if any(o.start < m.end() and start < o.end for o in orgs):
            return None  # a body the rules found holds it: site_named_body decides
        full = text[start : m.end()]
        return OrgMention(start, m.end(), None, full[:1].upper() + full[1:], None, "rule:site-name")
    return None


def site_named_body(site: str | None, orgs: list[OrgMention]) -> OrgMention | None:
    """The body the page names whose name its site's address spells, for a site the gazetteer does not
    know: "Espacité" on espacite.com, "Pays Portes de Gascogne" on paysportesdegascogne.com, "Centre
    Mercœur" on mercoeur.asso.fr (a label of the host, the name squashed: equal, or one ending or
    starting the other when both are long enough, ``entities.site_name_chars``)."""
    if not site:
        return None
    shortest = _cfg().site_name_chars
    labels = _site_labels(site)
    for org in sorted(orgs, key=lambda o: o.start):
        name, whole = squash(_strip_article(org.name)), squash(org.name)
        for label in labels:
            if label in (name, whole) or (
                min(len(label), len(name)) >= shortest
                and (name.endswith(label) or label.startswith(name) or label.startswith(whole))
            ):
                return org
    return None


# --- places --------------------------------------------------------------------------------------


def find_places(text: str, person_spans: list[tuple[int, int]] = ()) -> list[PlaceMention]:
    """Every place name of ``text`` outside people's names."""
    found = []
    for start, end, place in load_places().find_in_text(text):
        if any(s <= start < e or s < end <= e for s, e in person_spans) and not _place_not_person(
            text, start, end, person_spans
        ):
            continue
        found.append(PlaceMention(start, end, place))
    return found


def _place_not_person(text: str, start: int, end: int, person_spans) -> bool:
    """The model's person that is exactly a place name said as a place: "actifs à Saint-Martin" (a saint's
    name the model reads as a person), after a locative preposition (pattern ``place_not_person``)."""
    return (start, end) in person_spans and bool(
        lexicon().org["place_not_person"].search(text, max(0, start - 12), start)
    )


def place_kind(kind: str) -> str:
    """The kind a record gives a place of the index (informal and former regions are territories)."""
    return kind if kind in ("commune", "département", "région", "country", "quartier") else "territory"


def find_quartiers(text: str, found: list[PlaceMention], orgs: list[OrgMention] = ()) -> list[PlaceMention]:
    """Neighbourhoods named after "quartier", "cité", "résidence"…: "les quartiers Fabien et Centre
    ancien" gives two. Not a place of the index already found there, nor part of an organisation's
    name ("maison de quartier Beaujardin", "Cité Ressources")."""
    lex = lexicon()
    out = []
    for m in lex.org["quartier"].finditer(text):
        offset = m.start(1)
        for piece in re.split(r"([ \u00a0]+et[ \u00a0]+)", m.group(1)):
            start, offset = offset, offset + len(piece)
            name = lex.org["trailing"].sub("", piece)
            if not name.strip() or " et " in f" {piece} " or name.split()[0] in lex.not_quartier_names or len(name) < 3:
                continue
            end = start + len(name)
            if not any(p.start < end and start < p.end and p.place.kind != "commune" for p in found) and not any(
                o.start < end and m.start() < o.end for o in orgs
            ):
                out.append(PlaceMention(start, end, PlaceEntry(name=name, kind="quartier")))
    return out


def model_places(
    text: str, doc, places: list[PlaceMention], orgs: list[OrgMention], people: list[Person]
) -> list[PlaceMention]:
    """``places`` with the local places the index does not hold (a village, a district, an island, a
    country) that the NER model names (LOC) where the text says it is a place: after a place word ("les
    habitants du Haut-Bonneuil", "des communes comme Le Prêcheur") or listed with a place found ("Caen la
    Mer et Grand Paris Sud", "le Brésil ou l'Afrique du Sud"). Not a street, a building or a venue, an
    acronym, a body ("Toulouse métropole"), a lower-case phrase, nor one common word ("Portée"); nothing
    that overlaps a place, a body or a person found already."""
    lex = lexicon()
    places = _compound_places(text, doc, places, orgs)
    taken = Spans([m.span for m in places] + [o.span for o in orgs] + [m.span for p in people for m in p.mentions])
    listed = Spans(m.span for m in places)
    gap, window = lex.org["place_list_gap"], lex.list_gap_chars
    added: list[PlaceMention] = []
    for ent in doc.ents:
        name, start, end = ent.text, ent.start_char, ent.end_char
        if ent.label_ != "LOC" or "\n" in name or len(name) < 3 or taken.overlapping(start, end):
            continue
        words = re.split(r"[\s'’-]+", name)
        if (
            not name[:1].isupper()
            or name.isupper()
            or lex.org["not_a_place_head"].match(name)
            or any(w in lex.place_tail_words for w in words)
            or any(w[:1].islower() and w not in lex.name_links for w in words[1:])
            or (len(words) == 1 and doc.vocab.has_vector(name.lower()))
            or load_places().lookup(name)  # the index's own places were weighed already ("quartier Saint-Exupéry")
        ):
            continue
        listed_with = any(gap.fullmatch(text, e, start) for _, e in listed.ending_in(start - window, start)) or any(
            gap.fullmatch(text, end, s) for s, _ in listed.starting_in(end, end + window)
        )
        cue = lex.org["place_cue"].search(text[max(0, start - _cfg().head_window) : start])
        if not (cue or listed_with):
            continue
        rule = "model:ner:place-cue" if cue else "model:ner:listed-place"
        added.append(PlaceMention(start, end, PlaceEntry(name=name, kind="territory"), rule))
        taken.add((start, end))
        listed.add((start, end))
    return sorted(places + added, key=lambda m: m.start)


def _compound_places(text: str, doc, places: list[PlaceMention], orgs: list[OrgMention]) -> list[PlaceMention]:
    """A place of the index that the NER model reads as the start of a longer place name is that longer
    place: a territory or a city's sector named after it ("Caen la Mer", "Grand Paris Sud", "Toulouse
    Nord"), at every mention of that name. What follows the place is capitalised words (through de/la/…),
    a compass point at most being itself a place; never a body ("Nantes Métropole"), a number ("Toulouse
    II") nor a second place ("Bretagne Pays-de-Loire"). A place heading a building's name is none ("au
    Palais du travail" names no Le Palais)."""
    lex = lexicon()
    by_span = {m.span: m for m in places}
    spans, bodies = Spans(by_span), Spans(o.span for o in orgs)
    dropped: set[tuple[int, int]] = set()
    names: set[str] = set()
    for ent in doc.ents:
        start, end = ent.start_char, ent.end_char
        if ent.label_ != "LOC" or "\n" in ent.text or bodies.overlapping(start, end):
            continue
        near = spans.overlapping(start, end)
        inside = [sp for sp in near if start <= sp[0] and sp[1] <= end]
        if not inside or inside[0][0] != start or len(inside) < len(near):
            continue
        if lex.org["not_a_place_head"].match(ent.text):  # a building, not the place its head word spells
            dropped.update(inside)
            continue
        rest = text[inside[0][1] : end]
        words = re.split(r"[\s'’-]+", rest.strip())
        if (
            not rest.startswith(" ")
            or any(w in lex.place_tail_words for w in words)
            or not words[-1][:1].isupper()
            or any(not (w[:1].isupper() or w in lex.name_links) or re.fullmatch(r"[IVX]+|\d+", w) for w in words)
            or any(fold(text[s:e]) not in lex.compass_points for s, e in inside[1:])
        ):
            continue
        names.add(ent.text)
    out = [m for sp, m in by_span.items() if sp not in dropped]
    if names:  # every mention of those names, as the model read one, in one pass over the text
        pattern = re.compile(rf"(?<![\w-])(?:{alternation(names)})(?![\w-])")
        for m in pattern.finditer(text):
            near = spans.overlapping(m.start(), m.end())
            if near and all(m.start() <= s and e <= m.end() for s, e in near):
                dropped.update(near)
                entry = PlaceEntry(name=m.group(), kind="territory")
                out.append(PlaceMention(m.start(), m.end(), entry, "model:ner:compound-place"))
        out = [m for m in out if m.span not in dropped or m.rule == "model:ner:compound-place"]
    return sorted(out, key=lambda m: m.start)


def cued_quartiers(
    text: str, places: list[PlaceMention], orgs: list[OrgMention], people: list[Person]
) -> list[PlaceMention]:
    """``places`` with the neighbourhoods a list names after a place word and a colon ("les habitants des
    quartiers : Ilet Malouin, Palétuvier, Village Chinois et Cité les bégonias") or that a parenthesis
    says are one ("Chekepatty (quartier informel)"): patterns ``cued_place_list`` and ``place_apposition``;
    each item a short name with a capital, where no body or person is named."""
    lex = lexicon()
    taken = Spans([m.span for m in places] + [o.span for o in orgs] + [m.span for p in people for m in p.mentions])
    items: list[tuple[int, int]] = []
    for m in lex.org["cued_place_list"].finditer(text):
        for item in lex.org["place_list_item"].finditer(text, m.start(1), m.end(1)):
            items.append(item.span(1))
    items += [m.span(1) for m in lex.org["place_apposition"].finditer(text)]
    added = []
    for start, end in sorted(set(items)):
        name = text[start:end]
        words = name.split()
        if (
            not name[:1].isupper()
            or name.isupper()
            or len(words) > _cfg().list_item_words
            or taken.overlapping(start, end)
        ):
            continue
        added.append(PlaceMention(start, end, PlaceEntry(name=name, kind="quartier"), "rule:cued-quartier"))
        taken.add((start, end))
    return sorted(places + added, key=lambda m: m.start)


def listed_quartiers(
    text: str, places: list[PlaceMention], orgs: list[OrgMention], people: list[Person], communes: set[str]
) -> list[PlaceMention]:
    """``places`` with the listed neighbourhoods (QPV, ZUS) of the page's ``communes`` that ``text`` names,
    where no place, organisation or person is named already ("École Louise Michel" is a school)."""
    taken = [m.span for m in places] + [o.span for o in orgs] + [m.span for p in people for m in p.mentions]
    added = [
        PlaceMention(start, end, entry)
        for start, end, entry in find_quartiers_in_text(text, communes)
        if not any(s < end and start < e for s, e in taken)
        and not lexicon().org["name_goes_on"].match(text, end)  # "Volga Plage": a longer name than listed
    ]
    return sorted(places + added, key=lambda m: m.start)


def keep_places(
    text: str, found: list[PlaceMention], orgs: list[OrgMention], people: list[Person]
) -> list[PlaceMention]:
    """Places that are not part of a person's name nor the first word of an organisation's name ("L'Union"
    in "l'Union régionale Habitat"), and no country inside an organisation's name ("BPI France"); a place
    inside or at the end of a name stays ("Brest Métropole", "Centre de ressources Bretagne - Pays de
    Loire", "Sciences Po Saint-Germain-en-Laye"); no commune that names a street, a school or a district
    ("quartier Saint-Exupéry")."""
    spans = [m.span for p in people for m in p.mentions]
    named_after = lexicon().org["named_after_place"]
    kept = []
    for mention in found:
        start, end = mention.span
        if any(s < end and start < e for s, e in spans):
            continue
        if mention.place.kind == "commune" and named_after.search(text[max(0, start - _cfg().head_window) : start]):
            continue  # "quartier Saint-Exupéry", "Campus Condorcet"
        inside = [o for o in orgs if o.start < end and start < o.end and not o.rule.endswith("place-body")]
        # "BPI France" names no country; "… associations noires de France" does
        named_country = mention.place.kind == "country" and not re.search(
            r"\b(?:de|d['’])\s*$", text[max(0, start - 4) : start]
        )
        if inside and (named_country or any(start <= o.start for o in inside)):
            continue
        kept.append(mention)
    return kept


def places_entities(text: str, found: list[PlaceMention], rule: str = "places:cog") -> list[Place]:
    """One ``Place`` per place named, with every mention (spans into ``text``)."""
    merged: dict[str, Place] = {}
    for mention in found:
        place = mention.place
        item = Mention(text=text[mention.start : mention.end], span=mention.span)
        if place.name in merged:
            merged[place.name].mentions.append(item)
            continue
        merged[place.name] = Place(
            name=place.name,
            kind=place_kind(place.kind),
            insee=place.insee,
            region=place.region,
            mentions=[item],
            rule=mention.rule
            or (("places:qpv" if place.insee else "rule:quartier") if place.kind == "quartier" else rule),
        )
    return list(merged.values())


# --- organisations -------------------------------------------------------------------------------


def _strip_article(name: str) -> str:
    """'les Francas' -> 'Francas', "l'Agence" -> 'Agence'."""
    return lexicon().org["article"].sub("", name, count=1).strip(" ,.;:")


def find_organisations(text: str, doc, places: list[PlaceMention]) -> list[OrgMention]:
    """Every organisation named in ``text``: gazetteer, place-named bodies, venues, structures,
    acronyms, NER names with an organisation word; overlaps resolved longest first."""
    gazetteer = load_gazetteer()
    lex = lexicon()
    found: list[OrgMention] = []
    for ent in doc.ents:
        if ent.label_ == "ORG" and ent.ent_id_ and (org := gazetteer.get(ent.ent_id_)) and org.kind != "programme":
            found.append(OrgMention(ent.start_char, ent.end_char, org.id, org.name, org.acronym, "gazetteer"))
    # bodies named after a place: "Ville de Nantes", "DREETS Grand Est", "Brest Métropole"
    for mention in places:
        start, end = mention.span
        before = text[max(0, start - _cfg().head_window) : start]
        m = lex.place_head.search(before)
        if m and mention.place.kind in lex.place_head_kinds.get(fold(m.group(1)), (mention.place.kind,)):
            head_start = start - len(before) + m.start()
            name = text[head_start:end]
            found.append(OrgMention(head_start, end, None, name[:1].upper() + name[1:], None, "rule:place-body"))
        if m := lex.place_tail.match(text[end : end + _cfg().tail_window]):
            found.append(OrgMention(start, end + m.end(), None, text[start : end + m.end()], None, "rule:place-body"))
    found.extend(_plural_bodies(text, places))
    found.extend(_short_bodies(text, [o for o in found if o.rule == "rule:place-body"]))
    for org in [o for o in found if o.id in lex.place_suffixed_ids]:
        for mention in places:
            gap = text[org.end : mention.start]
            if mention.start >= org.end and lex.org["suffixed_place_gap"].fullmatch(gap):
                found.append(
                    OrgMention(
                        org.start, mention.end, org.id, text[org.start : mention.end], org.acronym, "gazetteer+place"
                    )
                )
                break
    for m in lex.venue.finditer(text):
        found.append(OrgMention(m.start(), m.end(), None, text[m.start() : m.end()], None, "rule:venue"))
    for m in lex.structure.finditer(text):
        found.append(OrgMention(m.start(), m.end(), None, text[m.start() : m.end()], None, "rule:local-structure"))
    found.extend(acronym_definitions(text))
    for m in lex.org["article_acronym"].finditer(text):
        acronym = m.group(1)
        if acronym not in lex.not_acronyms and not gazetteer.lookup(acronym) and not load_places().lookup(acronym):
            found.append(OrgMention(m.start(1), m.end(1), None, acronym, acronym, "rule:acronym"))
    known = [o for o in found if o.id]
    for m in lex.org_before.finditer(text):
        # named by its own words ("Détours Atajos"), the mention keeps the head ("association Détours Atajos");
        # a body the gazetteer knows there is that body ("l'association Ville & Banlieue")
        if any(o.start < m.end() and m.start(1) < o.end for o in known):
            continue
        head = m.start() + len(re.match(r"(?i:les?\s+|la\s+|l')?", m.group()).group())
        found.append(OrgMention(head, m.end(), None, m.group(1), None, "rule:org-context"))
    taken = [(o.start, o.end) for o in found]
    for m in lex.org["org_phrase"].finditer(text):
        # a body named by its head word and its complements ("Observatoire des inégalités")
        name = _trim_name(_after_capitals(m.group()))
        start, end = m.start(), m.start() + len(name)
        # a gazetteer body, or a longer name, holds it; a shorter unknown one inside it gives way
        if len(name.split()) < 2 or any(
            o.start < end and start < o.end and (o.id or not (start <= o.start and o.end <= end)) for o in found
        ):
            continue
        found.append(OrgMention(m.start(), m.start() + len(name), None, name, None, "rule:org-phrase"))
        taken.append((m.start(), m.start() + len(name)))
    for m in lex.org["org_phrase_lower"].finditer(text):
        # the same in running text, head in lower case ("l'école Cotton"): a capitalised word must follow
        name = _trim_name(_after_capitals(m.group(1)))
        start, end = m.start(1), m.start(1) + len(name)
        capitalised = [w for w in re.findall(r"[\w'’-]+", name)[1:] if w[:1].isupper()]
        if not [w for w in capitalised if w not in lex.not_name_words] or any(
            o.start < end and start < o.end and (o.id or not (start <= o.start and o.end <= end)) for o in found
        ):
            continue
        found.append(OrgMention(start, end, None, name[:1].upper() + name[1:], None, "rule:org-phrase"))
        taken.append((start, end))
    for m in lex.org["org_phrase_lower_role"].finditer(text):
        # a lower-case body a person's role names ("directrice d'étude à l'observatoire des inégalités")
        if not lex.org["role_body_before"].search(text, max(0, m.start() - _cfg().head_window), m.start()):
            continue
        name = _trim_name(_after_capitals(m.group(1)))
        start, end = m.start(1), m.start(1) + len(name)
        head = re.match(r"[\w-]+", name).group()
        if not lex.org["role_body_link"].search(name[len(head) :]) or any(
            o.start < end and start < o.end and (o.id or not (start <= o.start and o.end <= end)) for o in found
        ):
            continue
        found.append(OrgMention(start, end, None, name[:1].upper() + name[1:], None, "rule:role-body"))
        taken.append((start, end))
    # the model's names: with the weights fine-tuned on the field's pages (settings nlp.ner_weights) an ORG
    # is an organisation; with the base model only a name of two words or more holding an organisation word
    trained = bool(settings.section("nlp").ner_weights)
    for ent in doc.ents:
        if ent.ent_id_ or ent.label_ not in ("ORG", "MISC", "LOC"):
            continue
        if any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        name = _trim_name(_strip_article(ent.text.split("\n")[0]))
        words = re.split(r"[\s-]+", name)
        named = trained and ent.label_ == "ORG" and len(name) > 1
        if not named and (len(words) < 2 or not any(w in lex.org_words for w in words)):
            continue
        if not name[:1].isupper() or _role_head(name):
            continue
        if named and _not_a_trained_name(text, ent.start_char + ent.text.find(name), name, doc.vocab):
            continue
        if load_places().lookup(name):
            continue
        begin = ent.start_char + ent.text.find(name)
        found.append(OrgMention(begin, begin + len(name), None, name, None, "model:ner"))
    kept = [o for o in longest_first(found, span=lambda o: o.span) if not is_generic_name(o)]
    return sorted(kept + _parent_bodies(text, kept), key=lambda o: (o.start, -o.end))


def _parent_bodies(text: str, orgs: list[OrgMention]) -> list[OrgMention]:
    """A body named inside another's name as the one it belongs to is named too: "Réseau des jeunes
    chercheur·e·s du Comité d'histoire de la politique de la ville" names the Comité d'histoire…
    (``parent_body``: a capitalised head of phrase_heads after de/du/des/d' inside a name the org-phrase
    rule read)."""
    out = []
    for org in orgs:
        if org.rule != "rule:org-phrase":
            continue
        if m := lexicon().org["parent_body"].search(text, org.start + 1, org.end):
            start = m.start(1)
            name = text[start : org.end]
            if len(name.split()) >= 2 and not is_generic_name(OrgMention(start, org.end, None, name, None, "")):
                out.append(OrgMention(start, org.end, None, name, None, "rule:org-phrase:parent"))
    return out


def _not_a_trained_name(text: str, start: int, name: str, vocab) -> bool:
    """What the fine-tuned model may take for a body and is not: a commune or district after a postal
    address ("11 rue Barthélémy Delespaul, Lille Wazemmes"), a surname in capitals after a first name
    ("Raphaël LE MÉHAUTÉ"), a concept of the field ("PNRU de Malakoff", "CLS"), and a common noun phrase
    whose only capital is its first letter ("Forum emploi", "Cohésion sociale", "la Présidence"): such
    a name is a body only when an organisation word heads it ("Observatoire des inégalités") or, one
    word long, when it is no word of the language (the model's vocabulary has no vector for it:
    "Catapulpe")."""
    lex = lexicon()
    line_start = text.rfind("\n", 0, start) + 1
    if lex.org["address_before"].search(text, line_start, start):
        return True
    if name.isupper() and lex.org["first_name_before"].search(text, line_start, start):
        return True
    words = re.split(r"[\s'’]+", name)
    if words[0] in lex.not_acronyms:
        return True
    one_capital = not words[0].isupper() and not any(w[:1].isupper() or w[:1].isdigit() for w in words[1:])
    if one_capital:
        if len(words) > 1:
            return words[0] not in lex.org_words | lex.phrase_heads
        return vocab.has_vector(name.lower())
    return False


def _after_capitals(name: str) -> str:
    """A body's name ends with its capitalised words and their adjectives: 'école Cotton pour les
    habitants…' -> 'école Cotton', 'Université de Lille sur les enjeux…' -> 'Université de Lille',
    'ministère de la Fonction publique' stays whole, 'école de la Major-Cathédrale intitulé' -> 'école de la
    Major-Cathédrale' (a participle is not part of it)."""
    words = list(re.finditer(r"[^\s'’]+['’]?", name))
    seen_capital = False
    for i, word in enumerate(words[1:], 1):
        w = word.group()
        if w[:1].isupper() or w[:1].isdigit() or w.startswith("n°"):
            # a body's head inside the name opens its own complements ("Réseau des jeunes chercheur·e·s du
            # Comité d'histoire de la politique de la ville")
            seen_capital = w not in lexicon().phrase_heads
            continue
        if not seen_capital:
            continue
        # after the capitals: an adjective ("publique"), or words leading through de/la/… to another capital
        # ("de France", "chargé de la Ville"); anything else ends the name ("pour les habitants")
        link = w.lower() in lexicon().name_links
        participle = bool(re.search(r"é(?:e|s|es)?$", w))
        adjective = bool(lexicon().adjective.fullmatch(w))
        if not (((link or adjective) and _leads_to_capital(words, i)) or (adjective and not participle)):
            return name[: words[i - 1].end()].rstrip()
    return name


def _leads_to_capital(words: list[re.Match], i: int) -> bool:
    """After words[i], past de/la/…, comes a capitalised word (and at least one such link when words[i]
    is not one itself)."""
    links = words[i].group().lower() in lexicon().name_links
    for word in words[i + 1 :]:
        if word.group().lower() in lexicon().name_links:
            links = True
            continue
        return links and word.group()[:1].isupper()
    return False


def is_generic_name(org: OrgMention) -> bool:
    """'le conseil citoyen', 'la Direction générale', 'CCI' alone: a kind of body, not one (gazetteer
    entries are never generic)."""
    if org.id:
        return False
    name = fold(_strip_article(org.name)).strip(" .,;:'")
    return name in lexicon().generic_names or len(name) < 2


def _trim_name(name: str) -> str:
    """'Observatoire de la laïcité de 2013' -> 'Observatoire de la laïcité'; 'GIP «' -> 'GIP'."""
    previous = None
    while previous != name:
        previous, name = name, lexicon().org["trailing"].sub("", name).strip()
    return name


def _definition_words(text: str, paren_start: int, acronym: str) -> int | None:
    """Where the long form of ``acronym`` starts before its parenthesis, Schwartz & Hearst style: the
    shortest run of words ending there whose first word starts with the acronym's first letter and
    whose letters hold the acronym's letters in order."""
    cfg = _cfg()
    letters = [c.lower() for c in acronym if c.isalpha()]
    base = max(0, paren_start - cfg.definition_chars)
    words = list(re.finditer(r"[\w'’-]+", text[base:paren_start]))
    limit = min(len(words), len(letters) + cfg.definition_extra_words)
    for size in range(1, limit + 1):
        run = words[-size:]
        original = re.split(r"['’]", run[0].group())[-1]  # "l'Institut" -> "Institut"
        first = original.lower()
        if not first or first[0] != letters[0] or first in lexicon().small_words:
            continue
        chars = iter("".join(w.group().lower() for w in run))
        if all(letter in chars for letter in letters) and original[:1].isupper():
            return base + run[0].start() + (len(run[0].group()) - len(original))
    return None


def acronym_definitions(text: str) -> list[OrgMention]:
    """Organisations a page defines: "Institut supérieur social de Mulhouse (ISSM)", "la BPS (Base
    Pédagogique de Soutien)". The long form must read as an organisation (``org_words``)."""
    found = []
    for m in lexicon().org["acronym_after"].finditer(text):
        acronym = m.group(1)
        start = _definition_words(text, m.start(), acronym)
        if start is not None and (org := _defined_org(text[start : m.start()].strip(), acronym, start, m.end())):
            found.append(org)
    for m in lexicon().org["acronym_before"].finditer(text):
        if org := _defined_org(m.group(2), m.group(1), m.start(), m.end()):
            found.append(org)
    for m in lexicon().org["acronym_before_titled"].finditer(text):
        # "le Cran (Conseil représentatif des associations noires de France)": a short name written like a
        # word, whose letters are the initials of the long form's first words
        acronym, name = m.group(1), m.group(2)
        initials = "".join(w[0] for w in re.split(r"[\s'’-]+", name) if w and w.lower() not in lexicon().small_words)
        if fold(initials).startswith(fold(acronym)) and (org := _defined_org(name, acronym, m.start(), m.end(), True)):
            found.append(org)
    return found


def _defined_org(name: str, acronym: str, start: int, end: int, shaped: bool = False) -> OrgMention | None:
    """An organisation when the long form has an organisation word, or is a proper name whose
    capitalised words spell the acronym ("Base Pédagogique de Soutien" = BPS), or the caller found it
    ``shaped`` so; linked when known."""
    gazetteer = load_gazetteer()
    if known := gazetteer.lookup(acronym) or gazetteer.lookup(name):
        return OrgMention(start, end, known.id, known.name, known.acronym, "gazetteer+definition")
    words = re.split(r"[\s'’-]+", name)
    initials = "".join(w[0] for w in words if w and w[0].isupper())
    shaped = shaped or any(w in lexicon().org_words for w in words) or initials == re.sub(r"[^A-Z]", "", acronym)
    if shaped and not load_places().lookup(name):
        return OrgMention(start, end, None, name, acronym, "rule:acronym-definition")
    return None


def _short_bodies(text: str, bodies: list[OrgMention]) -> list[OrgMention]:
    """'le Département organise …' on a page naming the Département de la Seine-Saint-Denis: a head
    written alone with its capital names the page's one body of that head."""
    by_head: dict[str, set[str]] = {}
    for body in bodies:
        head = body.name.split()[0]
        by_head.setdefault(head, set()).add(body.name)
    out = []
    for m in lexicon().org["short_body"].finditer(text):
        names = by_head.get(m.group(1), set())
        if len(names) == 1 and not any(b.start <= m.start(1) < b.end for b in bodies):
            out.append(OrgMention(m.start(1), m.end(1), None, next(iter(names)), None, "rule:place-body+short"))
    return out


def _plural_bodies(text: str, places: list[PlaceMention]) -> list[OrgMention]:
    """'les préfectures de région Rhône-Alpes, Auvergne et Bourgogne' -> three préfectures de région."""
    lex = lexicon()
    bodies: list[OrgMention] = []
    for index, mention in enumerate(places):
        before = text[max(0, mention.start - _cfg().head_window) : mention.start]
        if not (m := lex.plural_head.search(before)):
            continue
        singular = lex.plural_names[_head_key(m.group(0))]
        chain = [mention.span]
        for following in places[index + 1 :]:
            if not lex.org["plural_chain"].fullmatch(text[chain[-1][1] : following.start]):
                break
            chain.append(following.span)
        if len(chain) < 2:
            continue
        link = re.search(rf"\s+({lex.link})$", m.group(0)).group(1)
        for s, e in chain:
            bodies.append(
                OrgMention(
                    s, e, None, f"{singular} {link}{text[s:e]}".replace("  ", " "), None, "rule:plural-place-body"
                )
            )
    return bodies


def _head_key(head: str) -> str:
    words = fold(head).split()
    for size in range(len(words), 0, -1):
        if " ".join(words[:size]) in lexicon().plural_names:
            return " ".join(words[:size])
    return words[0]


def org_key(org: OrgMention) -> str:
    """One organisation per id, except bodies that exist once per place ("DREETS Grand Est")."""
    if org.id and not org.rule.endswith("+place"):
        return org.id
    return f"{org.id or ''}:{fold(org.name)}"


def organisations_entities(text: str, found: list[OrgMention]) -> list[Organisation]:
    """One ``Organisation`` per body named, with every mention (spans into ``text``)."""
    merged: dict[str, Organisation] = {}
    for org in found:
        key = org_key(org)
        mention = Mention(text=text[org.start : org.end], span=(org.start, org.end))
        if key in merged:
            merged[key].mentions.append(mention)
            continue
        gaz = load_gazetteer().get(org.id) if org.id else None
        name = org.name if org.rule == "gazetteer+place" or gaz is None else gaz.name
        merged[key] = Organisation(id=org.id, name=name, acronym=org.acronym, mentions=[mention], rule=org.rule)
    return list(merged.values())


# --- people ----------------------------------------------------------------------------------------


def _person_name(raw: str) -> str:
    name = raw.split("\n")[0].strip(' ,.;:()«»"')
    return lexicon().people["name_dash"].sub("-", name)


def _looks_like_name(name: str, titled: bool = False) -> bool:
    """Two to five capitalised words (a surname alone after a courtesy title: "M. Dareau"), none a post
    or a label, not starting with a particle or a post ("le Sous-Préfet de …")."""
    lex = lexicon()
    words = name.split()
    if len(words) < (1 if titled else 2) or len(words) > 5 or any(ch.isdigit() or ch in "@/" for ch in name):
        return False
    if any(fold(w) in lex.not_person_words for w in words):
        return False
    if fold(words[0]) in lex.name_particles or _role_head(name):
        return False
    if not all(w[:1].isupper() for w in words if fold(w) not in lex.name_particles):
        return False
    return not lex.people["initials_only"].fullmatch(name)  # "A. KEITA", initials only


def _role_head(segment: str) -> bool:
    lex = lexicon()
    words = fold(segment).split()
    while words and words[0] in lex.role_prefixes:
        words = words[1:]
    if not words:
        return False
    first = re.split(r"[.·(]", words[0])[0]
    if first not in lex.role_heads and "-" in first:
        first = first.split("-")[0]  # "conseiller-expert"
    if first not in lex.role_heads and first.endswith(("s", "x")) and first[:-1] in lex.role_heads:
        first = first[:-1]  # "experts", "animateurs"
    two = f"{first} {words[1]}" if len(words) > 1 else first
    return first in lex.role_heads or two in lex.role_heads


@dataclass(frozen=True)
class _Role:
    """A role read beside a name: its words, where they stand in the text, and the rule."""

    text: str
    start: int
    end: int
    rule: str


def _role_after(text: str, end: int, sentence_end: int) -> tuple[_Role | None, int]:
    """'X, directrice de Y, Co-vice-présidente de Z, a dit' -> the role 'directrice de Y,
    Co-vice-présidente de Z', and where reading stopped."""
    lex = lexicon()
    rest = text[end:sentence_end]
    if rest.startswith(" ("):
        inside = rest[2 : rest.find(")")] if ")" in rest else ""
        if inside and _role_head(inside):
            begin = end + 2 + (len(inside) - len(inside.lstrip()))
            return _Role(inside.strip(), begin, begin + len(inside.strip()), "role:brackets"), end + 2 + len(inside)
        return None, end
    if not rest.startswith(","):
        # "Siheme Boumerah déléguée du Préfet …", "Gilles Leproust président de …": a lower-case
        # title right after the name, without its comma
        if not (rest[:1] == " " and rest[1:2].islower() and _role_head(rest[1:].split(",")[0].strip())):
            return None, end
        rule = "role:after-name-no-comma"
    else:
        rule = "role:after-name"
    first = rest[1:].split(",")[0]
    if m := lex.people["affiliation"].match(first):  # "Anne BEAUCHESNE, du CGET," -> "CGET"
        affiliation = lex.people["role_stop"].sub("", m.group(1)).strip()
        begin = end + 1 + m.start(1)
        role = _Role(affiliation, begin, begin + len(affiliation), "role:affiliation") if affiliation else None
        return role, end + 1 + len(first)
    parts: list[tuple[str, int]] = []
    position = end + 1
    for segment in rest[1:].split(","):
        clean = lex.people["role_stop"].sub("", segment).strip()
        if (
            not clean
            or (not parts and not _role_head(clean))
            or (parts and not _role_head(clean) and not clean[:1].isupper())
        ):
            break
        if parts and not _role_head(clean):
            break
        parts.append((clean, position + segment.find(clean)))
        position += len(segment) + 1
        if clean != segment.strip() or sum(len(p) for p, _ in parts) > _cfg().max_role_chars:
            break
    words = ", ".join(p for p, _ in parts).rstrip(" .;:")
    if not words:
        return None, position
    last, last_start = parts[-1]
    return _Role(words, parts[0][1], last_start + len(last.rstrip(" .;:")), rule), position


def _title_before(text: str, floor: int, start: int) -> re.Match | None:
    """The courtesy title right before ``start`` ("Mme Sylvie Cendre"), not before ``floor``."""
    lex = lexicon()
    return lex.people["honorific_before"].search(text, max(floor, start - lex.title_chars), start)


def _role_before(text: str, start: int, sentence_start: int) -> _Role | None:
    """'la présidente de RésoVilles, X' -> 'présidente de RésoVilles'; 'le rappeur X' -> 'rappeur'."""
    lex = lexicon()
    if title := _title_before(text, sentence_start, start):
        start = title.start()  # "la Sous-préfète d'arrondissement, Mme Sylvie Cendre"
    before = text[sentence_start:start]
    # every article may open the role: "porté par la Secrétaire d'État chargée de …, X" (not "le message …")
    starts = [a.start() for a in re.finditer(r"(?i)\b(?:la|le|l'|l’|sa|son|leur|notre)", before)]
    for m in (found for a in starts if (found := lex.people["before_role"].match(before, a))):
        if _role_head(m.group(1)) and not lex.people["clause_verb"].search(m.group(1)):
            role = _strip_article(m.group(1))
            begin = sentence_start + m.start(1) + m.group(1).find(role)
            return _Role(role, begin, begin + len(role), "role:before-name")
    m = lex.people["before_role_tight"].search(before)
    if m and _role_head(m.group(1)) and not re.search(r"[A-ZÉ]", m.group(1)[1:]):
        begin = sentence_start + m.start(1)
        return _Role(m.group(1), begin, begin + len(m.group(1)), "role:before-name")
    return None


def _role_organisation(role: str, role_span: tuple[int, int], orgs: list[OrgMention]) -> tuple[str | None, str | None]:
    inside = [o for o in orgs if role_span[0] <= o.start and o.end <= role_span[1]]
    if inside:
        org = inside[0]
        return (org.acronym or org.name), org.id
    folded = fold(role)
    for post, org_id in lexicon().posts.items():
        if folded.startswith(post) and (org := load_gazetteer().get(org_id)):
            return (org.acronym or org.name), org.id
    return None, None


def _named_after_territory(name: str) -> bool:
    """'Francas de Meurthe-et-Moselle': a body named after a département or région, not a person."""
    m = lexicon().people["named_after_territory"].search(name)
    return bool(m) and any(p.kind in ("département", "région") for p in load_places().lookup(m.group(1)))


def _candidates(text: str, doc) -> list[tuple[int, int]]:
    """Spans that may name a person: the model's persons, and "Prénom NOM" names it missed."""
    lex = lexicon()
    candidates: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ == "PER":
            candidates.append((ent.start_char, ent.start_char + len(ent.text.split("\n")[0])))
    for m in lex.people["honorific_name"].finditer(text):
        # "Mme Sylvie Cendre": the name after the title, whole, over the model's shorter "Sylvie"
        candidates = [(s, e) for s, e in candidates if not (m.start() <= s < m.end(1) and e <= m.end(1))]
        if not any(s <= m.start(1) < e for s, e in candidates):
            candidates.append((m.start(1), m.end(1)))
    for m in lex.people["capitalised_name"].finditer(text):
        if any(s < m.end() and m.start() < e for s, e in candidates):
            continue
        after = text[m.end() : m.end() + 80]
        before = text[max(0, m.start() - 40) : m.start()].split()
        if (after.startswith(",") and _role_head(after[1:].split(",")[0].strip())) or (
            before and _role_head(before[-1])
        ):
            candidates.append((m.start(), m.end()))  # "directrice Ouided Ayad", "Nina Herzog, chargée de …"
    for m in lex.people["first_last"].finditer(text):
        if (
            fold(m.group(1)) in lex.first_last_not_first
            or len(m.group(2).replace(" ", "").replace("-", "")) < _cfg().min_surname_letters
        ):
            continue  # "Les CRPV", "Jet FM"
        if not any(s <= m.start() < e for s, e in candidates):
            candidates.append((m.start(), m.end()))
    return sorted(candidates)


def find_people(text: str, doc, orgs: list[OrgMention]) -> list[Person]:
    """Every person named in ``text``, with the role the sentence gives and the role's evidence."""
    lex = lexicon()
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    gazetteer = load_gazetteer()
    people: dict[str, Person] = {}
    for start, end in _candidates(text, doc):
        if m := lex.people["first_name_before"].search(text, max(0, start - _cfg().first_name_window), start):
            start = m.start()  # "François - Antoine Mariani": the model starts at "Antoine"
        if lex.people["particle_end"].search(text[start:end]) and (m := lex.people["particle_after"].match(text, end)):
            end = m.end()  # "Raphaël Le" + "Méhauté"
        if title := lex.people["honorific"].match(text, start, end):
            start = title.end()  # "Mademoiselle Lucie JOZON" -> "Lucie JOZON"
        titled = bool(title or _title_before(text, 0, start))
        name = _person_name(text[start:end])
        if not _looks_like_name(name, titled) or any(o.start < end and start < o.end for o in orgs):
            continue
        if lex.people["named_after"].search(text[max(0, start - _cfg().named_after_window) : start]) or lex.people[
            "roman"
        ].search(name):
            continue  # "Université Toulouse Jean Jaurès", "rue Jean Jaurès", "Toulouse II"
        if gazetteer.lookup(name) or load_places().lookup(name) or _named_after_territory(name):
            continue
        sent_start, sent_end = next(((s, e) for s, e in sentences if s <= start < e), (start, len(text)))
        line_end = text.find("\n", end)
        sent_end = max(sent_end, line_end if line_end != -1 else len(text))  # the model may cut "X - Y Name, role"
        after, role_end = _role_after(text, end, sent_end)
        before = _role_before(text, start, sent_start)
        read = [r for r in (before, after) if r]
        role = ", ".join(lex.people["role_article"].sub("", r.text, count=1) for r in read) or None
        organisation = organisation_id = None
        evidence = None
        if role:
            span = (start - len(before.text) - 4 if before else end, role_end)
            organisation, organisation_id = _role_organisation(role, span, orgs)
            begin, finish = min(r.start for r in read), max(r.end for r in read)
            evidence = Evidence(rule="+".join(r.rule for r in read), text=text[begin:finish], span=(begin, finish))
        key = fold(name)
        mention = Mention(text=text[start:end], span=(start, end))
        if key in people:
            person = people[key]
            person.mentions.append(mention)
            if person.role is None and role:
                person.role, person.organisation, person.organisation_id = role, organisation, organisation_id
                person.evidence = evidence
            continue
        people[key] = Person(
            name=name,
            role=role,
            organisation=organisation,
            organisation_id=organisation_id,
            mentions=[mention],
            evidence=evidence,
        )
    _share_coordinated_roles(text, list(people.values()))
    return list(people.values())


def _share_coordinated_roles(text: str, people: list[Person]) -> None:
    """'Renaud Epstein et Thomas Kirszbaum, experts de la politique de la ville': a plural role, or an
    affiliation ('X et Y, de l'association Z'), belongs to both names."""
    mentions = sorted(((m.span, p) for p in people for m in p.mentions), key=lambda item: item[0])
    for (first_span, first), (second_span, second) in itertools.pairwise(mentions):
        if first.role or not second.role or text[first_span[1] : second_span[0]] != " et ":
            continue
        head = fold(second.role).split()[0]
        after = text[second_span[1] : second_span[1] + 6]
        if head.endswith(("s", "x")) or lexicon().people["coordinated_affiliation"].match(after):
            first.role, first.organisation, first.organisation_id = (
                second.role,
                second.organisation,
                second.organisation_id,
            )
            base = second.evidence
            first.evidence = Evidence(
                rule="role:coordinated", text=base.text if base else second.role, span=base.span if base else None
            )


# --- the stage -------------------------------------------------------------------------------------


def analyse_text(part: TextAnalysis, with_people: bool) -> None:
    """Places, organisations (and people) of one text of a page, from its ``Doc``."""
    person_spans = [(e.start_char, e.end_char) for e in part.doc.ents if e.label_ == "PER"] if with_people else []
    places = find_places(part.text, person_spans)
    part.organisations = find_organisations(part.text, part.doc, places)
    part.people = find_people(part.text, part.doc, part.organisations) if with_people else []
    part.places = keep_places(part.text, places, part.organisations, part.people) if with_people else places
    if with_people:
        part.places = sorted(part.places + find_quartiers(part.text, places, part.organisations), key=lambda m: m.start)


def process(analysis: PageAnalysis) -> None:
    """Add the publishing centre, the places, organisations and people of the main text and the title,
    and the ``Entities`` record (the main text's, plus the title's places) to ``analysis``."""
    document = analysis.document
    if org := publisher_of(document.site):
        analysis.publisher = Publisher(org.id, org.name, org.acronym)
        evidence = dict(document.evidence)
        evidence["publisher"] = Evidence(rule="gazetteer:website", text=document.site)
        analysis.document = document.model_copy(
            update={"publisher": org.acronym or org.name, "publisher_id": org.id, "evidence": evidence}
        )
    body, title = analysis.body, analysis.title
    analyse_text(body, with_people=True)
    if analysis.publisher is None and (spelled := site_name_in_text(document.site, body.text, body.organisations)):
        body.organisations = sorted([*body.organisations, spelled], key=lambda o: o.start)
        body.places = [m for m in body.places if not (spelled.start <= m.start and m.end <= spelled.end)]
    if analysis.publisher is None and (named := site_named_body(document.site, body.organisations)):
        analysis.publisher = Publisher(None, named.name, named.acronym)
        evidence = dict(analysis.document.evidence)
        evidence["publisher"] = Evidence(rule="site-name", text=body.text[named.start : named.end], span=named.span)
        analysis.document = analysis.document.model_copy(update={"publisher": named.name, "evidence": evidence})
    if title.text:
        analyse_text(title, with_people=False)
    communes = {m.place.insee for m in body.places + title.places if m.place.kind == "commune"}
    body.places = listed_quartiers(body.text, body.places, body.organisations, body.people, communes)
    body.places = cued_quartiers(body.text, body.places, body.organisations, body.people)
    body.places = model_places(body.text, body.doc, body.places, body.organisations, body.people)
    places = places_entities(body.text, body.places)
    for mention in title.places:
        if mention.place.name not in {p.name for p in places}:
            places.append(
                Place(
                    name=mention.place.name,
                    kind=place_kind(mention.place.kind),
                    insee=mention.place.insee,
                    region=mention.place.region,
                    mentions=[Mention(text=title.text[mention.start : mention.end], span=(mention.start, mention.end))],
                    rule="title:places:cog",
                )
            )
    organisations = organisations_entities(body.text, body.organisations)
    known = {org_key(o) for o in body.organisations}
    for org in organisations_entities(title.text, [o for o in title.organisations if org_key(o) not in known]):
        organisations.append(org.model_copy(update={"rule": f"title:{org.rule}"}))  # spans into the title
    analysis.entities = Entities(dates=body.dates, people=body.people, organisations=organisations, places=places)
