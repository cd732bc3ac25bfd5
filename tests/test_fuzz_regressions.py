"""Every input the fuzzer (scripts/fuzz.py) found to crash the pipeline: now a record or a clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import PageError
from pipeline.run import process_batch

CRASHES = sorted(p for p in (Path(__file__).parent / "fuzz_crashes").glob("*") if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("path", CRASHES, ids=[p.name for p in CRASHES])
def test_a_former_crash_is_a_record_or_a_page_error(path, tmp_path):
    shutil.copy(path, tmp_path / path.name)
    [outcome] = process_batch([tmp_path / path.name], tmp_path)
    assert not isinstance(outcome, Exception) or isinstance(outcome, PageError), repr(outcome)


def test_the_fuzzer_runs(tmp_path, monkeypatch):
    import scripts.fuzz as fuzz

    seeds = fuzz.seeds()
    assert seeds
    import random

    mutated = {fuzz.mutate(seeds[0], seeds, random.Random(n)) for n in range(20)}
    assert len(mutated) > 10  # the mutations do change the pages
