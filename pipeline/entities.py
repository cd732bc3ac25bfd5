"""Entities: a document's text and its spaCy ``Doc`` -> organisations, people with roles, places.

Organisations come first from the gazetteer (the entity ruler's matches carry a canonical id), then
from rules for bodies named after a place ("Ville de Nantes", "DREETS Grand Est", "Brest Métropole")
and for venues ("maison de quartier Beaujardin"), last from the statistical NER when the name has the
shape of an organisation (``data/organisation_patterns.toml``); those have ``id`` null.
People are the NER's persons that pass the filters of ``data/roles.toml`` (never a title, an
organisation, a place or a field label), with the role read from the sentence around the name:
"X, directrice de Y, …" and "la présidente de Y, X". Places are every geographic name of the text,
normalised against the COG place index (``pipeline.places``), offline.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .gazetteer import load_gazetteer
from .models import Mention, Organisation, Person, Place
from .places import load_places
from .text import fold

LOGGER = logging.getLogger(__name__)

# A role read after a name stops after this many characters.
MAX_ROLE_CHARS = 220
# How far before a place a "Ville de" / "DREETS" head is looked for.
HEAD_WINDOW = 45
_LINK = r"(?:de la |de l'|des |du |de |d'|)"


def _data(name: str) -> dict:
    return tomllib.loads(resources.files("pipeline.data").joinpath(name).read_text("utf-8"))


@dataclass(frozen=True)
class Lexicon:
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
    org_before: re.Pattern
    not_acronyms: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    roles = _data("roles.toml")
    orgs = _data("organisation_patterns.toml")
    alternation = lambda words: "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # noqa: E731
    capitalised = r"[A-ZÉÈÊÀÂÎÔÛÇ][\w'’-]*"
    return Lexicon(
        role_heads=frozenset(fold(w) for w in roles["role_heads"]),
        role_prefixes=tuple(roles["role_prefixes"]),
        not_person_words=frozenset(fold(w) for w in roles["not_person_words"]),
        posts={fold(k): v for k, v in roles["posts"].items()},
        place_head=re.compile(
            rf"(?<!politique de la )\b({alternation(orgs['place_heads'])}|(?i:{alternation(orgs['place_heads_any_case'])}))\s+{_LINK}$"
        ),
        place_suffixed_ids=frozenset(orgs["place_suffixed_ids"]),
        place_tail=re.compile(rf"^(?:-[A-ZÉÈ][\w'’]+)*[ -]({alternation(orgs['place_tails'])})\b"),
        venue=re.compile(
            rf"\b(?i:{alternation(orgs['venue_heads'])})((?:\s+(?:de la |de l'|des |du |de |d'|l')?{capitalised})+)"
        ),
        structure=re.compile(
            rf"\b(?:{alternation([h for h in orgs['structure_heads'] if h.isupper()])}|(?i:{alternation([h for h in orgs['structure_heads'] if not h.isupper()])}))"
            rf"((?:\s+(?:de la |de l'|des |du |de |d')?{capitalised})+)"
        ),
        place_head_kinds={fold(k): tuple(v) for k, v in orgs["place_head_kinds"].items()},
        plural_head=re.compile(rf"\b(?i:{alternation(orgs['plural_heads'])})\s+{_LINK}$"),
        plural_names={fold(k): v for k, v in orgs["plural_heads"].items()},
        org_words=frozenset(orgs["org_words"]),
        not_acronyms=frozenset(orgs["not_organisation_acronyms"]),
        org_before=re.compile(
            rf"\b(?i:{alternation(orgs['org_before'])})\s+({capitalised}(?:\s+{capitalised})*(?:\s+[a-zéèêàç]+(?=[.,;:)]))?)"
        ),
    )


@dataclass
class OrgMention:
    """One mention of an organisation in the text, as ``events`` reads organisers from it."""

    start: int
    end: int
    id: str | None
    name: str
    acronym: str | None
    rule: str


# --- places --------------------------------------------------------------------------------------


def find_places(text: str, person_spans: list[tuple[int, int]] = ()) -> list[tuple[int, int, object]]:
    """(start, end, places.Place) for every place name of ``text`` outside people's names."""
    found = []
    for start, end, place in load_places().find_in_text(text):
        if any(s <= start < e or s < end <= e for s, e in person_spans):
            continue
        found.append((start, end, place))
    return found


def _place_kind(kind: str) -> str:
    return kind if kind in ("commune", "département", "région", "country") else "territory"


def keep_places(found: list[tuple[int, int, object]], orgs: list[OrgMention], people: list[Person]) -> list[tuple[int, int, object]]:
    """Places that are not part of a person's name nor the first word of an organisation's name ("L'Union"
    in "l'Union régionale Habitat"), and no country inside an organisation's name ("BPI France"); a place
    inside or at the end of a name stays ("Brest Métropole", "Centre de ressources Bretagne - Pays de
    Loire", "Sciences Po Saint-Germain-en-Laye")."""
    spans = [m.span for p in people for m in p.mentions]
    kept = []
    for start, end, place in found:
        if any(s < end and start < e for s, e in spans):
            continue
        inside = [o for o in orgs if o.start < end and start < o.end and not o.rule.endswith("place-body")]
        if inside and (place.kind == "country" or any(start <= o.start for o in inside)):
            continue
        kept.append((start, end, place))
    return kept


def places_entities(text: str, found: list[tuple[int, int, object]]) -> list[Place]:
    merged: dict[str, Place] = {}
    for start, end, place in found:
        mention = Mention(text=text[start:end], span=(start, end))
        if place.name in merged:
            merged[place.name].mentions.append(mention)
            continue
        merged[place.name] = Place(
            name=place.name, kind=_place_kind(place.kind), insee=place.insee, region=place.region,
            mentions=[mention], rule="places:cog",
        )
    return list(merged.values())


# --- organisations -------------------------------------------------------------------------------


def _strip_article(name: str) -> str:
    return re.sub(r"^(?:la|le|les|l')\s*", "", name, flags=re.I).strip(" ,.;:")


def find_organisations(text: str, doc, places: list[tuple[int, int, object]]) -> list[OrgMention]:
    gazetteer = load_gazetteer()
    lex = lexicon()
    found: list[OrgMention] = []
    for ent in doc.ents:
        if ent.label_ == "ORG" and ent.ent_id_ and (org := gazetteer.get(ent.ent_id_)) and org.kind != "programme":
            found.append(OrgMention(ent.start_char, ent.end_char, org.id, org.name, org.acronym, "gazetteer"))
    # bodies named after a place: "Ville de Nantes", "DREETS Grand Est", "Brest Métropole"
    for start, end, place in places:
        before = text[max(0, start - HEAD_WINDOW) : start]
        if (m := lex.place_head.search(before)) and place.kind in lex.place_head_kinds.get(fold(m.group(1)), (place.kind,)):
            head_start = start - len(before) + m.start()
            name = text[head_start:end]
            found.append(OrgMention(head_start, end, None, name[:1].upper() + name[1:], None, "rule:place-body"))
        if m := lex.place_tail.match(text[end : end + 20]):
            found.append(OrgMention(start, end + m.end(), None, text[start : end + m.end()], None, "rule:place-body"))
    found.extend(_plural_bodies(text, places))
    for org in [o for o in found if o.id in lex.place_suffixed_ids]:
        for start, end, _ in places:
            gap = text[org.end : start]
            if start >= org.end and re.fullmatch(rf"\s+(?:de la région |de région |en région )?{_LINK}", gap):
                found.append(OrgMention(org.start, end, org.id, text[org.start : end], org.acronym, "gazetteer+place"))
                break
    for m in lex.venue.finditer(text):
        found.append(OrgMention(m.start(), m.end(), None, text[m.start() : m.end()], None, "rule:venue"))
    for m in lex.structure.finditer(text):
        found.append(OrgMention(m.start(), m.end(), None, text[m.start() : m.end()], None, "rule:local-structure"))
    found.extend(acronym_definitions(text))
    for m in _ARTICLE_ACRONYM.finditer(text):
        acronym = m.group(1)
        if acronym not in lex.not_acronyms and not gazetteer.lookup(acronym) and not load_places().lookup(acronym):
            found.append(OrgMention(m.start(1), m.end(1), None, acronym, acronym, "rule:acronym"))
    for m in lex.org_before.finditer(text):
        # named by its own words ("Détours Atajos"), the mention keeps the head ("association Détours Atajos")
        head = m.start() + len(re.match(r"(?i:les?\s+|la\s+|l')?", m.group()).group())
        found.append(OrgMention(head, m.end(), None, m.group(1), None, "rule:org-context"))
    taken = [(o.start, o.end) for o in found]
    for ent in doc.ents:
        if ent.ent_id_ or ent.label_ not in ("ORG", "MISC", "LOC"):
            continue
        if any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        name = _trim_name(_strip_article(ent.text.split("\n")[0]))
        words = re.split(r"[\s-]+", name)
        if len(words) < 2 or not any(w in lex.org_words for w in words) or not name[:1].isupper() or _role_head(name):
            continue
        if load_places().lookup(name):
            continue
        begin = ent.start_char + ent.text.find(name)
        found.append(OrgMention(begin, begin + len(name), None, name, None, "model:ner"))
    return _resolve_overlaps(found)


_TRAILING = re.compile(r"(?:\s+(?:de|du|des|d'|de la|de l'|et|à|en|pour|sur|(?:19|20)\d\d))+$|[\s«»\"'(,.;:–-]+$")


# An unknown acronym after an article or a contraction: "l'AREAL", "du CERAPS", "les équipes de la FNCS".
_ARTICLE_ACRONYM = re.compile(r"(?:\b(?:l'|le |la |du |de la |au )|\bde l')([A-Z][A-Z]{2,7})(?![\w'’-])")


def _trim_name(name: str) -> str:
    """'Observatoire de la laïcité de 2013' -> 'Observatoire de la laïcité'; 'GIP «' -> 'GIP'."""
    previous = None
    while previous != name:
        previous, name = name, _TRAILING.sub("", name).strip()
    return name


_ACRONYM_AFTER = re.compile(r"\(\s*([A-Z][A-Za-z0-9&]*[A-Z0-9](?:-[A-Z0-9]+)?)\s*\)")
_ACRONYM_BEFORE = re.compile(r"\b([A-Z][A-Z0-9&]{1,7}(?:-[A-Z0-9]+)?)\s*\(\s*([A-ZÉÈ][^()]{4,120}?)\s*\)")
_SMALL_WORDS = frozenset(["de", "du", "des", "d", "la", "le", "les", "l", "et", "pour", "en", "à", "au", "aux", "sur"])


def _definition_words(text: str, paren_start: int, acronym: str) -> int | None:
    """Where the long form of ``acronym`` starts before its parenthesis, Schwartz & Hearst style: the
    shortest run of words ending there whose first word starts with the acronym's first letter and
    whose letters hold the acronym's letters in order."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    words = list(re.finditer(r"[\w'’-]+", text[max(0, paren_start - 160) : paren_start]))
    base = max(0, paren_start - 160)
    limit = min(len(words), len(letters) + 5)
    for size in range(1, limit + 1):
        run = words[-size:]
        original = re.split(r"['’]", run[0].group())[-1]  # "l'Institut" -> "Institut"
        first = original.lower()
        if not first or first[0] != letters[0] or first in _SMALL_WORDS:
            continue
        chars = iter("".join(w.group().lower() for w in run))
        if all(letter in chars for letter in letters) and original[:1].isupper():
            return base + run[0].start() + (len(run[0].group()) - len(original))
    return None


def acronym_definitions(text: str) -> list[OrgMention]:
    """Organisations a page defines: "Institut supérieur social de Mulhouse (ISSM)", "la BPS (Base
    Pédagogique de Soutien)". The long form must read as an organisation (``org_words``)."""
    found = []
    for m in _ACRONYM_AFTER.finditer(text):
        acronym = m.group(1)
        start = _definition_words(text, m.start(), acronym)
        if start is not None and (org := _defined_org(text[start : m.start()].strip(), acronym, start, m.end())):
            found.append(org)
    for m in _ACRONYM_BEFORE.finditer(text):
        if org := _defined_org(m.group(2), m.group(1), m.start(), m.end()):
            found.append(org)
    return found


def _defined_org(name: str, acronym: str, start: int, end: int) -> OrgMention | None:
    """An organisation when the long form has an organisation word, or is a proper name whose
    capitalised words spell the acronym ("Base Pédagogique de Soutien" = BPS); linked when known."""
    gazetteer = load_gazetteer()
    if known := gazetteer.lookup(acronym) or gazetteer.lookup(name):
        return OrgMention(start, end, known.id, known.name, known.acronym, "gazetteer+definition")
    words = re.split(r"[\s'’-]+", name)
    initials = "".join(w[0] for w in words if w and w[0].isupper())
    if any(w in lexicon().org_words for w in words) or initials == re.sub(r"[^A-Z]", "", acronym):
        if not load_places().lookup(name):
            return OrgMention(start, end, None, name, acronym, "rule:acronym-definition")
    return None


def _plural_bodies(text: str, places: list[tuple[int, int, object]]) -> list[OrgMention]:
    """'les préfectures de région Rhône-Alpes, Auvergne et Bourgogne' -> three préfectures de région."""
    lex = lexicon()
    bodies: list[OrgMention] = []
    for index, (start, end, _) in enumerate(places):
        before = text[max(0, start - HEAD_WINDOW) : start]
        if not (m := lex.plural_head.search(before)):
            continue
        singular = lex.plural_names[_head_key(m.group(0))]
        chain = [(start, end)]
        for next_start, next_end, _ in places[index + 1 :]:
            if not re.fullmatch(rf"\s*(?:,|et)\s*{_LINK}", text[chain[-1][1] : next_start]):
                break
            chain.append((next_start, next_end))
        if len(chain) < 2:
            continue
        link = re.search(rf"\s+({_LINK})$", m.group(0)).group(1)
        for s, e in chain:
            bodies.append(OrgMention(s, e, None, f"{singular} {link}{text[s:e]}".replace("  ", " "), None, "rule:plural-place-body"))
    return bodies


def _head_key(head: str) -> str:
    words = fold(head).split()
    for size in range(len(words), 0, -1):
        if " ".join(words[:size]) in lexicon().plural_names:
            return " ".join(words[:size])
    return words[0]


def _resolve_overlaps(found: list[OrgMention]) -> list[OrgMention]:
    """Longest mention first; a gazetteer id inside a longer rule mention is kept on it."""
    chosen: list[OrgMention] = []
    for org in sorted(found, key=lambda o: (-(o.end - o.start), o.start)):
        if any(c.start < org.end and org.start < c.end for c in chosen):
            continue
        chosen.append(org)
    return sorted(chosen, key=lambda o: o.start)


def org_key(org: OrgMention) -> str:
    """One organisation per id, except bodies that exist once per place ("DREETS Grand Est")."""
    if org.id and not org.rule.endswith("+place"):
        return org.id
    return f"{org.id or ''}:{fold(org.name)}"


def organisations_entities(text: str, found: list[OrgMention]) -> list[Organisation]:
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


_NAME_DASH = re.compile(r"\s*-\s*")
_FUNCTION_WORDS = frozenset(["les", "des", "le", "la", "aux", "nos", "vos", "leurs", "ces", "pour", "avec", "dans", "sur", "par", "en", "et", "un", "une", "du", "au", "tous", "toutes", "entre", "chez", "sans", "selon"])
_FIRST_LAST = re.compile(r"\b([A-ZÉÈ][a-zéèëêïîôöüç]+(?:-[A-ZÉÈ][a-zéèëêïîôöüç]+)?)\s+([A-ZÉÈ]{2,}(?:[- ][A-ZÉÈ]{2,})?)\b")
# A name right after one of these words names a place or a body after a person, not the person.
_NAMED_AFTER = re.compile(
    r"\b(?:[Uu]niversité|[Ll]ycée|[Cc]ollège|[ÉéEe]cole|[Rr]ue|[Aa]venue|[Bb]oulevard|[Pp]lace|[Qq]uai|[Aa]llée|[Ss]alle|"
    r"[Ee]space|[Ss]tade|[Gg]ymnase|[Pp]arc|[Ss]quare|[Cc]entre|[Mm]édiathèque|[Bb]ibliothèque|[Pp]rix|[Ff]ondation)"
    r"(?:\s+[A-ZÉÈ][\w'’-]*)*\s+$"
)
_ROMAN = re.compile(r"\s(?:I{1,3}|IV|V|VI{1,3}|IX|X)$")
_FIRST_NAME_BEFORE = re.compile(r"\b[A-ZÉÈ][a-zéèëêïîôöüç]+\s*-\s*$")
_PARTICLE_AFTER = re.compile(r"\s+[A-ZÉÈ][\w'’-]+")
_AFFILIATION = re.compile(
    r"\s*(?:du|de la|de l'|des|de)\s+((?:[A-ZÉÈ]|(?:ville|communauté|commune|métropole|mairie|région|département|conseil|agence|association|direction|préfecture)\b).*)$",
    re.S,
)
_ROLE_STOP = re.compile(
    r"\s+(?:qui|a|ont|avait|avaient|est|sont|était|étaient|sera|seront|s'est|se sont|ainsi que|avec|lors"
    r"|pour(?!\s+(?:l'|la |le |les )))\b.*$",  # "préfète déléguée pour l'égalité des chances" goes on
    re.S,
)


def _person_name(raw: str) -> str:
    name = raw.split("\n")[0].strip(" ,.;:()«»\"")
    return _NAME_DASH.sub("-", name)


def _looks_like_name(name: str) -> bool:
    lex = lexicon()
    words = name.split()
    if len(words) < 2 or len(words) > 5 or any(ch.isdigit() or ch in "@/" for ch in name):
        return False
    if any(fold(w) in lex.not_person_words for w in words):
        return False
    if not all(w[:1].isupper() for w in words if fold(w) not in ("de", "du", "le", "la", "d'")):
        return False
    return not re.fullmatch(r"(?:[A-Z]\.?\s*)+[A-Z]+", name)  # "A. KEITA", initials only


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


def _role_after(text: str, end: int, sentence_end: int) -> tuple[str | None, int]:
    """'X, directrice de Y, Co-vice-présidente de Z, a dit' -> ('directrice de Y, Co-vice-présidente de Z', end)."""
    rest = text[end:sentence_end]
    if rest.startswith(" ("):
        inside = rest[2 : rest.find(")")] if ")" in rest else ""
        return (inside.strip(), end + 2 + len(inside)) if inside and _role_head(inside) else (None, end)
    if not rest.startswith(","):
        return None, end
    parts: list[str] = []
    position = end + 1
    first = rest[1:].split(",")[0]
    if m := _AFFILIATION.match(first):  # "Anne BEAUCHESNE, du CGET," -> "CGET"
        affiliation = _ROLE_STOP.sub("", m.group(1)).strip()
        return (affiliation or None), end + 1 + len(first)
    for segment in rest[1:].split(","):
        clean = _ROLE_STOP.sub("", segment).strip()
        if not clean or (not parts and not _role_head(clean)) or (parts and not _role_head(clean) and not clean[:1].isupper()):
            break
        if parts and not _role_head(clean):
            break
        parts.append(clean)
        position += len(segment) + 1
        if clean != segment.strip() or sum(map(len, parts)) > MAX_ROLE_CHARS:
            break
    role = ", ".join(parts).rstrip(" .;:") or None
    return role, position


# A role before a name is a noun phrase: "La ministre était accueillie par, X" is not one.
_CLAUSE_VERB = re.compile(r"\b(?:est|était|sont|étaient|a|ont|avait|avaient|sera|seront|fut|par|notamment)\b")
_BEFORE_ROLE = re.compile(r"\b((?i:la|le|l'|sa|son|leur|notre)\s*[^,;:()]{3,120}?),\s*$")
_BEFORE_ROLE_TIGHT = re.compile(r"\b(?i:la|le|l'|sa|son)\s*((?:\S+\s+){0,5}?\S+)\s+$")


def _role_before(text: str, start: int, sentence_start: int) -> str | None:
    """'la présidente de RésoVilles, X' -> 'présidente de RésoVilles'; 'le rappeur X' -> 'rappeur'."""
    before = text[sentence_start:start]
    for m in _BEFORE_ROLE.finditer(before):
        if _role_head(m.group(1)) and not _CLAUSE_VERB.search(m.group(1)):
            return _strip_article(m.group(1))
    m = _BEFORE_ROLE_TIGHT.search(before)
    if m and _role_head(m.group(1)) and not re.search(r"[A-ZÉ]", m.group(1)[1:]):
        return m.group(1)
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
    m = re.search(r"\s(?:de la|de l'|des|du|de|d')\s*(.+)$", name)
    return bool(m) and any(p.kind in ("département", "région") for p in load_places().lookup(m.group(1)))


def find_people(text: str, doc, orgs: list[OrgMention]) -> list[Person]:
    candidates: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ == "PER":
            candidates.append((ent.start_char, ent.start_char + len(ent.text.split("\n")[0])))
    for m in _FIRST_LAST.finditer(text):
        if fold(m.group(1)) in _FUNCTION_WORDS or len(m.group(2).replace(" ", "").replace("-", "")) < 3:
            continue  # "Les CRPV", "Jet FM"
        if not any(s <= m.start() < e for s, e in candidates):
            candidates.append((m.start(), m.end()))
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    gazetteer = load_gazetteer()
    people: dict[str, Person] = {}
    for start, end in sorted(candidates):
        if m := _FIRST_NAME_BEFORE.search(text, max(0, start - 30), start):
            start = m.start()  # "François - Antoine Mariani": the model starts at "Antoine"
        if m := _PARTICLE_AFTER.match(text, end) if re.search(r"\s(?i:le|la|de|du|des|van|von|di|da)$", text[start:end]) else None:
            end = m.end()  # "Raphaël Le" + "Méhauté"
        name = _person_name(text[start:end])
        if not _looks_like_name(name) or any(o.start < end and start < o.end for o in orgs):
            continue
        if _NAMED_AFTER.search(text[max(0, start - 40) : start]) or _ROMAN.search(name):
            continue  # "Université Toulouse Jean Jaurès", "rue Jean Jaurès", "Toulouse II"
        if gazetteer.lookup(name) or load_places().lookup(name) or _named_after_territory(name):
            continue
        sent_start, sent_end = next(((s, e) for s, e in sentences if s <= start < e), (start, len(text)))
        line_end = text.find("\n", end)
        sent_end = max(sent_end, line_end if line_end != -1 else len(text))  # the model may cut "X - Y Name, role"
        role_after, role_end = _role_after(text, end, sent_end)
        role_before = _role_before(text, start, sent_start)
        role = ", ".join(r for r in (role_before, role_after) if r) or None
        organisation = organisation_id = None
        if role:
            span = (start - len(role_before) - 4 if role_before else end, role_end)
            organisation, organisation_id = _role_organisation(role, span, orgs)
        key = fold(name)
        mention = Mention(text=text[start:end], span=(start, end))
        if key in people:
            person = people[key]
            person.mentions.append(mention)
            if person.role is None and role:
                person.role, person.organisation, person.organisation_id = role, organisation, organisation_id
            continue
        people[key] = Person(
            name=name, role=role, organisation=organisation, organisation_id=organisation_id, mentions=[mention],
        )
    _share_coordinated_roles(text, list(people.values()))
    return list(people.values())


def _share_coordinated_roles(text: str, people: list[Person]) -> None:
    """'Renaud Epstein et Thomas Kirszbaum, experts de la politique de la ville': a plural role, or an
    affiliation ('X et Y, de l'association Z'), belongs to both names."""
    mentions = sorted(((m.span, p) for p in people for m in p.mentions), key=lambda item: item[0])
    for (first_span, first), (second_span, second) in zip(mentions, mentions[1:]):
        if first.role or not second.role or text[first_span[1] : second_span[0]] != " et ":
            continue
        head = fold(second.role).split()[0]
        after = text[second_span[1] : second_span[1] + 6]
        if head.endswith(("s", "x")) or re.match(r",\s*(?:du|de la|de l'|des|de)\s", after):
            first.role, first.organisation, first.organisation_id = second.role, second.organisation, second.organisation_id
