"""Load: raw bytes on disk -> ``LoadedPage`` (decoded text, format, sha256, crawler sidecar).

Decoding follows the order browsers use: a byte-order mark, then the charset the crawler's HTTP headers
declared, then the page's own ``<meta charset>``; when the declared one fails (or there is none),
charset-normalizer decides. Bytes that are valid UTF-8 with non-ASCII characters are taken as UTF-8 even
when a page declares otherwise, since a wrong declaration is far more common than valid-looking UTF-8 by
chance. Empty, binary, oversized and non-page files raise the errors of ``pipeline.errors``.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
from pathlib import Path

import charset_normalizer

from . import settings
from .errors import BinaryPage, EmptyPage, NotAPage, PageTooLarge
from .models import LoadedPage, SidecarMeta

LOGGER = logging.getLogger(__name__)

# File-type signatures of the binary files a crawler tends to save by mistake.
BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "gzip-compressed data",
    b"RIFF": "a RIFF file (WebP image or audio)",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"\x7fELF": "an executable",
}
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


def iter_pages(raw_dir: Path) -> list[Path]:
    """Every input file below ``raw_dir``, sorted: sidecars and hidden files are not pages."""
    pages = []
    for path in raw_dir.rglob("*"):
        rel = path.relative_to(raw_dir)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if path.name.endswith(SIDECAR_SUFFIX):
            continue
        pages.append(path)
    return sorted(pages, key=lambda p: p.relative_to(raw_dir).as_posix())


def sidecar_path(path: Path) -> Path:
    """``foo.html`` -> ``foo.meta.json`` (the crawler's notes about the page)."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> tuple[SidecarMeta | None, list[str]]:
    """The sidecar beside ``path``, if any; a broken sidecar is a warning, not a failure."""
    meta_path = sidecar_path(path)
    if not meta_path.is_file():
        return None, []
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
        headers = {str(k).lower(): str(v) for k, v in (data.get("headers") or {}).items()}
        return SidecarMeta(url=data.get("url"), fetched_at=data.get("fetched_at"), headers=headers), []
    except (ValueError, AttributeError, TypeError) as exc:
        return None, [f"sidecar {meta_path.name} ignored: not valid JSON metadata ({exc})"]


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
    for magic, what in BINARY_SIGNATURES.items():
        if data.startswith(magic):
            return what
    cfg = settings.section("load")
    sample = data[: cfg.binary_sample_bytes]
    if b"\x00" in sample:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls > len(sample) * cfg.binary_control_share:
        return "binary data (control characters)"
    return None


def decode(data: bytes, sidecar: SidecarMeta | None = None) -> tuple[str, str, list[str]]:
    """Bytes -> (text, codec, warnings)."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec, []
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
    rel = path.relative_to(raw_dir).as_posix()
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
    if what := _is_binary(data):
        raise BinaryPage(f"file is {what}, not a web page")
    sidecar, warnings = read_sidecar(path)
    text, codec, decode_warnings = decode(data, sidecar)
    warnings += decode_warnings
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
