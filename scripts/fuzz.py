"""Fuzz the whole per-page function: mutated copies of the bundled pages through every stage, in the
pool (so a page that hangs or explodes is stopped and counted, never stalls the run).

    python scripts/fuzz.py --inputs 100000 --workers 2          (make fuzz: a bounded run)

Seeds: raw/, devset/pages, heldout*/pages, tests/fixtures. Each input is one seed changed by one to
four mutations (bytes flipped or inserted, slices cut or repeated, tags, dates, broken URLs, control
and exotic characters, another encoding, two seeds spliced). An input whose page ends in an
``InternalError`` (an exception that is not one of the pipeline's own) is a crash: it is saved in
``tests/fuzz_crashes/`` and ``tests/test_fuzz_regressions.py`` runs it on every ``make test`` from then
on. A JSON summary (inputs, records, error kinds, slowest page, crashes) is printed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CRASHES = ROOT / "tests" / "fuzz_crashes"
# Inputs stopped by the page time or memory limit: kept to be run again alone (a limit reached because
# the machine was busy is not a slow page), never made tests by themselves.
SLOW = ROOT / "build" / "fuzz-slow"
SNIPPETS = [
    b"<div>",
    b"</div>",
    b"<p>",
    b"</p>",
    b"<article>",
    b"<script>",
    b"</script>",
    b"<!--",
    b"<table><tr><td>",
    b"<h1>",
    b"<meta charset='cp1252'>",
    b"<a href='http://[fe80::1/x'>",
    b"<link rel='canonical' href='?p=1'>",
    b"le 31 juin 2019",
    "les 30 et 31 février".encode(),
    "du 28 décembre au 3 janvier".encode(),
    "lundi 11 décembre".encode(),
    b"12/13/2020",
    "organisée par l’IREV à Lille".encode(),
    b"\x00",
    b"\x07\x1b",
    "\u202e\u200b\ufeff".encode(),
    "é".encode("cp1252"),
    b"\xff\xfe",
    b"&#0;",
    b"&nbsp;" * 20,
    "Publié le 30/02/2021".encode(),
    "© DR".encode(),
    b"une centaine de participants",
]


def seeds() -> list[bytes]:
    folders = [ROOT / "raw", ROOT / "devset" / "pages", ROOT / "tests" / "fixtures", *ROOT.glob("heldout*/pages")]
    found = []
    for folder in folders:
        for path in sorted(folder.glob("*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                found.append(path.read_bytes())
    return found


def mutate(data: bytes, pool: list[bytes], chance: random.Random) -> bytes:
    for _ in range(chance.randint(1, 4)):
        kind = chance.randrange(9)
        at = chance.randrange(len(data) + 1)
        if kind == 0 and data:  # flip bytes
            buffer = bytearray(data)
            for _ in range(chance.randint(1, 20)):
                buffer[chance.randrange(len(buffer))] = chance.randrange(256)
            data = bytes(buffer)
        elif kind == 1:  # cut a slice
            data = data[:at] + data[at + chance.randint(1, 2000) :]
        elif kind == 2:  # repeat a slice
            piece = data[at : at + chance.randint(1, 300)]
            data = data[:at] + piece * chance.randint(2, 200) + data[at:]
        elif kind == 3:  # insert markup, dates, odd characters
            data = data[:at] + chance.choice(SNIPPETS) * chance.randint(1, 50) + data[at:]
        elif kind == 4:  # truncate
            data = data[: chance.randint(0, len(data))]
        elif kind == 5:  # another encoding
            text = data.decode("utf-8", "replace")
            data = text.encode(chance.choice(["utf-16", "utf-16-le", "cp1252", "latin-1", "utf-32"]), "replace")
        elif kind == 6:  # splice two seeds
            other = chance.choice(pool)
            data = data[:at] + other[chance.randrange(len(other) + 1) :]
        elif kind == 7:  # random bytes
            data = data[:at] + chance.randbytes(chance.randint(1, 500)) + data[at:]
        else:  # deep nesting
            data = data[:at] + b"<div>" * chance.randint(50, 2000) + data[at:]
    return data


def _culprit(raw: Path, inputs: dict[str, bytes], exc: Exception) -> str:
    """The input that makes a whole run fail, found by running each alone; saved as a crash."""
    from pipeline.run import BatchOptions, run_batch

    print(f"fuzz: a run was aborted ({type(exc).__name__}: {str(exc)[:200]}); looking for its input", file=sys.stderr)
    for name, data in inputs.items():
        alone = Path(tempfile.mkdtemp(prefix="crpv-fuzz-alone-"))
        (alone / "raw").mkdir()
        (alone / "raw" / name).write_bytes(data)
        try:
            run_batch(alone / "raw", alone / "out", BatchOptions(workers=0, allow_shrink=True))
        except Exception as found:
            digest = hashlib.sha1(data).hexdigest()[:16]
            CRASHES.mkdir(parents=True, exist_ok=True)
            (CRASHES / f"{digest}{Path(name).suffix}").write_bytes(data)
            (CRASHES / f"{digest}.error.txt").write_text(
                f"run aborted: {type(found).__name__}: {found}\n", encoding="utf-8"
            )
            return f"{digest}{Path(name).suffix}"
        finally:
            shutil.rmtree(alone, ignore_errors=True)
    return "(not found alone)"


def main() -> int:
    parser = argparse.ArgumentParser(description="Fuzz the per-page function with mutated bundled pages.")
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=400, help="inputs written and run at once")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--page-timeout", type=float, default=60.0)
    args = parser.parse_args()

    from pipeline.run import BatchOptions, prepare, run_batch

    prepare()
    pool = seeds()
    chance = random.Random(args.seed)
    totals: Counter = Counter()
    crashes: list[str] = []
    started = time.monotonic()
    slowest = 0.0
    done = 0
    while done < args.inputs:
        count = min(args.batch, args.inputs - done)
        work = Path(tempfile.mkdtemp(prefix="crpv-fuzz-"))
        raw, out = work / "raw", work / "out"
        raw.mkdir()
        inputs = {}
        for n in range(count):
            data = mutate(chance.choice(pool), pool, chance)
            name = f"f{done + n:07d}{chance.choice(['.html', '.txt'])}"
            (raw / name).write_bytes(data)
            inputs[name] = data
        batch_started = time.monotonic()
        summary = run_batch(
            raw, out, BatchOptions(workers=args.workers, page_timeout=args.page_timeout, allow_shrink=True)
        )
        slowest = max(slowest, time.monotonic() - batch_started)
        totals["inputs"] += count
        totals["records"] += summary.processed
        for error in summary.errors:
            totals[error.error] += 1
            if error.error == "InternalError":
                digest = hashlib.sha1(inputs[error.path]).hexdigest()[:16]
                CRASHES.mkdir(parents=True, exist_ok=True)
                target = CRASHES / f"{digest}{Path(error.path).suffix}"
                target.write_bytes(inputs[error.path])
                (CRASHES / f"{digest}.error.txt").write_text(error.message + "\n", encoding="utf-8")
                crashes.append(target.name)
            elif error.error in ("PageTimeout", "PageMemory"):
                SLOW.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha1(inputs[error.path]).hexdigest()[:16]
                (SLOW / f"{digest}{Path(error.path).suffix}").write_bytes(inputs[error.path])
        shutil.rmtree(work, ignore_errors=True)
        done += count
        rate = done / (time.monotonic() - started)
        print(f"fuzz: {done}/{args.inputs} inputs, {rate:.1f}/s, {dict(totals)}", file=sys.stderr, flush=True)
    report = {
        "inputs": totals["inputs"],
        "records": totals["records"],
        "errors": {k: v for k, v in totals.items() if k not in ("inputs", "records", "runs_aborted")},
        "crashes": crashes,
        "runs_aborted": totals["runs_aborted"],
        "seconds": round(time.monotonic() - started, 1),
        "slowest_batch_seconds": round(slowest, 1),
    }
    print(json.dumps(report, indent=2))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
