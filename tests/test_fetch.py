"""fetch / ingest against a fixture site on 127.0.0.1 (tests/fetch_site.py): never the internet."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from pipeline import fetch
from pipeline.errors import UsageError
from pipeline.sources import Sources, load_sources

from .fetch_site import FixtureSite

UA = "crpv-pipeline-test/1.0 (+https://example.org/crpv-pipeline)"


def sources_for(site: FixtureSite, **crawler) -> Sources:
    return Sources.model_validate(
        {
            "crawler": {
                "user_agent": UA,
                "connect_timeout": 2,
                "read_timeout": 1,
                "retries": 1,
                "backoff": 0.05,
                "max_body_bytes": 1_000_000,
                "default_delay": 0,
                "resolve": {FixtureSite.HOST: "127.0.0.1"},
                **crawler,
            },
            "sites": [
                {
                    "name": "fixture",
                    "url": site.url("/"),
                    "feeds": [site.url("/feed.xml")],
                    "sitemaps": [site.url("/sitemap_index.xml")],
                    "include": ["/articles/", "/private/"],
                    "delay": 0,
                }
            ],
        }
    )


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Two fetches of the fixture site into one raw/, the site changing in between."""
    raw = tmp_path_factory.mktemp("fetch") / "raw"
    with FixtureSite() as site:
        sources = sources_for(site)
        first = fetch.fetch(sources, raw)
        first_requests = list(site.requests)
        site.requests.clear()
        site.second_run()
        second = fetch.fetch(sources, raw)
        yield {"raw": raw, "site": site, "first": first, "second": second, "first_requests": first_requests}


def test_the_first_run_writes_each_article_with_its_sidecar(two_runs):
    raw, first = two_runs["raw"], two_runs["first"]
    pages = sorted(p.name for p in (raw / "fixture").glob("*.html"))
    assert len(pages) == 7 and first.fetched == 7  # 6 articles + the latin-1 page (the extractor decodes it)
    assert any(name.startswith("articles-journee-regionale-") for name in pages)
    page = next((raw / "fixture").glob("articles-journee-regionale-*.html"))
    meta = json.loads(page.with_name(page.name.removesuffix(".html") + ".meta.json").read_text())
    assert meta["url"] == two_runs["site"].url("/articles/journee-regionale.html")
    assert meta["status"] == 200 and meta["headers"]["etag"] and meta["fetched_at"].endswith("Z")
    assert meta["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()
    assert first.discovered >= 15 and first.robots == 1


def test_robots_and_foreign_hosts_are_never_requested(two_runs):
    paths = [p for p, _ in two_runs["first_requests"]]
    assert "/private/interne.html" not in paths  # disallowed by robots.txt
    assert "/articles/ailleurs.html" not in paths  # a foreign host in the feed
    # the redirect to localhost was refused before it was followed: /articles/seminaire.html once only
    assert paths.count("/articles/seminaire.html") == 1
    assert paths[0] == "/robots.txt"


def test_every_request_names_the_configured_user_agent(two_runs):
    assert {h["user-agent"] for _, h in two_runs["first_requests"]} == {UA}


def test_faults_are_counted_and_leave_nothing_half_written(two_runs):
    first, raw = two_runs["first"], two_runs["raw"]
    hits = two_runs["site"].hits
    assert first.not_pages == 1  # the PDF
    assert first.gone == 1  # 410
    assert first.refused == 2  # the redirect loop and the redirect to a foreign host
    # timeout, reset, lasting 500, truncated body, huge body, gzip bomb
    assert first.failed == 6
    assert hits["/articles/surchargee.html"] >= 2  # 503 + Retry-After, then fetched
    assert any(p.name.startswith("articles-surchargee-") for p in (raw / "fixture").glob("*.html"))
    names = {p.name for p in (raw / "fixture").iterdir()}
    assert not [n for n in names if n.startswith(".") or n.endswith(".tmp")]
    for bad in ("lente", "coupee", "en-panne", "tronquee", "enorme", "bombe", "rapport", "retiree"):
        assert not [n for n in names if n.startswith(f"articles-{bad}-")], bad


def test_the_second_run_skips_what_did_not_change_and_keeps_what_went(two_runs):
    second, raw = two_runs["second"], two_runs["raw"]
    conditional = [(p, h) for p, h in two_runs["site"].requests if "if-none-match" in h]
    assert conditional and second.not_modified >= 3
    assert second.fetched == 1  # the changed page
    assert second.unchanged == 2  # pages without an ETag: downloaded, same sha256, not rewritten
    changed = next((raw / "fixture").glob("articles-changeante-*.html")).read_text()
    assert "16 avril" in changed
    assert second.gone == 2  # the vanished page, and the 410 again
    assert next((raw / "fixture").glob("articles-disparue-*.html")).is_file()  # its file is kept
    db = sqlite3.connect(raw / fetch.STATE_NAME)
    status = dict(db.execute("SELECT url, status FROM pages"))
    assert status[two_runs["site"].url("/articles/disparue.html")] == "gone"


def test_an_unreachable_site_is_a_line_not_a_crash(tmp_path):
    sources = Sources.model_validate(
        {
            "crawler": {"user_agent": UA, "connect_timeout": 1, "retries": 0, "default_delay": 0},
            "sites": [{"name": "nowhere", "url": "http://nowhere.invalid/", "feeds": ["http://nowhere.invalid/feed"]}],
        }
    )
    summary = fetch.fetch(sources, tmp_path / "raw")
    assert summary.sites_unreachable == ["nowhere"] and summary.fetched == 0
    assert "unreachable: nowhere" in summary.line()


def test_slugs_are_readable_and_never_shared():
    a = fetch.slug("https://www.irev.fr/actualites/journée-régionale-2024")
    b = fetch.slug("https://www.irev.fr/actualites/journée-régionale-2024?page=2")
    assert a.startswith("actualites-journee-regionale-2024-") and a != b
    assert fetch.slug("https://www.irev.fr/").startswith("index-")


def test_retry_after_in_seconds_or_as_a_date():
    assert fetch._retry_after("7", 1.0) == 7.0
    assert fetch._retry_after(None, 1.5) == 1.5
    assert fetch._retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 2.0) == 0.0  # in the past: no wait
    assert fetch._retry_after("soon", 3.0) == 3.0


def test_a_sources_file_is_checked_with_a_line_naming_the_key(tmp_path):
    bad = tmp_path / "sources.toml"
    bad.write_text('[crawler]\nuser_agent = "bot"\n[[sites]]\nname = "x"\nurl = "http://a.fr/"\n')
    with pytest.raises(UsageError, match=r"crawler\.user_agent"):
        load_sources(bad)
    bad.write_text('[crawler]\nuser_agent = "bot (+https://x.fr)"\n[[sites]]\nname = "x"\nurl = "ftp://a.fr/"\n')
    with pytest.raises(UsageError, match=r"sites\.0\.url"):
        load_sources(bad)


def test_the_shipped_sources_file_loads():
    sources = load_sources(Path(__file__).resolve().parent.parent / "sources.toml")
    assert len(sources.sites) >= 15
    assert "reseau-crpv.fr" in {h.removeprefix("www.") for h in sources.allowed_hosts()}
