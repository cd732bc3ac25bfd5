"""load: bytes -> decoded text, format and sidecar; bad files raise named errors."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import BinaryPage, EmptyPage, NotAPage, PageTooLarge
from pipeline.load import decode, detect_format, iter_pages, load_page

HTML = "<!DOCTYPE html><html><head><meta charset='{charset}'></head><body><p>{body}</p></body></html>"
FRENCH = "Les élu·e·s se sont réunis à Besançon l’été dernier : « Réussite ! » 10 €"


def write(raw_dir, name, data: bytes):
    path = raw_dir / name
    path.write_bytes(data)
    return path


def test_windows_1252_page_declared_in_meta(raw_dir):
    path = write(raw_dir, "a.html", HTML.format(charset="windows-1252", body=FRENCH).encode("cp1252"))
    page = load_page(path, raw_dir)
    assert page.encoding == "cp1252"
    assert FRENCH in page.text
    assert page.format == "html"


def test_latin1_declaration_is_read_as_windows_1252(raw_dir):
    path = write(raw_dir, "a.html", HTML.format(charset="iso-8859-1", body=FRENCH).encode("cp1252"))
    assert FRENCH in load_page(path, raw_dir).text


def test_utf8_bytes_win_over_a_wrong_declaration(raw_dir):
    path = write(raw_dir, "a.html", HTML.format(charset="windows-1252", body=FRENCH).encode("utf-8"))
    page = load_page(path, raw_dir)
    assert page.encoding == "utf-8" and FRENCH in page.text
    assert any("declares cp1252" in w for w in page.warnings)


def test_bom_is_honoured_and_dropped():
    text, codec, _ = decode(b"\xef\xbb\xbf" + FRENCH.encode())
    assert (text, codec) == (FRENCH, "utf-8")


def test_undeclared_legacy_encoding_is_detected():
    data = ("Le centre de ressources a réuni les élus à Besançon pour une journée d’échanges. " * 5).encode("cp1252")
    text, _, warnings = decode(data)
    assert "réuni les élus à Besançon" in text
    assert warnings


def test_http_header_charset_from_sidecar(raw_dir):
    path = write(
        raw_dir, "a.html", HTML.format(charset="utf-8", body=FRENCH).encode("cp1252").replace(b"utf-8", b"xxxxx")
    )
    (raw_dir / "a.meta.json").write_text(
        json.dumps({"url": "https://x.fr/a", "headers": {"Content-Type": "text/html; charset=windows-1252"}})
    )
    page = load_page(path, raw_dir)
    assert FRENCH in page.text
    assert page.sidecar.url == "https://x.fr/a"


@pytest.mark.parametrize(
    "data, error",
    [
        (b"", EmptyPage),
        (b"  \n\t ", EmptyPage),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, BinaryPage),
        (b"%PDF-1.4 binary", BinaryPage),
        (bytes(range(256)) * 40, BinaryPage),
        (b'{"title": "not a page", "items": [1, 2]}', NotAPage),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Flux</title></channel></rss>', NotAPage),
    ],
)
def test_bad_files_raise_named_errors(raw_dir, data, error):
    path = write(raw_dir, "bad.html", data)
    with pytest.raises(error):
        load_page(path, raw_dir)


def test_too_large_page_is_refused_with_the_fix(raw_dir):
    path = write(raw_dir, "big.html", b"<html><body>" + b"a" * 2000 + b"</body></html>")
    with pytest.raises(PageTooLarge, match="--max-bytes"):
        load_page(path, raw_dir, max_bytes=1000)


def test_truncated_html_gets_a_warning(raw_dir):
    path = write(raw_dir, "cut.html", b"<!DOCTYPE html><html><body><p>Le 5 juin, les centres de ressources se sont r")
    assert any("truncated" in w for w in load_page(path, raw_dir).warnings)


def test_text_dump_is_text():
    assert detect_format("Titre (</chemin>)\n\nChapo\n\nLes 25 et 26 juin derniers, les équipes…") == "text"


def test_iter_pages_skips_sidecars_and_hidden_files(raw_dir):
    (raw_dir / "sub").mkdir()
    for name in ("b.html", "a.txt", "b.meta.json", ".hidden.html", "sub/c.html"):
        (raw_dir / name).write_text("x")
    assert [p.relative_to(raw_dir).as_posix() for p in iter_pages(raw_dir)] == ["a.txt", "b.html", "sub/c.html"]


def test_broken_sidecar_is_a_warning(raw_dir):
    path = write(raw_dir, "a.html", HTML.format(charset="utf-8", body=FRENCH).encode())
    (raw_dir / "a.meta.json").write_text("{not json")
    page = load_page(path, raw_dir)
    assert page.sidecar is None and any("sidecar" in w for w in page.warnings)


def test_php_warnings_before_the_doctype_do_not_make_a_text_dump():
    warnings = (
        "<br />\n<b>Warning</b>:  mysql_get_server_info(): Access denied in <b>/www/x.php</b> on line <b>2</b><br />\n"
        * 40
    )
    assert detect_format(warnings + "<!DOCTYPE html><html><body><p>Article</p></body></html>") == "html"
