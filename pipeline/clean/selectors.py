"""Selectors: the simple CSS selectors of ``data/boilerplate.toml``, compiled once and matched in one
walk of a BeautifulSoup tree (much faster than soupsieve for the dozens of selectors applied to every
page). Kinds: ``tag``, ``.class``, ``#id``, ``[attr]``, ``[attr=v]``, ``[attr*=v]``, ``[attr^=v]``,
``[attr$=v]`` and their combinations (``div.widget.Blog``)."""

from __future__ import annotations

import re

from bs4 import Tag

_SIMPLE_SELECTOR = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?P<rest>(?:[.#][\w-]+|\[[\w-]+(?:[*^$]?=[^\]]+)?\])*)$")
_SELECTOR_PART = re.compile(r"([.#])([\w-]+)|\[([\w-]+)(?:([*^$]?=)([^\]]+))?\]")


class Selector:
    """One compound selector."""

    def __init__(self, selector: str):
        m = _SIMPLE_SELECTOR.match(selector.strip())
        if not m:
            raise ValueError(f"unsupported selector {selector!r} in boilerplate.toml (use tag, .class, #id, [attr*=v])")
        self.text = selector
        self.tag = m.group("tag")
        self.classes: list[str] = []
        self.ids: list[str] = []
        self.attrs: list[tuple[str, str | None, str]] = []
        for part in _SELECTOR_PART.finditer(m.group("rest")):
            if part.group(1) == ".":
                self.classes.append(part.group(2))
            elif part.group(1) == "#":
                self.ids.append(part.group(2))
            else:
                self.attrs.append((part.group(3), part.group(4), (part.group(5) or "").strip("'\"")))

    def matches(self, tag: Tag) -> bool:
        if self.tag and tag.name != self.tag:
            return False
        if self.classes and not all(c in (tag.get("class") or ()) for c in self.classes):
            return False
        if self.ids and tag.get("id") not in self.ids:
            return False
        return all(_attribute_matches(tag.get(name), op, value) for name, op, value in self.attrs)


def _attribute_matches(have, op: str | None, value: str) -> bool:
    if have is None:
        return False
    have = " ".join(have) if isinstance(have, list) else have
    if op == "=":
        return have == value
    if op == "*=":
        return value in have
    if op == "^=":
        return have.startswith(value)
    if op == "$=":
        return have.endswith(value)
    return True


class _Index:
    """Selectors filed by what an element must have for them to match: its tag name, one of its classes,
    its id, or (for the rest) nothing; an element is only checked against the selectors it could match."""

    def __init__(self, selectors: tuple[Selector, ...]):
        self.by_tag: dict[str, list[int]] = {}
        self.by_class: dict[str, list[int]] = {}
        self.by_id: dict[str, list[int]] = {}
        self.always: list[int] = []
        for n, sel in enumerate(selectors):
            if sel.classes:
                self.by_class.setdefault(sel.classes[0], []).append(n)
            elif sel.ids and len(sel.ids) == 1:
                self.by_id.setdefault(sel.ids[0], []).append(n)
            elif sel.tag:
                self.by_tag.setdefault(sel.tag, []).append(n)
            else:
                self.always.append(n)

    def candidates(self, tag: Tag) -> list[int]:
        """The selectors ``tag`` could match, in the order they were given."""
        found = list(self.always)
        found += self.by_tag.get(tag.name, ())
        classes = tag.get("class")
        if classes:
            for name in classes if isinstance(classes, list) else classes.split():
                found += self.by_class.get(name, ())
        ident = tag.get("id")
        if ident:
            found += self.by_id.get(ident, ())
        return sorted(set(found)) if len(found) > 1 else found


_INDEXES: dict[tuple[Selector, ...], _Index] = {}


def _index(selectors: tuple[Selector, ...]) -> _Index:
    index = _INDEXES.get(selectors)
    if index is None:
        index = _INDEXES[selectors] = _Index(selectors)
    return index


def select(root: Tag, selectors: tuple[Selector, ...]) -> list[Tag]:
    """Every element below ``root`` that one of ``selectors`` matches, in document order."""
    index = _index(selectors)
    return [tag for tag in root.find_all(True) if any(selectors[n].matches(tag) for n in index.candidates(tag))]


def select_each(root: Tag, selectors: tuple[Selector, ...]) -> dict[str, list[Tag]]:
    """For each selector, the elements it matches below ``root``: one walk of the tree for them all."""
    index = _index(selectors)
    found: dict[str, list[Tag]] = {sel.text: [] for sel in selectors}
    for tag in root.find_all(True):
        for n in index.candidates(tag):
            if selectors[n].matches(tag):
                found[selectors[n].text].append(tag)
    return found
