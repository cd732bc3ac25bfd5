"""Small text helpers shared by the stages: French typography clean-up and accent-free folding.

``normalise`` is applied once to the main text by ``clean``; every span that later stages record points
into that normalised text. ``fold`` is for comparing names, never for output.
"""

from __future__ import annotations

import re
import unicodedata

# Apostrophe look-alikes written between letters (typographic, modifier letter, acute, grave).
_APOSTROPHES = re.compile(r"(?<=\w)[’ʼ‘´`](?=\w)|(?<=\s)[’ʼ](?=\w)")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009\u200a\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_BLANK_LINES = re.compile(r"\n{2,}")


def normalise(text: str) -> str:
    """NFC, one kind of apostrophe ('), plain spaces for no-break ones, one space at most, no blank lines."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _APOSTROPHES.sub("'", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()


def normalise_line(text: str) -> str:
    """``normalise`` for a one-line value such as a title or a caption."""
    return normalise(text).replace("\n", " ")


def fold(text: str) -> str:
    """Case-, accent-, apostrophe- and dash-insensitive key for comparing names."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’ʼ‘´`']", "'", text)
    text = re.sub(r"[‐‑‒–—−-]", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def fold_chars(text: str) -> str:
    """``fold`` that keeps every character in place (same length), so offsets found in it hold in ``text``."""
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        base = unicodedata.normalize("NFKD", low)[:1] or low
        out.append("'" if base in "’ʼ‘´`" else base)
    return "".join(out)
