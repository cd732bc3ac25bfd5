#!/usr/bin/env python3
"""Build ``pipeline/data/places/quartiers.csv``: the neighbourhood names of the politique de la ville
(the 2024 quartiers prioritaires, the 2015 ones where a copy was found, the 1996 zones urbaines
sensibles), each with the INSEE code of its commune(s), so that a page naming a commune finds its
quartiers ("Celleneuve", "Petit Bard Pergola" on a Montpellier page).

In:  a CSV with the columns ``code,name,commune,insee,list,source`` (one row per QPV or ZUS, names as the
     official lists spell them; ``insee`` may hold several codes joined by ";", or be empty when only
     the commune's name is known), and ``pipeline/data/places/quartier_stoplist.txt``.
Out: ``quartiers.csv`` with ``name,insee,list``: one row per name and commune. A listed name made of
     several neighbourhoods ("Paul Valéry - Pas Du Loup - Val De Croze", "Gély, Figuerolles") gives each
     part too; a part is left out when it is generic ("Centre Ville", "Quartier Nord": the stop-list), has
     fewer than 4 letters, or is the name of a commune, département or région (the place index finds it
     as such).

    python scripts/build_quartiers.py qpv.csv
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.places import load_places, name_key  # noqa: E402

OUT = REPO / "pipeline" / "data" / "places" / "quartiers.csv"
STOP = REPO / "pipeline" / "data" / "places" / "quartier_stoplist.txt"
SEPARATORS = re.compile(r"\s+[-–/]\s+|\s*[,;]\s*|\s+et\s+")


SMALL = re.compile(r"(?<=\S )(De|Du|Des|La|Le|Les|Et|D'|L'|D’|L’)(?=[\s'’]|(?<=['’]))")


def parts(name: str) -> list[str]:
    name = re.sub(r"\s*\(\d+\)\s*$", "", name).strip(" .")
    name = SMALL.sub(lambda m: m.group(1).lower(), name)  # "Pas Du Loup" is written "Pas du Loup"
    pieces = [p.strip(" .") for p in SEPARATORS.split(name)]
    return [name, *[p for p in pieces if p and p != name]] if len(pieces) > 1 else [name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the QPV/ZUS list (code,name,commune,insee,list,source)")
    args = parser.parse_args()
    places = load_places()
    stop = {
        name_key(line) for line in STOP.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    }
    rows: dict[tuple[str, str], str] = {}
    sources: set[str] = set()
    for row in csv.DictReader(args.source.open(encoding="utf-8")):
        insees = [c for c in row["insee"].split(";") if c]
        if not insees:  # the 1996 list names communes only
            insees = [
                p.insee for c in row["commune"].split(";") for p in places.lookup(c.strip())[:1] if p.kind == "commune"
            ]
        if not insees:
            continue
        sources.add(row["source"].rsplit(":", 1)[0])
        for part in parts(row["name"]):
            key = name_key(part)
            letters = sum(len(w) for w in key if w not in ("le", "la", "les", "l", "de", "du", "des", "d"))
            if letters < 4 or key in stop or any(p.kind != "quartier" for p in places.lookup(part)):
                continue
            for insee in insees:
                rows.setdefault((part, insee), row["list"])
    with OUT.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "# source: the official lists of the politique de la ville's neighbourhoods, as copied in public"
            " repositories: " + "; ".join(sorted(sources)) + " (2024 QPV: ANCT, from its data.gouv.fr CSV,"
            " Licence Ouverte; 2015 QPV: Occitanie only; 1996 ZUS: annex of décret n° 96-1156);"
            " built by scripts/build_quartiers.py\n"
        )
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "insee", "list"])
        for (name, insee), list_ in sorted(rows.items(), key=lambda item: (item[0][1], item[0][0])):
            writer.writerow([name, insee, list_])
    print(f"{OUT}: {len(rows)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
