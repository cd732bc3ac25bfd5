"""Anchors: the peer test sets of ``shared/peer-data``, each scored by its own README's rules, with the
pipeline beside the tool a user would otherwise pick, measured in the same run.

* trafilatura's evaluation pages (main text): "with" segments found = TP, "without" found = FP, after
  whitespace normalisation only (case, apostrophes and accents count), micro-averaged.
* the article-extraction benchmark (main text): 4-token shingles of ``\\w+`` tokens, per-document P/R
  from TP/FP/FN divided by their sum, means over documents, F1 of the means.
* htmldate's evaluation pages (publication date): exact day = TP, another date = FP, none = FN.
* French TimeBank 1.1 (DATE expressions): spans matched by overlap (relaxed) or equality (strict), one
  to one, nearest start first (a range may match both its ends); the value cut to the gold precision.

The pages are read from the shared folder, never copied. ``crpv eval-anchors`` prints them all.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import warnings
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

from .errors import PageError
from .load import decode, detect_format
from .models import Anchor, LoadedPage

LOGGER = logging.getLogger(__name__)


_CLEANED: dict[
    tuple[str, str], object
] = {}  # (name, sha256) -> Document | None: a set's French pages are among its others


def _clean(data: bytes, name: str):
    """Our ``clean`` on a peer page's bytes (decoded as the loader does); None when it gives nothing."""
    from .clean import clean

    key = (name, hashlib.sha256(data).hexdigest())
    if key not in _CLEANED:
        text, codec, _ = decode(data)
        try:
            page = LoadedPage(path=name, format=detect_format(text), text=text, encoding=codec, sha256=key[1])
            _CLEANED[key] = clean(page)[0]
        except PageError:
            _CLEANED[key] = None
    return _CLEANED[key]


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


# --- trafilatura's evaluation pages -----------------------------------------------------------------


def _segments_score(counts: list[int]) -> dict:
    tp, fp, fn, tn = counts
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "accuracy": _ratio(tp + tn, tp + fp + fn + tn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
    }


def trafilatura_eval(corpus: Path, subset: str = "french", anchors: bool = True) -> dict:
    """Main text on trafilatura's pages (``subset``: "french" or "subset", the 196 pages); ``anchors``
    False scores the pipeline alone (the evaluation gate)."""
    import trafilatura

    entries = json.loads((corpus / f"evaldata.{subset}.json").read_text(encoding="utf-8"))
    systems = {
        "pipeline": lambda data, name: doc.text if (doc := _clean(data, name)) else "",
        "trafilatura": lambda data, name: (
            trafilatura.extract(data, include_comments=False, include_tables=True, include_formatting=False) or ""
        ),
        "trafilatura favor_precision": lambda data, name: (
            trafilatura.extract(
                data, include_comments=False, include_tables=True, include_formatting=False, favor_precision=True
            )
            or ""
        ),
    }
    if not anchors:
        systems = {"pipeline": systems["pipeline"]}
    counts = {name: [0, 0, 0, 0] for name in systems}
    for entry in entries.values():
        data = (corpus / "html" / entry["file"]).read_bytes()
        for name, system in systems.items():
            try:
                output = system(data, entry["file"])
            except Exception as exc:  # an extractor that crashes returns nothing (README rule)
                LOGGER.warning("%s failed on %s: %s", name, entry["file"], exc)
                output = ""
            flat = " ".join(output.split())
            c = counts[name]
            for segment in entry.get("with", []):
                c[0 if flat and " ".join(segment.split()) in flat else 2] += 1
            for segment in entry.get("without", []):
                c[1 if flat and " ".join(segment.split()) in flat else 3] += 1
    return {
        "set": f"trafilatura-eval ({subset})",
        "pages": len(entries),
        "systems": {name: _segments_score(c) for name, c in counts.items()},
    }


# --- the article-extraction benchmark -----------------------------------------------------------------


_TOKEN = re.compile(r"\w+")


def _shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()  # no text, no shingle: its precision is skipped, as upstream
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def shingle_scores(predicted: dict[str, str], gold: dict[str, str]) -> dict:
    """The benchmark's rule: per-document P and R on 4-token shingles, means, F1 of the means, accuracy."""
    precisions, recalls, exact = [], [], 0
    for key, body in gold.items():
        pred, truth = _shingles(predicted.get(key, "")), _shingles(body)
        tp = sum((pred & truth).values())
        fp = sum((pred - truth).values())
        fn = sum((truth - pred).values())
        total = tp + fp + fn
        if total == 0:
            continue
        tp, fp, fn = tp / total, fp / total, fn / total
        if fp == fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
        else:
            if tp + fp:
                precisions.append(tp / (tp + fp))
            if tp + fn:
                recalls.append(tp / (tp + fn))
        exact += _TOKEN.findall(predicted.get(key, "") or "") == _TOKEN.findall(body)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "accuracy": round(exact / len(gold), 3) if gold else 0.0,
    }


def article_benchmark(corpus: Path, anchors: bool = True) -> dict:
    import trafilatura

    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {key: entry["articleBody"] for key, entry in truth.items()}
    outputs: dict[str, dict[str, str]] = {"pipeline": {}, "trafilatura": {}, "trafilatura favor_precision": {}}
    if not anchors:
        outputs = {"pipeline": {}}
    for key in gold:
        data = gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes())
        doc = _clean(data, key)
        outputs["pipeline"][key] = doc.text if doc else ""
        if not anchors:
            continue
        outputs["trafilatura"][key] = trafilatura.extract(data, include_comments=False) or ""
        outputs["trafilatura favor_precision"][key] = (
            trafilatura.extract(data, include_comments=False, favor_precision=True) or ""
        )
    return {
        "set": "article-extraction-benchmark",
        "pages": len(gold),
        "systems": {name: shingle_scores(out, gold) for name, out in outputs.items()},
    }


# --- htmldate's evaluation pages ----------------------------------------------------------------------


def _date_scores(answers: list[str | None], gold: list[str]) -> dict:
    tp = sum(1 for a, g in zip(answers, gold, strict=True) if a == g)
    fn = sum(1 for a in answers if a is None)
    fp = len(gold) - tp - fn
    return {
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "accuracy": _ratio(tp, len(gold)),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "answered": _ratio(tp + fp, len(gold)),
    }


def htmldate_eval(corpus: Path, subset: str = "french", anchors: bool = True) -> dict:
    """Publication dates on htmldate's pages (``subset``: "french" or "subset", the 132 pages)."""
    from htmldate import find_date

    entries = json.loads((corpus / f"eval.{subset}.json").read_text(encoding="utf-8"))
    gold, ours, theirs = [], [], []
    for entry in entries.values():
        data = (corpus / "html" / entry["file"]).read_bytes()
        gold.append(entry["date"])
        doc = _clean(data, entry["file"])
        ours.append(doc.published if doc else None)
        if not anchors:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                theirs.append(find_date(data, original_date=True, extensive_search=True))
            except Exception:  # htmldate raising is no answer
                theirs.append(None)
    return {
        "set": f"htmldate-eval ({subset})",
        "pages": len(gold),
        "systems": {"pipeline": _date_scores(ours, gold)}
        | ({"htmldate extensive": _date_scores(theirs, gold)} if anchors else {}),
    }


# --- French TimeBank ----------------------------------------------------------------------------------


def timebank_documents(corpus: Path) -> list[dict]:
    """Each document: its plain text, its creation date, its DATE expressions (span, value, text)."""
    documents = []
    for path in sorted((corpus / "Data").glob("*.tml")):
        root = ElementTree.parse(path).getroot()
        dct = root.find("DCT/TIMEX3").get("value")
        text_node = root.find("TEXT")
        parts: list[str] = []
        timexes: list[dict] = []

        def walk(node, parts: list[str] = parts, timexes: list[dict] = timexes) -> None:
            start = sum(map(len, parts))
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)
            if node.tag == "TIMEX3":
                end = sum(map(len, parts))
                timexes.append({"span": (start, end), "type": node.get("type"), "value": node.get("value")})

        walk(text_node)
        text = "".join(parts)
        dates = [{**t, "text": text[t["span"][0] : t["span"][1]]} for t in timexes if t["type"] == "DATE"]
        documents.append({"name": path.stem, "dct": dct, "text": text, "dates": dates})
    return documents


def surface_form(text: str) -> str:
    """The README's breakdown of recall: explicit year, day + month, month word, relative or weekday."""
    from .temporal import find_expressions

    lowered = text.lower()
    if re.search(r"\b(?:1[5-9]|20)\d\d\b", lowered):
        return "explicit year"
    if re.search(r"\b\d{1,2}(?:er)?\s+\w+", lowered) and any(f.m2 for f in find_expressions(text)):
        return "day + month"
    if any(f.m2 and f.d2 is None for f in find_expressions(text)):
        return "month word"
    return "relative or weekday"


_SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def value_matches(gold: str, start: str, end: str) -> bool:
    """The README's rule: either end of the prediction, cut to the gold value's precision, is the gold
    value. TimeML's other precisions are cut alike: an unknown year (XXXX-06), a decade (196X), a
    century (18XX), a season (1999-SU), a week (1999-W27) and its weekend (2003-W05-WE)."""
    from datetime import date

    for value in (start, end):
        if re.fullmatch(r"\d{4}(?:-\d\d){0,2}", gold) and value[: len(gold)] == gold:
            return True
        if (m := re.fullmatch(r"XXXX(-\d\d(?:-\d\d)?)", gold)) and value[4 : 4 + len(m.group(1))] == m.group(1):
            return True
        if (m := re.fullmatch(r"(\d{1,3})X+", gold)) and len(gold) == 4 and value.startswith(m.group(1)):
            return True
        if m := re.fullmatch(r"(\d{4}|XXXX)-(SP|SU|FA|WI)", gold):
            same_year = m.group(1) == "XXXX" or value[:4] == m.group(1)
            if same_year and len(value) >= 7 and int(value[5:7]) == _SEASON_MONTHS[m.group(2)]:
                return True
        if (m := re.fullmatch(r"(\d{4})-W(\d\d)(-WE)?", gold)) and len(value) == 10:
            day = date.fromisoformat(value)
            year, week, weekday = day.isocalendar()
            if (year, week) == (int(m.group(1)), int(m.group(2))) and (not m.group(3) or weekday >= 6):
                return True
    return False


def timebank(corpus: Path, anchors: bool = True) -> dict:
    """Our date grammar on French TimeBank's DATE expressions, with each document's DCT as the anchor."""
    from datetime import date

    from .temporal import find_expressions, resolve

    gold_total = predicted_total = 0
    gold_hits = {"strict": 0, "relaxed": 0, "relaxed+value": 0}
    predicted_hits = {"strict": 0, "relaxed": 0, "relaxed+value": 0}
    by_form: dict[str, list[int]] = {}
    missed: list[str] = []
    extra: list[str] = []
    wrong: list[str] = []
    for document in timebank_documents(corpus):
        anchor = Anchor(date.fromisoformat(document["dct"]), "published", exact=True)
        # a date with a part of the day ("hier soir") is a TIME expression, not one of the DATEs scored
        predictions = [
            e
            for f in find_expressions(document["text"])
            if (e := resolve(f, anchor)) is not None and not e.rule.endswith("+part-of-day")
        ]
        predicted_total += len(predictions)
        gold_total += len(document["dates"])
        used: dict[int, set[str]] = {}  # prediction -> the kinds of match it made
        uses: Counter = Counter()  # a range may match two golds (its two ends)
        for item in sorted(document["dates"], key=lambda g: g["span"][0]):
            gs, ge = item["span"]
            form = surface_form(item["text"])
            tally = by_form.setdefault(form, [0, 0])
            tally[1] += 1
            candidates = [
                (abs(p.span[0] - gs), i)
                for i, p in enumerate(predictions)
                if p.span[0] < ge and gs < p.span[1] and uses[i] < (2 if p.start != p.end else 1)
            ]
            if not candidates:
                missed.append(f"{document['name']}: {item['text']!r} ({item['value']})")
                continue
            _, best = min(candidates)
            uses[best] += 1
            entity = predictions[best]
            kinds = {"relaxed"}
            if tuple(entity.span) == (gs, ge):
                kinds.add("strict")
            if value_matches(item["value"], entity.start, entity.end):
                kinds.add("relaxed+value")
            else:
                ours = f"{entity.start}..{entity.end} ({entity.text!r})"
                wrong.append(f"{document['name']}: {item['text']!r} gold {item['value']}, ours {ours}")
            for kind in kinds:
                gold_hits[kind] += 1
            used.setdefault(best, set()).update(kinds)
            tally[0] += 1
        for i, p in enumerate(predictions):
            if i not in used:
                extra.append(f"{document['name']}: {p.text!r} -> {p.start}")
            for kind in used.get(i, ()):
                predicted_hits[kind] += 1

    def prf(kind: str) -> dict:
        p = predicted_hits[kind] / predicted_total if predicted_total else 0.0
        r = gold_hits[kind] / gold_total if gold_total else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}

    return {
        "set": "French TimeBank 1.1 (DATE)",
        "expressions": gold_total,
        "predictions": predicted_total,
        "systems": {"pipeline": {kind: prf(kind) for kind in gold_hits}},
        "recall_by_form": {form: round(hit / total, 3) for form, (hit, total) in sorted(by_form.items())},
        "missed": missed,
        "extra": extra,
        "wrong_value": wrong,
    }


# --- all of them -------------------------------------------------------------------------------------

# name -> (folder in peer-data, scorer(folder, anchors=True)); the anchors' own figures are in each
# scorer's systems beside the pipeline's (French TimeBank's anchor, HeidelTime, is its README's figure)
SETS = {
    "trafilatura-eval-french": (
        "trafilatura-eval",
        lambda folder, anchors=True: trafilatura_eval(folder, "french", anchors),
    ),
    "trafilatura-eval": ("trafilatura-eval", lambda folder, anchors=True: trafilatura_eval(folder, "subset", anchors)),
    "article-extraction-benchmark": ("article-extraction-benchmark", article_benchmark),
    "htmldate-eval-french": ("htmldate-eval", lambda folder, anchors=True: htmldate_eval(folder, "french", anchors)),
    "htmldate-eval": ("htmldate-eval", lambda folder, anchors=True: htmldate_eval(folder, "subset", anchors)),
    "fr-timebank": ("fr-timebank", timebank),
}


def evaluate_anchors(peer_data: Path, names: list[str] | None = None) -> dict[str, dict]:
    """Every peer set found below ``peer_data`` (or those named), scored."""
    reports = {}
    for name, (folder, score) in SETS.items():
        if names and name not in names:
            continue
        if (peer_data / folder).is_dir():
            reports[name] = score(peer_data / folder)
    return reports


def format_anchors(reports: dict[str, dict]) -> str:
    lines = []
    for report in reports.values():
        size = report.get("pages") or report.get("expressions")
        lines.append(f"{report['set']}: {size} {'pages' if 'pages' in report else 'expressions'}")
        for system, scores in report["systems"].items():
            if all(isinstance(v, dict) for v in scores.values()):
                cells = "  ".join(
                    f"{kind} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f}" for kind, v in scores.items()
                )
            else:
                cells = "  ".join(f"{k} {v:.3f}" for k, v in scores.items())
            lines.append(f"  {system:30} {cells}")
        if "recall_by_form" in report:
            lines.append("  recall by form: " + ", ".join(f"{k} {v:.2f}" for k, v in report["recall_by_form"].items()))
    return "\n".join(lines)
