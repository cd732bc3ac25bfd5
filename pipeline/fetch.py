"""Fetch: new and changed article pages of the configured sites -> ``raw/<site>/<slug>.html`` + sidecar.

Upstream of the extraction stages. For each site of ``sources.toml``: article addresses are discovered
from its feeds (trafilatura's ``feeds``), its sitemaps (trafilatura's ``sitemaps``, indexes followed) and
its listing pages (courlan's link extraction), normalised and filtered (courlan, the site's include /
exclude patterns), then downloaded politely:

- only hosts named in the sources are requested, redirects included (a redirect elsewhere is refused);
- robots.txt is obeyed (protego), and its Crawl-delay when longer than the site's ``delay``;
- one request at a time per host, ``delay`` seconds apart; timeouts; retries with a doubling backoff
  on a timeout, a reset, 429 and 5xx, honouring ``Retry-After``; bodies larger than the limit (once
  decompressed: a gzip bomb is cut off) are refused; only HTML or text is kept (no PDF, no image);
- conditional GET: each address's ETag / Last-Modified and content sha256 live in a SQLite state file
  (one transaction per page), so an unchanged page is not downloaded again (304) nor rewritten (same
  sha256); a page that answers 404/410 is marked gone, its files and its record kept.

Each page is written atomically (its ``.html``, then its ``.meta.json`` sidecar with ``url``,
``final_url``, ``fetched_at``, ``status``, headers and ``sha256``), then the state is committed: a run
killed at any moment leaves whole files, and the next run completes the work. ``fetched_at`` follows
``SOURCE_DATE_EPOCH`` when it is set (reproducible runs).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import courlan
import urllib3
from protego import Protego

from .export import write_atomic
from .load import SIDECAR_SUFFIX
from .sources import Site, Sources

LOGGER = logging.getLogger("pipeline.fetch")
STATE_NAME = ".crpv-fetch.sqlite"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
KEPT_HEADERS = ("content-type", "content-language", "etag", "last-modified")
RETRY_STATUSES = {429, 500, 502, 503, 504}
GONE_STATUSES = {404, 410}


class FetchError(Exception):
    """One address could not be fetched; the message says why (logged, counted, the run goes on)."""


class Refused(FetchError):
    """Not requested at all: a foreign host, robots.txt, a redirect loop."""


def now_iso() -> str:
    """The time of the fetch, in UTC; ``SOURCE_DATE_EPOCH`` fixes it (reproducible runs and tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def log(event: str, **fields) -> None:
    """One structured log line (``--log-json`` prints it as JSON; else failures only, as text)."""
    level = logging.WARNING if event in ("failed", "discovery-failed") else logging.INFO
    message = " ".join(f"{k}={v}" for k, v in fields.items())
    LOGGER.log(level, "%s %s", event, message, extra={"event": event, "fields": fields})


# --- state ---------------------------------------------------------------------------------------


class State:
    """What the last runs learnt of each address (SQLite, one transaction per change)."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS pages (
        url TEXT PRIMARY KEY, site TEXT NOT NULL, path TEXT, final_url TEXT, etag TEXT, last_modified TEXT,
        sha256 TEXT, status TEXT NOT NULL, http_status INTEGER, first_seen TEXT NOT NULL, checked_at TEXT,
        changed_at TEXT, error TEXT
    )"""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.row_factory = sqlite3.Row
        with self.db:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(self.SCHEMA)

    def get(self, url: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()

    def save(self, url: str, site: str, **values) -> None:
        row = self.get(url)
        moment = now_iso()
        with self.db:
            if row is None:
                self.db.execute(
                    "INSERT INTO pages (url, site, status, first_seen) VALUES (?, ?, ?, ?)",
                    (url, site, values.get("status", "new"), moment),
                )
            values = {"checked_at": moment, **values}
            assignments = ", ".join(f"{k} = ?" for k in values)
            self.db.execute(f"UPDATE pages SET {assignments} WHERE url = ?", (*values.values(), url))

    def order(self, site: str, urls: list[str]) -> list[str]:
        """``urls`` to visit: the unknown first (as discovered), then the known, least recently checked first."""
        known = {
            r["url"]: r["checked_at"] or ""
            for r in self.db.execute("SELECT url, checked_at FROM pages WHERE site = ?", (site,))
        }
        new = [u for u in urls if u not in known]
        return new + sorted((u for u in urls if u in known), key=lambda u: (known[u], u))

    def close(self) -> None:
        self.db.close()


# --- HTTP ----------------------------------------------------------------------------------------


@dataclass
class Response:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes


class Client:
    """GET with the crawler's rules: allowed hosts only (redirects checked), robots.txt, one host at a
    time with its delay, timeouts, retries with backoff and Retry-After, a body size limit."""

    def __init__(self, sources: Sources, sleep: Callable[[float], None] = time.sleep) -> None:
        self.cfg = sources.crawler
        self.allowed = sources.allowed_hosts()
        self.sleep = sleep
        self.pool = urllib3.PoolManager(
            headers={"User-Agent": self.cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=urllib3.Timeout(connect=self.cfg.connect_timeout, read=self.cfg.read_timeout),
            retries=False,
        )
        self.delays: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.robots: dict[str, Protego | None] = {}
        self.robots_errors: dict[str, str] = {}

    def set_delay(self, host: str, seconds: float) -> None:
        self.delays[host] = seconds

    def _wait_turn(self, host: str) -> None:
        robots = self.robots.get(host)
        delay = max(
            self.delays.get(host, self.cfg.default_delay), (robots and robots.crawl_delay(self.cfg.user_agent)) or 0
        )
        if host in self.last:
            gap = self.last[host] + delay - time.monotonic()
            if gap > 0:
                self.sleep(gap)
        self.last[host] = time.monotonic()

    def allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host not in self.robots:
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            try:
                answer = self._get(robots_url, {}, check_robots=False)
                if answer.status in range(400, 500):
                    self.robots[host] = Protego.parse("")  # no robots.txt: everything is allowed
                elif answer.status >= 500:
                    raise FetchError(f"HTTP {answer.status}")
                else:
                    self.robots[host] = Protego.parse(answer.body.decode("utf-8", "replace"))
            except FetchError as exc:  # robots.txt unreadable: nothing is asked of that host this run
                self.robots[host] = None
                self.robots_errors[host] = str(exc)
        robots = self.robots[host]
        if robots is None:
            raise FetchError(f"robots.txt of {host} could not be read ({self.robots_errors[host]})")
        return robots.can_fetch(url, self.cfg.user_agent)

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        return self._get(url, headers or {}, check_robots=True)

    def _get(self, url: str, headers: dict[str, str], check_robots: bool) -> Response:
        seen = [url]
        current = url
        for _ in range(self.cfg.max_redirects + 1):
            host = (urlsplit(current).hostname or "").lower()
            if host not in self.allowed:
                raise Refused(f"{host or current} is not a host of the sources")
            if check_robots and not self.allowed_by_robots(current):
                raise Refused("disallowed by robots.txt")
            status, answer_headers, body = self._attempts(current, headers)
            if status in (301, 302, 303, 307, 308) and "location" in answer_headers:
                target = urljoin(current, answer_headers["location"])
                if target in seen:
                    raise Refused(f"redirect loop ({len(seen)} addresses)")
                seen.append(target)
                current = target
                continue
            return Response(url, current, status, answer_headers, body)
        raise Refused(f"more than {self.cfg.max_redirects} redirects")

    def _attempts(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        host = (urlsplit(url).hostname or "").lower()
        wait = self.cfg.backoff
        for attempt in range(self.cfg.retries + 1):
            self._wait_turn(host)
            last = attempt == self.cfg.retries
            try:
                status, answer_headers, body = self._once(url, headers)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                reason = _network_reason(exc)
                if last or reason == "DNS failure":  # a name that does not resolve will not in a second
                    raise FetchError(reason) from None
                log("retry", url=url, reason=reason, attempt=attempt + 1)
                self.sleep(wait)
                wait *= 2
                continue
            if status not in RETRY_STATUSES or last:
                if status in RETRY_STATUSES:
                    raise FetchError(f"HTTP {status} after {attempt + 1} attempts")
                return status, answer_headers, body
            pause = _retry_after(answer_headers.get("retry-after"), wait)
            if pause > self.cfg.max_retry_after:
                raise FetchError(f"HTTP {status}, Retry-After {pause:.0f} s is longer than the crawler waits")
            log("retry", url=url, reason=f"HTTP {status}", attempt=attempt + 1, wait=round(pause, 1))
            self.sleep(pause)
            wait *= 2
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        address = self.cfg.resolve.get((parts.hostname or "").lower())
        if address:  # connect there, ask for the host by name (curl --resolve)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            pool = self.pool.connection_from_host(address, port, parts.scheme)
            target = parts.path or "/"
            target += f"?{parts.query}" if parts.query else ""
            response = pool.urlopen(
                "GET",
                target,
                headers={**self.pool.headers, **headers, "Host": parts.netloc},
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
        else:
            response = self.pool.request("GET", url, headers=headers, redirect=False, preload_content=False)
        try:
            answer = {k.lower(): v for k, v in response.headers.items()}
            limit = self.cfg.max_body_bytes
            declared = answer.get("content-length", "")
            if declared.isdigit() and int(declared) > limit and "content-encoding" not in answer:
                raise FetchError(f"body of {int(declared)} bytes is over the {limit}-byte limit")
            chunks, size = [], 0
            for chunk in response.stream(16384, decode_content=True):
                size += len(chunk)
                if size > limit:  # also a decompression bomb: counted once decompressed
                    raise FetchError(f"body over the {limit}-byte limit (decompressed)")
                chunks.append(chunk)
            return response.status, answer, b"".join(chunks)
        finally:
            response.release_conn()

    def close(self) -> None:
        self.pool.clear()


def _network_reason(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, urllib3.exceptions.TimeoutError) or "timed out" in text:
        return "timeout"
    if "Name or service not known" in text or "NameResolutionError" in type(exc).__name__ or "resolve" in text:
        return "DNS failure"
    if isinstance(exc, urllib3.exceptions.ProtocolError) and ("IncompleteRead" in text or "incomplete" in text):
        return "truncated body"
    if "reset" in text.lower() or "aborted" in text.lower() or "RemoteDisconnected" in text:
        return "connection reset"
    if isinstance(exc, urllib3.exceptions.DecodeError):
        return "body does not decompress"
    return f"{type(exc).__name__}: {text.splitlines()[0][:160] if text else ''}".rstrip(": ")


def _retry_after(value: str | None, default: float) -> float:
    """Seconds to wait: a Retry-After in seconds or as an HTTP date, else ``default``."""
    if not value:
        return default
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


# --- discovery -----------------------------------------------------------------------------------


def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace")


def links_of_feed(body: bytes, url: str) -> list[str]:
    from trafilatura.feeds import FeedParameters, extract_links

    domain, base = courlan.get_hostinfo(url)
    return extract_links(_text(body), FeedParameters(base, domain or "", url))


def links_of_sitemap(body: bytes, url: str) -> tuple[list[str], list[str]]:
    """(article addresses, further sitemaps) a sitemap or sitemap index lists."""
    from trafilatura.sitemaps import SitemapObject

    domain, base = courlan.get_hostinfo(url)
    sitemap = SitemapObject(base, domain or "", [url])
    sitemap.current_url, sitemap.content = url, _text(body)
    sitemap.process()
    return list(sitemap.urls), list(sitemap.sitemap_urls)


def links_of_listing(body: bytes, url: str) -> list[str]:
    return sorted(courlan.extract_links(_text(body), url=url, external_bool=False, strict=False, with_nav=True))


def normalise(url: str) -> str | None:
    """courlan's check and normalisation (scheme and host lower-cased, fragments and tracking parameters
    dropped); None for an address that is no web page (an image, a feed, a mailto)."""
    checked = courlan.check_url(url, strict=True)
    return courlan.normalize_url(checked[0]) if checked else None


def discover(client: Client, site: Site, summary: FetchSummary) -> list[str]:
    """The article addresses the site's feeds, sitemaps and listing pages name, in that order, once each."""
    found: list[str] = []
    sitemaps_seen: set[str] = set()
    sources_ok = sources_down = 0  # answered / unreachable (network, 5xx); a 404 means a wrong address

    def take(links: list[str]) -> None:
        for link in links:
            url = normalise(link)
            if url and url not in found and site.wants(url) and url not in sitemaps_seen:
                found.append(url)

    queue = [("feed", u) for u in site.feeds] + [("sitemap", u) for u in site.sitemaps]
    queue += [("listing", u) for u in site.listing_pages]
    while queue:
        kind, url = queue.pop(0)
        try:
            answer = client.get(url)
        except FetchError as exc:
            sources_down += not isinstance(exc, Refused) or "robots" not in str(exc)
            log("discovery-failed", site=site.name, kind=kind, url=url, reason=str(exc))
            continue
        sources_ok += 1
        if answer.status != 200:
            log("discovery-failed", site=site.name, kind=kind, url=url, reason=f"HTTP {answer.status}")
            continue
        if kind == "feed":
            take(links_of_feed(answer.body, answer.final_url))
        elif kind == "sitemap":
            sitemaps_seen.add(url)
            pages, more = links_of_sitemap(answer.body, answer.final_url)
            take(pages)
            queue += [("sitemap", m) for m in more if m not in sitemaps_seen and ("sitemap", m) not in queue]
        else:
            take(links_of_listing(answer.body, answer.final_url))
    if sources_down and not sources_ok:
        summary.sites_unreachable.append(site.name)
    return found


# --- writing -------------------------------------------------------------------------------------


def slug(url: str) -> str:
    """A file name for ``url``: its path's words in ASCII (at most 80 characters) and 8 hex digits of its
    hash, so that two addresses never share a file: 'actualites-journee-regionale-3f2a9c1b'."""
    parts = urlsplit(url)
    words = unicodedata.normalize("NFKD", parts.path).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"\.(html?|php|aspx?)$", "", words)
    words = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:80].strip("-") or "index"
    return f"{words}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def page_path(raw_dir: Path, site: Site, url: str) -> Path:
    return raw_dir / site.name / f"{slug(url)}.html"


def _is_page(answer: Response) -> bool:
    ctype = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype:
        return ctype in PAGE_TYPES
    head = answer.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def save_page(raw_dir: Path, site: Site, answer: Response, sha256: str) -> Path:
    """The page's bytes and its sidecar, each written atomically (the page first)."""
    path = page_path(raw_dir, site, answer.url)
    write_atomic(path, answer.body)
    sidecar = {
        "url": answer.url,
        "final_url": answer.final_url,
        "fetched_at": now_iso(),
        "status": answer.status,
        "headers": {k: answer.headers[k] for k in KEPT_HEADERS if k in answer.headers},
        "sha256": sha256,
    }
    meta = path.with_name(path.name.removesuffix(".html") + SIDECAR_SUFFIX)
    write_atomic(meta, json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return path


# --- the stage -----------------------------------------------------------------------------------


@dataclass
class FetchSummary:
    discovered: int = 0
    fetched: int = 0  # new or changed pages written
    not_modified: int = 0  # 304
    unchanged: int = 0  # 200 with the same sha256
    robots: int = 0  # skipped by robots.txt
    refused: int = 0  # foreign host, redirect loop
    not_pages: int = 0  # PDF, image…
    gone: int = 0  # 404 / 410
    failed: int = 0
    deferred: int = 0  # over the per-site limit, left for the next run
    written: list[Path] = field(default_factory=list)
    sites_unreachable: list[str] = field(default_factory=list)

    def line(self) -> str:
        parts = [
            f"{self.discovered} discovered",
            f"{self.fetched} fetched",
            f"{self.not_modified} not modified",
            f"{self.unchanged} unchanged",
            f"{self.robots} skipped by robots.txt",
            f"{self.failed} failed",
        ]
        for count, what in (
            (self.gone, "gone"),
            (self.not_pages, "not pages"),
            (self.refused, "refused"),
            (self.deferred, "left for the next run"),
        ):
            if count:
                parts.append(f"{count} {what}")
        if self.sites_unreachable:
            parts.append(f"unreachable: {', '.join(self.sites_unreachable)}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "written"}
        data["written"] = len(self.written)
        return data


def fetch_site(client: Client, state: State, raw_dir: Path, site: Site, summary: FetchSummary) -> None:
    urls = discover(client, site, summary)
    summary.discovered += len(urls)
    todo = state.order(site.name, urls)
    limit = client.cfg.max_pages_per_site
    summary.deferred += max(0, len(todo) - limit)
    for url in todo[:limit]:
        fetch_one(client, state, raw_dir, site, url, summary)


def fetch_one(client: Client, state: State, raw_dir: Path, site: Site, url: str, summary: FetchSummary) -> None:
    known = state.get(url)
    conditional = {}
    if known and known["status"] == "ok" and known["path"] and (raw_dir / known["path"]).is_file():
        if known["etag"]:
            conditional["If-None-Match"] = known["etag"]
        if known["last_modified"]:
            conditional["If-Modified-Since"] = known["last_modified"]
    try:
        answer = client.get(url, conditional)
    except Refused as exc:
        robots = "robots" in str(exc)
        summary.robots += robots
        summary.refused += not robots
        log("skipped-robots" if robots else "refused", site=site.name, url=url, reason=str(exc))
        state.save(url, site.name, status="robots" if robots else "refused", error=str(exc))
        return
    except FetchError as exc:
        summary.failed += 1
        log("failed", site=site.name, url=url, reason=str(exc))
        state.save(url, site.name, status=known["status"] if known else "failed", error=str(exc))
        return
    if answer.status == 304:
        summary.not_modified += 1
        log("not-modified", site=site.name, url=url)
        state.save(url, site.name, status="ok", http_status=304, error=None)
        return
    if answer.status in GONE_STATUSES:
        summary.gone += 1
        log("gone", site=site.name, url=url, status=answer.status)
        state.save(url, site.name, status="gone", http_status=answer.status, error=None)
        return
    if answer.status != 200:
        summary.failed += 1
        log("failed", site=site.name, url=url, reason=f"HTTP {answer.status}")
        state.save(url, site.name, status=known["status"] if known else "failed", http_status=answer.status)
        return
    if not _is_page(answer):
        summary.not_pages += 1
        ctype = answer.headers.get("content-type", "no content type")
        log("not-a-page", site=site.name, url=url, content_type=ctype)
        state.save(url, site.name, status="not-a-page", http_status=200, error=ctype)
        return
    sha256 = hashlib.sha256(answer.body).hexdigest()
    path = page_path(raw_dir, site, url)
    rel = path.relative_to(raw_dir).as_posix()
    validators = {"etag": answer.headers.get("etag"), "last_modified": answer.headers.get("last-modified")}
    if known and known["sha256"] == sha256 and path.is_file():
        summary.unchanged += 1
        log("unchanged", site=site.name, url=url)
        state.save(url, site.name, status="ok", http_status=200, error=None, **validators)
        return
    save_page(raw_dir, site, answer, sha256)
    summary.fetched += 1
    summary.written.append(path)
    log("fetched", site=site.name, url=url, path=rel, bytes=len(answer.body))
    state.save(
        url,
        site.name,
        status="ok",
        path=rel,
        final_url=answer.final_url,
        sha256=sha256,
        http_status=200,
        changed_at=now_iso(),
        error=None,
        **validators,
    )


def fetch(
    sources: Sources,
    raw_dir: Path,
    state_path: Path | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchSummary:
    """Fetch every site of ``sources`` into ``raw_dir``; a failing address or site never stops the run."""
    summary = FetchSummary()
    client = Client(sources, sleep=sleep)
    state = State(state_path or raw_dir / STATE_NAME)
    try:
        for site in sources.sites:
            for host in site.hosts():
                client.set_delay(host, sources.delay(site))
            fetch_site(client, state, raw_dir, site, summary)
    finally:
        state.close()
        client.close()
    return summary
