"""nlp: the French model loaded once, the gazetteer ruler before the NER, sentences never across lines."""

from __future__ import annotations

from pipeline import nlp
from pipeline.models import Document, LoadedPage, PageAnalysis


def test_the_model_is_loaded_once_with_only_the_components_used():
    model = nlp.load_model()
    assert nlp.load_model() is model
    assert "entity_ruler" in model.pipe_names and model.pipe_names.index("entity_ruler") < model.pipe_names.index("ner")
    assert "parser" not in model.pipe_names and "senter" in model.pipe_names


def test_gazetteer_organisations_carry_their_id():
    [doc] = nlp.analyse(["L'ANCT et l'IREV ont organisé une journée à Lille."])
    ids = {ent.ent_id_ for ent in doc.ents if ent.label_ == "ORG"}
    assert {"anct", "crpv-irev"} <= ids


def test_split_lines_cuts_a_sentence_at_line_breaks():
    text = "Programme :\nMatin : plénière\nAprès-midi : ateliers"
    assert [text[s:e] for s, e in nlp.split_lines(text, 0, len(text))] == [
        "Programme :",
        "Matin : plénière",
        "Après-midi : ateliers",
    ]


def test_process_gives_every_page_its_docs_and_sentences():
    page = LoadedPage(path="a.html", format="text", text="x", encoding="utf-8", sha256="0" * 64)
    analysis = PageAnalysis(
        page=page, document=Document(title="Retour sur la journée", text="Première phrase.\nSeconde ligne ici.")
    )
    nlp.process([analysis])
    assert analysis.body.doc.text == analysis.document.text and analysis.title.doc.text == "Retour sur la journée"
    assert [analysis.body.text[s:e] for s, e in analysis.body.sentences] == ["Première phrase.", "Seconde ligne ici."]


def test_chunks_rejoin_into_the_text():
    text = ("Première ligne assez longue.\n" * 50) + "x" * 300
    pieces = nlp.chunks(text, 100)
    assert "".join(pieces) == text and all(len(p) <= 100 for p in pieces)


def test_a_long_text_is_read_in_chunks_with_the_offsets_of_the_text(monkeypatch):
    from pipeline import settings

    text = "L'ANCT réunit les centres à Lille.\n" * 40
    monkeypatch.setattr(settings.section("nlp"), "chunk_chars", 200)
    [doc] = nlp.analyse([text])
    assert doc.text == text
    ents = [(e.start_char, e.end_char) for e in doc.ents if e.ent_id_ == "anct"]
    assert len(ents) == 40 and all(text[s:e] == "ANCT" for s, e in ents)


def test_the_ner_weights_are_the_fine_tuned_ones_and_say_what_they_were_trained_on():
    import json

    from pipeline import resources, settings

    folder = settings.section("nlp").ner_weights
    training = json.loads(resources.text(f"{folder}/training.json"))
    assert training["component"] == "ner" and training["pages"] > 0 and training["trained_on"]
    with resources.as_file(folder) as path:
        assert (path / "model").stat().st_size > 1_000_000
