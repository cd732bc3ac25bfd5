"""URLs: a page's address -> its site, its canonical form and its record id; parsed defensively.

A URL on a page or in a crawler's sidecar may be anything: relative, broken (``http://[fe80::1/page``),
``javascript:``. These functions never raise on one; they return None for what they cannot read.
The canonical form keeps the query string (SPIP's ``spip.php?article612`` is a page of its own), less
the tracking parameters of ``data/urls.toml``, in a stable order.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urljoin, urlsplit

from . import resources


@lru_cache(maxsize=1)
def _tracking() -> re.Pattern:
    return re.compile(resources.toml("urls.toml")["tracking_parameters"])


def slug_segment(url: str | None) -> str:
    """The part of an address that names the page, percent-decoded: its last path segment, or, for a
    page at the site's root, a query without "=" (SPIP's "http://www.ville.gouv.fr/?centres-de-ressources")."""
    parts = split(url)
    if parts is None:
        return ""
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if not segment.strip() and parts.query and "=" not in parts.query and "&" not in parts.query:
        segment = parts.query
    return unquote(segment)


def split(url: str | None) -> SplitResult | None:
    """``urlsplit`` that returns None instead of raising on a malformed URL."""
    if not url or not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
        parts.hostname  # noqa: B018 - raises on a malformed netloc ("[fe80::1")
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    return parts


# A host name: labels of letters, digits and hyphens (an IDN's letters too), 253 characters at most.
_HOST = re.compile(r"^(?=.{1,253}$)(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)*[^\W_](?:[\w-]{0,61}[^\W_])?\.?$")


def host(url: str | None) -> str | None:
    """The host of an absolute http(s) URL, lower case; None for a relative, broken or other URL, or a
    host that is not a host name."""
    parts = split(url)
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    name = parts.hostname.rstrip(".")
    return name if _HOST.match(name) else None


def is_web_url(url: str | None) -> bool:
    """True for an absolute http(s) URL that parses."""
    return host(url) is not None


def site_of(url: str | None) -> str | None:
    """'https://www.irev.fr/x' -> 'irev.fr'; None for a relative or broken URL."""
    name = host(url)
    return name.removeprefix("www.") if name else None


def join(base: str | None, href: str) -> str:
    """``href`` made absolute against ``base``; ``href`` as it is when either cannot be parsed."""
    if not base or split(base) is None:
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def canonical_query(query: str) -> str:
    """The query string less its tracking parameters, sorted ('b=2&utm_source=x&a=1' -> 'a=1&b=2')."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _tracking().match(k)]
    return urlencode(sorted(pairs)).replace("=&", "&").removesuffix("=") if pairs else ""


def record_id(url: str | None, path: str) -> str:
    """Stable id: '<site>-<hash>' of the canonical absolute URL (scheme, www., trailing / and tracking
    parameters ignored; the rest of the query kept), else 'local-<stem>-<hash>' of the input path."""
    if (name := site_of(url)) is not None:
        parts = split(url)
        key = f"{name}{parts.path.rstrip('/') or '/'}"
        if query := canonical_query(parts.query):
            key += f"?{query}"
        return f"{name[:100]}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"
    stem = re.sub(r"[^\w.-]+", "-", PurePosixPath(path).stem).strip("-")[:40] or "page"
    return f"local-{stem}-{hashlib.sha1(path.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
