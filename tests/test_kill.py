"""A run killed at any moment loses nothing: no partial file is ever visible, and the next run ends with
outputs byte-identical to an uninterrupted run's."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.models import Record

from .conftest import FIXTURES, ROOT


def _extract(raw: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline", "extract", str(raw), "-o", str(out), "--workers", "2", "--quiet"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".crpv.lock"
    }


def _no_partial_file(out: Path) -> None:
    for name, data in _files(out).items():
        if name.endswith(".tmp"):
            continue  # a write in progress; never read, removed by the next run
        if name.endswith(".json"):
            parsed = json.loads(data)
            if name.startswith("documents/"):
                Record.model_validate(parsed)
        elif name.endswith(".jsonl"):
            for line in data.decode("utf-8").splitlines():
                json.loads(line)


def test_killed_runs_then_a_full_one_give_the_uninterrupted_outputs(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    for n in range(12):  # more pages, so that kills land in the middle of the work
        html = (FIXTURES / "article.html").read_text(encoding="utf-8").replace("journee-regionale-acteurs", f"page-{n}")
        (raw / f"extra-{n:02d}.html").write_text(
            html.replace("une centaine", f"{20 + n} participants"), encoding="utf-8"
        )
    reference = tmp_path / "reference"
    assert _extract(raw, reference).wait(timeout=300) == 0
    out = tmp_path / "out"
    chance = random.Random(20261201)
    for _ in range(4):
        process = _extract(raw, out)
        time.sleep(chance.uniform(1.0, 9.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        _no_partial_file(out)
    finished = _extract(raw, out)
    assert finished.wait(timeout=300) == 0, finished.stderr.read().decode()
    assert not [name for name in _files(out) if name.endswith(".tmp")]
    assert _files(out) == _files(reference)
