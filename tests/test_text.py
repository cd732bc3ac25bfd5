"""text: the one fold, its offset map, normalisation, alternations and overlap resolution."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.text import Folded, alternation, fold, fold_map, longest_first, normalise, normalise_line, view


def test_fold_ignores_case_accents_ligatures_apostrophes_dashes_and_spacing():
    assert fold("L’Œuvre – CR•DSU") == "l'oeuvre-cr dsu"
    assert fold("Cœur d’Essonne") == fold("coeur d'essonne") == "coeur d'essonne"
    assert fold("François - Antoine") == fold("François-Antoine") == "francois-antoine"
    assert fold("  Île-de-France\u00a0 ") == "ile-de-france"
    assert fold("CR•DSU") == fold("CR DSU") == "cr dsu"


def test_fold_can_keep_the_case_for_acronyms():
    assert fold("l’ANCT", keep_case=True) == "l'ANCT"
    assert fold("Région Île-de-France", keep_case=True) == "Region Ile-de-France"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_fold_map_points_every_folded_character_at_its_source(text):
    folded, origin = fold_map(text)
    assert folded == fold(text)
    assert len(origin) == len(folded)
    assert origin == sorted(origin)
    assert all(0 <= i < len(text) for i in origin)


def test_folded_view_gives_spans_of_the_original_text():
    view = Folded("À l’invitation de  l’IREV, Cœur")
    [match] = list(view.finditer(re.compile(r"l'irev")))
    start, end = view.span(*match.span())
    assert view.source[start:end] == "l’IREV"
    window = view.source.index("de")
    assert [m.group() for m in view.finditer(re.compile(r"coeur"), window)] == ["coeur"]


def test_normalise_tidies_spaces_lines_and_invisible_characters():
    assert normalise("a  \tb\r\n\r\n \u00a0\r\nc\u200b d ") == "a b\nc d"


def test_normalise_keeps_the_page_s_own_characters_and_view_reads_them_one_for_one():
    text = normalise("L’été\u00a0: « Réussite\u202f! »")
    assert text == "L’été\u00a0: « Réussite\u202f! »"
    assert view(text) == "L'été : « Réussite ! »" and len(view(text)) == len(text)
    assert normalise_line("Titre\nsur deux lignes") == "Titre sur deux lignes"


def test_alternation_puts_the_longest_word_first():
    pattern = re.compile(alternation(["journée", "journée régionale", "a.b"]))
    assert pattern.match("journée régionale des CRPV").group() == "journée régionale"
    assert not pattern.match("aXb")  # words are escaped


def test_longest_first_keeps_the_longest_then_the_best_ranked():
    items = [(0, 10, 1), (2, 5, 0), (12, 15, 1), (12, 15, 0), (14, 20, 0)]
    kept = longest_first(items, span=lambda i: (i[0], i[1]), rank=lambda i: i[2])
    assert kept == [(0, 10, 1), (14, 20, 0)]


@given(st.text(max_size=80))
def test_fold_and_fold_map_agree_on_any_text(text):
    assert fold_map(text)[0] == fold(text)
    assert fold_map(text, keep_case=True)[0] == fold(text, keep_case=True)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 12), st.integers(0, 3)), max_size=40))
def test_longest_first_never_keeps_two_overlapping_items_and_keeps_the_longest(raw):
    items = [(s, s + length, rank) for s, length, rank in raw]
    kept = longest_first(items, span=lambda i: (i[0], i[1]), rank=lambda i: i[2])
    for a, b in itertools.pairwise(kept):
        assert a[1] <= b[0]
    if items:
        longest = max(i[1] - i[0] for i in items)
        assert any(k[1] - k[0] == longest for k in kept)


def test_spans_answer_overlap_and_neighbour_questions():
    from pipeline.text import Spans

    spans = Spans([(10, 20), (0, 3), (30, 60)])
    spans.add((22, 25))
    assert spans.overlapping(19, 23) == [(10, 20), (22, 25)]
    assert spans.overlapping(40, 41) == [(30, 60)]  # a long span starting far before
    assert spans.overlapping(20, 22) == []
    assert spans.ending_in(18, 25) == [(10, 20), (22, 25)]
    assert spans.starting_in(25, 30) == [(30, 60)]
