"""crpv fetch / crpv ingest as cron runs them, against the fixture site on 127.0.0.1: the summary line,
JSON logs, the lock (exit 75), no model loaded when nothing is new, and a SIGKILL at any moment followed
by a new run leaving raw/ and processed/ exactly as one uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from pipeline.cli import app

from .fetch_site import FixtureSite

UA = "crpv-pipeline-test/1.0 (+https://example.org/crpv-pipeline)"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: fetched_at is fixed, so two runs can be compared byte for byte


def write_sources(path: Path, site: FixtureSite, with_faults: bool = True) -> Path:
    sitemap = f'sitemaps = ["{site.url("/sitemap_index.xml")}"]\n' if with_faults else ""
    path.write_text(
        f"""[crawler]
user_agent = "{UA}"
connect_timeout = 2
read_timeout = 1
retries = 1
backoff = 0.05
max_body_bytes = 1000000
default_delay = 0
resolve = {{ "{FixtureSite.HOST}" = "127.0.0.1" }}

[[sites]]
name = "fixture"
url = "{site.url("/")}"
feeds = ["{site.url("/feed.xml")}"]
{sitemap}include = ["/articles/"]
delay = 0
""",
        encoding="utf-8",
    )
    return path


def crpv(*args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` but hidden ones (the fetch state, locks), by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def test_ingest_fetches_extracts_and_says_so_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with FixtureSite() as site:
        sources = write_sources(tmp_path / "sources.toml", site)
        args = ["ingest", "--sources", str(sources), "--raw", str(tmp_path / "raw"), "-o", str(tmp_path / "out")]
        result = CliRunner().invoke(app, [*args, "--workers", "0"])
        assert result.exit_code == 0, result.output
        line = result.output.strip().splitlines()[-1]
        assert line.startswith("crpv: ") and "discovered" in line and "skipped by robots.txt" in line
        assert "processed" in line
        events = [json.loads(r) for r in (tmp_path / "out" / "page_events.jsonl").read_text().splitlines()]
        assert events and {e["source_path"].split("/")[0] for e in events} == {"fixture"}
        document = json.loads(next((tmp_path / "out" / "documents").glob("*.json")).read_text())
        assert document["source"]["url"].startswith(site.url("/articles/"))  # from the sidecar
        assert document["source"]["fetched_at"].startswith("2026-01-01")
        # nothing new: finishes without the language model
        import pipeline.nlp

        def no_model():
            raise AssertionError("the model was loaded with nothing to do")

        monkeypatch.setattr(pipeline.nlp, "load_model", no_model)
        again = CliRunner().invoke(app, [*args, "--workers", "0"])
        assert again.exit_code == 0, again.output
        assert "0 fetched" in again.output and "0 processed" in again.output


def test_json_logs_are_one_object_per_line_ending_on_the_summary(tmp_path):
    with FixtureSite() as site:
        sources = write_sources(tmp_path / "sources.toml", site, with_faults=False)
        proc = crpv("fetch", "--sources", str(sources), "--raw", str(tmp_path / "raw"), "--log-json")
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    lines = [json.loads(line) for line in err.splitlines()]
    assert {line["event"] for line in lines} >= {"fetched", "summary"}
    assert lines[-1]["event"] == "summary" and lines[-1]["fetched"] == 4
    assert all("time" in line and "level" in line for line in lines)


def test_an_overlapping_run_exits_75_at_once(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    with FixtureSite() as site, FileLock(str(raw / ".crpv-fetch.lock")):
        sources = write_sources(tmp_path / "sources.toml", site)
        start = time.monotonic()
        proc = crpv("ingest", "--sources", str(sources), "--raw", str(raw), "-o", str(tmp_path / "out"))
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 75
        assert len(err.strip().splitlines()) == 1 and "another run" in err
        assert time.monotonic() - start < 20
        assert not site.requests  # nothing was requested


def _run_until(args: list[str], ready, timeout: float = 120) -> None:
    """Start ``crpv args`` and SIGKILL it as soon as ``ready()`` holds (or when it ends by itself)."""
    proc = crpv(*args, start_new_session=True)
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.communicate(timeout=60)


@pytest.mark.parametrize("moment", ["during-fetch", "during-extraction"])
def test_a_killed_ingest_then_a_new_run_equals_one_uninterrupted_run(tmp_path, moment):
    with FixtureSite(slow_pages=0.3) as site:
        sources = write_sources(tmp_path / "sources.toml", site)

        def args(where: Path) -> list[str]:
            return ["ingest", "--sources", str(sources), "--raw", str(where / "raw"), "-o", str(where / "out")]

        clean = crpv(*args(tmp_path / "clean"))
        _, err = clean.communicate(timeout=300)
        assert clean.returncode == 0, err

        killed = tmp_path / "killed"
        pages = len(list((tmp_path / "clean" / "raw").glob("fixture/*.html")))
        fetched_at: list[float] = []

        def ready() -> bool:
            count = len(list((killed / "raw").glob("fixture/*.html")))
            if moment == "during-fetch":
                return count >= 2
            if count >= pages and not fetched_at:  # the fetch is over: the extraction is loading or running
                fetched_at.append(time.monotonic())
            return bool(fetched_at) and time.monotonic() - fetched_at[0] > 2

        _run_until(args(killed), ready)
        assert not (killed / "out" / "events.jsonl").exists()  # it was killed before it finished
        again = crpv(*args(killed))
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
    assert tree(killed / "raw") == tree(tmp_path / "clean" / "raw")
    assert tree(killed / "out") == tree(tmp_path / "clean" / "out")
