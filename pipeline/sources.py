"""Sources: the sites ``crpv fetch`` may visit, read from ``sources.toml`` (``--sources FILE``).

One ``[[sites]]`` table per site: ``name`` (its folder in raw/), ``url`` (home page), optional ``feeds``,
``sitemaps`` and ``listing_pages`` (where new article addresses are found), ``include`` / ``exclude``
(regular expressions an article address must match / must not match), ``delay`` (seconds between two
requests to that host). One ``[crawler]`` table: the User-Agent (naming the project and a contact URL),
timeouts, the largest body accepted, retries. Only the hosts of the sites' addresses are ever requested.

    cfg = load_sources(Path("sources.toml"))
    cfg.sites[0].name, cfg.crawler.user_agent, cfg.allowed_hosts()
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import UsageError

M = TypeVar("M", bound=BaseModel)


class Crawler(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_agent: str = Field(min_length=8, description="names the project and a contact URL")
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_body_bytes: int = Field(10_000_000, gt=0, description="a larger body (once decompressed) is refused")
    retries: int = Field(3, ge=0, description="further attempts after a timeout, a reset, a 429 or a 5xx")
    backoff: float = Field(2.0, ge=0, description="seconds before the first retry, doubled each time")
    max_retry_after: float = Field(120.0, ge=0, description="a longer Retry-After gives the address up for this run")
    max_redirects: int = Field(5, ge=0)
    max_pages_per_site: int = Field(200, gt=0, description="downloads per site and run (the rest wait a night)")
    default_delay: float = Field(2.0, ge=0, description="seconds between requests to a host, unless its site says")
    resolve: dict[str, str] = Field(
        {}, description="host -> address to connect to instead of its DNS answer (as curl --resolve: a mirror, a test)"
    )

    @field_validator("user_agent")
    @classmethod
    def _names_a_contact(cls, value: str) -> str:
        if not re.search(r"https?://|@", value):
            raise ValueError("the User-Agent must name a contact (an http(s) address or an e-mail)")
        return value


class Site(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$", description="the site's folder in raw/")
    url: str
    title: str | None = None
    feeds: list[str] = []
    sitemaps: list[str] = []
    listing_pages: list[str] = []
    include: list[str] = []
    exclude: list[str] = []
    delay: float | None = Field(None, ge=0)

    @field_validator("url", "feeds", "sitemaps", "listing_pages")
    @classmethod
    def _web_addresses(cls, value):
        for url in [value] if isinstance(value, str) else value:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"{url!r} is not an http(s) address")
        return value

    @field_validator("include", "exclude")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression ({exc})") from None
        return value

    def hosts(self) -> set[str]:
        """The hosts this site's addresses name, each with its www. twin ("irev.fr" and "www.irev.fr" are
        one site, and a redirect between them is followed): the only ones requested for it."""
        named = {urlsplit(u).hostname.lower() for u in [self.url, *self.feeds, *self.sitemaps, *self.listing_pages]}
        return named | {h.removeprefix("www.") if h.startswith("www.") else f"www.{h}" for h in named}

    def wants(self, url: str) -> bool:
        """An article address of this site: on its hosts, matching an ``include`` (when there are any) and
        no ``exclude``."""
        host = (urlsplit(url).hostname or "").lower()
        if host not in self.hosts():
            return False
        if self.include and not any(re.search(p, url) for p in self.include):
            return False
        return not any(re.search(p, url) for p in self.exclude)


class Sources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    crawler: Crawler
    sites: list[Site] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Sources:
        names = [s.name for s in self.sites]
        if doubles := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"site names must be unique: {', '.join(doubles)}")
        return self

    def allowed_hosts(self) -> set[str]:
        return set().union(*(s.hosts() for s in self.sites))

    def delay(self, site: Site) -> float:
        return self.crawler.default_delay if site.delay is None else site.delay


def read_checked(path: Path, model: type[M], missing: str | None = None) -> M:
    """``path`` read as TOML and checked by ``model``: a missing file (with ``missing``, the hint to give;
    without it, the model's defaults), a file that is not TOML or a bad key is one usage-error line
    naming the file and the key ("sources.toml: crawler.user_agent: …")."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if missing is None:
            return model()
        raise UsageError(f"{path} does not exist ({missing})") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read as TOML ({exc})") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(f"{path}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None


def load_sources(path: Path, only: list[str] | None = None) -> Sources:
    """The sources of ``path`` (a usage error naming the file and the bad key otherwise); with ``only``,
    just those sites (an unknown name is a usage error)."""
    sources = read_checked(path, Sources, "give a sources file with --sources")
    if only:
        unknown = sorted(set(only) - {s.name for s in sources.sites})
        if unknown:
            raise UsageError(f"{path} names no site {', '.join(unknown)}")
        sources = sources.model_copy(update={"sites": [s for s in sources.sites if s.name in only]})
    return sources
