"""Organisation gazetteer: the bodies that CRPV pages name, with their spellings, for lookup and NER.

In: the packaged ``pipeline/data/organisations.json`` (or any file of the same shape), i.e.
``{"_source": "...", "organisations": [{...}, ...]}`` where each entry has an ``id`` (stable slug),
a canonical ``name``, an optional ``acronym``, ``aliases`` (spellings seen in the wild), a ``kind``, and
optional ``region``, ``website``, ``parent``, ``predecessor_of``, ``successor``, ``note`` and
``case_sensitive`` (names of the entry that must only match in exactly that case, because in lower case
they are ordinary French, e.g. "Villes de France").

Out: a :class:`Gazetteer` with
  * ``by_id[id] -> GazetteerEntry``;
  * ``lookup(name) -> GazetteerEntry | None``: one name as written on a page ("l'ANCT", "BPI France",
    "Agence nationale de la cohésion des territoires (ANCT)") to its entry;
  * ``ruler_patterns(nlp) -> list[dict]``: token patterns for a spaCy ``entity_ruler`` (label ``ORG``,
    ``id`` = organisation id, so matched entities carry it in ``ent.ent_id_``).

Matching rules (the same for ``lookup`` and for the ruler patterns, as far as token patterns allow):
  * case-insensitive, except for all-caps acronyms whose words have 4 letters or fewer ("AMF", "ANCT",
    "CR DSU", "PQN-A") and the names listed in an entry's ``case_sensitive``: those match in their case only,
    so "amf" is not the AMF;
  * accents, apostrophes (' ’ ʼ), dashes (- ‐ ‑ – —) and runs of spaces do not matter;
  * ``lookup`` also ignores a leading article (le, la, les, l') and a trailing "(ACRONYM)".

Successions: ``successor`` is the id of the body that replaced this one (cget -> "anct");
``predecessor_of`` is the id of this body's predecessor, i.e. "the predecessor of this one is ..."
(anct -> "cget"); ``parent`` is the body this one is part of (the ANCT's politique de la ville directorate
-> "anct").

Nothing is read at import time; :func:`load_gazetteer` reads and caches the file on first call.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import resources
from .text import APOSTROPHE_CHARS, DASH_CHARS, fold

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.language import Language

__all__ = [
    "Gazetteer",
    "GazetteerEntry",
    "OrgKind",
    "is_case_sensitive_name",
    "load_gazetteer",
    "name_key",
]

logger = logging.getLogger(__name__)

DATA_FILE = "organisations.json"
ENTITY_LABEL = "ORG"

OrgKind = Literal[
    "crpv",
    "national_agency",
    "ministry",
    "state_service",
    "local_authority",
    "network",
    "association",
    "bank",
    "education",
    "company",
    "programme",
    "other",
]

# Characters treated as the same thing when comparing names: those of the one fold (text.fold).
_APOSTROPHE_RE = re.compile(f"[{APOSTROPHE_CHARS}]")
_DASH_RE = re.compile(f"[{re.escape(DASH_CHARS)}]")
_EDGE_PUNCT = ' \t\n«»"“”„‹›.,;:!?'
_ARTICLE_RE = re.compile(r"^(?:(?:le|la|les)\s+|l')(?=\S)", re.IGNORECASE)
_TRAILING_PARENS_RE = re.compile(r"^(?P<head>.*?)\s*\((?P<inner>[^()]*)\)\s*$", re.DOTALL)
_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")

# Token-level variants offered to the entity ruler.
_APOSTROPHE_VARIANTS = ("'", "’", "ʼ")
_DASH_VARIANTS = ("-", "‐", "‑", "–", "—")


def _strip_accents(text: str) -> str:
    """An accent-free spelling of a name, offered to the entity ruler as a variant pattern."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def is_case_sensitive_name(text: str) -> bool:
    """True for short all-caps acronyms: no lower-case letter and every run of letters is 4 long at most.

    "AMF", "ANCT", "CR DSU", "PQN-A", "FSE+", "GIP IREV" are; "CNFPT", "AdCF", "Bpifrance" are not.
    """
    runs = _LETTER_RUN_RE.findall(text)
    if not runs or any(ch.islower() for ch in text):
        return False
    return all(len(run) <= 4 for run in runs)


def name_key(text: str, *, casefold: bool = True) -> str:
    """Comparison key for a name: the one fold (``text.fold``), edge punctuation and a leading article
    ignored. With ``casefold=False`` the case is kept (for short acronyms and other case-sensitive names)."""
    text = fold(text, keep_case=not casefold).strip(_EDGE_PUNCT)
    text = re.sub(r"'\s+", "'", text)
    return _ARTICLE_RE.sub("", text, count=1).strip(_EDGE_PUNCT)


class GazetteerEntry(BaseModel):
    """One body of the politique de la ville field (a CRPV, an agency, a ministry, a network, ...)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", description="Stable lower-case slug.")
    name: str = Field(min_length=2, description="Canonical official name.")
    acronym: str | None = None
    aliases: tuple[str, ...] = Field(default=(), description="Other spellings seen in the wild.")
    case_sensitive: tuple[str, ...] = Field(
        default=(),
        description="Names of this entry (name, acronym or alias) that match only in exactly this case.",
    )
    kind: OrgKind
    region: str | None = None
    website: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(?:/\S*)?$")
    other_websites: tuple[str, ...] = Field(default=(), description="Former or other domains of the same body.")
    parent: str | None = Field(default=None, description="Id of the body this one is part of.")
    predecessor_of: str | None = Field(default=None, description="Id of this body's predecessor.")
    successor: str | None = Field(default=None, description="Id of the body that replaced this one.")
    note: str | None = None

    @field_validator("aliases", "case_sensitive")
    @classmethod
    def _no_blank_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip() for v in value)
        if any(len(v) < 2 for v in cleaned):
            raise ValueError("names must have at least 2 characters")
        return cleaned

    @model_validator(mode="after")
    def _check_links(self) -> GazetteerEntry:
        names = set(self.names)
        unknown = [n for n in self.case_sensitive if n not in names]
        if unknown:
            raise ValueError(f"case_sensitive lists names that are not names of {self.id!r}: {unknown}")
        for field in ("parent", "predecessor_of", "successor"):
            if getattr(self, field) == self.id:
                raise ValueError(f"{self.id!r}: {field} cannot point to itself")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical name, acronym and aliases, without duplicates, in that order."""
        seen: dict[str, None] = {}
        for name in (self.name, self.acronym, *self.aliases):
            if name:
                seen.setdefault(name, None)
        return tuple(seen)

    def matches_case_sensitively(self, name: str) -> bool:
        """Whether ``name`` (one of :attr:`names`) only matches in its own case."""
        return name in self.case_sensitive or is_case_sensitive_name(name)


class Gazetteer:
    """Organisations indexed by id and by every spelling of their names."""

    def __init__(self, organisations: Iterable[GazetteerEntry], source: str | None = None) -> None:
        self.source = source
        self.by_id: dict[str, GazetteerEntry] = {}
        for org in organisations:
            if org.id in self.by_id:
                raise ValueError(f"duplicate organisation id {org.id!r}")
            self.by_id[org.id] = org
        self._exact: dict[str, str] = {}  # case-kept key -> id (short acronyms, case_sensitive names)
        self._folded: dict[str, str] = {}  # case-folded key -> id (everything else)
        self._check_references()
        self._index()

    # -- construction -------------------------------------------------------------------------------

    def _check_references(self) -> None:
        for org in self.by_id.values():
            for field in ("parent", "predecessor_of", "successor"):
                target = getattr(org, field)
                if target is not None and target not in self.by_id:
                    raise ValueError(f"{org.id!r}: {field} {target!r} is not a known organisation id")

    def _index(self) -> None:
        owners: dict[str, str] = {}  # folded key of every name -> id, to refuse names shared by two entries
        for org in self.by_id.values():
            for name in org.names:
                folded = name_key(name)
                if not folded:
                    raise ValueError(f"{org.id!r}: name {name!r} is empty once normalised")
                owner = owners.setdefault(folded, org.id)
                if owner != org.id:
                    raise ValueError(f"name {name!r} is shared by {owner!r} and {org.id!r}")
                if org.matches_case_sensitively(name):
                    self._exact[name_key(name, casefold=False)] = org.id
                else:
                    self._folded[folded] = org.id

    # -- access -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[GazetteerEntry]:
        return iter(self.by_id.values())

    def __contains__(self, org_id: object) -> bool:
        return org_id in self.by_id

    def get(self, org_id: str) -> GazetteerEntry | None:
        return self.by_id.get(org_id)

    def of_kind(self, kind: str) -> list[GazetteerEntry]:
        return [org for org in self.by_id.values() if org.kind == kind]

    def current(self, org_id: str) -> GazetteerEntry:
        """The body that ``org_id`` has become, following ``successor`` links (itself if none)."""
        org = self.by_id[org_id]
        seen = {org.id}
        while org.successor is not None and org.successor not in seen:
            org = self.by_id[org.successor]
            seen.add(org.id)
        return org

    def lookup(self, name: str) -> GazetteerEntry | None:
        """The organisation a name refers to, or None.

        Tries the name as given, then without a trailing "(...)" and then the text inside it, so both
        "Agence nationale de la cohésion des territoires (ANCT)" and "ANCT (Agence ...)" resolve.
        """
        if not name or not name.strip():
            return None
        candidates = [name]
        match = _TRAILING_PARENS_RE.match(name.strip())
        if match:
            candidates += [match.group("head"), match.group("inner")]
        for candidate in candidates:
            org_id = self._exact.get(name_key(candidate, casefold=False)) or self._folded.get(name_key(candidate))
            if org_id is not None:
                return self.by_id[org_id]
        return None

    # -- spaCy --------------------------------------------------------------------------------------

    def ruler_patterns(self, nlp: Language, label: str = ENTITY_LABEL, phrases: bool = False) -> list[dict[str, Any]]:
        """Patterns for ``nlp.add_pipe("entity_ruler").add_patterns(...)``: one per spelling.

        Names are tokenized with ``nlp.make_doc`` so multi-token names match token by token. Case-sensitive
        names (short acronyms, ``case_sensitive``) use ORTH, the others LOWER; an accent-free variant is
        added when it differs, and apostrophe and dash tokens accept their typographic look-alikes.
        With ``phrases``, a LOWER pattern of plain tokens is given as the phrase whose tokens they are, for
        a ruler whose ``phrase_matcher_attr`` is LOWER: it matches the same tokens, through spaCy's
        PhraseMatcher (a hash look-up per token) rather than its Matcher (many times slower).
        """
        patterns: list[dict[str, Any]] = []
        seen: set[str] = set()
        for org in self.by_id.values():
            for name in org.names:
                attr = "ORTH" if org.matches_case_sensitively(name) else "LOWER"
                text = name if attr == "ORTH" else name.lower()
                variants = [text]
                plain = _strip_accents(text)
                if plain != text:
                    variants.append(plain)
                for variant in variants:
                    tokens = [t.text for t in nlp.make_doc(variant) if not t.is_space]
                    if not tokens:
                        continue
                    token_patterns = [_token_pattern(attr, tok) for tok in tokens]
                    pattern = {"label": label, "pattern": token_patterns, "id": org.id}
                    if phrases and attr == "LOWER" and all(p == {"LOWER": t} for p, t in zip(token_patterns, tokens)):
                        phrase = " ".join(tokens)
                        if [t.text for t in nlp.make_doc(phrase)] == tokens:
                            pattern = {"label": label, "pattern": phrase, "id": org.id}
                    signature = json.dumps(pattern, sort_keys=True, ensure_ascii=False)
                    if signature not in seen:
                        seen.add(signature)
                        patterns.append(pattern)
        return patterns

    def add_entity_ruler(
        self,
        nlp: Language,
        *,
        name: str = "organisation_gazetteer",
        before: str | None = None,
        overwrite_ents: bool = False,
    ) -> Any:
        """Add an ``entity_ruler`` holding :meth:`ruler_patterns` to ``nlp`` and return it."""
        ruler = nlp.add_pipe("entity_ruler", name=name, before=before, config={"overwrite_ents": overwrite_ents})
        ruler.add_patterns(self.ruler_patterns(nlp))
        return ruler


def _token_pattern(attr: str, token: str) -> dict[str, Any]:
    """One token of a ruler pattern; apostrophes and dashes accept their look-alikes."""
    if _APOSTROPHE_RE.search(token):
        variants = sorted({_APOSTROPHE_RE.sub(v, token) for v in _APOSTROPHE_VARIANTS})
        return {attr: {"IN": variants}}
    if len(token) == 1 and _DASH_RE.fullmatch(token):
        return {attr: {"IN": list(_DASH_VARIANTS)}}
    return {attr: token}


def _read_text(path: str | Path | None) -> str:
    if path is None:
        return resources.text(DATA_FILE)
    return Path(path).read_text(encoding="utf-8")


def parse_gazetteer(data: dict[str, Any]) -> Gazetteer:
    """Build a :class:`Gazetteer` from the decoded JSON document."""
    if not isinstance(data, dict) or not isinstance(data.get("organisations"), list):
        raise ValueError('expected {"_source": ..., "organisations": [...]}')
    organisations = [GazetteerEntry.model_validate(entry) for entry in data["organisations"]]
    return Gazetteer(organisations, source=data.get("_source"))


@functools.lru_cache(maxsize=8)
def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Read, validate and index the organisation file (the packaged one by default); cached."""
    gazetteer = parse_gazetteer(json.loads(_read_text(path)))
    logger.debug("loaded %d organisations from %s", len(gazetteer), path or f"pipeline/data/{DATA_FILE}")
    return gazetteer
