"""Clean: ``LoadedPage`` -> ``Document`` (main text, metadata, images, links) with evidence for each field.

HTML pages: trafilatura gives the main text, title and categories (``maintext``); beautifulsoup4 reads
what trafilatura drops or cannot be trusted for (``metadata``): the canonical URL, JSON-LD and meta tags,
the visible "Publié le …" line, images with their captions and credits, and the article's links.
Text dumps (a CMS print view saved as text, like the seeds) are read by their own line rules
(``textdump``). Both end in ``document.assemble``.

The publication date is only taken from the article itself or from page-level metadata that the article
does not contradict; dates in sidebars, footers and copyright lines are never read. When in doubt the
date is null and the record says why in ``warnings``. Cleaning links no organisation: the publishing
centre is recognised by the entities stage.
"""

from __future__ import annotations

import warnings
from datetime import date

import trafilatura
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from .. import settings
from ..errors import NoContent
from ..models import Document, LoadedPage
from ..temporal import parse_metadata_date
from ..text import fold, normalise, normalise_line
from ..urls import is_web_url
from . import maintext, metadata
from .document import Fields, assemble, image_dates, is_kept_line, rules, title_from_slug
from .selectors import select
from .textdump import clean_text_dump

__all__ = ["clean", "clean_html", "clean_text_dump", "image_dates", "title_from_slug"]


def clean_html(page: LoadedPage) -> tuple[Document, list[str]]:
    """The ``Document`` of an HTML page and the warnings cleaning raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # XHTML pages are HTML to us
        soup = BeautifulSoup(page.text, "lxml")
    fields = Fields()
    meta = metadata.read_metadata(soup, page.sidecar.url if page.sidecar else None, fields)
    base_url = fields.values.get("url")
    html_lang = soup.html.get("lang") if soup.html else None

    extracted = trafilatura.bare_extraction(
        page.text,
        url=base_url if is_web_url(base_url) else None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        date_extraction_params={"original_date": True, "extensive_search": True, "max_date": date.today().isoformat()},
    )
    raw_text = extracted.text if extracted is not None else ""
    if not raw_text or not raw_text.strip():
        raise NoContent("no main text found in the page (empty article, or a page rendered by JavaScript)")
    metadata.read_title(soup, meta, fields, extracted.title)
    container, raw_text, rule, block = maintext.main_text(soup, raw_text)
    fields.set("text", "container" if block else "trafilatura", rule, block)  # the evidence of the main text
    images = maintext.images(container, base_url)
    links = maintext.links(container, base_url)
    lead_tag = next(iter(select(soup, rules().lead_selectors)), None)
    lead = _lead_text(lead_tag) if lead_tag else None
    if lead and fold(lead)[: settings.section("clean").lead_probe_chars] not in fold(raw_text):
        raw_text = lead + "\n" + raw_text  # the chapô sits outside the body block on Drupal sites
    categories = [normalise_line(c) for c in (extracted.categories or []) if c.strip()]
    metadata.read_page_dates(soup, container, base_url, fields)
    guess = parse_metadata_date(extracted.date)  # htmldate's answer, kept when the page itself states it
    in_data = bool(guess) and metadata.stated_in_data(guess, soup)
    metadata.read_visible_dates(soup, container, fields)  # destructive: removes the boilerplate blocks from soup
    if guess and (in_data or metadata.stated_outside_prose(guess, soup, base_url)):
        fields.set("htmldate_published", guess, "htmldate+stated", extracted.date)

    captions = {fold(i.caption) for i in images if i.caption} | {
        fold(f"{i.caption} – © {i.credit}") for i in images if i.caption
    }
    lines = [ln for ln in normalise(raw_text).split("\n") if is_kept_line(ln) and fold(ln) not in captions]
    if lines and fields.values.get("title") and _repeats_title(lines[0], fields.values["title"]):
        lines = lines[1:]  # the title repeated as the first line of the body
    document = assemble(fields, "\n".join(lines), lead, images, links, categories, html_lang)
    return document, fields.warnings


def _repeats_title(line: str, title: str) -> bool:
    """The first line is the title again, maybe with the site's trail: "Titre | Rubrique | DW | 23.05.2021"."""
    line, title = fold(line), fold(title)
    if line == title:
        return True
    rest = line.removeprefix(title)
    return (
        rest != line
        and rest.lstrip().startswith(("|", "-", "–"))
        and len(rest) <= settings.section("clean").title_trail_chars
    )


def _lead_text(tag) -> str | None:
    """The chapô's text without its field label ("Chapo" in a Drupal ``field__label``)."""
    parts = [
        text
        for text in tag.find_all(string=True)
        if not any("label" in " ".join(p.get("class", [])) for p in text.parents if p is not tag and p.name)
    ]
    lead = normalise_line(" ".join(part.strip() for part in parts if part.strip()))
    return lead or None


def clean(page: LoadedPage) -> tuple[Document, list[str]]:
    """The page's ``Document`` and the warnings cleaning raised. Raises ``NoContent`` for a page with no text."""
    if page.format == "html":
        return clean_html(page)
    return clean_text_dump(page)
