"""Clean: ``LoadedPage`` -> ``Document`` (main text, metadata, images, links) with evidence for each field.

HTML pages: trafilatura gives the main text, title and categories; beautifulsoup4 reads what trafilatura
drops or cannot be trusted for: the canonical URL, JSON-LD and meta tags, the visible "Publié le …"
line, images with their captions and credits, and the links of the article. Text dumps (a CMS print view
saved as text, like the seeds) are parsed by their own rules: "Title (</path>)" first line, "Chapo" and
"Liens" labels, markdown links, "[1] <url>" notes, image file names, "DR …" credits, "Publié le …",
"Dates: …" and "URL de la source (modifié le …): <url>" lines.

The publication date is only taken from the article itself or from page-level metadata that the article
does not contradict; dates in sidebars, footers and copyright lines are never read. When in doubt the
date is null and the record says why in ``warnings``.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urljoin, urlsplit

import trafilatura
from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning

from . import dates
from .errors import NoContent
from .gazetteer import load_gazetteer
from .language import detect_language
from .models import Document, Evidence, Image, Link, LoadedPage
from .text import fold, normalise, normalise_line

LOGGER = logging.getLogger(__name__)


_SIMPLE_SELECTOR = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?P<rest>(?:[.#][\w-]+|\[[\w-]+(?:[*^$]?=[^\]]+)?\])*)$")
_SELECTOR_PART = re.compile(r"([.#])([\w-]+)|\[([\w-]+)(?:([*^$]?=)([^\]]+))?\]")


class Selector:
    """A compound CSS selector of the simple kinds the rules use (``tag``, ``.class``, ``#id``,
    ``[attr]``, ``[attr=v]``, ``[attr*=v]`` and their combinations), matched in one pass over a tree.
    Much faster than soupsieve for the dozens of selectors applied to every page."""

    def __init__(self, selector: str):
        m = _SIMPLE_SELECTOR.match(selector.strip())
        if not m:
            raise ValueError(f"unsupported selector {selector!r} in boilerplate.toml (use tag, .class, #id, [attr*=v])")
        self.text = selector
        self.tag = m.group("tag")
        self.classes, self.ids, self.attrs = [], [], []
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
        for name, op, value in self.attrs:
            have = tag.get(name)
            if have is None:
                return False
            have = " ".join(have) if isinstance(have, list) else have
            if (op == "=" and have != value) or (op == "*=" and value not in have) or (op == "^=" and not have.startswith(value)) or (op == "$=" and not have.endswith(value)):
                return False
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


@dataclass(frozen=True)
class BoilerplateRules:
    """The patterns of ``data/boilerplate.toml``, compiled once."""

    field_labels: frozenset[str]
    dump_end_lines: tuple[str, ...]
    drop_line: re.Pattern
    credit: re.Pattern
    image_file: re.Pattern
    attachment: re.Pattern
    inline_credit: re.Pattern
    boilerplate_selectors: tuple[Selector, ...]
    inside_article_selectors: tuple[Selector, ...]
    content_selectors: tuple[Selector, ...]
    listing_item_selectors: tuple[Selector, ...]
    lead_selectors: tuple[Selector, ...]
    skip_image: re.Pattern


@lru_cache(maxsize=1)
def rules() -> BoilerplateRules:
    data = tomllib.loads(resources.files("pipeline.data").joinpath("boilerplate.toml").read_text("utf-8"))
    return BoilerplateRules(
        field_labels=frozenset(fold(label) for label in data["field_labels"]),
        dump_end_lines=tuple(fold(line) for line in data["dump_end_lines"]),
        drop_line=re.compile("|".join(f"(?:{p})" for p in data["drop_line_patterns"]), re.I),
        credit=re.compile(data["credit_pattern"], re.I),
        image_file=re.compile(data["image_file_pattern"], re.I),
        attachment=re.compile(data["attachment_pattern"], re.I),
        inline_credit=re.compile(data["inline_credit_pattern"], re.I),
        boilerplate_selectors=tuple(map(Selector, data["boilerplate_selectors"])),
        inside_article_selectors=tuple(map(Selector, data["inside_article_selectors"])),
        content_selectors=tuple(map(Selector, data["content_selectors"])),
        listing_item_selectors=tuple(map(Selector, data["listing_item_selectors"])),
        lead_selectors=tuple(map(Selector, data["lead_selectors"])),
        skip_image=re.compile(data["skip_image_pattern"], re.I),
    )


# Container choice: lines of trafilatura's text this long are paragraphs; a block must hold this share
# of them to be the article; a block with this much text is a fallback when none does.
MIN_PARAGRAPH_CHARS = 40
MIN_COVERAGE = 0.6
MIN_CONTAINER_CHARS = 400
# Shorter lines of a sidebar are not compared with the text (a "Lire la suite" may stand in both).
MIN_NOISE_LINE_CHARS = 25
# Items side by side that make a page a listing.
MIN_LISTING_ITEMS = 3
MAX_LISTING_WRAPPER_CHILDREN = 3
# The block's text replaces trafilatura's only when it is at least this long relative to it.
MIN_CONTAINER_SHARE = 0.8
# A short line that ends with a photo credit is a caption, not text.
MAX_CAPTION_CHARS = 200


@dataclass
class _Fields:
    """Metadata candidates collected before the document is assembled."""

    values: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def set(self, name: str, value: str | None, rule: str, text: str | None = None) -> None:
        if value and name not in self.values:
            self.values[name] = value
            self.evidence[name] = Evidence(rule=rule, text=text)


# --- shared helpers ------------------------------------------------------------------------------


def site_of(url: str | None) -> str | None:
    """'https://www.irev.fr/x' -> 'irev.fr'; None for a relative URL."""
    if not url:
        return None
    host = urlsplit(url).hostname
    if not host:
        return None
    return host.removeprefix("www.")


def title_from_slug(url: str) -> str | None:
    """The last path segment of a URL as a sentence: 'regroupement-national-des-crpv' -> 'Regroupement national des crpv'."""
    path = urlsplit(url).path.rstrip("/")
    slug = path.rsplit("/", 1)[-1]
    slug = re.sub(r"\.(html?|php|aspx?)$", "", slug)
    if not slug or slug.isdigit():
        return None
    words = re.sub(r"[-_]+", " ", slug).strip()
    return words[:1].upper() + words[1:] if words else None


def _strip_site_suffix(title: str, site_names: list[str]) -> str:
    """'Titre - RésO Villes' -> 'Titre' when the last segment is the site's name."""
    folded_names = {fold(n) for n in site_names if n}
    for sep in (" - ", " | ", " – ", " — ", " :: "):
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if fold(tail) in folded_names or len(tail) <= 30 and not folded_names:
                return head.strip()
    return title


def _is_kept_line(line: str) -> bool:
    """False for the lines that are never main text: field labels, credits, file names, print footers."""
    r = rules()
    stripped = line.strip()
    if not stripped:
        return False
    if fold(stripped.rstrip(" :")) in r.field_labels:
        return False
    if r.image_file.fullmatch(stripped) or r.attachment.fullmatch(stripped) or r.credit.match(stripped) or r.drop_line.match(stripped):
        return False
    if len(stripped) <= MAX_CAPTION_CHARS and r.inline_credit.search(stripped):
        return False
    return True


def _credit_of(text: str) -> tuple[str, str | None]:
    """Split a caption into (caption, credit): 'Barcamp des CRPV – © Résovilles' -> ('Barcamp des CRPV', 'Résovilles')."""
    m = re.search(r"\s*[–—-]?\s*(?:©|\(c\)|crédits?\s*(?:photos?)?\s*:|photos?\s*:|\bDR\b)\s*(.+)$", text, re.I)
    if not m:
        return text, None
    caption = text[: m.start()].strip(" –—-") or None
    return caption or "", m.group(1).strip() or None


# --- published / modified ------------------------------------------------------------------------


_PUBLISHED_LINE = re.compile(
    r"\b(?:publié|mis en ligne|posté|date de publication)(?:\s+le)?\s*:?\s*(?P<date>.{6,40})", re.I
)
_MODIFIED_LINE = re.compile(r"\b(?:modifié|mis à jour|mise à jour|dernière mise à jour)(?:\s+le)?\s*:?\s*(?P<date>.{6,40})", re.I)
_UPLOAD_DATE = re.compile(r"/(?:uploads|files|images?)/(?P<y>(?:19|20)\d\d)/(?P<m>0[1-9]|1[0-2])/|(?:img|IMG|photo|DSC)[_-]?(?P<y2>20\d\d)(?P<m2>0[1-9]|1[0-2])(?P<d2>[0-3]\d)")


def image_dates(images: list[Image]) -> list[str]:
    """YYYY-MM of the article's images from upload paths (/uploads/2019/07/) or camera names (img_20190625)."""
    found = []
    for image in images:
        for m in _UPLOAD_DATE.finditer(image.src):
            year, month = (m.group("y"), m.group("m")) if m.group("y") else (m.group("y2"), m.group("m2"))
            found.append(f"{year}-{month}")
    return sorted(found)


def _contradiction(published: str, images: list[Image]) -> str | None:
    """Why a metadata publication date cannot be the article's, if the article's own images say so."""
    later = [ym for ym in image_dates(images) if ym > published[:7]]
    if later:
        return f"an image of the article dates from {later[-1]}"
    return None


# --- HTML ----------------------------------------------------------------------------------------


def _json_ld(soup: BeautifulSoup) -> list[dict]:
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


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag and tag.get("content", "").strip():
            return tag["content"].strip()
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def _listing(soup: BeautifulSoup, text: str) -> Tag | None:
    """The block holding three or more dated listing items side by side (an agenda page), if any, and
    only when it holds the start of trafilatura's text (a list of related articles beside an article
    is not the page)."""
    probes = [_squash(line)[:40] for line in text.split("\n") if len(line) >= MIN_NOISE_LINE_CHARS][:3]
    boilerplate = {id(el) for el in select(soup, rules().boilerplate_selectors)}
    candidates = select_each(soup, rules().listing_item_selectors)
    for selector in rules().listing_item_selectors:
        items = [
            item for item in candidates[selector.text]
            if item.parent is not None and not any(id(a) in boilerplate for a in item.parents)
            and dates.find_expressions(item.get_text(" ", strip=True))
        ]
        for depth in (1, 2):  # items side by side, or each in a row of its own ("…__event-row")
            by_parent: dict[int, list[Tag]] = {}
            for item in items:
                ancestor = item.parent if depth == 1 else item.parent.parent
                if ancestor is not None:
                    by_parent.setdefault(id(ancestor), []).append(item)
            siblings = max(by_parent.values(), key=len, default=[])
            if len(siblings) >= MIN_LISTING_ITEMS:
                parent = siblings[0].parent if depth == 1 else siblings[0].parent.parent
                # a views/listing wrapper holding the listing and its header: read the header too
                wrapper = parent.parent
                if wrapper is not None and len(wrapper.find_all(recursive=False)) <= MAX_LISTING_WRAPPER_CHILDREN:
                    parent = wrapper
                block = _squash(parent.get_text(" ", strip=True))
                if any(probe in block for probe in probes):
                    return parent
    return None


def _main_container(soup: BeautifulSoup, text: str) -> tuple[Tag | None, bool]:
    """The block that holds the article: a listing's parent; else the first content selector matching
    one block that covers most of trafilatura's paragraphs; else the first specific one that holds real
    text (trafilatura fails on table layouts). The flag says whether the block covers trafilatura's text."""
    if (listing := _listing(soup, text)) is not None:
        return listing, False
    paragraphs = [_squash(line)[:50] for line in text.split("\n") if len(line) >= MIN_PARAGRAPH_CHARS]
    fallback = None
    candidates = select_each(soup, rules().content_selectors)
    for selector in rules().content_selectors:
        tags = candidates[selector.text]
        outer = [t for t in tags if not any(o is not t and t in o.descendants for o in tags)]
        for tag in outer:
            block_text = _squash(tag.get_text(" ", strip=True))
            if fallback is None and selector.text != "article" and len(outer) == 1 and len(block_text) >= MIN_CONTAINER_CHARS:
                fallback = tag
            if paragraphs and sum(p in block_text for p in paragraphs) >= MIN_COVERAGE * len(paragraphs):
                return tag, True
    return fallback, False


def _without_boilerplate_lines(soup: BeautifulSoup, text: str) -> str:
    """trafilatura's text less the lines that stand in the page's sidebars, menus and footers (it keeps
    them on table and column layouts)."""
    noise = set()
    for block in select(soup, rules().boilerplate_selectors):
        for line in block.get_text("\n", strip=True).split("\n"):
            if len(line) >= MIN_NOISE_LINE_CHARS:
                noise.add(_squash(line))
    if not noise:
        return text
    return "\n".join(line for line in normalise(text).split("\n") if _squash(line) not in noise)


_BLOCKS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "td", "th", "tr",
           "div", "section", "article", "header", "ul", "ol", "dl", "table", "figure", "address"]


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


def _images(container: Tag, base_url: str | None) -> list[Image]:
    r = rules()
    images: list[Image] = []
    seen: set[str] = set()
    for img in container.find_all("img"):
        src = (img.get("src") or img.get("data-src") or "").strip()
        if not src or src.startswith("data:") or r.skip_image.search(src) or src in seen:
            continue
        seen.add(src)
        figure = img.find_parent(["figure"]) or img.find_parent(class_=re.compile(r"wp-caption|image|media"))
        caption_tag = figure.find(["figcaption"]) or figure.find(class_=re.compile(r"caption|legende")) if figure else None
        caption = normalise_line(caption_tag.get_text(" ", strip=True)) if caption_tag else None
        credit_tag = figure.find(class_=re.compile(r"credit|copyright|author")) if figure else None
        credit = normalise_line(credit_tag.get_text(" ", strip=True)) if credit_tag else None
        if caption:
            caption, caption_credit = _credit_of(caption)
            credit = credit or caption_credit
            caption = caption or None
        if credit:
            credit = _credit_of(credit)[1] or credit
        images.append(
            Image(
                src=urljoin(base_url, src) if base_url else src,
                alt=normalise_line(img.get("alt", "")) or None,
                caption=caption,
                credit=credit,
            )
        )
    return images


def _links(container: Tag, base_url: str | None) -> list[Link]:
    links: list[Link] = []
    seen: set[str] = set()
    for a in container.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("#", "javascript:")) or a.find_parent(class_=re.compile(r"share|social|sharedaddy")):
            continue
        url = urljoin(base_url, href) if base_url else href
        if url in seen:
            continue
        seen.add(url)
        links.append(Link(url=url, text=normalise_line(a.get_text(" ", strip=True)) or None))
    return links


def _title(soup: BeautifulSoup, fields: _Fields, extracted_title: str | None) -> None:
    site_names = [fields.values.get("site_name", ""), fields.values.get("site", "")]
    for h1 in soup.find_all("h1"):
        classes = " ".join(h1.get("class", []))
        if "site" in classes or h1.find_parent(["header"], id=re.compile("masthead|header")) or h1.find("img"):
            continue
        text = normalise_line(h1.get_text(" ", strip=True))
        if len(text) >= 3:
            fields.set("title", text, "html:h1")
            return
    og = _meta(soup, "og:title", "twitter:title")
    if og:
        fields.set("title", _strip_site_suffix(normalise_line(og), site_names), "meta:og:title")
    elif extracted_title:
        fields.set("title", _strip_site_suffix(normalise_line(extracted_title), site_names), "trafilatura:title")
    elif soup.title and soup.title.string:
        fields.set("title", _strip_site_suffix(normalise_line(soup.title.string), site_names), "html:title")


_EVENT_MARKUP = re.compile(r"dtstart|dtend|event|start-date|end-date|schedule", re.I)
_BLOCK_TAGS = ["p", "div", "li", "dd", "span", "header", "footer", "section", "td"]


def _visible_dates(soup: BeautifulSoup, container: Tag, fields: _Fields) -> None:
    """'Publié le …' lines and <time>/<abbr> publication markup in the page, once sidebars, footers and
    menus are removed; an event's own date markup (dtstart, event schedules) is not a publication date."""
    for el in select(soup, rules().boilerplate_selectors):
        if el is not container and container not in el.descendants and not el.decomposed:
            el.decompose()
    marked = soup.find_all(["time", "abbr"]) + [
        tag for tag in soup.find_all(["span", "div", "p", "meta"])
        if re.search(r"datePublished|dc:date|dc:created|dateModified|dc:modified", (tag.get("itemprop") or "") + " " + (tag.get("property") or ""))
        or (tag.name == "span" and re.search(r"\b(?:published|date-published|entry-date)\b", " ".join(tag.get("class", []))))
    ]
    for tag in marked:
        label = " ".join(tag.get("class", [])) + " " + (tag.get("itemprop") or "") + " " + (tag.get("property") or "")
        if _EVENT_MARKUP.search(label) or any(_EVENT_MARKUP.search(" ".join(p.get("class", []))) for p in tag.parents if p.name != "[document]"):
            continue
        value = dates.parse_metadata_date(
            tag.get("datetime") or tag.get("content") or tag.get("title") or tag.get_text(" ", strip=True)
        )
        if value and re.search(r"publi|entry-date|date-published|datePublished|dc:date|dc:created", label, re.I):
            fields.set("published", value, f"html:{tag.name}.published", tag.get_text(" ", strip=True))
        elif value and re.search(r"modif|updated", label, re.I):
            fields.set("modified", value, f"html:{tag.name}.updated", tag.get_text(" ", strip=True))
    for string in soup.find_all(string=re.compile(r"publié|mis en ligne|posté|modifié|mis à jour|mise à jour", re.I)):
        block = string.find_parent(_BLOCK_TAGS)
        line = normalise_line(block.get_text(" ", strip=True)) if block else normalise_line(str(string))
        if len(line) > 160:
            continue
        if (m := _PUBLISHED_LINE.search(line)) and (value := dates.parse_metadata_date(m.group("date"))):
            fields.set("published", value, "html:visible-published-line", line)
        if (m := _MODIFIED_LINE.search(line)) and (value := dates.parse_metadata_date(m.group("date"))):
            fields.set("modified", value, "html:visible-modified-line", line)


def clean_html(page: LoadedPage) -> tuple[Document, list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # XHTML pages are HTML to us
        soup = BeautifulSoup(page.text, "lxml")
    fields = _Fields()
    ld = _json_ld(soup)
    canonical = soup.find("link", rel="canonical")
    fields.set("url", canonical.get("href") if canonical else None, "html:link-canonical")
    fields.set("url", _meta(soup, "og:url"), "meta:og:url")
    fields.set("url", page.sidecar.url if page.sidecar else None, "sidecar:url")
    base_url = fields.values.get("url")
    fields.set("site", site_of(base_url), "url-host")
    fields.set("site_name", _meta(soup, "og:site_name"), "meta:og:site_name")
    for item in ld:
        kind = str(item.get("@type", ""))
        if kind in ("WebSite", "Organization", "BreadcrumbList"):
            continue
        publisher = item.get("publisher")
        if isinstance(publisher, dict):
            fields.set("publisher", publisher.get("name"), "json-ld:publisher")
        author = item.get("author")
        if isinstance(author, list) and author:
            author = author[0]
        if isinstance(author, dict):
            fields.set("author", author.get("name"), "json-ld:author")
        fields.set("meta_published", dates.parse_metadata_date(item.get("datePublished")), "json-ld:datePublished", item.get("datePublished"))
        fields.set("meta_modified", dates.parse_metadata_date(item.get("dateModified")), "json-ld:dateModified", item.get("dateModified"))
    for name in ("article:published_time", "datePublished", "DC.date", "dcterms.created", "pubdate"):
        raw = _meta(soup, name)
        fields.set("meta_published", dates.parse_metadata_date(raw), f"meta:{name}", raw)
    raw = _meta(soup, "article:modified_time", "dcterms.modified")
    fields.set("meta_modified", dates.parse_metadata_date(raw), "meta:article:modified_time", raw)
    fields.set("author", _meta(soup, "author", "article:author"), "meta:author")
    html_lang = soup.html.get("lang") if soup.html else None

    extracted = trafilatura.bare_extraction(
        page.text,
        url=base_url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )
    raw_text = extracted.text if extracted is not None else ""
    if not raw_text or not raw_text.strip():
        raise NoContent("no main text found in the page (empty article, or a page rendered by JavaScript)")
    _title(soup, fields, extracted.title)
    container, covers = _main_container(soup, normalise(raw_text))
    block_text = _block_text(container) if container is not None else ""
    if block_text and (not covers or len(block_text) >= MIN_CONTAINER_SHARE * len(raw_text)):
        fields.set("text", "container", "html:content-block", container.name + "".join(f".{c}" for c in container.get("class", [])))
        raw_text = block_text
    else:
        fields.set("text", "trafilatura", "trafilatura:main-text")
        container = soup.body or soup
        raw_text = _without_boilerplate_lines(soup, raw_text)
    images = _images(container, base_url)
    links = _links(container, base_url)
    lead_tag = next(iter(select(soup, rules().lead_selectors)), None)
    lead = normalise_line(lead_tag.get_text(" ", strip=True)) if lead_tag else None
    if lead and fold(lead)[:60] not in fold(raw_text):
        raw_text = lead + "\n" + raw_text  # the chapô sits outside the body block on Drupal sites
    categories = [normalise_line(c) for c in (extracted.categories or []) if c.strip()]
    _visible_dates(soup, container, fields)  # destructive: removes the boilerplate blocks from soup

    captions = {fold(i.caption) for i in images if i.caption} | {fold(f"{i.caption} – © {i.credit}") for i in images if i.caption}
    lines = [ln for ln in normalise(raw_text).split("\n") if _is_kept_line(ln) and fold(ln) not in captions]
    if lines and fields.values.get("title") and fold(lines[0]) == fold(fields.values["title"]):
        lines = lines[1:]  # the title repeated as the first line of the body
    text = "\n".join(lines)
    document = _assemble(fields, text, lead, images, links, categories, html_lang)
    return document, fields.warnings


# --- text dumps ----------------------------------------------------------------------------------


# A dump's line this long that does not end a sentence was wrapped: the next line continues it.
WRAPPED_LINE_CHARS = 55
# The "Title (</path>)" line of a print-view dump is among its first lines.
DUMP_TITLE_LINES = 4
_DUMP_TITLE = re.compile(r"^(?P<title>.+?)\s*\(<(?P<url>[^>]+)>\)\s*$")
_MD_LINK = re.compile(r"\[(?P<text>(?:\\.|[^\]])*)\]\((?P<url>[^)\s]*)\)")
_NOTE_LINK = re.compile(r"^\[(?P<n>\d+)\]\s*<(?P<url>[^>]+)>\s*$")
_SOURCE_LINE = re.compile(r"^URL de la source\s*(?:\((?P<label>[^)]*)\))?\s*:\s*<?(?P<url>[^>\s]+)>?", re.I)
_DATES_LINE = re.compile(r"^Dates?\s*:\s*(?P<value>.+)$", re.I)
_CATEGORY_LINE = re.compile(
    r"^(?:Type d'actualit[ée]s?|Th[ée]matiques?(?:\(s\))?|Territoires?(?:\(s\))?|Cat[ée]gories?|Mots[- ]cl[ée]s|Tags?|Publics?(?:\(s\))?)\s*:\s*(?P<value>.+)$",
    re.I,
)


_LYNX_REFERENCE = re.compile(r"^\s*\d+\.\s+(?P<url>(?:https?|ftp|mailto|file):\S+)\s*$")
_LYNX_MARKER = re.compile(r"\[\d+\](?=\S)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s")
_SENTENCE_END = re.compile(r"[.!?:;»\")]\s*$")


def _lynx(lines: list[str]) -> tuple[list[str], list[Link], str | None]:
    """A text-browser dump ("lynx -dump": "[12]Accueil" link markers, a numbered list of references at
    the end, body indented, headings not): references become links, markers and menus go, the first
    heading is returned as the title."""
    if not any(_LYNX_REFERENCE.match(line) for line in lines) or not any(_LYNX_MARKER.search(line) for line in lines):
        return lines, [], None
    links = [Link(url=m.group("url")) for line in lines if (m := _LYNX_REFERENCE.match(line))]
    kept, heading = [], None
    for line in lines:
        if _LYNX_REFERENCE.match(line) or line.strip() in ("References", "Références") or line.lstrip().startswith("#["):
            continue
        if _LIST_ITEM.match(line) and re.match(r"^\s*[-*•]\s*\[\d+\]", line) and len(line.split()) <= 6:
            continue  # a menu entry: a list item that is only a link
        clean = _LYNX_MARKER.sub("", line).replace("[IMG]", "").replace("[img]", "")
        if heading is None and clean.strip() and not clean.startswith(" ") and len(clean.split()) >= 3:
            heading = clean.strip()
            continue
        kept.append(clean)
    return kept, links, heading


def _unwrap(lines: list[str]) -> list[str]:
    """Join the lines a dump wrapped inside a paragraph; list items, labels and short lines stay apart."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        previous = out[-1] if out else ""
        if (
            stripped and previous.strip() and len(previous.strip()) >= WRAPPED_LINE_CHARS
            and not _SENTENCE_END.search(previous) and not _LIST_ITEM.match(line)
            and (stripped[:1].islower() or stripped[:1].isdigit() or len(previous.strip()) >= WRAPPED_LINE_CHARS)
        ):
            out[-1] = previous.rstrip() + " " + stripped
        else:
            out.append(line)
    return out


def clean_text_dump(page: LoadedPage) -> tuple[Document, list[str]]:
    fields = _Fields()
    r = rules()
    raw_lines, links, heading = _lynx(page.text.replace("\r\n", "\n").split("\n"))
    text_lines = [line for line in normalise("\n".join(_unwrap(raw_lines))).split("\n")]
    if heading and "title" not in fields.values:
        fields.set("title", normalise_line(heading), "text:heading-line", heading)
    body: list[str] = []
    images: list[Image] = []
    categories: list[str] = []
    lead: str | None = None
    expect_lead = False
    in_links = False
    for index, line in enumerate(text_lines):
        if body and fold(line.rstrip(" :|")).startswith(r.dump_end_lines):
            break  # related links, share buttons, footer: the article is over
        if index < DUMP_TITLE_LINES and "title" not in fields.values and (m := _DUMP_TITLE.match(line)):
            body.clear()  # what stood above the title ("Publié sur IREV (https://irev.fr)") is the print header
            fields.set("title", m.group("title").strip(), "text:title-line", line)
            fields.set("url", m.group("url"), "text:title-line", line)
            continue
        if fold(line.rstrip(" :")) == "chapo":
            expect_lead = True
            continue
        if fold(line.rstrip(" :")) == "liens":
            in_links = True
            continue
        if m := _NOTE_LINK.match(line):
            links.append(Link(url=m.group("url"), text=None))
            continue
        if m := _SOURCE_LINE.match(line):
            if not site_of(fields.values.get("url")):  # an absolute URL beats the title line's relative one
                fields.values.pop("url", None)
            fields.set("url", m.group("url"), "text:source-line", line)
            if m.group("label") and (mm := _MODIFIED_LINE.search(m.group("label"))):
                fields.set("modified", dates.parse_metadata_date(mm.group("date")), "text:source-line", line)
            continue
        if m := _PUBLISHED_LINE.match(line):
            fields.set("published", dates.parse_metadata_date(m.group("date")), "text:published-line", line)
            continue
        if m := _DATES_LINE.match(line):
            fields.set("dates_field", m.group("value"), "text:dates-line", line)
            continue
        if m := _CATEGORY_LINE.match(line):
            categories += [normalise_line(mm.group("text")) for mm in _MD_LINK.finditer(m.group("value"))] or [m.group("value")]
            continue
        if r.image_file.fullmatch(line):
            images.append(Image(src=line))
            continue
        if r.attachment.fullmatch(line):
            continue
        if r.credit.match(line):
            credit = _credit_of(line)[1] or line
            if images and images[-1].credit is None:
                images[-1] = images[-1].model_copy(update={"credit": credit})
            continue
        md_links = list(_MD_LINK.finditer(line))
        for m in md_links:
            if m.group("url") and not m.group("url").startswith("#"):
                links.append(Link(url=m.group("url"), text=normalise_line(m.group("text").replace("\\", ""))))
        if in_links and md_links:
            continue
        line = _MD_LINK.sub(lambda m: m.group("text").replace("\\", ""), line).strip()
        if not _is_kept_line(line):
            continue
        if expect_lead:
            lead, expect_lead = line, False
        body.append(line)
    text = "\n".join(body)
    if not text.strip():
        raise NoContent("the text dump holds no main text once labels, file names and links are removed")
    url = fields.values.get("url") or (page.sidecar.url if page.sidecar else None)
    if url and "url" not in fields.values:
        fields.set("url", url, "sidecar:url")
    fields.set("site", site_of(fields.values.get("url")), "url-host")
    if "title" not in fields.values and url and (slug_title := title_from_slug(url)):
        fields.set("title", slug_title, "url-slug")
        fields.warnings.append("no title line in the text dump: title derived from the URL slug")
    document = _assemble(fields, text, lead, images, links, categories, None)
    return document, fields.warnings


# --- assembly ------------------------------------------------------------------------------------


def _organisation_of_site(site: str):
    """The gazetteer organisation whose website is ``site`` (the centre that publishes the page)."""
    for org in load_gazetteer():
        for website in filter(None, (org.website, *org.other_websites)):
            if site_of("https://" + re.sub(r"^https?://", "", website)) == site:
                return org
    return None


def _first_paragraph(text: str) -> str | None:
    for line in text.split("\n"):
        if len(line) >= 60:
            return line
    return None


def _assemble(
    fields: _Fields,
    text: str,
    lead: str | None,
    images: list[Image],
    links: list[Link],
    categories: list[str],
    html_lang: str | None,
) -> Document:
    v = fields.values
    published, published_rule = v.get("published"), fields.evidence.get("published")
    if published is None and (meta_published := v.get("meta_published")):
        if reason := _contradiction(meta_published, images):
            fields.warnings.append(
                f"publication date {meta_published} from {fields.evidence['meta_published'].rule} ignored: "
                f"the article contradicts it ({reason})"
            )
        else:
            published, published_rule = meta_published, fields.evidence["meta_published"]
    if published is None:
        fields.warnings.append("no publication date stated by the article: published is null")
    modified = v.get("modified") or v.get("meta_modified")
    evidence = {k: e for k, e in fields.evidence.items() if k in ("title", "url", "site", "author", "modified", "publisher", "text")}
    if published_rule is not None and published:
        evidence["published"] = published_rule
    if modified and "modified" not in evidence and "meta_modified" in fields.evidence:
        evidence["modified"] = fields.evidence["meta_modified"]
    publisher, publisher_id = v.get("publisher"), None
    if v.get("site") and (org := _organisation_of_site(v["site"])):
        publisher, publisher_id = org.acronym or org.name, org.id
        evidence["publisher"] = Evidence(rule="gazetteer:website", text=v["site"])
    elif not publisher and v.get("site_name"):
        publisher = v["site_name"]
        evidence["publisher"] = fields.evidence["site_name"]
    if lead is None:
        lead = _first_paragraph(text)
        if lead:
            evidence["lead"] = Evidence(rule="first-paragraph")
    else:
        evidence["lead"] = Evidence(rule="lead-block")
    language = detect_language(text) or (html_lang or "")[:2].lower() or None
    return Document(
        title=v.get("title"),
        lead=lead,
        published=published,
        modified=modified,
        url=v.get("url"),
        site=v.get("site"),
        publisher=publisher,
        publisher_id=publisher_id,
        author=v.get("author"),
        categories=list(dict.fromkeys(categories)),
        language=language,
        text=text,
        images=images,
        links=links,
        evidence=evidence,
    )


def clean(page: LoadedPage) -> tuple[Document, list[str]]:
    """The page's ``Document`` and the warnings cleaning raised. Raises ``NoContent`` for a page with no text."""
    if page.format == "html":
        return clean_html(page)
    return clean_text_dump(page)
