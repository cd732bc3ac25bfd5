"""A fixture web site on 127.0.0.1 for the fetch tests (never the internet), named
fixture.crpv.test (a reserved name no DNS answers; the crawler's ``resolve`` map points it here): robots.txt with a disallowed
path, an RSS feed, a sitemap index, article pages with ETag and Last-Modified (304 on a matching
conditional GET), a page that changes between two runs, one that disappears, and one endpoint per
fault: timeout, reset connection, 503 with Retry-After then 200, lasting 500, redirect loop, redirect to
a foreign host, PDF, truncated body, huge body, gzip bomb, wrong charset.

    with FixtureSite() as site:
        site.url("/feed.xml"); site.requests  # [(path, headers), …]
        site.second_run()                      # the changing page changes, the vanishing one goes
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>Accueil · Agenda · Contact</nav><article><h1>{title}</h1>
<p>Publié le 3 mars 2025</p>
<p>{body}</p></article><footer>Mentions légales</footer></body></html>"""

LAST_MODIFIED = "Mon, 03 Mar 2025 08:00:00 GMT"


def article(title: str, body: str) -> bytes:
    return ARTICLE.format(title=title, body=body).encode("utf-8")


class FixtureSite:
    def __init__(self, slow_pages: float = 0.0) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.run = 1
        self.slow_pages = slow_pages
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                site.requests.append((self.path, headers))
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                site.handle(self, headers)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:  # a client that hung up: expected here
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FixtureSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    HOST = "fixture.crpv.test"  # a reserved name: reached only through the crawler's resolve map
    FOREIGN = "ailleurs.crpv.test"

    def url(self, path: str, host: str = HOST) -> str:
        return f"http://{host}:{self.port}{path}"

    def second_run(self) -> None:
        self.run = 2

    # --- content -------------------------------------------------------------------------------

    def articles(self) -> dict[str, bytes]:
        pages = {
            "/articles/journee-regionale.html": article(
                "Journée régionale des conseils citoyens", "La journée a réuni 80 participants à Lille le 12 mars 2025."
            ),
            "/articles/seminaire.html": article(
                "Séminaire politique de la ville", "Un séminaire se tiendra à Amiens le 20 mai 2025."
            ),
            "/articles/webinaire.html": article(
                "Webinaire emploi", "Un webinaire sur l’emploi dans les quartiers aura lieu le 4 juin 2025."
            ),
            "/articles/changeante.html": article(
                "Rencontre des délégués",
                "Rencontre le 9 avril 2025 à Arras."
                if self.run == 1
                else "Rencontre reportée au 16 avril 2025 à Arras.",
            ),
        }
        if self.run == 1:
            pages["/articles/disparue.html"] = article("Assemblée générale", "Assemblée le 27 juin 2025 à Lens.")
        return pages

    def feed(self) -> bytes:
        items = [
            "/articles/journee-regionale.html",
            "/articles/seminaire.html",
            "/articles/changeante.html",
            "/articles/disparue.html",
            "/private/interne.html",
        ]
        links = [self.url(p) for p in items] + [self.url("/articles/ailleurs.html", self.FOREIGN)]
        body = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Actualités</title>'
            f"<link>{self.url('/')}</link>{body}</channel></rss>"
        ).encode()

    FAULTS = (
        "/articles/lente.html",
        "/articles/coupee.html",
        "/articles/surchargee.html",
        "/articles/en-panne.html",
        "/articles/boucle.html",
        "/articles/vers-ailleurs.html",
        "/articles/rapport.html",
        "/articles/tronquee.html",
        "/articles/enorme.html",
        "/articles/bombe.html",
        "/articles/latin1.html",
        "/articles/retiree.html",
    )

    def sitemap(self, path: str) -> bytes:
        if path == "/sitemap_index.xml":
            entries = "".join(f"<sitemap><loc>{self.url(p)}</loc></sitemap>" for p in ("/sitemap-1.xml",))
            return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()
        urls = ["/articles/webinaire.html", "/articles/seminaire.html", *self.FAULTS]
        entries = "".join(f"<url><loc>{self.url(p)}</loc></url>" for p in urls)
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()

    # --- answers -------------------------------------------------------------------------------

    def handle(self, h: BaseHTTPRequestHandler, headers: dict[str, str]) -> None:
        path = h.path
        if path == "/robots.txt":
            return self.send(h, 200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/feed.xml":
            return self.send(h, 200, self.feed(), "application/rss+xml")
        if path.startswith("/sitemap"):
            return self.send(h, 200, self.sitemap(path), "application/xml")
        if path == "/articles/boucle-2.html":  # the redirect loop's second step
            return self.send(h, 302, b"", None, {"Location": "/articles/boucle.html"})
        if path in self.FAULTS:
            return self.fault(h, path)
        pages = self.articles()
        if path not in pages:
            return self.send(h, 404, b"<html><body>Introuvable</body></html>", "text/html")
        if self.slow_pages:
            time.sleep(self.slow_pages)
        body = pages[path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if headers.get("if-none-match") == etag:
            return self.send(h, 304, b"", None, {"ETag": etag})
        self.send(h, 200, body, "text/html; charset=utf-8", {"ETag": etag, "Last-Modified": LAST_MODIFIED})

    def fault(self, h: BaseHTTPRequestHandler, path: str) -> None:
        page = article("Page", "Texte de la page.")
        if path == "/articles/lente.html":
            time.sleep(2.5)  # longer than the tests' read timeout
            return self.send(h, 200, page, "text/html")
        if path == "/articles/coupee.html":  # connection reset by peer
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
            h.close_connection = True
            return None
        if path == "/articles/surchargee.html":
            if self.hits[path] % 2 == 1:
                return self.send(h, 503, b"busy", "text/plain", {"Retry-After": "1"})
            return self.send(h, 200, article("Forum des adultes-relais", "Forum le 5 mai 2025 à Douai."), "text/html")
        if path == "/articles/en-panne.html":
            return self.send(h, 500, b"error", "text/plain")
        if path == "/articles/boucle.html":
            return self.send(h, 302, b"", None, {"Location": "/articles/boucle-2.html"})
        if path == "/articles/vers-ailleurs.html":
            return self.send(h, 301, b"", None, {"Location": self.url("/articles/seminaire.html", self.FOREIGN)})
        if path == "/articles/rapport.html":
            return self.send(h, 200, b"%PDF-1.4 fake", "application/pdf")
        if path == "/articles/tronquee.html":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "5000")
            h.end_headers()
            h.wfile.write(page[:100])
            h.wfile.flush()
            h.close_connection = True
            return None
        if path == "/articles/enorme.html":
            return self.send(h, 200, b"<html><body>" + b"x" * 3_000_000 + b"</body></html>", "text/html")
        if path == "/articles/bombe.html":
            bomb = gzip.compress(b"<html><body>" + b"0" * 50_000_000, compresslevel=9)
            return self.send(h, 200, bomb, "text/html", {"Content-Encoding": "gzip"})
        if path == "/articles/latin1.html":
            body = article("Réunion à Béthune", "Réunion le 2 avril 2025 à Béthune.").decode().encode("latin-1")
            return self.send(h, 200, body, "text/html; charset=utf-8")
        if path == "/articles/retiree.html":
            return self.send(h, 410, b"gone", "text/plain")
        return None

    @staticmethod
    def send(h, status: int, body: bytes, ctype: str | None, extra: dict[str, str] | None = None) -> None:
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body:
            h.wfile.write(body)
