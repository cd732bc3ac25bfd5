"""Text: the helpers every stage shares, so that each exists once.

* ``normalise`` / ``normalise_line``: a page's text tidied for storage (NFC, line ends, runs of spaces,
  blank lines), its own characters kept: typographic apostrophes, guillemets, no-break spaces.
* ``view``: the same text with each apostrophe look-alike read as "'" and each no-break or thin space as
  " ", character for character: the stages match on it, and every span they record holds in the text.
* ``fold``: the one comparison key of the package (case, accents, ligatures, apostrophes, dashes and
  spacing ignored). Only for matching and comparing, never for output. ``Folded`` is the same fold of a
  whole text with a map back to the original offsets, for patterns matched on folded text.
* ``alternation``: a regular-expression alternation of words, longest first.
* ``longest_first``: of overlapping mentions, the longest (then best ranked, then first) wins.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TypeVar

_SPACES = re.compile(r"[ \t]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_BLANK_LINES = re.compile(r"\n{2,}")

APOSTROPHE_CHARS = "'’ʼ‘´`"
DASH_CHARS = "-‐‑‒–—−"
SEPARATOR_CHARS = "•·∙"  # "CR•DSU" reads as "CR DSU"
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ﬁ": "fi", "ﬂ": "fl"}


def normalise(text: str) -> str:
    """NFC, no invisible characters (soft hyphens, zero-width spaces), one space at most, no blank lines;
    the page's apostrophes, guillemets and no-break spaces are kept."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    lines = (_SPACES.sub(" ", line).strip(" \t") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line.strip())).strip("\n")


_VIEW = str.maketrans({**{c: "'" for c in "’ʼ‘´`"}, **{c: " " for c in "\u00a0\u202f\u2007\u2009\u200a\u3000"}})


def view(text: str) -> str:
    """``text`` with its typographic apostrophes as "'" and its no-break and thin spaces as " ", one
    character for one: what the stages match on (spans found in it hold in ``text``)."""
    return text.translate(_VIEW)


def dominant_apostrophe(text: str) -> str:
    """The apostrophe a page writes most ("’" or "'"), to give back to values read in its ``view``."""
    typographic = text.count("’")
    return "’" if typographic > text.count("'") else "'"


def normalise_line(text: str) -> str:
    """``normalise`` for a one-line value such as a title or a caption."""
    return normalise(text).replace("\n", " ")


@lru_cache(maxsize=8192)
def _fold_char(ch: str, keep_case: bool = False) -> str:
    """One character folded: lower case, no accent, ligatures spelt out, one apostrophe, one dash."""
    if ch in APOSTROPHE_CHARS:
        return "'"
    if ch in DASH_CHARS:
        return "-"
    if ch in SEPARATOR_CHARS or ch.isspace():
        return " "
    low = ch if keep_case else ch.casefold()
    low = "".join(_LIGATURES.get(c.lower(), c) if c.lower() in _LIGATURES else c for c in low)
    if keep_case and ch.isupper():
        low = low.upper()
    decomposed = unicodedata.normalize("NFKD", low)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold_pieces(text: str, keep_case: bool) -> Iterator[tuple[str, int]]:
    """(folded piece, offset in ``text``) for every character, before spacing is tidied."""
    for index, ch in enumerate(text):
        piece = ch if ch.isascii() and (ch.islower() or (keep_case and ch.isalnum())) else _fold_char(ch, keep_case)
        if piece:
            yield piece, index


def fold_map(text: str, keep_case: bool = False) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the offset in ``text`` it comes from."""
    chars: list[str] = []
    origin: list[int] = []
    for piece, index in _fold_pieces(text, keep_case):
        for c in piece:
            if c == " ":
                # runs of spaces are one space; no space at the start nor around a dash
                if not chars or chars[-1] in " -":
                    continue
            elif c == "-" and chars and chars[-1] == " ":
                chars.pop()
                origin.pop()
            chars.append(c)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


@lru_cache(maxsize=2)
def _table(keep_case: bool) -> dict[int, str]:
    """``_fold_char`` of the Latin, punctuation and space characters, for ``str.translate``."""
    table = {cp: _fold_char(chr(cp), keep_case) for cp in range(0x80, 0x250)}
    for ch in APOSTROPHE_CHARS + DASH_CHARS + SEPARATOR_CHARS:
        table[ord(ch)] = _fold_char(ch, keep_case)
    for cp in range(0x3100):
        if chr(cp).isspace():
            table[cp] = " "
    return table


_RUNS_OF_SPACES = re.compile(r" {2,}")
_SPACED_DASH = re.compile(r" ?- ?")


def fold(text: str, *, keep_case: bool = False) -> str:
    """The comparison key: 'L’Œuvre – CR•DSU' -> "l'oeuvre-cr dsu". Case (unless ``keep_case``),
    accents, ligatures, apostrophe and dash look-alikes, separators and spacing are ignored.
    The same characters as ``fold_map``, faster (one ``str.translate``)."""
    folded = (text if keep_case else text.lower()).translate(_table(keep_case))
    if not folded.isascii():
        folded = "".join(c if c.isascii() else _fold_char(c, keep_case) for c in folded)
    if "  " in folded:
        folded = _RUNS_OF_SPACES.sub(" ", folded)
    if "-" in folded:
        folded = _SPACED_DASH.sub("-", folded)
    return folded.strip(" ")


class Folded:
    """A text and its fold, with the offsets of the fold mapped back: match patterns written in folded
    form (``fold`` of the vocabulary) and get spans of the original text."""

    def __init__(self, text: str):
        self.source = text
        self.text, self._origin = fold_map(text)

    def position(self, offset: int) -> int:
        """The folded position of ``offset`` of the original text (the next one kept when it was dropped)."""
        return bisect_left(self._origin, offset)

    def original(self, position: int) -> int:
        """The original offset of folded ``position`` (the end of the text past the last one)."""
        if position >= len(self._origin):
            return len(self.source)
        return self._origin[position]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Folded [start, end) -> original [start, end)."""
        if end <= start:
            begin = self.original(start)
            return begin, begin
        return self.original(start), self._origin[end - 1] + 1

    def window(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) -> folded [start, end)."""
        return self.position(start), self.position(end)

    def finditer(self, pattern: re.Pattern, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
        """Matches of ``pattern`` in the fold of the original window [start, end)."""
        lo, hi = self.window(start, len(self.source) if end is None else end)
        return pattern.finditer(self.text, lo, hi)


def squash(text: str) -> str:
    """Letters and digits only, folded: how a slug, a host name and a line are compared ("l’assemblée" ~
    "lassemblee", "Centre Mercœur" ~ "centremercoeur")."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def alternation(words: Iterable[str], key: Callable[[str], str] | None = None) -> str:
    """'a|bc|d' -> a regex alternation of ``words`` (escaped, transformed by ``key``), longest first."""
    unique = {key(w) if key else w for w in words}
    return "|".join(re.escape(w) for w in sorted(unique, key=lambda w: (-len(w), w)))


T = TypeVar("T")


def longest_first(
    items: Iterable[T],
    span: Callable[[T], tuple[int, int]],
    rank: Callable[[T], int] = lambda _: 0,
) -> list[T]:
    """The items that survive overlap resolution, in text order: the longest first, then the best
    ranked (lowest ``rank``), then the first in the text; an item overlapping a chosen one is dropped."""
    chosen: list[tuple[int, int, T]] = []
    starts: list[int] = []  # of the chosen spans, sorted; chosen spans never overlap, so their ends sort alike
    ends: list[int] = []
    for item in sorted(items, key=lambda it: (span(it)[0] - span(it)[1], rank(it), span(it)[0])):
        start, end = span(item)
        at = bisect_right(starts, start)
        if (at and ends[at - 1] > start) or (at < len(starts) and starts[at] < end) or (at and starts[at - 1] == start):
            continue
        starts.insert(at, start)
        ends.insert(at, end)
        chosen.append((start, end, item))
    return [item for _, _, item in sorted(chosen, key=lambda c: c[0])]


class Spans:
    """Spans [start, end) of a text, kept sorted, for the overlap and neighbour questions the entity rules
    ask: each in O(log n) plus what it returns, so a long page's thousands of names stay linear."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._items = sorted(spans)
        self._longest = max((e - s for s, e in self._items), default=0)

    def add(self, span: tuple[int, int]) -> None:
        insort(self._items, span)
        self._longest = max(self._longest, span[1] - span[0])

    def _from(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans starting in [start, end)."""
        return self._items[bisect_left(self._items, (start, -1)) : bisect_left(self._items, (end, -1))]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self._from(start - self._longest, end) if s < end and start < e]

    def ending_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans whose end is in [start, end]."""
        return [(s, e) for s, e in self._from(start - self._longest, end + 1) if start <= e <= end]

    def starting_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans whose start is in [start, end]."""
        return self._from(start, end + 1)
