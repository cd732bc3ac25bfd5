"""Metadata: an HTML page's own statements about itself -> fields of the ``Document``.

The canonical URL, ``<meta>`` tags (read in one pass), JSON-LD, the title (the article's ``<h1>``, else
og:title, trafilatura's, ``<title>``), and the publication and modification dates the page shows:
"Publié le …" lines and ``<time>``/itemprop markup, once sidebars, footers and menus are removed. An
event's own date markup (dtstart, schedules) is never a publication date. The vocabulary is in
``data/metadata.toml``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from bs4 import BeautifulSoup, Tag

from .. import resources, settings
from ..temporal import parse_metadata_date
from ..text import fold, normalise_line, view
from ..urls import site_of, split
from .document import Fields, rules
from .selectors import select


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    meta = dict(resources.toml("metadata.toml"))
    for key, flags in (
        ("published_markup", re.I),
        ("modified_markup", re.I),
        ("event_markup", re.I),
        ("date_itemprops", 0),
        ("date_span_classes", 0),
    ):
        meta[f"_{key}"] = re.compile(meta[key], flags)
    meta["_site_h1_class"] = re.compile(meta["site_h1_class"])
    meta["_site_h1_header_id"] = re.compile(meta["site_h1_header_id"])
    return meta


class MetaTags:
    """Every ``<meta>`` of a page read once: (property|name, value) -> content of the first such tag."""

    def __init__(self, soup: BeautifulSoup):
        self._content: dict[tuple[str, str], str] = {}
        for tag in soup.find_all("meta"):
            for attr in ("property", "name"):
                if (value := tag.get(attr)) is not None:
                    self._content.setdefault((attr, value), tag.get("content", ""))

    def get(self, *names: str) -> tuple[str | None, str | None]:
        """(content, name) of the first name with a non-empty content: its property first, then its name."""
        for name in names:
            content = self._content.get(("property", name))
            if content is None:
                content = self._content.get(("name", name))
            if content and content.strip():
                return content.strip(), name
        return None, None

    def first(self, *names: str) -> str | None:
        return self.get(*names)[0]


def json_ld(soup: BeautifulSoup) -> list[dict]:
    """Every JSON-LD item of the page, ``@graph`` members included."""
    items: list[dict] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                items.append(item)
                stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
    return items


def read_metadata(soup: BeautifulSoup, sidecar_url: str | None, fields: Fields) -> MetaTags:
    """URL, site, site name, publisher, author and the metadata dates, into ``fields``."""
    v = vocabulary()
    meta = MetaTags(soup)
    canonical = soup.find("link", rel="canonical")
    for value, rule in (
        (canonical.get("href") if canonical else None, "html:link-canonical"),
        (meta.first(*v["url_meta"]), "meta:og:url"),
    ):
        if value and split(value) is None:
            fields.warnings.append(f"{rule} {value[:80]!r} is not a valid URL: ignored")
            continue
        fields.set("url", value, rule)
    fields.set("url", sidecar_url, "sidecar:url")
    fields.set("site", site_of(fields.values.get("url")), "url-host")
    fields.set("site_name", meta.first(*v["site_name_meta"]), "meta:og:site_name")
    for item in json_ld(soup):
        if str(item.get("@type", "")) in v["json_ld_skip_types"]:
            continue
        publisher = item.get("publisher")
        if isinstance(publisher, dict):
            fields.set("publisher", publisher.get("name"), "json-ld:publisher")
        author = item.get("author")
        if isinstance(author, list) and author:
            author = author[0]
        if isinstance(author, dict):
            fields.set("author", author.get("name"), "json-ld:author")
        for key, name in (("meta_published", "datePublished"), ("meta_modified", "dateModified")):
            fields.set(key, parse_metadata_date(item.get(name)), f"json-ld:{name}", item.get(name))
    for name in v["published_meta"]:
        raw = meta.first(name)
        fields.set("meta_published", parse_metadata_date(raw), f"meta:{name}", raw)
    raw = meta.first(*v["modified_meta"])
    fields.set("meta_modified", parse_metadata_date(raw), "meta:article:modified_time", raw)
    fields.set("author", meta.first(*v["author_meta"]), "meta:author")
    return meta


def _strip_site_suffix(title: str, site_names: list[str]) -> str:
    """'Titre - RésO Villes' -> 'Titre' when the last segment is the site's name."""
    folded_names = {fold(n) for n in site_names if n}
    for sep in vocabulary()["title_separators"]:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if fold(tail) in folded_names or (len(tail) <= 30 and not folded_names):
                return head.strip()
    return title


def read_title(soup: BeautifulSoup, meta: MetaTags, fields: Fields, extracted_title: str | None) -> None:
    """The article's ``<h1>``; else og:title, trafilatura's title or ``<title>``, less the site's name."""
    v = vocabulary()
    site_names = [fields.values.get("site_name", ""), fields.values.get("site", "")]
    for h1 in soup.find_all("h1"):
        classes = " ".join(h1.get("class", []))
        if (
            v["_site_h1_class"].search(classes)
            or h1.find_parent(["header"], id=v["_site_h1_header_id"])
            or h1.find("img")
        ):
            continue
        text = normalise_line(h1.get_text(" ", strip=True))
        if len(text) >= 3:
            fields.set("title", text, "html:h1")
            return
    og = meta.first(*v["title_meta"])
    if og:
        fields.set("title", _strip_site_suffix(normalise_line(og), site_names), "meta:og:title")
    elif extracted_title:
        fields.set("title", _strip_site_suffix(normalise_line(extracted_title), site_names), "trafilatura:title")
    elif soup.title and soup.title.string:
        fields.set("title", _strip_site_suffix(normalise_line(soup.title.string), site_names), "html:title")


def _date_markup(soup: BeautifulSoup) -> list[Tag]:
    v = vocabulary()
    return soup.find_all(["time", "abbr"]) + [
        tag
        for tag in soup.find_all(["span", "div", "p", "meta"])
        if v["_date_itemprops"].search((tag.get("itemprop") or "") + " " + (tag.get("property") or ""))
        or (tag.name == "span" and v["_date_span_classes"].search(" ".join(tag.get("class", []))))
    ]


def read_visible_dates(soup: BeautifulSoup, container: Tag, fields: Fields) -> None:
    """'Publié le …' lines and ``<time>``/itemprop publication markup, once sidebars, footers and menus
    are removed (destructive: the boilerplate blocks are removed from ``soup``)."""
    v = vocabulary()
    r = rules()
    for el in select(soup, r.boilerplate_selectors):
        if el is not container and not el.decomposed and not any(p is el for p in container.parents):
            el.decompose()
    for tag in _date_markup(soup):
        label = " ".join(tag.get("class", [])) + " " + (tag.get("itemprop") or "") + " " + (tag.get("property") or "")
        if v["_event_markup"].search(label) or any(
            v["_event_markup"].search(" ".join(p.get("class", []))) for p in tag.parents if p.name != "[document]"
        ):
            continue
        value = parse_metadata_date(
            tag.get("datetime") or tag.get("content") or tag.get("title") or tag.get_text(" ", strip=True)
        )
        if value and v["_published_markup"].search(label):
            fields.set("published", value, f"html:{tag.name}.published", tag.get_text(" ", strip=True))
        elif value and v["_modified_markup"].search(label):
            fields.set("modified", value, f"html:{tag.name}.updated", tag.get_text(" ", strip=True))
    for string in soup.find_all(string=r.date_phrase):
        block = string.find_parent(v["line_blocks"])
        line = normalise_line(block.get_text(" ", strip=True)) if block else normalise_line(str(string))
        if len(line) > settings.section("clean").visible_line_chars:
            continue
        if (m := r.published_line.search(view(line))) and (value := parse_metadata_date(m.group("date"))):
            fields.set("published", value, "html:visible-published-line", line)
        if (m := r.modified_line.search(view(line))) and (value := parse_metadata_date(m.group("date"))):
            fields.set("modified", value, "html:visible-modified-line", line)
