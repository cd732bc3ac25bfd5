"""urls: sites, canonical queries and record ids, from addresses of any quality."""

from __future__ import annotations

import pytest

from pipeline.urls import canonical_query, host, is_web_url, record_id, site_of


def test_site_is_the_host_without_www():
    assert site_of("https://www.irev.fr/actualites") == "irev.fr"
    assert site_of("/article/x") is None


@pytest.mark.parametrize(
    "url", ["http://[fe80::1/page", "javascript:alert(1)", "https://x.fr:port/", "", None, "not a url"]
)
def test_broken_or_foreign_urls_are_none_never_an_exception(url):
    assert host(url) is None and site_of(url) is None and not is_web_url(url)


def test_the_query_string_is_kept_less_its_tracking_parameters():
    assert canonical_query("article612") == "article612"
    assert canonical_query("b=2&utm_source=lettre&a=1&fbclid=xyz&xtor=RSS-3") == "a=1&b=2"


def test_two_spip_articles_are_two_records_and_trackers_do_not_make_a_third():
    first = record_id("https://www.irev.fr/spip.php?article612", "a.html")
    second = record_id("https://irev.fr/spip.php?article613", "b.html")
    assert first != second
    assert record_id("https://irev.fr/spip.php?article612&utm_medium=email", "c.html") == first
    assert record_id("http://irev.fr/spip.php/?article612#haut", "d.html") == first


def test_a_page_without_url_is_named_after_its_path():
    assert record_id(None, "sous/dossier/Page été.html").startswith("local-Page-été-")
    assert record_id(None, "a.html") != record_id(None, "b/a.html")


@pytest.mark.parametrize(
    "url, segment",
    [
        ("http://www.ville.gouv.fr/?centres-de-ressources-regionaux", "centres-de-ressources-regionaux"),
        ("https://irev.fr/actualites/r%C3%A9union-du-r%C3%A9seau", "réunion-du-réseau"),
        ("http://reseau-crpv.fr/?p=3328", ""),
        ("https://irev.fr/", ""),
    ],
)
def test_the_slug_segment_is_the_last_path_segment_or_a_bare_query_at_the_root(url, segment):
    from pipeline.urls import slug_segment

    assert slug_segment(url) == segment
