"""Load: raw bytes on disk -> ``LoadedPage`` (decoded text, format, sha256, crawler sidecar).

Inputs: the page files below a folder (``data/inputs.toml``: .html, .htm, .xhtml, .txt), never the
output folder, hidden files, sidecars nor a site's robots.txt; every other file is counted as ignored.

Decoding follows the order browsers use: a byte-order mark (UTF-8, UTF-16, UTF-32) before anything
else, then the charset the crawler's HTTP headers declared, then the page's own ``<meta charset>``; when
the declared one fails (or there is none), charset-normalizer decides. Bytes that are valid UTF-8 with
non-ASCII characters are taken as UTF-8 even when a page declares otherwise, since a wrong declaration
is far more common than valid-looking UTF-8 by chance. Control characters (NUL included) are removed
from the text, with a warning. A sidecar's values are checked: an ``url`` that is not http(s) or a
``fetched_at`` that is not an ISO date is dropped with a warning. Empty, binary, oversized and non-page
files raise the errors of ``pipeline.errors``. A file name that is not UTF-8 is written with
backslash escapes in every output (``display_path``).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import charset_normalizer

from . import resources, settings
from .errors import BinaryPage, EmptyPage, NotAPage, PageTooLarge
from .models import LoadedPage, SidecarMeta
from .urls import is_web_url

LOGGER = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
# Legacy code pages preferred when charset-normalizer rates several alike (French sites used these).
PREFERRED_LEGACY = ("cp1252", "iso8859_15", "latin_1")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w:.-]+)", re.I)
_HTML_START = re.compile(
    r"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*(<!doctype\s+html|<html))", re.I | re.S
)
_HTML_TAGS = re.compile(r"</?(html|head|body|div|p|article|section|span|a|table|ul|li|h[1-6])\b[^>]*>", re.I)
_CLOSING_HTML = re.compile(r"</(html|body)\s*>", re.I)
# Markup that only an HTML page has, wherever it starts (PHP warnings may come before the doctype).
_HTML_DOCUMENT = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)


# Characters removed from a text: C0 controls but tab, line feed and carriage return; DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOMS = (  # UTF-32 first: its little-endian mark starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@lru_cache(maxsize=1)
def _inputs() -> dict:
    data = dict(resources.toml("inputs.toml"))
    data["_signatures"] = {key.encode("latin-1"): what for key, what in data["binary_signatures"].items()}
    return data


def display_path(rel: str) -> str:
    """A relative path as the outputs write it: a file name that is not UTF-8 keeps its bytes as
    backslash escapes ('caf\\xe9.html'), so every output can be written and read back."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass
class Inputs:
    """The page files below a folder, sorted, and how many other files were left aside."""

    pages: list[Path] = field(default_factory=list)
    ignored: int = 0


def is_page_file(path: Path) -> bool:
    """A page file by its name: a page ending (.html, .txt…), not a sidecar nor a site's robots.txt."""
    name = path.name.lower()
    data = _inputs()
    return name.endswith(tuple(data["page_suffixes"])) and name not in data["not_page_names"]


def scan_inputs(raw_dir: Path, exclude: Path | None = None) -> Inputs:
    """The page files below ``raw_dir`` (hidden files and folders, and the ``exclude`` folder, the
    output, never); other files are counted as ignored."""
    found = Inputs()
    skip = exclude.resolve() if exclude is not None else None
    for folder, dirs, files in os.walk(raw_dir):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or (here / d).resolve() != skip))
        for name in files:
            path = here / name
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX) or not path.is_file():
                continue
            if is_page_file(path):
                found.pages.append(path)
            else:
                found.ignored += 1
    found.pages.sort(key=lambda p: p.relative_to(raw_dir).as_posix())
    return found


def iter_pages(raw_dir: Path, exclude: Path | None = None) -> list[Path]:
    """The page files below ``raw_dir``, sorted (see ``scan_inputs``)."""
    return scan_inputs(raw_dir, exclude).pages


def sidecar_path(path: Path) -> Path:
    """``foo.html`` -> ``foo.meta.json`` (the crawler's notes about the page)."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def _iso_time(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def read_sidecar(path: Path) -> tuple[SidecarMeta | None, list[str]]:
    """The sidecar beside ``path``, if any; a broken sidecar, or a value in it that cannot be right, is a
    warning, not a failure."""
    meta_path = sidecar_path(path)
    if not meta_path.is_file():
        return None, []
    name = display_path(meta_path.name)
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        raw_headers = data.get("headers") or {}
        if not isinstance(raw_headers, dict):
            raise TypeError("headers is not an object")
        headers = {str(k).lower(): str(v) for k, v in raw_headers.items()}
    except (OSError, ValueError, TypeError) as exc:
        return None, [f"sidecar {name} ignored: not valid JSON metadata ({exc})"]
    warnings = []
    url, fetched_at = data.get("url"), data.get("fetched_at")
    if url is not None and not is_web_url(url):
        warnings.append(f"sidecar {name}: url {str(url)[:80]!r} is not an http(s) address: ignored")
        url = None
    if fetched_at is not None and not _iso_time(fetched_at):
        warnings.append(f"sidecar {name}: fetched_at {str(fetched_at)[:40]!r} is not an ISO date: ignored")
        fetched_at = None
    return SidecarMeta(url=url, fetched_at=fetched_at, headers=headers), warnings


def _codec(name: str | bytes | None) -> str | None:
    """A Python codec name for a declared charset; latin-1 is read as windows-1252, as browsers do."""
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if codec in ("latin_1", "iso8859-1", "ascii") else codec


def declared_charset(data: bytes, sidecar: SidecarMeta | None) -> tuple[str | None, str | None]:
    """(codec, where it was declared) from the HTTP header, then the page's meta or XML declaration."""
    ctype = sidecar.headers.get("content-type") if sidecar else None
    if ctype and (m := _HEADER_CHARSET.search(ctype)) and (codec := _codec(m.group(1))):
        return codec, "http-header"
    head = data[: settings.section("load").head_bytes]
    for pattern, where in ((_META_CHARSET, "meta-charset"), (_XML_ENCODING, "xml-declaration")):
        if (m := pattern.search(head)) and (codec := _codec(m.group(1))):
            return codec, where
    return None, None


def _is_binary(data: bytes) -> str | None:
    for magic, what in _inputs()["_signatures"].items():
        if data.startswith(magic):
            return what
    cfg = settings.section("load")
    sample = data[: cfg.binary_sample_bytes]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)  # NUL included
    if controls > len(sample) * cfg.binary_control_share:
        return "binary data (control characters)" if sample.count(0) * 2 < controls else "binary data (NUL bytes)"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for text saved in UTF-16 without its mark (every other byte NUL)."""
    sample = data[: settings.section("load").binary_sample_bytes]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.9 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.9 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _bom(data: bytes) -> tuple[str, int] | None:
    """(codec, length of the mark) of a byte-order mark that opens ``data``."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def decode(data: bytes, sidecar: SidecarMeta | None = None) -> tuple[str, str, list[str]]:
    """Bytes -> (text, codec, warnings)."""
    if found := _bom(data):
        codec, size = found
        return data[size:].decode(codec, errors="replace"), codec, []
    if codec := _utf16_without_bom(data):
        return data.decode(codec, errors="replace"), codec, [f"page read as {codec} (no byte-order mark)"]
    warnings: list[str] = []
    declared, where = declared_charset(data, sidecar)
    try:
        as_utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    if as_utf8 is not None and (declared in (None, "utf-8") or not as_utf8.isascii()):
        if declared not in (None, "utf-8"):
            warnings.append(f"page declares {declared} ({where}) but its bytes are UTF-8: read as UTF-8")
        return as_utf8, "utf-8", warnings
    if declared:
        try:
            return data.decode(declared), declared, warnings
        except (UnicodeDecodeError, LookupError):
            warnings.append(f"page declares {declared} ({where}) but does not decode with it")
    matches = list(charset_normalizer.from_bytes(data))
    best = matches[0] if matches else None
    # Ties are common between Western code pages; French pages of that era are windows-1252.
    for match in matches:
        if best is not None and match.encoding in PREFERRED_LEGACY and match.chaos <= best.chaos:
            best = match
            break
    if best is None:
        warnings.append("encoding unknown: decoded as windows-1252 with replacement characters")
        return data.decode("cp1252", errors="replace"), "cp1252", warnings
    codec = _codec(best.encoding) or best.encoding
    warnings.append(f"encoding detected as {codec} by charset-normalizer")
    return str(best), codec, warnings


def detect_format(text: str) -> str:
    """'html' or 'text' (a dump of a page); raise ``NotAPage`` for JSON, feeds, scripts and the like."""
    head = text[: settings.section("load").head_bytes]
    stripped = head.lstrip()
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(head)) >= 3:
        return "html"
    if _HTML_DOCUMENT.search(text, 0, settings.section("load").truncated_tail_bytes):
        return "html"
    if stripped.startswith(("{", "[")):
        try:
            json.loads(text)
            raise NotAPage("file is JSON data, not a web page")
        except ValueError:
            pass
    if stripped.startswith("<?xml") or re.match(r"<(rss|feed|urlset|sitemapindex)\b", stripped):
        raise NotAPage("file is an XML document (feed or sitemap), not a web page")
    letters = sum(ch.isalpha() for ch in head)
    if letters < 0.5 * len(stripped) and re.search(r"[{};]\s*$", stripped, re.M):
        raise NotAPage("file looks like code or a style sheet, not a web page")
    return "text"


def load_page(path: Path, raw_dir: Path, max_bytes: int | None = None) -> LoadedPage:
    """Read and decode one page. Raises a ``PageError`` subclass for a file that is not a usable page."""
    rel = display_path(path.relative_to(raw_dir).as_posix())
    max_bytes = max_bytes or settings.section("load").max_bytes
    size = path.stat().st_size
    if size > max_bytes:
        raise PageTooLarge(
            f"page is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; "
            "raise --max-bytes to process it anyway"
        )
    data = path.read_bytes()
    if not data.strip():
        raise EmptyPage("file is empty" if not data else "file holds only white space")
    if not _bom(data) and not _utf16_without_bom(data) and (what := _is_binary(data)):
        raise BinaryPage(f"file is {what}, not a web page")
    sidecar, warnings = read_sidecar(path)
    text, codec, decode_warnings = decode(data, sidecar)
    warnings += decode_warnings
    if controls := len(_CONTROLS.findall(text)):
        text = _CONTROLS.sub("", text)
        warnings.append(f"{controls} control characters removed from the text")
    if not text.strip():
        raise EmptyPage("file holds no text once decoded")
    page_format = detect_format(text)
    if page_format == "html" and not _CLOSING_HTML.search(text[-settings.section("load").truncated_tail_bytes :]):
        warnings.append("page looks truncated: no closing </body> or </html>")
    return LoadedPage(
        path=rel,
        format=page_format,
        text=text,
        encoding=codec,
        sha256=hashlib.sha256(data).hexdigest(),
        sidecar=sidecar,
        warnings=warnings,
    )
