"""Offline tests of pipeline.places: lookups, preferences, and scanning text for place names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipeline.places import PlaceEntry, PlaceIndex, find_in_text, load_places, name_key


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return load_places()


def found(text: str) -> list[tuple[str, str, str]]:
    """(text as written, official name, kind) of every place found in ``text``."""
    return [(text[s:e], p.name, p.kind) for s, e, p in find_in_text(text)]


# -- communes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, insee, departement, region",
    [
        ("Nantes", "44109", "44", "Pays de la Loire"),
        ("Lille", "59350", "59", "Hauts-de-France"),
        ("Strasbourg", "67482", "67", "Grand Est"),
        ("Vaulx-en-Velin", "69256", "69", "Auvergne-Rhône-Alpes"),
        ("Saint-Germain-en-Laye", "78551", "78", "Île-de-France"),
        ("St-Germain-en-Laye", "78551", "78", "Île-de-France"),
        ("st germain en laye", "78551", "78", "Île-de-France"),
        ("Tomblaine", "54526", "54", "Grand Est"),
        ("Saintes", "17415", "17", "Nouvelle-Aquitaine"),
        ("Roubaix", "59512", "59", "Hauts-de-France"),
        ("Maubeuge", "59392", "59", "Hauts-de-France"),
        ("Dunkerque", "59183", "59", "Hauts-de-France"),
        ("Valenciennes", "59606", "59", "Hauts-de-France"),
        ("Montpellier", "34172", "34", "Occitanie"),
        ("Brest", "29019", "29", "Bretagne"),
        ("Vannes", "56260", "56", "Bretagne"),
        ("Malakoff", "92046", "92", "Île-de-France"),
        ("Le Havre", "76351", "76", "Normandie"),
        ("le Havre", "76351", "76", "Normandie"),
        ("LE HAVRE", "76351", "76", "Normandie"),
    ],
)
def test_commune(places: PlaceIndex, name: str, insee: str, departement: str, region: str) -> None:
    place = places.best(name)
    assert place is not None
    assert (place.kind, place.insee, place.departement, place.region) == ("commune", insee, departement, region)
    assert places.is_commune_name(name)


def test_paris_is_commune_then_departement(places: PlaceIndex) -> None:
    got = places.lookup("Paris")
    assert [(p.kind, p.insee) for p in got] == [("commune", "75056"), ("département", "75")]
    assert places.best("paris").kind == "commune"


def test_lille_is_the_commune(places: PlaceIndex) -> None:
    assert [p.name for p in places.lookup("Lille")] == ["Lille"]
    assert places.best("Lille").population > 200_000


def test_homonyms_prefer_largest_population(places: PlaceIndex) -> None:
    valence = places.lookup("Valence")
    assert len(valence) >= 2 and all(p.kind == "commune" for p in valence)
    assert valence[0].departement == "26"
    pops = [p.population or 0 for p in valence]
    assert pops == sorted(pops, reverse=True)
    assert len(places.lookup("Saint-Denis")) >= 3


def test_departement_code_in_brackets_picks_homonym(places: PlaceIndex) -> None:
    assert [p.insee for p in places.lookup("Saint-Denis (93)")] == ["93066"]
    assert [p.insee for p in places.lookup("Saint-Denis (974)")] == ["97411"]


def test_name_without_article(places: PlaceIndex) -> None:
    assert places.best("Havre").name == "Le Havre"
    assert places.best("Réunion").name == "La Réunion"
    assert places.best("le Nord").name == "Nord"


# -- régions, départements, territories, country ----------------------------------------------------------


@pytest.mark.parametrize(
    "name, official, code",
    [
        ("Bretagne", "Bretagne", "53"),
        ("Pays de Loire", "Pays de la Loire", "52"),
        ("Pays-de-Loire", "Pays de la Loire", "52"),
        ("Pays de la Loire", "Pays de la Loire", "52"),
        ("Ile-de-France", "Île-de-France", "11"),
        ("ile de france", "Île-de-France", "11"),
        ("Grand Est", "Grand Est", "44"),
        ("Hauts-de-France", "Hauts-de-France", "32"),
        ("Occitanie", "Occitanie", "76"),
        ("Nouvelle-Aquitaine", "Nouvelle-Aquitaine", "75"),
        ("Centre-Val de Loire", "Centre-Val de Loire", "24"),
        ("Normandie", "Normandie", "28"),
        ("PACA", "Provence-Alpes-Côte d'Azur", "93"),
    ],
)
def test_region(places: PlaceIndex, name: str, official: str, code: str) -> None:
    place = places.best(name)
    assert place == PlaceEntry(name=official, kind="région", insee=code, region=official)


def test_region_wins_over_homonymous_commune(places: PlaceIndex) -> None:
    got = places.lookup("Bretagne")
    assert got[0].kind == "région"
    assert any(p.kind == "commune" for p in got[1:])  # Bretagne (36) and Bretagne (90) exist too


@pytest.mark.parametrize(
    "name, code, region",
    [
        ("Nord", "59", "Hauts-de-France"),
        ("Hérault", "34", "Occitanie"),
        ("Herault", "34", "Occitanie"),
        ("Gard", "30", "Occitanie"),
        ("Aude", "11", "Occitanie"),
        ("Pyrénées-Orientales", "66", "Occitanie"),
        ("Seine-St-Denis", "93", "Île-de-France"),
        ("Vienne", "86", "Nouvelle-Aquitaine"),  # the département beats Vienne (38), a 31,000-people town
    ],
)
def test_departement(places: PlaceIndex, name: str, code: str, region: str) -> None:
    place = places.best(name)
    assert (place.kind, place.insee, place.departement, place.region) == ("département", code, code, region)


@pytest.mark.parametrize(
    "name, official, region",
    [
        ("Grand Ouest", "Grand Ouest", None),
        ("Métropole lilloise", "Métropole lilloise", "Hauts-de-France"),
        ("Metropole Lilloise", "Métropole lilloise", "Hauts-de-France"),
        ("Sambre-Avesnois", "Sambre-Avesnois", "Hauts-de-France"),
        ("Sambre Avesnois", "Sambre-Avesnois", "Hauts-de-France"),
        ("Valenciennois", "Valenciennois", "Hauts-de-France"),
        ("Bassin minier", "Bassin minier", "Hauts-de-France"),
        ("Grand Paris", "Grand Paris", "Île-de-France"),
        ("Outre-mer", "Outre-mer", None),
    ],
)
def test_territory(places: PlaceIndex, name: str, official: str, region: str | None) -> None:
    place = places.best(name)
    assert (place.kind, place.name, place.region, place.insee) == ("territory", official, region, None)


@pytest.mark.parametrize(
    "name, official, region",
    [
        ("Nord-Pas-de-Calais", "Nord-Pas-de-Calais", "Hauts-de-France"),
        ("Rhône Alpes", "Rhône-Alpes", "Auvergne-Rhône-Alpes"),
        ("Languedoc-Roussillon", "Languedoc-Roussillon", "Occitanie"),
        ("Aquitaine", "Aquitaine", "Nouvelle-Aquitaine"),
        ("Alsace", "Alsace", "Grand Est"),
        ("Franche-Comté", "Franche-Comté", "Bourgogne-Franche-Comté"),
    ],
)
def test_former_region_is_a_territory_in_its_current_region(
    places: PlaceIndex, name: str, official: str, region: str
) -> None:
    place = places.best(name)
    assert (place.kind, place.name, place.region) == ("territory", official, region)


def test_country_and_unknown(places: PlaceIndex) -> None:
    assert places.best("France") == PlaceEntry(name="France", kind="country")
    assert places.lookup("Atlantide") == []
    assert places.best("") is None
    assert not places.is_commune_name("Bretagne-sur-Lune")


def test_place_is_frozen(places: PlaceIndex) -> None:
    place = places.best("Nantes")
    with pytest.raises(ValidationError):
        place.name = "Rezé"  # type: ignore[misc]
    assert hash(place) == hash(places.best("nantes"))


def test_name_key() -> None:
    assert name_key("St-Germain-en-Laye") == name_key("Saint Germain en Laye") == ("saint", "germain", "en", "laye")
    assert name_key("Villeneuve-d’Ascq") == name_key("Villeneuve d'Ascq")
    assert name_key("Œuvre") == ("oeuvre",)


# -- find_in_text ----------------------------------------------------------------------------------------

PARAGRAPH = (
    "Le 14 mars, le centre de ressources organise à Roubaix une rencontre des acteurs de la politique "
    "de la ville du Nord et du Pas-de-Calais, avec des équipes venues de Vaulx-en-Velin, de Saint-Denis (93) "
    "et de la Métropole lilloise. Une seconde date est prévue au Havre puis en Île-de-France."
)


def test_find_places_in_paragraph() -> None:
    assert found(PARAGRAPH) == [
        ("Roubaix", "Roubaix", "commune"),
        ("Nord", "Nord", "département"),
        ("Pas-de-Calais", "Pas-de-Calais", "département"),
        ("Vaulx-en-Velin", "Vaulx-en-Velin", "commune"),
        ("Saint-Denis", "Saint-Denis", "commune"),
        ("Métropole lilloise", "Métropole lilloise", "territory"),
        ("Havre", "Le Havre", "commune"),
        ("Île-de-France", "Île-de-France", "région"),
    ]
    saint_denis = next(p for _, _, p in find_in_text(PARAGRAPH) if p.name == "Saint-Denis")
    assert saint_denis.departement == "93"


def test_offsets_point_into_the_text() -> None:
    text = "Rendez-vous à Nantes."
    [(start, end, place)] = find_in_text(text)
    assert text[start:end] == "Nantes" and place.insee == "44109"


def test_longest_match_wins() -> None:
    assert found("Réunion en Hauts-de-France.") == [("Hauts-de-France", "Hauts-de-France", "région")]
    assert found("En Seine-Saint-Denis.") == [("Seine-Saint-Denis", "Seine-Saint-Denis", "département")]
    assert found("À Saint-Germain-en-Laye et à St-Germain-en-Laye.") == [
        ("Saint-Germain-en-Laye", "Saint-Germain-en-Laye", "commune"),
        ("St-Germain-en-Laye", "Saint-Germain-en-Laye", "commune"),
    ]


def test_urls_and_file_names_are_skipped() -> None:
    assert found("Voir https://irev.fr/nantes-2019 et l'image nantes.jpg ou Nantes.jpg.") == []
    assert found("Écrire à contact@lille.fr ou sur www.Lille.fr") == []
    assert found("Voir https://irev.fr/nantes-2019 pour Nantes.") == [("Nantes", "Nantes", "commune")]


def test_lower_case_words_are_not_places() -> None:
    assert found("Le quartier est au nord de la ville.") == []
    assert found("Le quartier est au Nord.") == [("Nord", "Nord", "département")]
    assert found("Le bassin minier et la bretagne.") == []


def test_sentence_initial_ordinary_words_are_not_places() -> None:
    # Y, Bar, Mars, Plan, Ville, Mont, Bois are communes, all small: stop-listed for text.
    text = "Plan d'action. Ville et quartiers. Bois, Mont et Bar. Mars 2024. Y aller. Rue de la Paix. Eu égard."
    assert found(text) == []
    places = load_places()
    assert places.is_commune_name("Plan") and places.is_commune_name("Mars")


def test_organisations_are_not_places() -> None:
    assert found("France Travail et la Croix-Rouge, en France.") == [("France", "France", "country")]


def test_acronyms_must_be_capitals() -> None:
    assert found("En PACA et en IDF.") == [
        ("PACA", "Provence-Alpes-Côte d'Azur", "région"),
        ("IDF", "Île-de-France", "région"),
    ]
    assert found("Aura lieu à Paca.") == []


def test_surname_after_first_name_is_not_a_small_commune() -> None:
    assert found("Le collège Louis Aragon de Roubaix.") == [("Roubaix", "Roubaix", "commune")]


def test_names_by_first_token(places: PlaceIndex) -> None:
    index = places.names_by_first_token()
    assert (("lille",), places.best("Lille")) in index["lille"]
    saints = index["saint"]
    assert len(saints) > 1000
    assert [len(k) for k, _ in saints] == sorted((len(k) for k, _ in saints), reverse=True)
    assert ("plan",) not in [k for k, _ in index.get("plan", [])]  # stop-listed


def test_load_is_cached_and_a_long_text_finds_every_repeat() -> None:
    assert load_places() is load_places()
    text = (PARAGRAPH + " ") * 25  # about 5,000 characters; speed is measured by `make bench`, not here
    found = find_in_text(text)
    assert len(found) == 8 * 25
    assert [p.name for _, _, p in found[:8]] == [p.name for _, _, p in found[8:16]]
