"""language: French, English or another language from function words; None when too short."""

from __future__ import annotations

from pipeline.language import detect_language

FRENCH = "Les centres de ressources de la politique de la ville se sont réunis à Nantes pour leur rencontre annuelle, et ils ont partagé leurs travaux avec les partenaires."
ENGLISH = "The resource centres of the network met in Nantes for their annual meeting, and they shared their work with the partners of the programme."
GERMAN = "Die Zentren des Netzwerks haben sich in Nantes getroffen, und sie haben ihre Arbeit mit den Partnern des Programms geteilt, die auch für die Stadt arbeiten."


def test_languages_are_told_apart():
    assert detect_language(FRENCH) == "fr"
    assert detect_language(ENGLISH) == "en"
    assert detect_language(GERMAN) == "de"


def test_typographic_apostrophes_count_as_french():
    assert detect_language(FRENCH.replace("la ville", "l’agglomération de l’Ouest")) == "fr"


def test_a_short_text_has_no_language():
    assert detect_language("Rencontre à Nantes") is None
