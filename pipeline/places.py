"""French place names: offline lookup of communes, départements, régions and informal territories.

In: a place name as written on a page ("Pays-de-Loire", "St-Germain-en-Laye", "le Havre", "Nord"), or a
whole plain text to scan. Out: ``PlaceEntry`` records (official name with accents, kind, INSEE code, région
name, département code, and population for communes), from the tables in ``pipeline/data/places/``:

* ``communes.csv``, ``departements.csv``, ``regions.csv``: INSEE's Code officiel géographique as packaged
  by Etalab (npm ``@etalab/decoupage-administratif``; see the first line of each file for the version),
  built by ``scripts/build_places.py``. Only current communes (no communes déléguées, no arrondissements
  municipaux). The collectivités d'outre-mer (975, 977, 978, 984, 986-989) are listed there both as a
  "région" and as a "département", as the COG package does.
* ``territories.csv`` (hand-written): informal territories such as "Grand Ouest", "Sambre-Avesnois".
* ``aliases.csv`` (hand-written): spelling variants and acronyms ("PACA", "Pays de Loire") and former
  régions ("Nord-Pas-de-Calais"). A former région comes back as a ``territory`` entry named after it
  whose ``region`` is the current région.
* ``stoplist.txt``: names never *found in text* as communes (see "Stop-list" below).
* ``quartiers.csv``: the politique de la ville's neighbourhoods (2024 QPV, 1996 ZUS; built by
  ``scripts/build_quartiers.py``, generic names left out by ``quartier_stoplist.txt``), a separate index
  (``load_quartiers``): a page finds one only when it names its commune (``find_quartiers_in_text``).

Name matching ignores case, accents, œ/æ, apostrophes, hyphens versus spaces, "St"/"Ste" versus
"Saint"/"Sainte", and a leading article when nothing matches with it ("Havre" finds "Le Havre",
"le Nord" finds "Nord").

Preference (``best`` and the order of ``lookup``): a commune of 100,000 inhabitants or more ("Paris")
> country > région > département > territory > other communes, largest population first. So "Bretagne"
is the région, "Nord"/"Gard"/"Vienne" the département, "Paris" the commune and then the département,
and among homonymous communes the most populous wins ("Valence" is Valence, Drôme; "Saint-Denis" is
Saint-Denis de La Réunion, 155,634 inhabitants, ahead of Saint-Denis (93), 149,077). A département code
in brackets picks the homonym: ``lookup("Saint-Denis (93)")``.

``find_in_text`` scans a text once, word by word, walking a trie of normalised words (no regex per
place; about 1-2 ms for 5,000 characters, ~0.3 s to load the index once), and keeps the longest match
at each position. A match must:

* be capitalised like the official name: each word capitalised there must start with an upper-case
  letter in the text ("au nord de la ville" is not the département, "Bassin minier" is the territory);
  an all-capitals acronym ("PACA", "IDF") must be all capitals;
* lie outside URLs, e-mail addresses and file names (whitespace-free chunks holding "/", "@", or a dot
  followed by a letter, such as "https://irev.fr/nantes-2019" or "nantes.jpg");
* not be a stop-listed name (below), and not be part of a listed phrase such as "France Travail";
* for a name without its article ("Havre" of "Le Havre"), follow au/aux/du/des/le/la/les/l';
* not start on a word hyphenated to the word before it ("Haut-Bonneuil" is not Bonneuil);
* for a commune of fewer than 2,000 inhabitants, not follow another capitalised word other than a
  preposition or article ("Louis Aragon" is a poet, not Aragon in the Aude).

Stop-list (``stoplist.txt``): a commune name is not searched for in text when every commune bearing it
has fewer than 2,000 inhabitants and the name has at most 3 letters or is a French dictionary word
(word list: npm ``an-array-of-french-words``; for multi-word names every word other than de/la/sur...,
unless it begins with Saint/Sainte): "Y", "Bar", "Mars", "Plan", "Ville", "Mont", "Bois"... A few
bigger communes named like everyday capitalised words ("Rue", "Eu", "Cours") and phrases naming
organisations ("France Travail", "Croix-Rouge") are listed by hand. ``lookup`` and ``best`` still know
these communes; only the scan skips them, and a département or région of the same name is still found.

Nothing is read at import time; ``load_places()`` reads the tables once (cached).
"""

from __future__ import annotations

import gc
import logging
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from . import resources, settings
from .text import fold

logger = logging.getLogger(__name__)

Kind = Literal["commune", "département", "région", "territory", "country", "quartier"]


_ARTICLES = frozenset({"le", "la", "les", "l"})
# Words after which a commune may be named without its article: "au Havre", "du Mans", "aux Ulis".
_ARTICLE_CONTEXT = frozenset({"au", "aux", "du", "des", "le", "la", "les", "l"})
_SAINT = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

# A commune smaller than settings' places.small_commune, right after a capitalised word other than
# these, is taken for a surname.
_SURNAME_CONTEXT = (
    "a au aux en de du des d dans sur sous vers pour depuis chez entre et ou le la les l par pres apres avant avec"
    " ville commune communes quartier quartiers"
)
_FUNCTION_WORDS = frozenset(_SURNAME_CONTEXT.split())

_KIND_RANK = {"country": 1, "région": 2, "département": 3, "territory": 4, "commune": 5, "quartier": 6}

_WORD = re.compile(r"[^\W_]+")
# A word in raw text: letters/digits, with combining accents kept inside (text may be NFD).
_TEXT_WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")
_CHUNK = re.compile(r"\S+")
_URLISH = re.compile(r"[/@]|\.[^\W\d_]|^www", re.IGNORECASE)
# What may stand between two words of one name: spaces and at most one hyphen or apostrophe.
_JOIN = re.compile(r"[ \t\u00a0\u202f]*[-\u2010\u2011\u2012\u2013'’ʼ]?[ \t\u00a0\u202f]*")
_JOIN_AFTER_ST = re.compile(r"\.?[ \t\u00a0\u202f]*[-\u2010\u2011\u2012\u2013]?[ \t\u00a0\u202f]*")
# A word glued by a hyphen to the word before it ("Haut-Bonneuil") does not start a name.
_GLUED = re.compile(r"[-\u2010\u2011]")
_DEPT_SUFFIX = re.compile(r"\s*\(\s*(\d{2,3}|2[AaBb])\s*\)")


class PlaceEntry(BaseModel):
    """One place. ``insee``: commune INSEE code, département code or région code (None otherwise)."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: Kind
    insee: str | None = None
    region: str | None = None
    departement: str | None = None
    population: int | None = None


@lru_cache(maxsize=65536)
def _norm_word(word: str) -> str:
    """One word, folded: "Île" -> "ile", "St" -> "saint"."""
    folded = fold(word)
    if not folded.isalnum():
        folded = "".join(_WORD.findall(folded))
    return _SAINT.get(folded, folded)


def name_key(name: str) -> tuple[str, ...]:
    """The normalised words of a name: ``name_key("St-Germain-en-Laye") == ("saint", "germain", "en", "laye")``."""
    return tuple(w for w in map(_norm_word, _TEXT_WORD.findall(name)) if w)


@lru_cache(maxsize=65536)
def _word_caps(word: str) -> int:
    """2 = all capitals (an acronym: "PACA"), 1 = initial capital, 0 = lower case."""
    if len(word) >= 2 and word.isupper():
        return 2
    return 1 if word[0].isupper() else 0


def _key_and_caps(name: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """``name_key(name)`` and the ``_word_caps`` of each word (0 for a leading article)."""
    raw = _TEXT_WORD.findall(name)
    key = tuple(map(_norm_word, raw))
    caps = tuple(map(_word_caps, raw))
    if "" in key:  # a "word" that folds to nothing: drop it from both
        pairs = [(k, c) for k, c in zip(key, caps) if k]
        key, caps = tuple(k for k, _ in pairs), tuple(c for _, c in pairs)
    if len(key) > 1 and key[0] in _ARTICLES and caps[0]:
        caps = (0, *caps[1:])
    return key, caps


class PlaceRow(NamedTuple):
    """The fields of a ``PlaceEntry``, kept as a plain tuple until the place is asked for."""

    name: str
    kind: Kind
    insee: str | None = None
    region: str | None = None
    departement: str | None = None
    population: int | None = None


def _rank(row: PlaceRow) -> tuple[int, int]:
    pop = row.population or 0
    if row.kind == "commune" and pop >= settings.section("places").big_city_population:
        return (0, -pop)
    return (_KIND_RANK[row.kind], -pop)


class _Target(NamedTuple):
    """What a scanned name resolves to: a row of the index, or -1 for a stop-listed phrase (skipped)."""

    key: tuple[str, ...]
    caps: tuple[int, ...]
    ref: int
    after_article: bool = False  # a name without its article: only after au/du/aux/...


class PlaceIndex:
    """All places, indexed by normalised name; build it with ``load_places()``.

    ``rows``: every place; ``aliases``: (another name, index of its row in ``rows``); ``stoplist``: names
    whose commune reading ``find_in_text`` ignores, and phrases it skips (see the module docstring).
    """

    def __init__(
        self,
        rows: Iterable[PlaceRow],
        aliases: Iterable[tuple[str, int]] = (),
        stoplist: Iterable[str] = (),
    ) -> None:
        self._rows: list[PlaceRow] = list(rows)
        self._made: dict[int, PlaceEntry] = {}
        exact: dict[tuple[str, ...], list[int]] = {}
        bare: dict[tuple[str, ...], list[int]] = {}
        exact_caps: dict[tuple[str, ...], tuple[int, ...]] = {}
        bare_caps: dict[tuple[str, ...], tuple[int, ...]] = {}
        own_key: list[tuple[str, ...]] = []

        def add(index: dict, caps_of: dict, key: tuple[str, ...], caps: tuple[int, ...], ref: int) -> None:
            refs = index.get(key)
            if refs is None:
                index[key] = [ref]
                caps_of[key] = caps
                return
            if ref not in refs:
                refs.append(ref)
            old = caps_of[key]
            if old != caps:  # be as lenient as the most lenient spelling
                caps_of[key] = tuple(min(a, b) for a, b in zip(old, caps))

        for ref, row in enumerate(self._rows):
            key, caps = _key_and_caps(row.name)
            own_key.append(key)
            if not key:
                continue
            add(exact, exact_caps, key, caps, ref)
            if len(key) > 1 and key[0] in _ARTICLES:
                add(bare, bare_caps, key[1:], caps[1:], ref)
        for alias, ref in aliases:
            key, caps = _key_and_caps(alias)
            if key:
                add(exact, exact_caps, key, caps, ref)
        rows_ = self._rows
        for refs in (*exact.values(), *bare.values()):
            if len(refs) > 1:
                refs.sort(key=lambda r: _rank(rows_[r]))
        self._exact = exact
        self._bare = bare

        # What find_in_text looks for: one target per name, stop-listed communes left out.
        stop = {name_key(line) for line in stoplist} - {()}
        scan: dict[tuple[str, ...], _Target] = {}
        for key, refs in exact.items():
            if key in stop:
                refs = [r for r in refs if not (rows_[r].kind == "commune" and own_key[r] == key)]
            if refs:
                scan[key] = _Target(key, exact_caps[key], refs[0])
        for key, refs in bare.items():
            if key in scan or key in stop:
                continue
            refs = [r for r in refs if own_key[r] not in stop]
            if refs:
                scan[key] = _Target(key, bare_caps[key], refs[0], after_article=True)
        for key in stop:
            if key not in scan:
                scan[key] = _Target(key, (0,) * len(key), -1)
        # A trie over normalised words: node = {word: node}, and node[""] = the name ending there.
        trie: dict = {}
        for key, target in scan.items():
            if target.ref >= 0 and not any(target.caps):
                continue  # nothing capitalised: could never be told from ordinary words
            node = trie
            for word in key:
                child = node.get(word)
                if child is None:
                    child = node[word] = {}
                node = child
            node[""] = target
        self._trie = trie
        self._targets = [t for t in scan.values() if t.ref >= 0 and any(t.caps)]

    def _place(self, ref: int) -> PlaceEntry:
        place = self._made.get(ref)
        if place is None:
            place = self._made[ref] = PlaceEntry(**self._rows[ref]._asdict())
        return place

    def __len__(self) -> int:
        return len(self._rows)

    # -- lookup ---------------------------------------------------------------------------------------

    def lookup(self, name: str) -> list[PlaceEntry]:
        """Every place called ``name``, preferred first (see the module docstring)."""
        dept = None
        m = _DEPT_SUFFIX.search(name)
        if m and m.end() == len(name.rstrip()):
            dept = m.group(1).upper()
            name = name[: m.start()]
        key = name_key(name)
        if not key:
            return []
        refs = self._exact.get(key)
        if not refs and len(key) > 1 and key[0] in _ARTICLES:
            refs = self._exact.get(key[1:])  # "le Nord"
        if not refs:
            refs = self._bare.get(key)  # "Havre"
        refs = refs or []
        if dept is not None:
            in_dept = [r for r in refs if self._rows[r].kind == "commune" and self._rows[r].departement == dept]
            if in_dept:
                refs = in_dept
        return [self._place(r) for r in refs]

    def best(self, name: str) -> PlaceEntry | None:
        """The preferred reading of ``name``, or None."""
        found = self.lookup(name)
        return found[0] if found else None

    def is_commune_name(self, name: str) -> bool:
        """True when some current commune (or commune alias such as "Aix") is called ``name``."""
        return any(p.kind == "commune" for p in self.lookup(name))

    # -- scanning -------------------------------------------------------------------------------------

    def names_by_first_token(self) -> dict[str, list[tuple[tuple[str, ...], PlaceEntry]]]:
        """Normalised first word -> [(normalised words of a name, its preferred PlaceEntry)], longest first.

        The names ``find_in_text`` looks for (stop-listed ones left out), words normalised as by
        ``name_key``. ``find_in_text`` itself walks a word trie built from the same names.
        """
        out: dict[str, list[tuple[tuple[str, ...], PlaceEntry]]] = defaultdict(list)
        for target in self._targets:
            out[target.key[0]].append((target.key, self._place(target.ref)))
        for entries in out.values():
            entries.sort(key=lambda e: -len(e[0]))
        return dict(out)

    def find_in_text(self, text: str) -> list[tuple[int, int, PlaceEntry]]:
        """Every place named in ``text``: (start, end, place), left to right, longest match at each spot."""
        words: list[tuple[int, int, str, str, bool]] = []  # start, end, raw, normalised, inside a URL
        for chunk in _CHUNK.finditer(text):
            urlish = _URLISH.search(chunk.group()) is not None
            base = chunk.start()
            for w in _TEXT_WORD.finditer(chunk.group()):
                raw = w.group()
                words.append((base + w.start(), base + w.end(), raw, _norm_word(raw), urlish))
        found: list[tuple[int, int, PlaceEntry]] = []
        n = len(words)
        i = 0
        matched_end = -1
        while i < n:
            if i and _GLUED.fullmatch(text, words[i - 1][1], words[i][0]) and words[i - 1][1] != matched_end:
                i += 1  # "Haut-Bonneuil", "Sud-Gironde": the end of a longer name ("Nantes-Saint-Nazaire" is two)
                continue
            best = self._best_at(text, words, i)
            if best is None:
                i += 1
                continue
            size, target = best
            # "le Val d'Oise": the match one word later ("Val d'Oise") reaches further, so it wins
            later = self._best_at(text, words, i + 1) if size > 1 and i + 1 < n else None
            if later is not None and later[0] + 1 > size:
                i += 1
                continue
            if target.ref >= 0 and not self._looks_like_surname(text, words, i, target.ref):
                end = words[i + size - 1][1]
                found.append((words[i][0], end, self._refine(text, end, target.ref)))
                matched_end = end
            i += size
        return found

    def _best_at(self, text: str, words: list, i: int) -> tuple[int, _Target] | None:
        """The longest name spelled by the words from ``i`` on: (number of words, target)."""
        node = None if words[i][4] else self._trie.get(words[i][3])
        if node is None:
            return None
        n = len(words)
        ends: list[_Target] = []  # names spelled by words[i:], shortest first
        j = i
        while True:
            target = node.get("")
            if target is not None:
                ends.append(target)
            j += 1
            if j >= n or words[j][4]:
                break
            node = node.get(words[j][3])
            if node is None:
                break
        for target in reversed(ends):
            if not self._matches(text, words, i, target):
                continue
            if target.after_article and not self._after_article(text, words, i):
                continue
            return len(target.key), target
        return None

    @staticmethod
    def _matches(text: str, words: list, i: int, target: _Target) -> bool:
        """Capitals and the separators between words agree with ``target`` (the words already do)."""
        for j, level in enumerate(target.caps):
            start, _, raw, _, _ = words[i + j]
            if level == 1 and not raw[0].isupper():
                return False
            if level == 2 and not raw.isupper():
                return False
            if j:
                prev_end, prev_raw = words[i + j - 1][1], words[i + j - 1][2]
                join = _JOIN_AFTER_ST if prev_raw.lower() in _SAINT else _JOIN
                if not join.fullmatch(text, prev_end, start):
                    return False
        return True

    def _looks_like_surname(self, text: str, words: list, i: int, ref: int) -> bool:
        """A small commune right after another capitalised word ("Louis Aragon", "Jean Moulin")."""
        row = self._rows[ref]
        if row.kind != "commune" or (row.population or 0) >= settings.section("places").small_commune or i == 0:
            return False
        _, prev_end, prev_raw, prev_norm, _ = words[i - 1]
        return (
            prev_raw[0].isupper()
            and prev_norm not in _FUNCTION_WORDS
            and text[prev_end : words[i][0]].strip(" \t\u00a0\u202f") == ""
        )

    @staticmethod
    def _after_article(text: str, words: list, i: int) -> bool:
        if i == 0:
            return False
        _, prev_end, _, prev_norm, urlish = words[i - 1]
        return not urlish and prev_norm in _ARTICLE_CONTEXT and _JOIN.fullmatch(text, prev_end, words[i][0]) is not None

    def _refine(self, text: str, end: int, ref: int) -> PlaceEntry:
        """A commune followed by a département code in brackets, "Saint-Denis (93)": the one there."""
        row = self._rows[ref]
        if row.kind == "commune":
            m = _DEPT_SUFFIX.match(text, end)
            if m:
                dept = m.group(1).upper()
                for r in self._exact.get(name_key(row.name), ()):
                    if self._rows[r].kind == "commune" and self._rows[r].departement == dept:
                        return self._place(r)
        return self._place(ref)


def _read_csv(name: str) -> list[list[str]]:
    """Rows of a table in pipeline/data/places/, without its "#" lines and its header."""
    return resources.csv_rows(f"places/{name}")


def _read_lines(name: str) -> list[str]:
    return resources.lines(f"places/{name}")


@lru_cache(maxsize=1)
def load_places() -> PlaceIndex:
    """The index of every place in ``pipeline/data/places/`` (read once, then cached)."""
    t0 = time.perf_counter()
    gc_was_on = gc.isenabled()
    gc.disable()  # some 100,000 small objects that all live on: collecting them midway is wasted time
    try:
        index = _build_index()
    finally:
        if gc_was_on:
            gc.enable()
    logger.debug("loaded %d places in %.2fs", len(index), time.perf_counter() - t0)
    return index


def _build_index() -> PlaceIndex:
    region_names = {code: name for code, name in _read_csv("regions.csv")}
    rows: list[PlaceRow] = [PlaceRow(name, "région", code, name) for code, name in region_names.items()]
    for code, name, region in _read_csv("departements.csv"):
        rows.append(PlaceRow(name, "département", code, region_names.get(region), code))
    for insee, name, dept, region, population in _read_csv("communes.csv"):
        pop = int(population) if population else None
        rows.append(PlaceRow(name, "commune", insee, region_names.get(region), dept, pop))
    for name, _kind, region, _note in _read_csv("territories.csv"):
        rows.append(PlaceRow(name, "territory", region=region or None))
    rows.append(PlaceRow("France", "country"))
    for (name,) in _read_csv("countries.csv"):
        rows.append(PlaceRow(name, "country"))

    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for ref, row in enumerate(rows):
        by_name[(row.kind, row.name)].append(ref)
    kinds = {"region": "région", "departement": "département", "commune": "commune", "territory": "territory"}
    aliases: list[tuple[str, int]] = []
    former: set[tuple[str, ...]] = set()
    for alias, official, kind in _read_csv("aliases.csv"):
        if kind == "region_former":
            # A former région is a territory of its own, named as in aliases.csv ("Rhône-Alpes" first,
            # then "Rhône Alpes" is only another spelling of it), inside the current région.
            if official not in region_names.values():
                logger.warning("aliases.csv: %r names no current région", official)
            if name_key(alias) not in former:
                former.add(name_key(alias))
                rows.append(PlaceRow(alias, "territory", region=official))
            continue
        refs = by_name.get((kinds.get(kind, kind), official))
        if not refs:
            logger.warning("aliases.csv: no %s named %r (alias %r)", kind, official, alias)
            continue
        aliases.extend((alias, ref) for ref in refs)
    return PlaceIndex(rows, aliases, _read_lines("stoplist.txt"))


def find_in_text(text: str) -> list[tuple[int, int, PlaceEntry]]:
    """``load_places().find_in_text(text)``."""
    return load_places().find_in_text(text)


@lru_cache(maxsize=1)
def load_quartiers() -> PlaceIndex:
    """The politique de la ville's neighbourhoods (``quartiers.csv``, built by ``scripts/build_quartiers.py``
    from the QPV and ZUS lists), each a ``quartier`` whose ``insee`` is its commune's; read once."""
    return PlaceIndex(PlaceRow(name, "quartier", insee) for name, insee, _list in _read_csv("quartiers.csv"))


def find_quartiers_in_text(text: str, communes: set[str]) -> list[tuple[int, int, PlaceEntry]]:
    """The listed neighbourhoods of ``communes`` (INSEE codes) that ``text`` names, scanned as places are
    (capitalised as listed, outside URLs): a name is taken only on a page naming its commune, so "Europe"
    or "Gambetta" are quartiers on a Montpellier page about them, and nowhere else."""
    if not communes:
        return []
    index = load_quartiers()
    found = []
    for start, end, entry in index.find_in_text(text):
        mine = [p for p in index.lookup(entry.name) if p.insee in communes]
        if mine:
            found.append((start, end, mine[0]))
    return found
