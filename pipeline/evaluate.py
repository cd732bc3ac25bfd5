"""Evaluate: an annotated corpus -> scores, by the rules of shared/dev-corpus/README.md.

A corpus is a folder with ``gold/*.json`` (one per page; ``input`` is relative to the corpus folder) and
``gold/aliases*.json`` (organisation key -> every name variant). Values are compared after folding case,
accents, apostrophes, dashes and spacing. ``--baseline`` scores the naive approach beside ours:
trafilatura's own title/date/text, spaCy's French NER out of the box for people, organisations and
places, and dateparser's ``search_dates`` for dates (the first date found is taken as the event).

The peer test sets (trafilatura's, htmldate's, the article benchmark, French TimeBank) are scored by their
own READMEs' rules in ``anchors``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .text import fold

LOGGER = logging.getLogger(__name__)

# A gold role counts as found when this share of its words is in the predicted role (README rule).
ROLE_WORD_SHARE = 0.6


def _key(text: str | None) -> str:
    return fold(text or "").replace("-", " ")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set, gold: set) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def scores(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Rate:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    def value(self) -> float | None:
        return round(self.right / self.total, 3) if self.total else None


@dataclass
class Tally:
    title: Rate = field(default_factory=Rate)
    published: Rate = field(default_factory=Rate)
    kept: Rate = field(default_factory=Rate)
    kept_out: Rate = field(default_factory=Rate)
    events: Counts = field(default_factory=Counts)
    dated_events: Counts = field(default_factory=Counts)  # gold events with a stated day, events with a date
    undated_events: Counts = field(default_factory=Counts)  # the page's subject without a stated day
    event_city: Rate = field(default_factory=Rate)
    event_participants: Rate = field(default_factory=Rate)
    event_organisers: Counts = field(default_factory=Counts)
    events_fully_right: Rate = field(default_factory=Rate)
    non_event_pages_clean: Rate = field(default_factory=Rate)
    people: Counts = field(default_factory=Counts)
    roles: Rate = field(default_factory=Rate)
    organisations: Counts = field(default_factory=Counts)
    places: Counts = field(default_factory=Counts)

    def report(self) -> dict:
        return {
            "title": self.title.value(),
            "published": self.published.value(),
            "text_kept": self.kept.value(),
            "boilerplate_kept_out": self.kept_out.value(),
            "events": self.events.scores(),
            "dated_events": self.dated_events.scores(),
            "undated_events": self.undated_events.scores(),
            "event_city": self.event_city.value(),
            "event_participants": self.event_participants.value(),
            "event_organisers": self.event_organisers.scores(),
            "events_dates_and_city_right": self.events_fully_right.value(),
            "non_event_pages_without_event": self.non_event_pages_clean.value(),
            "people": self.people.scores(),
            "people_role_right": self.roles.value(),
            "organisations": self.organisations.scores(),
            "places": self.places.scores(),
        }


class Aliases:
    """Organisation key -> folded name variants; resolves an extracted organisation to a gold key."""

    def __init__(self, table: dict[str, list[str]]):
        self.variants = {key: {_key(v) for v in [key, *names]} for key, names in table.items()}

    def resolve(self, *names: str | None) -> str | None:
        folded = {_key(n) for n in names if n}
        for key, variants in self.variants.items():
            if folded & variants:
                return key
        return None

    @staticmethod
    def table(gold_dir: Path) -> dict[str, list[str]]:
        """Organisation key -> the names written for it, from every ``aliases*.json`` of ``gold_dir``."""
        table: dict[str, list[str]] = {}
        for path in sorted(gold_dir.glob("aliases*.json")):
            for key, names in json.loads(path.read_text(encoding="utf-8")).items():
                table.setdefault(key, []).extend(names)
        return table

    @classmethod
    def load(cls, gold_dir: Path) -> Aliases:
        return cls(cls.table(gold_dir))


def _org_keys(orgs: list[dict], aliases: Aliases) -> set[str]:
    keys = set()
    for org in orgs:
        key = aliases.resolve(
            org.get("name"), org.get("acronym"), org.get("id"), *(m.get("text") for m in org.get("mentions", []))
        )
        keys.add(key or f"?{_key(org.get('name'))}")
    return keys


def _person_key(name: str) -> str:
    return _key(re.sub(r"\s*-\s*", "-", name))


def _role_right(gold_role: str, predicted: str | None) -> bool:
    gold_words = re.findall(r"\w+", _key(gold_role))
    found = set(re.findall(r"\w+", _key(predicted)))
    return bool(gold_words) and sum(w in found for w in gold_words) / len(gold_words) >= ROLE_WORD_SHARE


def score_page(gold: dict, record: dict, aliases: Aliases, tally: Tally) -> dict:
    """Add one page's comparison to ``tally``; return the page's details (for debugging)."""
    doc = record["document"]
    details: dict = {"case": gold.get("case")}
    tally.title.add(_key(doc.get("title")) == _key(gold.get("title")))
    if _key(doc.get("title")) != _key(gold.get("title")):
        details["title"] = [doc.get("title"), gold.get("title")]
    tally.published.add(doc.get("published") == gold.get("published"))
    if doc.get("published") != gold.get("published"):
        details["published"] = [doc.get("published"), gold.get("published")]
    text = _key(doc.get("text"))
    for fragment in gold.get("must_contain", []):
        tally.kept.add(_key(fragment) in text)
    for fragment in gold.get("must_not_contain", []):
        tally.kept_out.add(_key(fragment) not in text)
        if _key(fragment) in text:
            details.setdefault("boilerplate_kept", []).append(fragment)
    for fragment in gold.get("must_contain", []):
        if _key(fragment) not in text:
            details.setdefault("text_lost", []).append(fragment)

    gold_events = gold.get("events", [])
    predicted = list(record.get("events", []))
    if not gold_events:
        tally.non_event_pages_clean.add(not predicted)
    unmatched = list(range(len(predicted)))
    for gold_event in gold_events:
        match = next(
            (
                i
                for i in unmatched
                if (predicted[i].get("start_date"), predicted[i].get("end_date"))
                == (gold_event["start"], gold_event["end"])
            ),
            None,
        )
        kind = tally.dated_events if gold_event["start"] else tally.undated_events
        if match is None:
            tally.events.fn += 1
            kind.fn += 1
            tally.events_fully_right.add(False)
            details.setdefault("events_missed", []).append(
                [gold_event["start"], gold_event["end"], gold_event.get("city")]
            )
            continue
        unmatched.remove(match)
        event = predicted[match]
        tally.events.tp += 1
        kind.tp += 1
        city = (event.get("location") or {}).get("city")
        city_ok = _key(city) == _key(gold_event.get("city"))
        tally.event_city.add(city_ok)
        tally.events_fully_right.add(city_ok)
        if not city_ok:
            details.setdefault("event_city", []).append([city, gold_event.get("city")])
        count = (event.get("participants") or {}).get("count")
        tally.event_participants.add(count == gold_event.get("participants_count"))
        organisers = _org_keys(event.get("organisers", []), aliases)
        tally.event_organisers.add(organisers, set(gold_event.get("organisers", [])))
        if organisers != set(gold_event.get("organisers", [])):
            details.setdefault("event_organisers", []).append([sorted(organisers), gold_event.get("organisers")])
    tally.events.fp += len(unmatched)
    for i in unmatched:
        (tally.dated_events if predicted[i].get("start_date") else tally.undated_events).fp += 1
    if unmatched:
        details["events_extra"] = [
            [predicted[i].get("start_date"), predicted[i].get("end_date"), predicted[i].get("name")] for i in unmatched
        ]

    entities = record.get("entities", {})
    gold_people = {_person_key(p["name"]): p for p in gold.get("people", [])}
    predicted_people = {_person_key(p["name"]): p for p in entities.get("people", [])}
    tally.people.add(set(predicted_people), set(gold_people))
    for key, person in gold_people.items():
        if person.get("role") and key in predicted_people:
            ok = _role_right(person["role"], predicted_people[key].get("role"))
            tally.roles.add(ok)
            if not ok:
                details.setdefault("roles", []).append([predicted_people[key].get("role"), person["role"]])
    if set(predicted_people) != set(gold_people):
        details["people"] = {
            "extra": sorted(set(predicted_people) - set(gold_people)),
            "missed": sorted(set(gold_people) - set(predicted_people)),
        }

    orgs = _org_keys(entities.get("organisations", []), aliases)
    gold_orgs = set(gold.get("organisations", []))
    tally.organisations.add(orgs, gold_orgs)
    if orgs != gold_orgs:
        details["organisations"] = {"extra": sorted(orgs - gold_orgs), "missed": sorted(gold_orgs - orgs)}

    gold_places = {_key(p) for p in gold.get("places", [])}
    predicted_places = set()
    for place in entities.get("places", []):
        names = {_key(place.get("name"))} | {_key(m.get("text")) for m in place.get("mentions", [])}
        predicted_places.add(next(iter(names & gold_places), _key(place.get("name"))))
    tally.places.add(predicted_places, gold_places)
    if predicted_places != gold_places:
        details["places"] = {
            "extra": sorted(predicted_places - gold_places),
            "missed": sorted(gold_places - predicted_places),
        }
    return details


def load_gold(corpus: Path, exclude: Iterable[str] = ()) -> list[dict]:
    """The gold files of ``corpus`` (not its aliases), less the cases named in ``exclude``."""
    skipped = set(exclude)
    golds = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((corpus / "gold").glob("*.json"))
        if not p.name.startswith("aliases")
    ]
    return [g for g in golds if g.get("case") not in skipped]


def corpus_digest(corpus: Path, exclude: Iterable[str] = ()) -> str:
    """sha256 of the gold files, the aliases and the input pages (with their sidecars) scored: it
    changes when an annotation or a page changes."""
    digest = hashlib.sha256()
    files = sorted((corpus / "gold").glob("aliases*.json"))
    for gold in load_gold(corpus, exclude):
        files.append(corpus / "gold" / f"{gold['case']}.json")
        page = corpus / gold["input"]
        files += [page, page.with_name(page.stem + ".meta.json")]
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(corpus).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _pipeline_records(paths: list[Path]) -> list:
    """The pipeline on every page, one batch per folder (the NLP stage runs on whole batches)."""
    from .run import process_batch

    outcomes: dict[Path, object] = {}
    by_folder: dict[Path, list[Path]] = {}
    for path in paths:
        by_folder.setdefault(path.parent, []).append(path)
    for folder, group in by_folder.items():
        for path, outcome in zip(group, process_batch(group, folder)):
            outcomes[path] = outcome
    return [outcomes[p] for p in paths]


def _baseline_records(paths: list[Path]) -> list:
    from .baseline import baseline_record

    outcomes = []
    for path in paths:
        try:
            outcomes.append(baseline_record(path, path.parent))
        except Exception as exc:
            outcomes.append(exc)
    return outcomes


def evaluate_corpus(corpus: Path, baseline: bool = False, exclude: Iterable[str] = ()) -> dict:
    """Run the pipeline (and optionally the baseline) on every gold page of ``corpus`` (less the cases
    in ``exclude``) and score it."""
    aliases = Aliases.load(corpus / "gold")
    golds = load_gold(corpus, exclude)
    systems = {"pipeline": _pipeline_records}
    if baseline:
        systems["baseline"] = _baseline_records
    report: dict = {"corpus": str(corpus), "pages": len(golds), "digest": corpus_digest(corpus, exclude), "systems": {}}
    paths = [(corpus / gold["input"]).resolve() for gold in golds]
    for name, system in systems.items():
        tally, pages, failed = Tally(), [], []
        for gold, outcome in zip(golds, system(paths)):
            if isinstance(outcome, Exception):  # a failing page scores as an empty record, and is reported
                LOGGER.warning("%s failed on %s: %s", name, gold["input"], outcome)
                failed.append(f"{gold['input']}: {type(outcome).__name__}: {outcome}")
                record = {"document": {}, "events": [], "entities": {}}
            else:
                record = outcome.model_dump(mode="json")
            pages.append(score_page(gold, record, aliases, tally))
        report["systems"][name] = {"scores": tally.report(), "pages": pages, "failed": failed}
    return report


def headline(scores: dict) -> dict[str, float]:
    """The figures the evaluation gate holds at their floors, each between 0 and 1 (a rate, or an F1);
    a figure with nothing to measure on the set (no matched event, no role) is left out."""
    flat: dict[str, float] = {}
    for key, value in scores.items():
        if key == "undated_events":  # the figure: the share of undated subject events found
            if value["tp"] + value["fn"]:
                flat["undated_events_found"] = value["recall"]
        elif isinstance(value, dict):
            flat[f"{key}_f1"] = value["f1"]
        elif value is not None:
            flat[key] = value
    return flat


_ROWS = [
    ("title", "title exact"),
    ("published", "published exact"),
    ("text_kept", "text kept (must_contain)"),
    ("boilerplate_kept_out", "boilerplate kept out"),
    ("events", "events (dates) P/R/F1"),
    ("dated_events", "  with a stated day P/R/F1"),
    ("undated_events", "  undated subject P/R/F1"),
    ("event_city", "  matched: city right"),
    ("event_participants", "  matched: participants right"),
    ("event_organisers", "  matched: organisers P/R/F1"),
    ("events_dates_and_city_right", "events fully right (dates+city)"),
    ("non_event_pages_without_event", "non-event pages with no event"),
    ("people", "people P/R/F1"),
    ("people_role_right", "  role right"),
    ("organisations", "organisations P/R/F1"),
    ("places", "places P/R/F1"),
]


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return f"{value['precision']:.2f}/{value['recall']:.2f}/{value['f1']:.2f}"
    return f"{value:.3f}"


def format_report(report: dict) -> str:
    systems = list(report["systems"])
    lines = [
        f"{report['corpus']}: {report['pages']} annotated pages",
        f"{'':34}" + "".join(f"{s:>18}" for s in systems),
    ]
    for key, label in _ROWS:
        lines.append(f"{label:34}" + "".join(f"{_cell(report['systems'][s]['scores'][key]):>18}" for s in systems))
    for system in systems:
        for failure in report["systems"][system].get("failed", []):
            lines.append(f"{system} FAILED on {failure} (scored as an empty record)")
    return "\n".join(lines)
