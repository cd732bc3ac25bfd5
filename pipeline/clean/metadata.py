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

from bs4 import BeautifulSoup, Comment, Tag

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
    meta["_url_date"] = re.compile(meta["url_date"])
    meta["_title_meta"] = re.compile("|".join(re.escape(name) for name in meta["title_meta"]), re.I)
    meta["_site_h1_header_id"] = re.compile(meta["site_h1_header_id"])
    return meta


class MetaTags:
    """Every ``<meta>`` of a page read once: (property|name|itemprop, value) -> content of the first such
    tag; names compared case-insensitively."""

    def __init__(self, soup: BeautifulSoup):
        self._content: dict[tuple[str, str], str] = {}
        for tag in soup.find_all("meta"):
            for attr in ("property", "name", "itemprop"):
                if isinstance(value := tag.get(attr), str):
                    self._content.setdefault((attr, value.lower()), tag.get("content", ""))

    def get(self, *names: str) -> tuple[str | None, str | None]:
        """(content, name) of the first name with a non-empty content: its property first, then its name."""
        for name in names:
            content = self._content.get(("property", name.lower()))
            if content is None:
                content = self._content.get(("name", name.lower()))
            if content is None:
                content = self._content.get(("itemprop", name.lower()))
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


def read_page_dates(soup: BeautifulSoup, container: Tag, url: str | None, fields: Fields) -> None:
    """The weaker signs of a publication date, each its own candidate (``document.assemble`` weighs
    them): the first ``<time datetime>`` of the article, a date in the page's address, and a date line
    right under the article's title."""
    v = vocabulary()
    for tag in container.find_all("time"):
        label = " ".join(tag.get("class", [])) + " " + (tag.get("itemprop") or "")
        if v["_event_markup"].search(label) or any(
            v["_event_markup"].search(" ".join(p.get("class", []))) for p in tag.parents if p.name != "[document]"
        ):
            continue
        shown = tag.get_text(" ", strip=True)
        if _has_time_of_day(shown) or _has_time_of_day(tag.get("datetime") or "", iso=True):
            continue  # "13 novembre 2015, à partir de 9h": an event's schedule, not a publication
        if value := parse_metadata_date(tag.get("datetime") or shown):
            fields.set("time_published", value, "html:time", shown or tag.get("datetime"))
            break
    if url and (m := v["_url_date"].search(url)):
        year, month, day = (
            (m.group("y"), m.group("m"), m.group("d"))
            if m.group("y")
            else (m.group("y2"), m.group("m2"), m.group("d2"))
        )
        fields.set("url_published", parse_metadata_date(f"{year}-{month}-{day}"), "url-date", url)
    heading = soup.find("h1")
    if heading is not None:
        for sibling in heading.find_all_next(string=True, limit=8):
            line = normalise_line(str(sibling))
            if not line or sibling.find_parent("h1") is heading:
                continue
            if isinstance(sibling.parent, Tag) and _in_event_markup(sibling.parent):
                break  # the event's date under its title, not the page's
            if len(line) <= v["date_line_chars"] and (value := date_line(line)):
                fields.set("line_published", value, "html:date-line-under-title", line)
            break


def _has_time_of_day(text: str, iso: bool = False) -> bool:
    """'14h00', '9h', '14:30' in a shown date; in an ISO datetime, a time other than midnight."""
    if iso:
        return bool(re.search(r"T(?!00:00)\d\d:\d\d", text))
    return bool(re.search(r"\b\d{1,2}\s*(?:h|H)\s*\d{0,2}\b|\b\d{1,2}:\d\d\b", text))


def date_line(line: str) -> str | None:
    """The date of a line that is a date and nothing else ("12/09/2024", "23.05.2011", "Mardi 2 mars 2021");
    a line with a time of day is an event's schedule ("17 novembre 2025 @ 14h00"), not a publication."""
    from ..temporal import find_expressions
    from ..temporal import vocabulary as calendar

    seen = view(line)
    found = [f for f in find_expressions(seen) if f.complete and f.d2 and f.m2 and f.d1 is None]
    if len(found) != 1 or _has_time_of_day(seen):
        return None
    rest = (seen[: found[0].start] + seen[found[0].end :]).lower()
    words = set(calendar()["weekdays"]) | {"le", "par", "publié", "publiée"}
    if any(len(word) >= 4 and word not in words for word in re.findall(r"[^\W\d_]+", rest)):
        return None
    return parse_metadata_date(f"{found[0].y2:04d}-{found[0].m2:02d}-{found[0].d2:02d}")


def _in_event_markup(tag: Tag) -> bool:
    pattern = vocabulary()["_event_markup"]
    for node in (tag, *tag.parents):
        if getattr(node, "name", None) in (None, "[document]"):
            continue
        if pattern.search(" ".join(node.get("class", [])) + " " + (node.get("id") or "")):
            return True
    return False


def _written_figures(day: str) -> list[str]:
    """The ways a page writes ``day`` (YYYY-MM-DD) in figures; every one holds the year's last two digits."""
    y, m, d = day.split("-")
    return [
        day,
        f"{y}/{m}/{d}",
        f"{d}/{m}/{y}",
        f"{d}.{m}.{y}",
        f"{int(d)}.{int(m)}.{y}",
        f"{d}-{m}-{y}",
        f"{int(d)}/{int(m)}/{y}",
        f"{d}.{m}.{y[2:]}",
        f"{d}/{m}/{y[2:]}",
    ]


@lru_cache(maxsize=256)
def _written_patterns(day: str) -> tuple[re.Pattern, ...]:
    """The ways a page writes ``day`` with any separator, or its month in words (compiled once per day,
    and only for a page with a string holding its year)."""
    y, m, d = day.split("-")
    words = [  # in figures with any separator a page puts between them: "26 | 01 | 2022", "2022 - 01 - 26"
        re.compile(rf"(?<!\d)0?{int(d)}\s*([./|-])\s*0?{int(m)}\s*\1\s*(?:{y}|{y[2:]})(?!\d)"),
        re.compile(rf"(?<!\d){y}\s*([./|-])\s*0?{int(m)}\s*\1\s*0?{int(d)}(?!\d)"),
    ]
    for name in vocabulary()["witness_months"][m]:
        month = re.escape(name)
        words.append(re.compile(rf"\b0?{int(d)}(?:er|st|nd|rd|th|\.)?\s+(?:de\s+)?{month}\.?,?\s+(?:de\s+)?{y}", re.I))
        words.append(re.compile(rf"\b{month}\.?\s+0?{int(d)}(?:st|nd|rd|th)?,?\s+{y}", re.I))
    return tuple(words)


def stated_in_data(day: str, soup: BeautifulSoup) -> bool:
    """True when a page's data, in a script or an RDF comment, gives ``day`` under a publication key:
    ``{"publishedDate": "2016-11-04T20:37:27Z"}``, ``dc:date="2020-07-12"``. Read before the boilerplate
    blocks are removed: a review's header holds its data script."""
    published_key = re.compile(
        rf"""(?i)["']?(?:(?:date)?published(?:date|_at|_time)?|dc:date|dcterms:created)["']?\s*[:=]\s*["']{re.escape(day)}"""
    )
    return any(
        (isinstance(string, Comment) or getattr(string.parent, "name", None) == "script")
        and published_key.search(str(string))
        for string in soup.find_all(string=True)
    )


def stated_outside_prose(day: str, soup: BeautifulSoup, url: str | None) -> bool:
    """True when the page states ``day`` where publication dates stand: its address, a date attribute, or
    a short text (a byline, a date element) outside sidebars and events' markup; a schedule with a time
    of day is an event's unless it says it is a publication."""
    v = vocabulary()
    figures, year = _written_figures(day), day[2:4]
    if url and any(f in url for f in [*figures, day.replace("-", "")]):
        return True
    modified = rules().modified_line
    for tag in soup.find_all(True):
        if tag.name in ("title", "h1") or _in_event_markup(tag):
            continue  # a date in the title is the subject's (an event's), not the publication's
        names = " ".join(str(tag.get(k, "")) for k in ("name", "property", "itemprop"))
        if v["_modified_markup"].search(names) or v["_title_meta"].search(names):
            continue
        attributes = [
            value for key, value in tag.attrs.items() if key in v["witness_attributes"] and isinstance(value, str)
        ]
        if any(f in value for value in attributes for f in figures):
            return True
    for string in soup.find_all(string=True):
        parent = string.parent
        if parent is None or parent.name in ("script", "style", "title", "h1") or parent.find_parent("h1"):
            continue
        if year not in string:
            continue  # every written form of the day holds its year
        text = " ".join(str(string).split())
        if not 4 <= len(text) <= v["witness_chars"] or modified.search(view(text)):
            continue
        if not (any(f in text for f in figures) or any(w.search(text) for w in _written_patterns(day))):
            continue
        if _in_event_markup(parent):
            continue
        schedule = re.search(v["witness_schedule"], text)  # "14h00", "de 9h à 17h", "@ 14h": an event's
        if not schedule or re.search(v["witness_publication"], text):
            return True
    return False


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
            # a <meta> in the body says it to machines only: a weaker sign than a date shown to the reader
            key = "markup_published" if tag.name == "meta" else "published"
            fields.set(key, value, f"html:{tag.name}.published", tag.get_text(" ", strip=True) or tag.get("content"))
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
