"""Hostile inputs: each way a page, a folder or a file name has broken the batch, built into a folder.

``build(folder)`` writes every case; ``CASES`` says what each must give: a record (``"record"``), an
error line of that kind, or ``"ignored"`` (not a page: counted, never a record nor a failure). The big
cases are generated here rather than committed (several MB each). ``make hostile`` writes them to
``build/hostile/`` to look at.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from pathlib import Path

ARTICLE = (
    "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Journée régionale</title></head><body>"
    "<article><h1>Journée régionale des acteurs de la ville</h1>{body}</article></body></html>"
)
PARAGRAPH = (
    "<p>Le centre de ressources a réuni une centaine de professionnels le 14 octobre 2025 à Lille pour une "
    "journée régionale consacrée aux contrats de ville et à la participation des habitants.</p>"
)
SENTENCE = (
    "Le centre de ressources a réuni les acteurs de la politique de la ville à Lille pour une journée d’échanges. "
)


def _html(body: str) -> bytes:
    return ARTICLE.format(body=body).encode("utf-8")


def _dates_paragraph(count: int) -> bytes:
    days = ", ".join(f"le {1 + n % 28} {('mars', 'avril', 'mai')[n % 3]} {2000 + n % 25}" for n in range(count))
    return _html(f"<p>Les réunions se sont tenues {days}.</p>")


def _dump(size: int) -> bytes:
    line = SENTENCE * 3 + "\n"
    return ("Grande page\n" + line * (size // len(line.encode()) + 1)).encode("utf-8")[:size]


def _ebcdic(size: int) -> bytes:
    return (SENTENCE * (size // len(SENTENCE) + 1)).encode("cp500", errors="replace")[:size]


# name -> (file name, bytes, what it must give); ``scale`` shrinks the big ones for the test suite
SCALE = {"value": 1.0}


def _n(count: int) -> int:
    return max(1, int(count * SCALE["value"]))


CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "utf16-bom": (
        "utf16.html",
        lambda: codecs.BOM_UTF16_LE + ARTICLE.format(body=PARAGRAPH).encode("utf-16-le"),
        "record",
    ),
    "utf32-bom": (
        "utf32.html",
        lambda: codecs.BOM_UTF32_BE + ARTICLE.format(body=PARAGRAPH).encode("utf-32-be"),
        "record",
    ),
    "deep-nesting": ("deep.html", lambda: _html("<div>" * 300 + PARAGRAPH * 3 + "</div>" * 300), "record"),
    "unclosed-divs": ("unclosed.html", lambda: _html("<div><p>x</p>" * 240 + PARAGRAPH * 3), "record"),
    "repeated-blocks": (
        "repeated.html",
        lambda: _html(("<div class='bloc'>" + PARAGRAPH + "</div>") * _n(1200)),
        "record",
    ),
    "utf16-no-bom": ("utf16-nobom.html", lambda: ARTICLE.format(body=PARAGRAPH).encode("utf-16-le"), "record"),
    "impossible-dates": (
        "impossible.html",
        lambda: _html(PARAGRAPH + "<p>Rendez-vous le 31 juin 2019, puis les 30 et 31 février 2020.</p>"),
        "record",
    ),
    "bracket-urls": (
        "brackets.html",
        lambda: (
            _html(PARAGRAPH)
            .replace(b"<title>", b"<link rel='canonical' href='http://[fe80::1/page'><title>")
            .replace(b"</article>", b"<a href='http://[fe80::1/autre'>lien</a><img src='http://[::1/x.png'></article>")
        ),
        "record",
    ),
    "control-characters": (
        "controls.txt",
        lambda: ("Titre\n" + SENTENCE * 4 + "\x07\x1b[31m\x0c" + SENTENCE * 2).encode(),
        "record",
    ),
    "nul-late-in-dump": ("nul.txt", lambda: ("Titre\n" + SENTENCE * 200 + "\x00" + SENTENCE * 5).encode(), "record"),
    "php-warnings-before-doctype": (
        "php.html",
        lambda: (
            b"<br />\n<b>Warning</b>:  Undefined variable $x in <b>/var/www/index.php</b> on line <b>12</b><br />\n"
            + _html(PARAGRAPH * 3)
        ),
        "record",
    ),
    "thousand-dates": ("dates1000.html", lambda: _dates_paragraph(1000), "record"),
    "eighteen-thousand-dates": ("dates18000.html", lambda: _dates_paragraph(_n(18000)), "record"),
    "half-megabyte": ("half-mb.html", lambda: _html(PARAGRAPH * _n(2400)), "record"),
    "one-megabyte": ("one-mb.html", lambda: _html(PARAGRAPH * _n(4800)), "record"),
    "text-over-a-million": ("huge-dump.txt", lambda: _dump(max(1_100_000, _n(7_700_000))), "record"),
    "ebcdic": ("ebcdic.txt", lambda: _ebcdic(_n(348_000)), "record"),
    "empty": ("empty.html", lambda: b"", "EmptyPage"),
    "robots": ("robots.txt", lambda: b"User-agent: *\nDisallow: /admin/\n", "ignored"),
    "style": ("style.css", lambda: b"body { color: red; }\n", "ignored"),
    "script": ("app.js", lambda: b"function f() { return 1; }\n", "ignored"),
    "csv": ("data.csv", lambda: b"a,b\n1,2\n", "ignored"),
    "readme": ("README.md", lambda: b"# Miroir du site\n", "ignored"),
    "png": ("image.png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), "ignored"),
    "pdf": ("document.pdf", lambda: b"%PDF-1.4\n" + bytes(200), "ignored"),
    "sitemap": ("sitemap.xml", lambda: b"<?xml version='1.0'?><urlset></urlset>", "ignored"),
    "not-utf8-name": (os.fsdecode(b"caf\xe9-r\xe9union.html"), lambda: _html(PARAGRAPH * 2), "record"),
}

SIDECARS = {
    # a page whose crawler notes are wrong: warnings, never copied unchecked
    "bad-sidecar.html": ('{"url": "javascript:alert(1)", "fetched_at": "not a date"}', _html(PARAGRAPH * 2)),
}


def build(folder: Path, names: list[str] | None = None, scale: float = 1.0) -> dict[str, tuple[str, str]]:
    """Write the cases (all, or those named) into ``folder``: name -> (file name, expected). The big
    cases are ``scale`` times their full size (1: the sizes that broke the batch)."""
    SCALE["value"] = scale
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (filename, make, expected) in CASES.items():
        if names is not None and name not in names:
            continue
        (folder / filename).write_bytes(make())
        written[name] = (filename, expected)
    if names is None or "bad-sidecar" in names:
        for filename, (sidecar, page) in SIDECARS.items():
            (folder / filename).write_bytes(page)
            (folder / filename.replace(".html", ".meta.json")).write_text(sidecar, encoding="utf-8")
        written["bad-sidecar"] = ("bad-sidecar.html", "record")
    return written


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/hostile")
    for name, (filename, expected) in build(target).items():
        print(f"{name:28} {filename:32} {expected}")
