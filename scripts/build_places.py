#!/usr/bin/env python3
"""Build the offline place tables of ``pipeline/places.py`` from Etalab's COG package.

In:  the folder of the npm package ``@etalab/decoupage-administratif`` (its ``data/communes.json``,
     ``data/departements.json``, ``data/regions.json``), and the ``index.json`` of the npm package
     ``an-array-of-french-words`` (a French word list, used only to build the stop-list).
Out: ``pipeline/data/places/{communes,departements,regions}.csv`` and ``stoplist.txt``.
     ``territories.csv`` and ``aliases.csv`` in the same folder are hand-written and left alone.

Every file starts with a ``#`` line naming its source and the package version.

    cd "$(mktemp -d)" && npm install @etalab/decoupage-administratif@6.0.0 an-array-of-french-words@2.0.0
    python scripts/build_places.py "$PWD/node_modules/@etalab/decoupage-administratif"

The word list is looked for beside the COG package (``node_modules/an-array-of-french-words``)
unless ``--words`` says where it is.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "pipeline" / "data" / "places"

# The stop-list rule (also written at the top of stoplist.txt and in pipeline/places.py):
STOP_MAX_POPULATION = 2000  # a name is stop-listed only if every commune bearing it has fewer inhabitants
STOP_MAX_LETTERS = 3  # ... and it is this short, or a French dictionary word (or phrase of such words)

# Words that may appear between dictionary words of a multi-word name ("Le Bois-de-la-Pierre").
_GLUE = {"le", "la", "les", "l", "de", "d", "du", "des", "en", "sur", "sous", "et", "au", "aux", "a", "lez", "pres"}

# Communes with 2,000 inhabitants or more whose name is an everyday capitalised word on these pages
# (addresses, headings, sentence starts): kept for lookup(), never found by find_in_text().
MANUAL_NAMES = {
    "Rue": "street names: 'Rue de la République'",
    "Eu": "'Eu égard à ...'",
    "Cours": "headings: 'Cours de français'",
    "Bonne": "'Bonne année', 'Bonne nouvelle'",
    "Jardin": "headings: 'Jardin partagé'",
    "Publier": "menus: 'Publier un événement'",
    "Mer": "'Mer du Nord', festival names",
    "Contes": "headings: 'Contes et légendes'",
    "Signes": "headings: 'Signes de ...'",
    "Monnaie": "'Monnaie locale'",
    "Levier": "'Levier d'action'",
}

# Phrases that contain a place name but name something else (organisations, media): their words are
# skipped by find_in_text(), so "France Travail" is not the country and "Croix-Rouge" not Croix (59).
MANUAL_PHRASES = [
    "France Travail",
    "France Services",
    "France Stratégie",
    "France urbaine",
    "France Active",
    "France Médiation",
    "France Bénévolat",
    "France Volontaires",
    "France Culture",
    "France Inter",
    "France Info",
    "France Bleu",
    "France Télévisions",
    "France 2",
    "France 3",
    "France Compétences",
    "France Terre d'Asile",
    "France Renov",
    "France Rénov",
    "France Num",
    "France Relance",
    "France 2030",
    "France Ville Durable",
    "France Tiers-Lieux",
    "France Digitale",
    "France Paysage",
    "Banque de France",
    "Croix-Rouge",
]


def fold(text: str) -> str:
    """Lower case, no accents, œ/æ spelled out: the form compared with the word list."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold(text))


def _population(commune: dict) -> str:
    return "" if commune.get("population") is None else str(commune["population"])


def load_json(path: Path):
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def build(package: Path, words_path: Path, out: Path) -> dict[str, int]:
    meta = load_json(package / "package.json")
    version = meta["version"]
    source = f"{meta['name']}@{version} (npm; INSEE Code officiel géographique via Etalab, licence MIT/Licence Ouverte)"
    data = package / "data"
    communes = load_json(data / "communes.json")
    departements = load_json(data / "departements.json")
    regions = load_json(data / "regions.json")
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    with (out / "regions.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# source: {source}, data/regions.json\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name"])
        rows = sorted((r["code"], r["nom"]) for r in regions)
        w.writerows(rows)
        counts["regions.csv"] = len(rows)

    with (out / "departements.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# source: {source}, data/departements.json; region = code in regions.csv\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "region"])
        rows = sorted((d["code"], d["nom"], d["region"]) for d in departements)
        w.writerows(rows)
        counts["departements.csv"] = len(rows)

    current = [c for c in communes if c["type"] == "commune-actuelle"]
    with (out / "communes.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            f"# source: {source}, data/communes.json, type commune-actuelle only; "
            "departement/region = codes; population = INSEE municipal population (empty when none)\n"
        )
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["insee", "name", "departement", "region", "population"])
        rows = sorted((c["code"], c["nom"], c["departement"], c["region"], _population(c)) for c in current)
        w.writerows(rows)
        counts["communes.csv"] = len(rows)

    # Stop-list: names (by folded tokens) whose largest commune is small and which read as ordinary words.
    words = {fold(w) for w in load_json(words_path)}
    words_meta = load_json(words_path.parent / "package.json")
    by_key: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for c in current:
        by_key[tuple(tokens(c["nom"]))].append(c)
    auto: list[str] = []
    for key, group in by_key.items():
        if max(c.get("population") or 0 for c in group) >= STOP_MAX_POPULATION:
            continue
        name = max(group, key=lambda c: c.get("population") or 0)["nom"]
        letters = sum(len(t) for t in key)
        if len(key) == 1:
            stop = letters <= STOP_MAX_LETTERS or key[0] in words
        else:
            significant = [t for t in key if t not in _GLUE]
            stop = (
                letters <= STOP_MAX_LETTERS
                or fold(name) in words  # a compound listed as such: "arc-en-ciel"
                or (
                    bool(significant)
                    and significant[0] not in {"saint", "sainte", "saints", "saintes"}
                    and all(t in words for t in significant)
                )
            )
        if stop:
            auto.append(name)
    auto.sort(key=lambda n: (fold(n), n))

    with (out / "stoplist.txt").open("w", encoding="utf-8") as fh:
        fh.write(
            f"# source: built by scripts/build_places.py from {meta['name']}@{version} and "
            f"{words_meta['name']}@{words_meta['version']} (npm word list); one name or phrase a line.\n"
            "# Why: find_in_text() must not take ordinary capitalised words (sentence starts, headings,\n"
            "# addresses, organisation names) for places. Listed names stay available to lookup()/best(); only\n"
            "# their commune reading is ignored when scanning text (a département/région reading still counts).\n"
            f"# Rule (automatic part): a commune name is listed when every commune bearing it has fewer\n"
            f"# than {STOP_MAX_POPULATION:,} inhabitants AND the name has at most {STOP_MAX_LETTERS} letters or is a\n"
            "# French dictionary word (multi-word names: every word other than de/la/sur... is one, unless\n"
            "# the name starts with Saint/Sainte). Comparison ignores case and accents.\n"
            "# Manual part: bigger communes named like everyday words, and phrases naming organisations.\n"
            "## automatic\n"
        )
        for name in auto:
            fh.write(name + "\n")
        fh.write("## manual: communes of 2,000+ inhabitants named like everyday capitalised words\n")
        for name in sorted(MANUAL_NAMES):
            fh.write(name + "\n")
        fh.write("## manual: phrases that name something other than a place\n")
        for phrase in MANUAL_PHRASES:
            fh.write(phrase + "\n")
    counts["stoplist.txt"] = len(auto) + len(MANUAL_NAMES) + len(MANUAL_PHRASES)
    counts["stoplist.txt (automatic)"] = len(auto)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="folder of the npm package @etalab/decoupage-administratif")
    parser.add_argument("--words", type=Path, help="index.json of the npm package an-array-of-french-words")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    words = args.words or args.package.parent.parent / "an-array-of-french-words" / "index.json"
    if not words.is_file():
        parser.error(f"word list not found at {words}; install an-array-of-french-words or pass --words")
    counts = build(args.package, words, args.out)
    for name, n in counts.items():
        print(f"{name}: {n} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
