"""crpv report: one self-contained page, one row per network event, evidence and corrections shown; read
in a real browser (headless Chromium) where one can be installed (`make browser`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from pipeline import report
from pipeline.cli import app
from pipeline.consolidate import Corrections, EventFix, consolidate
from pipeline.models import Document, Event, Evidence, Location, OrganisationRef, Record, Source

from .conftest import ROOT

ARTEFACTS = ROOT / "build" / "test-artefacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def _records(n: int) -> list[Record]:
    """``n`` pages, each telling one event in one of a few cities, with the evidence a real page gives."""
    cities = ["Lille", "Lyon", "Nantes", "Marseille", "Orléans", "Cergy", "Bordeaux"]
    out = []
    for i in range(n):
        city = cities[i % len(cities)]
        day = f"20{15 + i % 10}-{1 + i % 12:02d}-{1 + i % 27:02d}"
        words = f"Le {day}, la journée régionale n°{i} s'est tenue à {city} à l'invitation du centre de ressources"
        out.append(
            Record(
                id=f"site{i % 9}.fr-{i:06d}",
                source=Source(
                    path=f"p{i}.html",
                    site=f"site{i % 9}.fr",
                    url=f"https://site{i % 9}.fr/{i}",
                    format="html",
                    sha256="0" * 64,
                ),
                document=Document(title=f"Journée régionale n°{i}", text=words),
                events=[
                    Event(
                        name=f"Journée régionale n°{i} des acteurs de la politique de la ville",
                        kind="journée",
                        start_date=day,
                        end_date=day,
                        location=Location(city=city, region="Hauts-de-France" if city == "Lille" else None),
                        organisers=[
                            OrganisationRef(id="crpv-irev", name="IREV"),
                            OrganisationRef(id=None, name="Ville de " + city),
                        ],
                        evidence={
                            "dates": Evidence(rule="grammar:day", text=day, span=(3, 13)),
                            "location": Evidence(rule="places:text", text=city, span=(60, 60 + len(city))),
                            "organisers": Evidence(rule="organiser-phrase", text=words[40:], span=(40, len(words))),
                        },
                    )
                ],
            )
        )
    return out


def test_a_thousand_events_make_a_report_under_2_mb_that_loads_nothing():
    records = _records(1000)
    html = report.render(records, consolidate(records))
    size = len(html.encode("utf-8"))
    assert size < 2_000_000, size
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select("tr.event")) == 1000
    assert not soup.select("script[src], link[href], img[src], iframe, object, embed")  # nothing fetched
    assert not re.search(r"@import|url\(", "".join(s.get_text() for s in soup.select("style")))


def test_each_event_shows_its_sources_its_evidence_and_its_corrections():
    records = _records(3)
    events = consolidate(records)
    fixes = Corrections(event=[EventFix(id=events[0].id, city="Roubaix")])
    events = consolidate(records, corrections=fixes)
    soup = BeautifulSoup(report.render(records, events), "html.parser")
    row = soup.find("tr", id=events[0].id)
    assert row is not None and "Roubaix" in row.get_text()
    assert row.select_one("a[href]")["href"] == events[0].sources[0].url
    assert "corrigé" in row.select_one("tr.corr").get_text()  # the city row of its evidence table
    assert "grammar:day" in row.get_text() and "organiser-phrase" in row.get_text()
    assert soup.find(id="summary")["data-events"] == "3"


@pytest.fixture(scope="module")
def reported(sample_output):
    result = CliRunner().invoke(app, ["report", str(sample_output)])
    assert result.exit_code == 0, result.output
    return sample_output


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no chromium on this machine: `make browser` installs Debian's (needs root and apt-get)")
    return found


def test_the_report_in_headless_chromium(reported, tmp_path):
    chromium = _chromium()
    page = (reported / "report.html").resolve()
    events = len((reported / "events.jsonl").read_text(encoding="utf-8").splitlines())
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]

    def dom(url: str) -> BeautifulSoup:
        done = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return BeautifulSoup(done.stdout, "html.parser")

    soup = dom(page.as_uri())
    assert len(soup.select("tr.event")) == events > 0  # one row per network event
    assert soup.find(id="shown")["data-count"] == str(events)  # the page's script ran and counted them
    assert soup.select("#by-region tr") and soup.select("#top-organisations tr")
    city = next(td.get_text() for td in soup.select("tr.event > td:nth-of-type(3)") if td.get_text())
    filtered = dom(page.as_uri() + "#q=" + quote(city))
    shown = int(filtered.find(id="shown")["data-count"])
    assert 0 < shown < events  # the filter, run by the browser
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTEFACTS / "report.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [chromium, *flags, "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000
