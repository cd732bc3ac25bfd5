"""Document: the fields the HTML and text-dump readers collect, the line filters they share, and the
``Document`` assembled from them (publication date checked against the article's own images, lead,
language, evidence for every field)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import resources, settings, urls
from ..language import detect_language
from ..models import Document, Evidence, Image, Link
from ..text import alternation, fold, view
from .selectors import Selector


@dataclass(frozen=True)
class BoilerplateRules:
    """The patterns of ``data/boilerplate.toml`` and ``data/metadata.toml``, compiled once."""

    field_labels: frozenset[str]
    dump_end_lines: tuple[str, ...]
    footer_markers: tuple[str, ...]
    drop_line: re.Pattern
    credit: re.Pattern
    caption_credit: re.Pattern
    image_file: re.Pattern
    attachment: re.Pattern
    inline_credit: re.Pattern
    boilerplate_selectors: tuple[Selector, ...]
    inside_article_selectors: tuple[Selector, ...]
    content_selectors: tuple[Selector, ...]
    listing_item_selectors: tuple[Selector, ...]
    lead_selectors: tuple[Selector, ...]
    skip_image: re.Pattern
    share_link_parent: re.Pattern
    figure_class: re.Pattern
    caption_class: re.Pattern
    credit_class: re.Pattern
    published_line: re.Pattern
    modified_line: re.Pattern
    date_phrase: re.Pattern
    image_date: re.Pattern
    slug_extensions: re.Pattern


def _phrase_line(phrases: list[str], meta: dict) -> re.Pattern:
    """'Publié le 2 mars 2021' -> the date part, for the phrases of ``metadata.toml``."""
    low, high = meta["phrase_date_chars"]
    return re.compile(rf"\b(?:{alternation(phrases)}){meta['date_link']}(?P<date>.{{{low},{high}}})", re.I)


@lru_cache(maxsize=1)
def rules() -> BoilerplateRules:
    data = resources.toml("boilerplate.toml")
    meta = resources.toml("metadata.toml")
    phrases = meta["published_phrases"] + meta["modified_phrases"]
    marker = data["credit_marker"]
    # a publication or modification line is never text: "Publié le 12 juin", "Mis à jour : 02/03/2021"
    dated_phrase = rf"(?:{alternation(phrases)}){meta['date_link']}\d"
    return BoilerplateRules(
        field_labels=frozenset(fold(label) for label in [*data["field_labels"], *data["navigation_lines"]]),
        dump_end_lines=tuple(fold(line) for line in data["dump_end_lines"]),
        footer_markers=tuple(fold(marker) for marker in data["footer_markers"]),
        drop_line=resources.regex([*data["drop_line_patterns"], dated_phrase], re.I),
        credit=re.compile(data["credit_pattern"].replace("{marker}", marker), re.I),
        caption_credit=re.compile(data["caption_credit_pattern"].replace("{marker}", marker), re.I),
        image_file=re.compile(data["image_file_pattern"], re.I),
        attachment=re.compile(data["attachment_pattern"], re.I),
        inline_credit=re.compile(data["inline_credit_pattern"].replace("{marker}", marker), re.I),
        boilerplate_selectors=tuple(map(Selector, data["boilerplate_selectors"])),
        inside_article_selectors=tuple(map(Selector, data["inside_article_selectors"])),
        content_selectors=tuple(map(Selector, data["content_selectors"])),
        listing_item_selectors=tuple(map(Selector, data["listing_item_selectors"])),
        lead_selectors=tuple(map(Selector, data["lead_selectors"])),
        skip_image=re.compile(data["skip_image_pattern"], re.I),
        share_link_parent=re.compile(data["share_link_parent"]),
        figure_class=re.compile(data["figure_class"]),
        caption_class=re.compile(data["caption_class"]),
        credit_class=re.compile(data["credit_class"]),
        published_line=_phrase_line(meta["published_phrases"], meta),
        modified_line=_phrase_line(meta["modified_phrases"], meta),
        date_phrase=re.compile(alternation(phrases), re.I),
        image_date=re.compile(meta["image_date"]),
        slug_extensions=re.compile(meta["slug_extensions"]),
    )


@dataclass
class Fields:
    """Metadata candidates collected before the document is assembled; the first value set wins."""

    values: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def set(self, name: str, value: str | None, rule: str, text: str | None = None) -> None:
        if value and name not in self.values:
            self.values[name] = value
            self.evidence[name] = Evidence(rule=rule, text=text)


# --- shared helpers ------------------------------------------------------------------------------


def title_from_slug(url: str) -> str | None:
    """The last path segment of a URL as a sentence: 'regroupement-national-des-crpv' ->
    'Regroupement national des crpv'."""
    slug = rules().slug_extensions.sub("", urls.slug_segment(url))  # "r%C3%A9union" -> "réunion"
    if not slug or slug.isdigit():
        return None
    words = re.sub(r"[-_]+", " ", slug).strip()
    return words[:1].upper() + words[1:] if words else None


_BULLET = re.compile(r"^[-*•–]\s*")


def is_kept_line(line: str) -> bool:
    """False for the lines that are never main text: field labels, credits, file names, print footers."""
    r = rules()
    stripped = view(line).strip()
    if not stripped:
        return False
    if fold(_BULLET.sub("", stripped).rstrip(" :")) in r.field_labels:
        return False  # a field label, or a navigation line ("• Accueil", "Précédent", "Favoris")
    if (
        r.image_file.fullmatch(stripped)
        or r.attachment.fullmatch(stripped)
        or r.credit.match(stripped)
        or r.drop_line.match(stripped)
    ):
        return False
    return not (len(stripped) <= settings.section("clean").max_caption_chars and r.inline_credit.search(stripped))


def credit_of(text: str) -> tuple[str, str | None]:
    """Split a caption into (caption, credit): 'Barcamp des CRPV – © Résovilles' ->
    ('Barcamp des CRPV', 'Résovilles')."""
    m = rules().caption_credit.search(text)
    if not m:
        return text, None
    caption = text[: m.start()].strip(" –—-") or None
    return caption or "", m.group(1).strip() or None


def image_dates(images: list[Image]) -> list[str]:
    """YYYY-MM of the article's images from upload paths (/uploads/2019/07/) or camera names (img_20190625)."""
    found = []
    for image in images:
        for m in rules().image_date.finditer(image.src):
            year, month = (m.group("y"), m.group("m")) if m.group("y") else (m.group("y2"), m.group("m2"))
            found.append(f"{year}-{month}")
    return sorted(found)


def _contradiction(published: str, images: list[Image]) -> str | None:
    """Why a metadata publication date cannot be the article's: every dated image of the article was
    put online after it (one image from then or before, and the later ones are teasers or updates)."""
    months = image_dates(images)
    if months and all(ym > published[:7] for ym in months):
        return f"every image of the article dates from after it ({months[0]} to {months[-1]})"
    return None


def _first_paragraph(text: str) -> str | None:
    for line in text.split("\n"):
        if len(line) >= settings.section("clean").first_paragraph_chars:
            return line
    return None


# --- assembly ------------------------------------------------------------------------------------


def assemble(
    fields: Fields,
    text: str,
    lead: str | None,
    images: list[Image],
    links: list[Link],
    categories: list[str],
    html_lang: str | None,
) -> Document:
    """The ``Document`` of the fields collected, with the publication date, lead and language decided."""
    v = fields.values
    published, published_rule = v.get("published"), fields.evidence.get("published")
    # the page's own statement first, then what its metadata, its markup, its address and the line under
    # its title say, each unless the article's own images are more recent
    for key in (
        "htmldate_published",
        "meta_published",
        "markup_published",
        "time_published",
        "url_published",
        "line_published",
    ):
        if published is not None or not (candidate := v.get(key)):
            continue
        if reason := _contradiction(candidate, images):
            fields.warnings.append(
                f"publication date {candidate} from {fields.evidence[key].rule} ignored: "
                f"the article contradicts it ({reason})"
            )
        else:
            published, published_rule = candidate, fields.evidence[key]
    if published_rule is not None and published_rule.rule == "htmldate+stated":
        # htmldate's day, when the page's metadata or markup says it too, cites the page's own statement
        for key in ("meta_published", "markup_published", "time_published", "url_published", "line_published"):
            if v.get(key) == published:
                published_rule = fields.evidence[key]
                break
    if published is None:
        fields.warnings.append("no publication date stated by the article: published is null")
    modified = v.get("modified") or v.get("meta_modified")
    evidence = {
        k: e
        for k, e in fields.evidence.items()
        if k in ("title", "url", "site", "author", "modified", "publisher", "text")
    }
    if published_rule is not None and published:
        evidence["published"] = published_rule
    if modified and "modified" not in evidence and "meta_modified" in fields.evidence:
        evidence["modified"] = fields.evidence["meta_modified"]
    publisher = v.get("publisher")
    if not publisher and v.get("site_name"):
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
        author=v.get("author"),
        categories=list(dict.fromkeys(categories)),
        language=language,
        text=text,
        images=images,
        links=links,
        evidence=evidence,
    )
