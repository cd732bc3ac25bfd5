"""Every input the fuzzer (scripts/fuzz.py) found to crash the pipeline: now a record or a clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import PageError
from pipeline.run import BatchOptions, process_batch, run_batch

CRASHES = sorted(
    p
    for p in (Path(__file__).parent / "fuzz_crashes").glob("*")
    if p.suffix in (".html", ".txt") and not p.name.endswith(".error.txt")
)


@pytest.mark.parametrize("path", CRASHES, ids=[p.name for p in CRASHES])
def test_a_former_crash_is_a_record_or_a_page_error(path, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(path, raw / path.name)
    [outcome] = process_batch([raw / path.name], raw)
    assert not isinstance(outcome, Exception) or isinstance(outcome, PageError), repr(outcome)
    note = path.with_name(path.stem + ".error.txt")
    if note.is_file() and note.read_text(encoding="utf-8").startswith("run aborted"):
        summary = run_batch(raw, tmp_path / "out", BatchOptions(workers=0))  # the whole run, outputs included
        assert all(e.error != "InternalError" for e in summary.errors)


def test_the_fuzzer_runs(tmp_path, monkeypatch):
    import scripts.fuzz as fuzz

    seeds = fuzz.seeds()
    assert seeds
    import random

    mutated = {fuzz.mutate(seeds[0], seeds, random.Random(n)) for n in range(20)}
    assert len(mutated) > 10  # the mutations do change the pages
