"""Main text: an HTML page -> the article's text, the block it sits in, its images and links.

trafilatura gives the main text. When a CMS body block (``.entry-content``, ``.field-name-body``…)
covers most of trafilatura's paragraphs, the text is read from that block instead (trafilatura drops
short paragraphs and list items of CRPV pages); an agenda listing (three or more dated items side by
side) is read whole, since trafilatura keeps one item of a listing at best. Else trafilatura's text is
kept, less the lines that stand in the page's sidebars, menus and footers. Selectors and patterns are in
``data/boilerplate.toml``, thresholds in the ``[clean]`` settings.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from bs4 import BeautifulSoup, Tag

from .. import settings, urls
from ..models import Image, Link
from ..temporal import find_expressions
from ..text import fold, normalise, normalise_line
from .document import credit_of, rules
from .selectors import select, select_each


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def _listing(soup: BeautifulSoup, text: str) -> Tag | None:
    """The block holding three or more dated listing items side by side (an agenda page), if any, and
    only when it holds the start of trafilatura's text (a list of related articles beside an article
    is not the page)."""
    cfg = settings.section("clean")
    probes = [_squash(line)[:40] for line in text.split("\n") if len(line) >= cfg.min_noise_line_chars]
    boilerplate = {id(el) for el in select(soup, rules().boilerplate_selectors)}
    candidates = select_each(soup, rules().listing_item_selectors)
    for selector in rules().listing_item_selectors:
        items = [
            item
            for item in candidates[selector.text]
            if item.parent is not None
            and not any(id(a) in boilerplate for a in item.parents)
            and find_expressions(item.get_text(" ", strip=True))
        ]
        for depth in (1, 2):  # items side by side, or each in a row of its own ("…__event-row")
            by_parent: dict[int, list[Tag]] = {}
            for item in items:
                ancestor = item.parent if depth == 1 else item.parent.parent
                if ancestor is not None:
                    by_parent.setdefault(id(ancestor), []).append(item)
            siblings = max(by_parent.values(), key=len, default=[])
            if len(siblings) >= cfg.min_listing_items:
                parent = siblings[0].parent if depth == 1 else siblings[0].parent.parent
                # a views/listing wrapper holding the listing and its header: read the header too
                wrapper = parent.parent
                if wrapper is not None and len(wrapper.find_all(recursive=False)) <= cfg.max_listing_wrapper_children:
                    parent = wrapper
                # the listing is the page when trafilatura's text stands in its items (it keeps one item
                # at best); a list of dated items beside an article, in the same block, is not
                texts = [_squash(item.get_text(" ", strip=True)) for item in siblings]
                in_items = "".join(texts)
                if max(map(len, texts)) > cfg.max_listing_item_share * len(in_items):
                    continue  # one item is most of the text: an article among teasers, not a listing
                if probes and sum(probe in in_items for probe in probes) >= cfg.min_listing_share * len(probes):
                    return parent
    return None


def _main_container(soup: BeautifulSoup, text: str) -> tuple[str | None, Tag | None]:
    """(kind, block) of the block that holds the article: "listing", a listing's parent; else "block",
    the first content selector matching one block that covers most of trafilatura's paragraphs; else
    "fallback", the first specific one that holds real text (trafilatura fails on table layouts)."""
    cfg = settings.section("clean")
    if (listing := _listing(soup, text)) is not None:
        return "listing", listing
    paragraphs = [_squash(line)[:50] for line in text.split("\n") if len(line) >= cfg.min_paragraph_chars]
    fallback = None
    candidates = select_each(soup, rules().content_selectors)
    for selector in rules().content_selectors:
        tags = candidates[selector.text]
        chosen = {id(t) for t in tags}
        outer = [t for t in tags if not any(id(p) in chosen for p in t.parents)]  # identity, never ==
        for tag in outer:
            block_text = _squash(tag.get_text(" ", strip=True))
            if (
                fallback is None
                and selector.text != "article"
                and len(outer) == 1
                and len(block_text) >= cfg.min_container_chars
            ):
                fallback = tag
            if paragraphs and sum(p in block_text for p in paragraphs) >= cfg.min_coverage * len(paragraphs):
                return "block", tag
    return ("fallback", fallback) if fallback is not None else (None, None)


def _without_boilerplate_lines(soup: BeautifulSoup, text: str) -> str:
    """trafilatura's text less the lines that stand in the page's sidebars, menus and footers (it keeps
    them on table and column layouts). A block that holds the article itself is not a sidebar, whatever
    its classes (a Blogger post sits in a ``div.widget.Blog``)."""
    cfg = settings.section("clean")
    lines = [line for line in normalise(text).split("\n") if line]
    keys = [_squash(line) for line in lines]
    long_keys = [k for k, line in zip(keys, lines, strict=True) if len(line) >= cfg.min_paragraph_chars]
    noise = set()
    for block in select(soup, rules().boilerplate_selectors):
        block_lines = [
            line for line in block.get_text("\n", strip=True).split("\n") if len(line) >= cfg.min_noise_line_chars
        ]
        whole = _squash(block.get_text(" ", strip=True))
        if long_keys and sum(k[:50] in whole for k in long_keys) > cfg.max_article_share_in_sidebar * len(long_keys):
            continue  # the block holds most of the article: it is the article's (or the page's), not a sidebar
        noise |= {_squash(line) for line in block_lines}
    if not noise:
        return "\n".join(lines)
    return "\n".join(line for line, key in zip(lines, keys, strict=True) if key not in noise)


_BLOCKS = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "td",
    "th",
    "tr",
    "div",
    "section",
    "article",
    "header",
    "ul",
    "ol",
    "dl",
    "table",
    "figure",
    "address",
]


def _block_text(container: Tag) -> str:
    """The text of a content block, one line per block element, without the article's non-text parts."""
    block = BeautifulSoup(str(container), "lxml")
    for el in select(block, rules().inside_article_selectors):
        if not el.decomposed:
            el.decompose()
    for br in block.find_all("br"):
        br.replace_with("\n")
    for el in block.find_all(_BLOCKS):
        el.insert_before("\n")
        el.insert_after("\n")
    return normalise(block.get_text())


def _link_texts(container: Tag) -> set[str]:
    return {key for a in container.find_all("a") if (key := _squash(a.get_text(" ", strip=True)))}


# The elements of a content block whose text may be put back into trafilatura's: paragraphs, list
# items and subheadings (what trafilatura drops of CRPV pages), never a caption or a teaser's <div>.
_TEXT_ELEMENTS = ["p", "li", "dd", "blockquote", "h2", "h3", "h4", "h5", "h6"]


def _paragraph_texts(container: Tag) -> set[str]:
    """The squashed text of every paragraph, list item and subheading of the block, less headings in
    capitals (a teaser's kicker: "TIME TRAVELLER")."""
    found = set()
    for element in container.find_all(_TEXT_ELEMENTS):
        if element.find_parent(["figure", "figcaption", "aside", "nav"]) is not None:
            continue
        text = element.get_text(" ", strip=True)
        if element.name.startswith("h") and text.isupper():
            continue
        if key := _squash(text):
            found.add(key)
    return found


def _is_link_line(line: str, links: set[str]) -> bool:
    """A line that is only link text: a "Next post", a share button, a promotion, a list of tags."""
    key = _squash(line)
    if not key or key in links:
        return True
    linked = sum(len(k) for k in links if k in key)
    return linked >= settings.section("clean").max_link_share * len(key)


def _merged(trafilatura_text: str, block_text: str, links: set[str], paragraphs: set[str]) -> str:
    """trafilatura's text, every line of it, with the lines of the content block it dropped put back
    where they stand between the lines it kept (short paragraphs, list items of CRPV pages); nothing of
    the block before the first of them or after the last (share buttons, tags, related articles,
    comments), no line that is only link text; what trafilatura kept after the block is dropped when it
    is the site's footer."""
    ours = [line for line in normalise(trafilatura_text).split("\n") if line]
    block = [line for line in block_text.split("\n") if line]
    keys = [_squash(line) for line in ours]
    starts, position = [], 0
    for key in keys:
        starts.append(position)
        position += len(key)
    ours_all = "".join(keys)
    block_keys = [_squash(line) for line in block]
    covered = [bool(key) and key in ours_all for key in block_keys]
    if not any(covered):
        return "\n".join(ours)
    last_covered = len(covered) - 1 - covered[::-1].index(True)
    out: list[str] = []
    pointer = 0  # the next line of trafilatura's text to write
    search = 0  # where in trafilatura's text the block is matched from
    for j, (line, key) in enumerate(zip(block, block_keys, strict=True)):
        if covered[j]:
            found = ours_all.find(key, search)
            if found == -1:
                continue  # a repeat of a line already written
            index = bisect_right(starts, found) - 1
            out.extend(ours[pointer : index + 1])
            pointer = max(pointer, index + 1)
            search = found + len(key)
        elif pointer and j < last_covered and any(key in p for p in paragraphs) and not _is_link_line(line, links):
            out.append(line)
    after = ours[pointer:]
    if any(marker in fold(line) for line in after for marker in rules().footer_markers):
        after = []  # what trafilatura kept after the article's block is the site's footer
    return "\n".join([*out, *after])


def main_text(soup: BeautifulSoup, trafilatura_text: str) -> tuple[Tag, str, str, str | None]:
    """(the block the article is in, its raw text, the rule that chose it, the block's description)."""
    kind, container = _main_container(soup, normalise(trafilatura_text))
    try:
        block_text = _block_text(container) if container is not None else ""
    except RecursionError:  # a block nested too deep for Beautiful Soup to copy: trafilatura's text only
        container, block_text = None, ""
    where = container.name + "".join(f".{c}" for c in container.get("class", [])) if container is not None else None
    if kind == "listing" and block_text:
        return container, block_text, "html:listing", where
    if kind == "block" and block_text:
        merged = _merged(
            _without_boilerplate_lines(soup, trafilatura_text),
            block_text,
            _link_texts(container),
            _paragraph_texts(container),
        )
        return container, merged, "trafilatura+content-block", where
    if kind == "fallback" and block_text:
        return container, block_text, "html:content-block", where
    return soup.body or soup, _without_boilerplate_lines(soup, trafilatura_text), "trafilatura:main-text", None


def images(container: Tag, base_url: str | None) -> list[Image]:
    """The article's images with their caption and credit; decoration (logos, icons) left out."""
    r = rules()
    found: list[Image] = []
    seen: set[str] = set()
    for img in container.find_all("img"):
        src = (img.get("src") or img.get("data-src") or "").strip()
        if not src or src.startswith("data:") or r.skip_image.search(src) or src in seen:
            continue
        seen.add(src)
        figure = img.find_parent(["figure"]) or img.find_parent(class_=r.figure_class)
        caption_tag = figure.find(["figcaption"]) or figure.find(class_=r.caption_class) if figure else None
        caption = normalise_line(caption_tag.get_text(" ", strip=True)) if caption_tag else None
        credit_tag = figure.find(class_=r.credit_class) if figure else None
        credit = normalise_line(credit_tag.get_text(" ", strip=True)) if credit_tag else None
        if caption:
            caption, caption_credit = credit_of(caption)
            credit = credit or caption_credit
            caption = caption or None
        if credit:
            credit = credit_of(credit)[1] or credit
        found.append(
            Image(
                src=urls.join(base_url, src),
                alt=normalise_line(img.get("alt", "")) or None,
                caption=caption,
                credit=credit,
            )
        )
    return found


def links(container: Tag, base_url: str | None) -> list[Link]:
    """The article's links (absolute when the page's URL is known), share buttons left out."""
    found: list[Link] = []
    seen: set[str] = set()
    for a in container.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("#", "javascript:")) or a.find_parent(class_=rules().share_link_parent):
            continue
        url = urls.join(base_url, href)
        if url in seen:
            continue
        seen.add(url)
        found.append(Link(url=url, text=normalise_line(a.get_text(" ", strip=True)) or None))
    return found
