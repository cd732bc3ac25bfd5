"""The evaluation gate: every annotated set the project can see, scored, each headline figure held at
its floor in ``tests/eval_floors.json``.

Run by ``make test`` (``tests/test_eval_gate.py``), so by CI. A floor only goes up: ``python -m
tests.eval_gate --raise`` lifts each floor to today's figure when it is higher and pins each set's
digest; lowering one needs ``--lower SET.METRIC`` and the reason in the commit message (CI's
``scripts/check_floors.py`` refuses a lowered floor whose commit does not say "Floor lowered:").

Two kinds of set: annotated pages in the gold format of ``shared/dev-corpus/README.md`` (every
headline figure of ``pipeline.evaluate``), and the peer test sets of ``shared/peer-data`` (``"kind":
"peer"``: the pipeline alone, scored by the set's own README as ``crpv eval-anchors`` does; its floors
were set where the pipeline passed the set's anchor, named in ``"anchor"``).

Sets live in the repository (``devset/``, ``heldout*/``) or beside it in ``shared/`` (``{shared}/…``,
found as ``../shared`` or the nearest ``shared/`` above the checkout, or ``$CRPV_SHARED``). A set
whose folder is absent is skipped and said so; a set whose annotations or pages changed fails until it
is re-pinned with ``--raise``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = Path(__file__).resolve().parent / "eval_floors.json"
# A figure may fall short of its floor by this much (rounding of the scorer's three decimals) only.
TOLERANCE = 1e-9


def shared_dir() -> Path | None:
    """The shared folder beside the checkout: $CRPV_SHARED, ../shared, or the nearest shared/ above."""
    if os.environ.get("CRPV_SHARED"):
        return Path(os.environ["CRPV_SHARED"])
    for folder in [ROOT.parent, *ROOT.parent.parents]:
        if (folder / "shared" / "dev-corpus").is_dir():
            return folder / "shared"
    return None


def set_path(spec: str) -> Path | None:
    if spec.startswith("{shared}/"):
        shared = shared_dir()
        return shared / spec.removeprefix("{shared}/") if shared else None
    return ROOT / spec


def load_floors() -> dict:
    return json.loads(FLOORS.read_text(encoding="utf-8"))


def score_set(spec: dict) -> tuple[Path | None, dict | None]:
    """(folder, {"digest", "figures"}) of one set; None when its folder is not here."""
    from pipeline import evaluate

    folder = set_path(spec["path"])
    if folder is None or not (folder / ("." if spec.get("kind") == "peer" else "gold")).is_dir():
        return folder, None
    exclude = spec.get("exclude", [])
    if spec.get("kind", "annotated") == "annotated":
        report = evaluate.evaluate_corpus(folder, exclude=exclude)
        figures = evaluate.headline(report["systems"]["pipeline"]["scores"])
        return folder, {
            "digest": report["digest"],
            "figures": figures,
            "failed": report["systems"]["pipeline"]["failed"],
        }
    if spec["kind"] == "peer":  # a peer test set of shared/peer-data, scored by its README's rule
        from pipeline import anchors

        name = spec["set"]
        subfolder, scorer = anchors.SETS[name]
        if not (folder / subfolder).is_dir():
            return folder / subfolder, None
        report = scorer(folder / subfolder, anchors=False)  # the pipeline alone
        return folder / subfolder, {
            "digest": folder_digest(folder / subfolder),
            "figures": peer_figures(report),
            "failed": [],
        }
    raise ValueError(f"unknown set kind {spec.get('kind')!r}")


def peer_figures(report: dict) -> dict[str, float]:
    """The pipeline's figures on a peer set: main text F1, publication-date accuracy, French TimeBank's
    relaxed F1 and precision and F1 with the right value."""
    scores = report["systems"]["pipeline"]
    if "relaxed" in scores:
        return {
            "relaxed_f1": scores["relaxed"]["f1"],
            "relaxed_precision": scores["relaxed"]["precision"],
            "value_f1": scores["relaxed+value"]["f1"],
        }
    if "answered" in scores:
        return {"accuracy": scores["accuracy"]}
    return {"f1": scores["f1"], "precision": scores["precision"]}


def folder_digest(folder: Path) -> str:
    """The sha256 of a folder's files, names and contents: a peer set that changed is said so."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def groups(floors: dict | None = None) -> dict[str, list[str]]:
    """The sets grouped by the pages they read (a peer folder's French pages are among its others): the
    test suite scores one group per test, so that its workers share the sets out."""
    found: dict[str, list[str]] = {}
    for name, spec in (floors or load_floors())["sets"].items():
        key = f"peer-data/{anchors_folder(spec['set'])}" if spec.get("kind") == "peer" else name
        found.setdefault(key, []).append(name)
    return found


def anchors_folder(name: str) -> str:
    from pipeline import anchors

    return anchors.SETS[name][0]


def check(floors: dict | None = None, names: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(failures, report lines): every set (or those named) scored against its floors."""
    floors = floors or load_floors()
    failures, lines = [], []
    for name, spec in floors["sets"].items():
        if names is not None and name not in names:
            continue
        folder, result = score_set(spec)
        if result is None:
            lines.append(f"{name}: skipped ({folder or spec['path']} not found)")
            continue
        if result["digest"] != spec.get("digest"):
            failures.append(
                f"{name}: the set changed (digest {result['digest']}, floors pinned on {spec.get('digest')}): "
                "re-pin its floors with `python -m tests.eval_gate --raise` and say why in the commit"
            )
        for metric, floor in spec["floors"].items():
            value = result["figures"].get(metric)
            if value is None:
                failures.append(f"{name}.{metric}: not measured any more (floor {floor})")
            elif value + TOLERANCE < floor:
                failures.append(f"{name}.{metric} = {value:.3f}, below its floor {floor:.3f}")
        for failure in result["failed"]:
            failures.append(f"{name}: the pipeline failed on {failure}")
        shown = ", ".join(
            f"{m} {result['figures'].get(m, float('nan')):.3f}/{f:.3f}" for m, f in spec["floors"].items()
        )
        lines.append(f"{name}: {shown}")
    return failures, lines


def raise_floors(lower: list[str]) -> dict:
    """Floors lifted to today's figures (never lowered, but for the SET.METRIC named in ``lower``),
    each set's digest pinned and each measured figure given a floor."""
    floors = load_floors()
    for name, spec in floors["sets"].items():
        _, result = score_set(spec)
        if result is None:
            continue
        spec["digest"] = result["digest"]
        for metric, value in sorted(result["figures"].items()):
            old = spec["floors"].get(metric)
            if old is None or value > old or f"{name}.{metric}" in lower:
                spec["floors"][metric] = value
    FLOORS.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return floors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raise", dest="lift", action="store_true", help="lift floors to today's figures, pin digests")
    parser.add_argument(
        "--lower", action="append", default=[], metavar="SET.METRIC", help="allow this floor to go down"
    )
    args = parser.parse_args(argv)
    if args.lift or args.lower:
        raise_floors(args.lower)
    failures, lines = check()
    print("\n".join(lines))
    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
