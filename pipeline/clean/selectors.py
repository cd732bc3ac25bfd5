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


def select(root: Tag, selectors: tuple[Selector, ...]) -> list[Tag]:
    """Every element below ``root`` that one of ``selectors`` matches, in document order."""
    return [tag for tag in root.find_all(True) if any(sel.matches(tag) for sel in selectors)]


def select_each(root: Tag, selectors: tuple[Selector, ...]) -> dict[str, list[Tag]]:
    """For each selector, the elements it matches below ``root``: one walk of the tree for them all."""
    found: dict[str, list[Tag]] = {sel.text: [] for sel in selectors}
    for tag in root.find_all(True):
        for sel in selectors:
            if sel.matches(tag):
                found[sel.text].append(tag)
    return found
