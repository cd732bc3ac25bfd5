"""Text dumps: a page saved as text (a CMS print view, a markdown export, ``lynx -dump``) -> ``Document``.

Each line is tried against the line rules of ``data/textdump.toml`` in order; the first that matches
decides what the line is, and the handler of that name below takes it (a title line, a lead label, a
link note, the source URL, a publication line, a category line, an image file name, a credit…). A line
that no rule takes is article text once its markdown links are read. A dump-end line ("Dans la même
rubrique", "Mentions légales") ends the article. Text-browser dumps are unwrapped first, their link
references kept as links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .. import resources, settings
from ..errors import NoContent
from ..models import Document, Image, Link, LoadedPage
from ..temporal import bare_date, parse_metadata_date
from ..text import fold, normalise, normalise_line, squash, view
from ..urls import site_of
from .document import Fields, assemble, credit_of, is_kept_line, rules, title_from_slug


@dataclass(frozen=True)
class DumpRules:
    line_rules: tuple[tuple[str, re.Pattern], ...]
    markdown_link: re.Pattern
    lynx_reference: re.Pattern
    lynx_marker: re.Pattern
    lynx_headings: frozenset[str]
    lynx_menu_item: re.Pattern
    lynx: dict
    list_item: re.Pattern
    sentence_end: re.Pattern


@lru_cache(maxsize=1)
def dump_rules() -> DumpRules:
    data = resources.toml("textdump.toml")
    r = rules()
    built = {
        "published-line": r.published_line,
        "image-file": r.image_file,
        "attachment": r.attachment,
        "credit": r.credit,
    }
    line_rules = []
    for entry in data["line_rules"]:
        pattern = re.compile(entry["pattern"]) if "pattern" in entry else built[entry["rule"]]
        line_rules.append((entry["rule"], pattern))
    return DumpRules(
        line_rules=tuple(line_rules),
        markdown_link=re.compile(data["markdown"]["link"]),
        lynx_reference=re.compile(data["lynx"]["reference"]),
        lynx_marker=re.compile(data["lynx"]["marker"]),
        lynx_headings=frozenset(data["lynx"]["reference_headings"]),
        lynx_menu_item=re.compile(data["lynx"]["menu_item"]),
        lynx=data["lynx"],
        list_item=re.compile(data["unwrap"]["list_item"]),
        sentence_end=re.compile(data["unwrap"]["sentence_end"]),
    )


def _lynx(lines: list[str]) -> tuple[list[str], list[Link], str | None]:
    """A text-browser dump ("lynx -dump": "[12]Accueil" link markers, a numbered list of references at
    the end, body indented, headings not): references become links, markers and menus go, the first
    heading is returned as the title."""
    d = dump_rules()
    if not any(d.lynx_reference.match(line) for line in lines) or not any(d.lynx_marker.search(line) for line in lines):
        return lines, [], None
    links = [Link(url=m.group("url")) for line in lines if (m := d.lynx_reference.match(line))]
    kept, heading = [], None
    for line in lines:
        if d.lynx_reference.match(line) or line.strip() in d.lynx_headings or line.lstrip().startswith("#["):
            continue
        if d.list_item.match(line) and d.lynx_menu_item.match(line) and len(line.split()) <= d.lynx["menu_item_words"]:
            continue  # a menu entry: a list item that is only a link
        clean = d.lynx_marker.sub("", line)
        for marker in d.lynx["images"]:
            clean = clean.replace(marker, "")
        if (
            heading is None
            and clean.strip()
            and not clean.startswith(" ")
            and len(clean.split()) >= d.lynx["heading_words"]
        ):
            heading = clean.strip()
            continue
        kept.append(clean)
    return kept, links, heading


def _unwrap(lines: list[str]) -> list[str]:
    """Join the lines a dump wrapped inside a paragraph; list items, labels and short lines stay apart."""
    d = dump_rules()
    wrapped = settings.section("clean").wrapped_line_chars
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        previous = out[-1] if out else ""
        if (
            stripped
            and previous.strip()
            and len(previous.strip()) >= wrapped
            and not d.sentence_end.search(previous)
            and not d.list_item.match(line)
        ):
            out[-1] = previous.rstrip() + " " + stripped
        else:
            out.append(line)
    return out


@dataclass
class _Reader:
    """What reading a dump's lines has collected so far."""

    fields: Fields = field(default_factory=Fields)
    body: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    lead: str | None = None
    expect_lead: bool = False
    in_links: bool = False
    body_at: int = -1  # the index of the line last added to the body

    # --- the line rules' handlers: True when the line is taken (it is not text) --------------------

    def title_line(self, m: re.Match, line: str, index: int) -> bool:
        if index >= settings.section("clean").dump_title_lines or "title" in self.fields.values:
            return False
        self.body.clear()  # what stood above the title ("Publié sur IREV (https://irev.fr)") is the print header
        self.fields.set("title", _group(m, line, "title").strip(), "text:title-line", line)
        self.fields.set("url", m.group("url"), "text:title-line", line)
        return True

    def lead_label(self, m: re.Match, line: str, index: int) -> bool:
        self.expect_lead = True
        return True

    def links_label(self, m: re.Match, line: str, index: int) -> bool:
        self.in_links = True
        return True

    def note_link(self, m: re.Match, line: str, index: int) -> bool:
        self.links.append(Link(url=m.group("url"), text=None))
        return True

    def source_line(self, m: re.Match, line: str, index: int) -> bool:
        if not site_of(self.fields.values.get("url")):  # an absolute URL beats the title line's relative one
            self.fields.values.pop("url", None)
        self.fields.set("url", m.group("url"), "text:source-line", line)
        if m.group("label") and (mm := rules().modified_line.search(m.group("label"))):
            self.fields.set("modified", parse_metadata_date(mm.group("date")), "text:source-line", line)
        return True

    def published_line(self, m: re.Match, line: str, index: int) -> bool:
        self.fields.set("published", parse_metadata_date(m.group("date")), "text:published-line", line)
        return True

    def dates_line(self, m: re.Match, line: str, index: int) -> bool:
        return True  # the CMS date field repeats the article's date ("Publié le" says it); not text

    def category_line(self, m: re.Match, line: str, index: int) -> bool:
        value = _group(m, line, "value")
        self.categories += [normalise_line(mm.group("text")) for mm in dump_rules().markdown_link.finditer(value)] or [
            value
        ]
        return True

    def image_file(self, m: re.Match, line: str, index: int) -> bool:
        self.images.append(Image(src=line))
        return True

    def attachment(self, m: re.Match, line: str, index: int) -> bool:
        return True

    def credit(self, m: re.Match, line: str, index: int) -> bool:
        credit = credit_of(line)[1] or line
        if self.images and self.images[-1].credit is None:
            self.images[-1] = self.images[-1].model_copy(update={"credit": credit})
        elif self.body and self.body_at >= index - 2 and _caption(self.body[-1]):
            self.body.pop()  # "Personnes autour d'une table" / "© 16 prod": an image's caption, then its credit
        return True

    # --- text ----------------------------------------------------------------------------------------

    def text_line(self, line: str) -> None:
        """A line no rule took: its markdown links are links, its words are text."""
        link = dump_rules().markdown_link
        md_links = list(link.finditer(line))
        for m in md_links:
            if m.group("url") and not m.group("url").startswith("#"):
                self.links.append(Link(url=m.group("url"), text=normalise_line(m.group("text").replace("\\", ""))))
        if self.in_links and md_links:
            return
        line = link.sub(lambda m: m.group("text").replace("\\", ""), line).strip()
        if not is_kept_line(line):
            return
        if self.expect_lead:
            self.lead, self.expect_lead = line, False
        self.body.append(line)


_HANDLERS: dict[str, Callable[[_Reader, re.Match, str, int], bool]] = {
    name.replace("_", "-"): getattr(_Reader, name)
    for name in (
        "title_line",
        "lead_label",
        "links_label",
        "note_link",
        "source_line",
        "published_line",
        "dates_line",
        "category_line",
        "image_file",
        "attachment",
        "credit",
    )
}


def _caption(line: str) -> bool:
    """A short line with no sentence end and no date: what a caption above a credit looks like."""
    d = resources.toml("textdump.toml")["caption"]
    return len(line.split()) <= d["max_words"] and not dump_rules().sentence_end.search(line) and not _date_line(line)


def _group(m: re.Match, line: str, name: str) -> str:
    """A group of a rule's match on the line's ``view``, in the line's own characters."""
    return line[m.start(name) : m.end(name)]


def _rule_match(rule: str, pattern: re.Pattern, line: str) -> re.Match | None:
    if rule in ("image-file", "attachment"):
        return pattern.fullmatch(line)
    return pattern.match(line)


@lru_cache(maxsize=1)
def _title_rules() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    data = resources.toml("textdump.toml")["title"]
    labels = "|".join(re.escape(label) for label in sorted(data["glued_labels"], key=len, reverse=True))
    front = "|".join(re.escape(label) for label in sorted(data["glued_front_labels"], key=len, reverse=True))
    return (
        re.compile(rf"(?<=[^\s])(?:{labels})\s*$|^(?:{front})(?=[A-ZÉÈÀÂÎÔÇ«\d])"),
        re.compile(data["slug_id"]),
        re.compile(data["breadcrumb_separator"]),
    )


def _date_line(line: str) -> bool:
    """A publication or update line ("Publié le mercredi 05 juin 2019"): the page's date, never its title."""
    return bool(rules().date_phrase.match(line.lstrip()))


def _without_post_navigation(body: list[str]) -> list[str]:
    """A blog's links to its previous and next posts above the article: two or more pairs of a short
    title line and a line that is only a date ("Une journée volubile" / "11 novembre 2017"), then the
    article's first paragraph. They are other posts, not this page's text."""
    lines = [(i, ln) for i, ln in enumerate(body) if ln.strip()]
    pairs = 0
    while 2 * pairs + 1 < len(lines):
        title, day = lines[2 * pairs][1], lines[2 * pairs + 1][1]
        if len(title) > settings.section("clean").dump_heading_chars or bare_date(title) or not bare_date(day):
            break
        pairs += 1
    after = lines[2 * pairs][1] if 2 * pairs < len(lines) else ""
    if pairs >= 2 and len(after) >= settings.section("clean").post_navigation_paragraph_chars:
        return body[lines[2 * pairs][0] :]
    return body


def slug_words(url: str | None) -> list[str]:
    """The words of a URL's last path segment, percent-decoded and folded, ids left out; [] when the
    address has no words (``node/123456``, ``?p=1234``, ``page/127``)."""
    from .. import urls

    segment = rules().slug_extensions.sub("", urls.slug_segment(url))
    _, slug_id, _ = _title_rules()
    words = [w for w in re.split(r"[-_+.,\s]+", fold(segment)) if w]
    words = [w for w in words if not slug_id.match(w)]
    if len(words) == 1 and (len(words[0]) < 4 or words[0] in ("index", "default", "accueil", "home")):
        return []
    return words


def _title_text(line: str) -> str:
    """A title line without the category label its template glued to it, nor a leading bullet."""
    glued, _, _ = _title_rules()
    line = re.sub(r"^\s*[-*•–]\s*", "", line).strip()
    return glued.sub("", line).strip() or line


def find_dump_title(lines: list[str], url: str | None) -> tuple[int, str, str] | None:
    """(line index, title, rule) of a dump without a title line: the line its URL slug spells, accents
    and punctuation its own (or the last step of a breadcrumb trail that spells it); else the first
    short line before the first paragraph; None rather than a guess (the slug itself is never a title)."""
    cfg = settings.section("clean")
    candidates = [
        (i, line) for i, line in enumerate(lines) if line.strip() and is_kept_line(line) and not _date_line(line)
    ]
    candidates = candidates[: cfg.dump_title_search_lines]
    words = slug_words(url)
    if words:
        slug = "".join(words)
        best = None
        for i, line in candidates:
            crumbs = _title_rules()[2].split(line)
            # "Accueil / Votre mairie / Réunions de quartier 2023": a trail's last step is the page's
            # (the whole trail never is: "Accueil > Archives > Le titre" is not the title)
            for text, in_trail in [(crumbs[-1], True)] if len(crumbs) >= 3 else [(line, False)]:
                squashed = squash(_title_text(text))
                if not squashed or len(squashed) > 1.5 * len(slug) + 20:
                    continue  # a paragraph that happens to hold the slug's words
                covered = sum(len(w) for w in words if w in squashed) / len(slug)
                if covered < cfg.slug_title_coverage:
                    continue
                # a breadcrumb item is not the heading
                rank = (covered, not in_trail, not dump_rules().list_item.match(line))
                if best is None or rank > best[0]:
                    best = (rank, i, text)
        if best:
            return best[1], _title_text(best[2]), "text:slug-line"
    # an address whose words no line spells: only a line that reads as a title, not a section's heading
    fewest = cfg.dump_title_min_words_unspelled if words else 2
    for i, line in candidates:
        text = _title_text(line)
        if len(text) > cfg.dump_heading_chars or re.search(r"[.,;:]$", text) or len(text.split()) < fewest:
            return None  # the text starts with a paragraph: the excerpt holds no title
        if text[:1].isupper() or text[:1].isdigit() or text[:1] in '«"“#':
            return i, text, "text:first-short-line"
        return None
    return None


def clean_text_dump(page: LoadedPage) -> tuple[Document, list[str]]:
    """The ``Document`` of a text dump and the warnings reading it raised."""
    d = dump_rules()
    raw_lines, links, heading = _lynx(page.text.replace("\r\n", "\n").split("\n"))
    reader = _Reader(links=links)
    if heading:
        reader.fields.set("title", normalise_line(heading), "text:heading-line", heading)
    hard_wrapped = max(map(len, raw_lines), default=0) <= settings.section("clean").hard_wrap_chars
    lines = normalise("\n".join(_unwrap(raw_lines) if hard_wrapped else raw_lines)).split("\n")
    title_at = None
    if not heading and not any(
        _rule_match("title-line", p, view(ln))
        for r, p in d.line_rules
        if r == "title-line"
        for ln in lines[: settings.section("clean").dump_title_lines]
    ):
        url = page.sidecar.url if page.sidecar else None
        if found := find_dump_title(lines, url):
            title_at, title, rule = found
            reader.fields.set("title", normalise_line(title), rule, lines[title_at])
    date_under_title = None
    for index, line in enumerate(lines):
        if (
            title_at is not None
            and index <= title_at
            and (
                index == title_at
                or len(line.split()) <= settings.section("clean").dump_header_words
                or len(_title_rules()[2].split(line)) >= 3  # a breadcrumb trail, however long
            )
            and (index == title_at or not _date_line(line))  # a publication line above is still read
        ):
            continue  # the title, and the breadcrumb and kickers above it
        if title_at is not None and squash(_title_text(line)) == squash(reader.fields.values["title"]):
            continue  # the title repeated under the page's heading
        if reader.body and fold(line.rstrip(" :|")).startswith(rules().dump_end_lines):
            break  # related links, share buttons, footer: the article is over
        if not reader.body and date_under_title is None and line.strip() and (day := bare_date(line)):
            date_under_title = (day, line)
        seen = view(line)  # matched on the view, read in the line's own characters
        for rule, pattern in d.line_rules:
            if (m := _rule_match(rule, pattern, seen)) and _HANDLERS[rule](reader, m, line, index):
                break
        else:
            before = len(reader.body)
            reader.text_line(line)
            if len(reader.body) > before:
                reader.body_at = index
    if date_under_title and "published" not in reader.fields.values:
        # a date alone on the first line under the title is the page's date, when no line says "Publié le"
        # (it stays in the text: with no other day stated, it is also the day of the event the page reports)
        reader.fields.set("published", date_under_title[0], "text:date-under-title", date_under_title[1])
    text = "\n".join(_without_post_navigation(reader.body))
    if not text.strip():
        raise NoContent("the text dump holds no main text once labels, file names and links are removed")
    fields = reader.fields
    url = fields.values.get("url") or (page.sidecar.url if page.sidecar else None)
    if url and "url" not in fields.values:
        fields.set("url", url, "sidecar:url")
    fields.set("site", site_of(fields.values.get("url")), "url-host")
    stated_url = fields.evidence.get("url") is not None and fields.evidence["url"].rule.startswith("text:")
    if "title" not in fields.values and stated_url and (slug_title := title_from_slug(fields.values["url"])):
        # a print view states its own address and drops the title line: its slug is the best evidence
        fields.set("title", slug_title, "url-slug")
        fields.warnings.append("no title line in the text dump: title derived from the URL slug it states")
    elif "title" not in fields.values:
        fields.warnings.append("no title in the text dump (no title line, none that its address spells): title is null")
    document = assemble(fields, text, reader.lead, reader.images, reader.links, reader.categories, None)
    return document, fields.warnings
