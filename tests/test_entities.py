"""entities: organisations linked to the gazetteer, people with roles, places normalised offline."""

from __future__ import annotations

import pytest

from pipeline import entities
from pipeline.nlp import analyse


def extract(text: str):
    doc = analyse([text])[0]
    places = entities.find_places(text, [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"])
    orgs = entities.find_organisations(text, doc, places)
    people = entities.find_people(text, doc, orgs)
    kept = entities.keep_places(text, places, orgs, people)
    communes = {m.place.insee for m in kept if m.place.kind == "commune"}
    kept = entities.listed_quartiers(text, kept, orgs, people, communes)
    kept = entities.model_places(text, doc, kept, orgs, people)
    return entities.organisations_entities(text, orgs), people, entities.places_entities(text, kept)


@pytest.mark.parametrize(
    "text, org_id",
    [
        ("Les équipes de l'ANCT étaient présentes.", "anct"),
        ("L'Agence nationale de la cohésion des territoires (ANCT) a ouvert la journée.", "anct"),
        ("Un représentant de BPI France est intervenu.", "bpifrance"),
        ("Un représentant de Bpifrance est intervenu.", "bpifrance"),
        ("La journée était organisée par RésoVilles à Nantes.", "crpv-resovilles"),
        ("Le CGET a soutenu la démarche.", "cget"),
        ("La DREETS Grand Est était présente.", "dreets"),
    ],
)
def test_gazetteer_linking(text, org_id):
    orgs, _, _ = extract(text)
    assert org_id in [o.id for o in orgs]
    org = next(o for o in orgs if o.id == org_id)
    assert all(text[m.span[0] : m.span[1]] == m.text for m in org.mentions)


def test_place_qualified_bodies_keep_their_place():
    orgs, _, _ = extract(
        "La DREETS Grand Est, la Préfecture de l'Hérault, la Ville de Nantes et Brest Métropole étaient là."
    )
    names = {o.name for o in orgs}
    assert {"DREETS Grand Est", "Préfecture de l'Hérault", "Ville de Nantes", "Brest Métropole"} <= names
    assert next(o for o in orgs if o.name == "DREETS Grand Est").id == "dreets"


def test_a_metropole_after_its_city_in_lower_case_is_a_body():
    orgs, _, _ = extract("Étaient présentes la ville de Lyon et Grenoble métropole, mais pas la métropole en général.")
    assert "Grenoble métropole" in {o.name for o in orgs}


def test_unknown_organisations_are_kept_without_id():
    orgs, _, _ = extract("La séance s'est tenue à la maison de quartier Beaujardin avec le cabinet Bouzar.")
    unknown = {o.name: o for o in orgs}
    assert unknown["maison de quartier Beaujardin"].id is None
    assert unknown["Bouzar"].id is None and unknown["Bouzar"].mentions[0].text == "cabinet Bouzar"


def test_organisations_defined_by_their_acronym():
    orgs, _, _ = extract(
        "Parmi les intervenants, l'Institut supérieur social de Mulhouse (ISSM) et la BPS (Base Pédagogique de Soutien)."
    )
    by_acronym = {o.acronym: o for o in orgs}
    assert by_acronym["ISSM"].name == "Institut supérieur social de Mulhouse" and by_acronym["ISSM"].id is None
    assert by_acronym["BPS"].name == "Base Pédagogique de Soutien"
    orgs, _, _ = extract("Le Centre national de la fonction publique territoriale (CNFPT) forme les agents.")
    assert [o.id for o in orgs] == ["cnfpt"]


def test_the_region_as_territory_is_not_an_organisation():
    orgs, _, places = extract("Les élus de la région Nouvelle-Aquitaine se sont réunis.")
    assert orgs == []
    assert [p.name for p in places] == ["Nouvelle-Aquitaine"]


@pytest.mark.parametrize(
    "text, name, role, organisation",
    [
        (
            "François-Antoine Mariani, directeur général délégué de la politique de la ville, a ouvert la séance.",
            "François-Antoine Mariani",
            "directeur général délégué de la politique de la ville",
            "ANCT",
        ),
        (
            "Dans ce paysage, la présidente de RésoVilles, Isabelle Melscoet, élue de Brest Métropole, a rappelé le cadre.",
            "Isabelle Melscoet",
            "présidente de RésoVilles, élue de Brest Métropole",
            "RésOvilles",
        ),
        (
            "Il a échangé avec François - Antoine Mariani, Directeur Ville et cohésion urbaine au CGET, sur les effets.",
            "François-Antoine Mariani",
            "Directeur Ville et cohésion urbaine au CGET",
            "CGET",
        ),
        (
            "Hélène Geoffroy, Maire de Vaulx-en-Velin, Co-vice-présidente du CNV et Représentante de l'AMF, ainsi que d'autres élus sont intervenus.",
            "Hélène Geoffroy",
            "Maire de Vaulx-en-Velin, Co-vice-présidente du CNV et Représentante de l'AMF",
            "CNV",
        ),
        ("Andy GOLDING est venu témoigner.", "Andy GOLDING", None, None),
        (
            "Un atelier avec Anne BEAUCHESNE, du CGET, et Philippe CARBASSE, de la ville de Perpignan.",
            "Anne BEAUCHESNE",
            "CGET",
            "CGET",
        ),
        ("En ouverture, le rappeur Kery JAMES a pris la parole.", "Kery JAMES", "rappeur", None),
        (
            "Sous le regard de Renaud Epstein et Thomas Kirszbaum, experts de la politique de la ville, tandis que.",
            "Renaud Epstein",
            "experts de la politique de la ville",
            None,
        ),
    ],
)
def test_people_and_roles(text, name, role, organisation):
    _, people, _ = extract(text)
    person = next(p for p in people if p.name == name)
    assert (person.role, person.organisation) == (role, organisation)


@pytest.mark.parametrize(
    "text, not_a_person",
    [
        ("Encore merci à Accolades pour l'animation de ces deux journées.", "Accolades"),
        ("Le Premier Ministre a signé le pacte.", "Premier Ministre"),
        ("Les CRPV se réunissent chaque année.", "Les CRPV"),
        ("Un représentant de Bpifrance est venu.", "Bpifrance"),
        ("Elle associait l'Université Toulouse Jean Jaurès (alors Toulouse II) au projet.", "Jean Jaurès"),
        ("Elle associait l'Université Toulouse Jean Jaurès (alors Toulouse II) au projet.", "Toulouse II"),
    ],
)
def test_never_a_person(text, not_a_person):
    _, people, _ = extract(text)
    assert not_a_person not in [p.name for p in people]


def test_places_are_official_names_and_never_urls_or_file_names():
    text = "À Nantes, en Pays de Loire et dans le Val d'Oise. Voir https://irev.fr/lille-2019 et nantes.jpg."
    _, _, places = extract(text)
    by_name = {p.name: p for p in places}
    assert set(by_name) == {"Nantes", "Pays de la Loire", "Val-d'Oise"}
    assert by_name["Nantes"].insee == "44109" and by_name["Nantes"].kind == "commune"
    assert by_name["Pays de la Loire"].kind == "région"
    assert by_name["Pays de la Loire"].mentions[0].text == "Pays de Loire"


def test_a_place_in_a_person_name_or_an_organisation_name():
    _, _, places = extract("François-Antoine Mariani a parlé avec France Urbaine et Sciences Po Saint-Germain-en-Laye.")
    assert [p.name for p in places] == ["Saint-Germain-en-Laye"]


def test_plural_bodies_over_a_list_of_places():
    orgs, _, places = extract(
        "Organisée par les préfectures de région Rhône-Alpes, Auvergne et Bourgogne, avec les Départements du Nord et du Pas-de-Calais."
    )
    names = {o.name for o in orgs}
    assert {
        "Préfecture de région Rhône-Alpes",
        "Préfecture de région Auvergne",
        "Préfecture de région Bourgogne",
    } <= names
    assert {"Département du Nord", "Département du Pas-de-Calais"} <= names
    assert {"Nord", "Pas-de-Calais"} <= {p.name for p in places}


def test_unknown_acronyms_after_an_article_are_organisations_but_not_the_field_s_concepts():
    orgs, _, _ = extract(
        "L'ORIV et l'AREAL vous invitent ; le directeur-adjoint du CERAPS parlera des QPV et du NPNRU."
    )
    by_name = {o.name: o for o in orgs}
    assert by_name["AREAL"].id is None and "CERAPS" in by_name
    assert "QPV" not in by_name and "NPNRU" not in by_name
    assert by_name["Observatoire régional de l'intégration et de la ville"].id == "crpv-oriv"


@pytest.mark.parametrize(
    "text, name",
    [
        (
            "Une chercheuse de l'Observatoire des politiques locales est intervenue.",
            "Observatoire des politiques locales",
        ),
        (
            "La Fédération des centres sociaux du Calvados organise la journée.",
            "Fédération des centres sociaux du Calvados",
        ),
        (
            "Le Comité d'histoire de la rénovation urbaine a publié un livret.",
            "Comité d'histoire de la rénovation urbaine",
        ),
        ("Une enseignante de l'Université Lyon 2 a présenté ses travaux.", "Université Lyon 2"),
    ],
)
def test_bodies_named_by_their_head_word_and_its_complements(text, name):
    orgs, _, _ = extract(text)
    assert name in {o.name for o in orgs}


def test_a_body_phrase_stops_at_a_line_break_and_a_verb_after_pour():
    orgs, _, _ = extract(
        "Un atelier de l'Institut pour échanger sur la laïcité.\nLe Conseil des Jeunes\nSuite du texte."
    )
    names = {o.name for o in orgs}
    assert "Institut pour échanger" not in names and not any("\n" in n for n in names)


def test_a_commune_naming_a_district_or_glued_to_a_longer_name_is_not_a_place():
    _, _, places = extract("Rendez-vous au quartier Saint-Exupéry puis au Haut-Bonneuil, à Nantes-Saint-Nazaire.")
    names = {p.name for p in places}
    assert "Saint-Exupéry" not in names and "Bonneuil-sur-Marne" not in names
    assert {"Nantes", "Saint-Nazaire"} <= names


def test_neighbourhoods_named_after_their_head_word_are_places_of_kind_quartier():
    from pipeline.models import TextAnalysis

    text = (
        "Les habitants des quartiers Fabien et Centre ancien, puis ceux du quartier Saint-Exupéry, "
        "se sont retrouvés à la maison de quartier Beaujardin, comme dans tous les quartiers Prioritaires."
    )
    part = TextAnalysis(text, text, analyse([text])[0])
    entities.analyse_text(part, with_people=True)
    quartiers = {p.name: p for p in entities.places_entities(text, part.places) if p.kind == "quartier"}
    assert set(quartiers) == {"Fabien", "Centre ancien", "Saint-Exupéry"}
    assert quartiers["Saint-Exupéry"].rule == "rule:quartier"


@pytest.mark.parametrize(
    "text, name, role",
    [
        (
            "La séance s'est ouverte en présence de Karima Dubreuil déléguée du Préfet pour la politique de la ville.",
            "Karima Dubreuil",
            "déléguée du Préfet pour la politique de la ville",
        ),
        (
            "Le message a été porté par la présidente de l'association des maires, Odile Marchand, en ouverture.",
            "Odile Marchand",
            "présidente de l'association des maires",
        ),
    ],
)
def test_roles_without_their_comma_or_after_an_earlier_article(text, name, role):
    _, people, _ = extract(text)
    assert {p.name: p.role for p in people}.get(name) == role


def test_a_known_body_after_its_kind_word_stays_the_known_body():
    orgs, _, _ = extract("L'association Ville & Banlieue fêtait ses 40 ans à Lyon.")
    assert "ville-et-banlieue" in {o.id for o in orgs}


@pytest.mark.parametrize(
    "text, name",
    [
        ("Rendez-vous à 18h30 à l'école Cotton pour les habitants du quartier.", "École Cotton"),
        (
            "Un atelier avec la fédération des centres sociaux des Hauts-de-Seine.",
            "Fédération des centres sociaux des Hauts-de-Seine",
        ),
        ("Une circulaire du ministère de la Fonction publique a été publiée.", "Ministère de la Fonction publique"),
    ],
)
def test_a_body_written_with_its_head_in_lower_case_is_found_up_to_its_capitalised_words(text, name):
    orgs, _, _ = extract(text)
    assert name in {o.name for o in orgs}


@pytest.mark.parametrize(
    "text",
    [
        "Les enfants de l'école de la République ont chanté.",
        "La mission Borloo a rendu son rapport.",
        "Le conseil municipal de Bobigny a voté le budget.",
    ],
)
def test_a_lower_case_head_without_a_proper_name_or_of_a_task_is_not_a_body(text):
    orgs, _, _ = extract(text)
    assert not {o.name for o in orgs if o.rule == "rule:org-phrase"}


@pytest.mark.parametrize(
    "text, name",
    [
        ("Julien Talpin, du CERAPS à l'Université de Lille sur les enjeux des coopérations.", "Université de Lille"),
        (
            "Un échange avec l'Association des Maires Ruraux de France a suivi.",
            "Association des Maires Ruraux de France",
        ),
        ("Le Secrétariat d'État chargé de la Ville a répondu.", "Secrétariat d'État chargé de la Ville"),
    ],
)
def test_a_body_name_ends_after_its_capitals_unless_they_go_on(text, name):
    orgs, _, _ = extract(text)
    assert name in {o.name for o in orgs}


@pytest.mark.parametrize(
    "text, name, role",
    [
        (
            "M. Dareau, Sous-Préfet de Saint-Laurent-du-Maroni, a rappelé les enjeux.",
            "Dareau",
            "Sous-Préfet de Saint-Laurent-du-Maroni",
        ),
        (
            "Étaient présents Mademoiselle Lucie JOZON, la Responsable du Service du DSRU, et d'autres.",
            "Lucie JOZON",
            "Responsable du Service du DSRU",
        ),
        (
            "Étaient présentes la Sous-préfète d'arrondissement, Mme Sylvie Cendre et d'autres.",
            "Sylvie Cendre",
            "Sous-préfète d'arrondissement",
        ),
        (
            "C'est Monsieur Philippe KONG, premier Maire-Adjoint, qui représentait la ville.",
            "Philippe KONG",
            "premier Maire-Adjoint",
        ),
    ],
)
def test_a_courtesy_title_is_dropped_from_the_name_and_a_surname_after_one_is_a_person(text, name, role):
    _, people, _ = extract(text)
    assert {p.name: p.role for p in people}.get(name) == role
    assert not [
        p for p in people if p.name.startswith(("M.", "Mme", "Monsieur", "Madame", "Mademoiselle", "Sous-Préfet"))
    ]


def test_a_listed_neighbourhood_is_a_place_on_a_page_naming_its_commune():
    _, _, places = extract("À Montpellier, les habitants de Celleneuve et de la Pompignane ont témoigné.")
    quartiers = {p.name: p for p in places if p.kind == "quartier"}
    assert set(quartiers) == {"Celleneuve", "Pompignane"}
    assert {p.insee for p in quartiers.values()} == {"34172"} and {p.rule for p in quartiers.values()} == {"places:qpv"}


def test_a_place_the_index_lacks_is_a_place_where_the_text_says_so():
    # the model's LOC names after a place word, or listed with a place found; the rule says which
    _, _, places = extract("Les ateliers ont réuni les habitants du Petit-Bard et de Figuerolles.")
    rules = {p.name: p.rule for p in places}
    assert rules == {"Petit-Bard": "model:ner:place-cue", "Figuerolles": "model:ner:listed-place"}
    _, _, places = extract("Le dispositif est suivi en Belgique et en Terre de Feu.")
    assert "Terre de Feu" in {p.name for p in places}


def test_a_name_the_model_reads_as_a_place_without_a_cue_is_not_one():
    # a venue beside its city ("au Grand Sud, à Lille"), a building, a body: not places
    _, _, places = extract("Une table ronde au Grand Sud, à Lille, puis au Palais des Congrès.")
    assert {p.name for p in places} == {"Lille"}  # nor the commune Le Palais
    _, _, places = extract("Les habitants de Lorient Agglomération et de Rennes.")
    assert "Lorient Agglomération" not in {p.name for p in places}


def test_a_place_opening_a_longer_place_name_is_that_place():
    # "Brest Nord" is a sector of Brest, not Brest and the Nord; every mention of it, as the model read one
    _, _, places = extract("Le projet couvre Cap Atlantique et Brest Nord. À Brest Nord, les écoles ont signé.")
    names = {p.name: p for p in places}
    assert "Brest Nord" in names and "Nord" not in names and "Brest" not in names
    assert names["Brest Nord"].rule == "model:ner:compound-place" and len(names["Brest Nord"].mentions) == 2
    _, _, places = extract("Les élus de Grand Besançon Métropole étaient présents.")
    assert "Grand Besançon Métropole" not in {p.name for p in places}


def test_a_listed_neighbourhood_is_not_a_place_without_its_commune():
    _, _, places = extract("Les habitants de Celleneuve ont témoigné lors de la journée à Lyon.")
    assert not [p for p in places if p.rule == "places:qpv"]


def test_an_institution_named_by_its_head_alone_is_the_pages_one_body_of_that_head():
    orgs, _, _ = extract(
        "Le Département organise un cycle de débats. Stéphane Troussel, Président du Département de la "
        "Seine-Saint-Denis, l'a lancé."
    )
    [body] = [o for o in orgs if o.name == "Département de la Seine-Saint-Denis"]
    assert [m.text for m in body.mentions][:1] == ["Département"]


def test_a_short_name_written_like_a_word_is_defined_by_the_long_form_in_brackets():
    orgs, _, places = extract(
        "Les assises organisées par le Cran (Conseil représentatif des associations noires de France)."
    )
    [cran] = [o for o in orgs if o.acronym == "Cran"]
    assert cran.name == "Conseil représentatif des associations noires de France"
    assert "France" in {p.name for p in places}  # a country after "de" in a body's name is a place


@pytest.mark.parametrize(
    "text, name, role",
    [
        (
            "En janvier 2024, RésO Villes accueillait sa nouvelle directrice Ouided Ayad.",
            "Ouided Ayad",
            "nouvelle directrice",
        ),
        (
            "Intervenants :\n- Mathilde Chauvin, Détours Atajos\n- Nina Herzog, chargée de mission, EPT Est Ensemble",
            "Nina Herzog",
            "chargée de mission",
        ),
    ],
)
def test_a_name_in_lower_case_beside_a_post_is_a_person(text, name, role):
    _, people, _ = extract(text)
    assert {p.name: p.role for p in people}.get(name) == role


def test_a_first_name_before_a_dash_on_the_line_above_is_not_part_of_a_name():
    _, people, _ = extract("Ville de Bondy\n- Nina Herzog, chargée de mission à Bondy")
    assert "Nina Herzog" in {p.name for p in people}


def test_the_fine_tuned_model_names_bodies_without_an_organisation_word():
    orgs, _, _ = extract("Avec Action Logement, France Médiation et Villes de France, la journée a réuni 80 personnes.")
    rules = {o.name: o.rule for o in orgs}
    assert rules.get("Action Logement") == "model:ner" and rules.get("France Médiation") == "model:ner"


@pytest.mark.parametrize(
    "text, not_a_body",
    [
        ("Le commissaire délégué, Raphaël LE MOULIN, a salué Emmaüs Connect et la Présidence.", "Présidence"),
        ("Le commissaire délégué, Raphaël LE MOULIN, a salué Emmaüs Connect et la Présidence.", "MOULIN"),
        ("Rendez-vous au 11 rue Victor Hugo, Roubaix Epeule, pour le Forum emploi.", "Forum emploi"),
        ("Rendez-vous au 11 rue Victor Hugo, Roubaix Epeule, pour le Forum emploi.", "Roubaix Epeule"),
    ],
)
def test_what_the_fine_tuned_model_takes_for_a_body_is_not_one(text, not_a_body):
    orgs, _, _ = extract(text)
    assert not_a_body not in {o.name for o in orgs}


@pytest.mark.parametrize(
    "text, name, role",
    [
        ("Paul Durand, initiateur de la Journée citoyenne, a ouvert la séance.", "Paul Durand", "initiateur"),
        ("Anne Morel, ambassadrice du dispositif, était présente.", "Anne Morel", "ambassadrice"),
        ("Claire Petit, procureure de la République, a pris la parole.", "Claire Petit", "procureure"),
    ],
)
def test_more_role_heads(text, name, role):
    _, people, _ = extract(text)
    person = next(p for p in people if p.name == name)
    assert person.role and person.role.startswith(role)


def test_a_research_unit_is_named_with_its_acronym():
    orgs, _, _ = extract("Le colloque est organisé par l'UMR LAVUE et l'université.")
    assert "UMR LAVUE" in {o.name for o in orgs}


@pytest.mark.parametrize(
    "text, name, dropped",
    [
        ("Lieu : 11 rue Victor Hugo, Roubaix Epeule", "Roubaix Epeule", True),
        ("Le délégué Raphaël LE MOULIN a salué les équipes.", "MOULIN", True),
        ("Un bilan du PNRU de Malakoff a été présenté.", "PNRU de Malakoff", True),
        ("Le Forum emploi a réuni 300 personnes.", "Forum emploi", True),
        ("L'Observatoire des inégalités a publié son rapport.", "Observatoire des inégalités", False),
        ("Avec Catapulpe, la fête a duré tard.", "Catapulpe", False),
        ("Avec Action Logement, la journée a réuni 80 personnes.", "Action Logement", False),
    ],
)
def test_what_the_fine_tuned_model_names_is_checked_before_it_is_a_body(text, name, dropped):
    vocab = analyse([text])[0].vocab
    assert entities._not_a_trained_name(text, text.index(name), name, vocab) is dropped


def test_a_body_named_in_inclusive_writing_and_through_another_body_is_one_name():
    text = "La journée du Collectif des habitant·e·s du Conseil de développement de la métropole se tiendra à Lyon."
    orgs, _, _ = extract(text)
    assert "Collectif des habitant·e·s du Conseil de développement de la métropole" in {o.name for o in orgs}


@pytest.mark.parametrize(
    "text, name",
    [
        (
            "Anne Martin, directrice d’études à l’observatoire des inégalités, a présenté le rapport.",
            "Observatoire des inégalités",
        ),
        (
            "Le président du comité d’histoire de la politique de la ville a ouvert la séance.",
            "Comité d’histoire de la politique de la ville",
        ),
        ("Retour sur l’assemblée générale de la fédération 92, tenue le 14 avril.", "Fédération 92"),
    ],
)
def test_a_lower_case_body_a_role_or_an_event_names_is_an_organisation(text, name):
    orgs, _, _ = extract(text)
    assert name in [o.name for o in orgs]
    assert next(o for o in orgs if o.name == name).rule == "rule:role-body"


@pytest.mark.parametrize(
    "text",
    [
        "Le directeur de l’école primaire a parlé aux parents.",  # a kind of body with no complement
        "Elle a rappelé le rôle de l’observatoire des inégalités locales dans la démarche.",  # no role, no event
        "La présidente du comité de pilotage a conclu.",  # a kind of meeting (generic_names)
    ],
)
def test_a_lower_case_kind_of_body_is_no_organisation(text):
    orgs, _, _ = extract(text)
    assert [o.name for o in orgs if o.rule == "rule:role-body"] == []


def test_a_body_only_the_title_names_keeps_the_title_words_as_its_mention(tmp_path):
    from pipeline.run import process_batch

    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>Retour sur l’assemblée générale de la fédération 92</title></head><body><article>"
        "<h1>Retour sur l’assemblée générale de la fédération 92</h1>"
        "<p>Notre assemblée générale s’est déroulée le 14 avril 2015 à Gennevilliers, devant une cinquantaine"
        " d’adhérents venus des centres sociaux du département.</p>"
        "<p>Les comptes ont été approuvés et un nouveau bureau a été élu pour trois ans.</p></article></body></html>",
        encoding="utf-8",
    )
    record = process_batch([page], tmp_path)[0]
    title, text = record.document.title, record.document.text
    titled = [o for o in record.entities.organisations if o.rule.startswith("title:")]
    assert [o.name for o in titled] == ["Fédération 92"]
    for org in record.entities.organisations:
        source = title if org.rule.startswith("title:") else text
        assert all(source[m.span[0] : m.span[1]] == m.text for m in org.mentions)
    for place in record.entities.places:
        source = title if place.rule.startswith("title:") else text
        assert all(source[m.span[0] : m.span[1]] == m.text for m in place.mentions)


def test_a_body_a_name_says_another_belongs_to_is_named_too():
    text = "La journée du Réseau des jeunes chercheurs du Comité d’histoire de la politique de la ville aura lieu."
    orgs, _, _ = extract(text)
    names = [o.name for o in orgs]
    assert "Réseau des jeunes chercheurs du Comité d’histoire de la politique de la ville" in names
    assert "Comité d’histoire de la politique de la ville" in names


def test_a_venue_head_takes_a_second_adjective():
    orgs, _, _ = extract("Elle s’est tenue au centre culturel et social Aimé Césaire à Gennevilliers.")
    assert "centre culturel et social Aimé Césaire" in [o.name for o in orgs]


def test_a_place_the_model_reads_as_a_person_is_a_place_after_a_locative_word():
    text = "25 adultes-relais sont actifs à Saint-Martin. Saint-Martin Dupont a parlé."
    first, second = text.index("Saint-Martin"), text.rindex("Saint-Martin")
    spans = [(first, first + len("Saint-Martin")), (second, second + len("Saint-Martin Dupont"))]
    found = entities.find_places(text, spans)
    assert [(m.place.name, m.start) for m in found] == [("Saint-Martin", first)]


def test_overseas_islands_and_collectivities_are_places():
    text = "Les cités éducatives de la Vigie (Petite-Terre) et les acteurs de Nouvelle-Calédonie."
    assert {"Petite-Terre", "Nouvelle-Calédonie"} <= {m.place.name for m in entities.find_places(text)}


def test_neighbourhoods_a_list_after_a_colon_or_a_parenthesis_names_are_places():
    text = (
        "Le conseil regroupe les habitants des quartiers : Ilet Malouin, Palétuvier, Village Chinois et"
        " Lot la Madeleine.\n- Chekepatty (quartier informel)\n"
    )
    found = entities.cued_quartiers(text, [], [], [])
    assert [m.place.name for m in found] == [
        "Ilet Malouin",
        "Palétuvier",
        "Village Chinois",
        "Lot la Madeleine",
        "Chekepatty",
    ]
    assert all(m.place.kind == "quartier" for m in found)


def test_a_list_after_a_colon_of_lower_case_words_or_long_phrases_names_no_place():
    text = (
        "Trois quartiers : des habitants très mobilisés, des élus présents et une équipe renforcée de cinq personnes."
    )
    assert entities.cued_quartiers(text, [], [], []) == []
