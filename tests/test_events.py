"""events: event assembly on report, agenda and non-event pages, with evidence for every field."""

from __future__ import annotations

import json
import shutil

import pytest

from pipeline.run import process_page

from .conftest import FIXTURES, SEEDS, needs


def page(tmp_path, html: str, name: str = "page.html"):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(html, encoding="utf-8")
    return process_page(tmp_path / name, tmp_path)


REPORT = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Retour sur la rencontre</title></head><body>
<main><article><h1>Retour sur la 6ème rencontre nationale des centres de ressources</h1>
<p class="date">Publié le 02/11/2021</p>
<div class="entry-content">
<p>Les 21 et 22 octobre derniers, à l'invitation de l'IREV et en partenariat avec l'ANCT, une centaine de professionnels se sont retrouvés à Paris pour la 6ème rencontre nationale.</p>
<p>Le 21 octobre, une plénière puis trois tables rondes ont permis d'échanger sur les cités éducatives. Le 22 octobre, un forum ouvert a clôturé les travaux.</p>
<p>La loi de programmation pour la ville et la cohésion urbaine du 21 février 2014 a rappelé le rôle des centres. Les inscriptions au prochain cycle sont ouvertes jusqu'au 15 décembre 2021.</p>
</div></article></main>
<aside class="sidebar"><p>24/11/2021 : Webinaire santé à Lyon</p></aside></body></html>"""


def test_report_page_gives_one_event_with_every_field(tmp_path):
    record = page(tmp_path, REPORT)
    [event] = record.events
    assert (event.start_date, event.end_date) == ("2021-10-21", "2021-10-22")
    assert event.location.city == "Paris" and event.location.insee == "75056"
    assert [o.id for o in event.organisers] == ["crpv-irev", "anct"]
    assert (event.participants.count, event.edition, event.kind) == (100, 6, "rencontre nationale")
    assert {"plénière", "table ronde", "forum ouvert"} <= set(event.formats)
    assert "cités éducatives" in event.topics
    assert event.status == "past"
    text = record.document.text
    for name in ("dates", "location", "organisers", "participants"):
        evidence = event.evidence[name]
        assert text[evidence.span[0] : evidence.span[1]] == evidence.text


def test_agenda_page_gives_each_item(tmp_path):
    record = process_page(FIXTURES / "agenda.html", FIXTURES)
    got = [(e.start_date, e.location.city if e.location else None, e.online, e.kind) for e in record.events]
    assert got == [
        ("2016-06-01", "Lille", False, "journée"),
        ("2016-06-24", None, True, "webinaire"),
        ("2016-10-19", "Arras", False, "séminaire"),
    ]
    assert [o.id for o in record.events[2].organisers] == ["crpv-irev", "cnfpt"]
    assert not any(e.start_date == "2017-05-12" for e in record.events)  # the sidebar's event


def test_non_event_page_gives_no_event_but_keeps_its_dates(tmp_path):
    record = process_page(FIXTURES / "about.html", FIXTURES)
    assert record.events == []
    starts = {d.start for d in record.entities.dates}
    assert {"2007-03-06", "2014-02-21", "2018-07", "2020"} <= starts
    assert "2026-02-05" not in starts  # sidebar


def test_events_go_to_page_events_jsonl_and_network_events_to_events_jsonl(tmp_path):
    import json

    from typer.testing import CliRunner

    from pipeline.cli import app

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "report.html").write_text(REPORT, encoding="utf-8")
    shutil.copy(FIXTURES / "agenda.html", raw / "agenda.html")
    CliRunner().invoke(app, ["extract", str(raw), "-o", str(tmp_path / "out")])
    rows = [json.loads(line) for line in (tmp_path / "out" / "page_events.jsonl").read_text().splitlines()]
    assert len(rows) == 4
    assert all(row["document_id"] and row["start_date"] for row in rows)
    network = [json.loads(line) for line in (tmp_path / "out" / "events.jsonl").read_text().splitlines()]
    assert sorted(s["document_id"] for n in network for s in n["sources"]) == sorted(r["document_id"] for r in rows)


@needs(SEEDS)
@pytest.mark.parametrize("name", ["000_21f23ca7f683bfac.txt", "001_314f13ba2bc6b990.txt"])
def test_seed_events_have_evidence(name):
    record = process_page(SEEDS / name, SEEDS)
    for event in record.events:
        assert {"dates", "location", "organisers"} <= set(event.evidence)


def test_bodies_that_asked_for_an_event_are_not_its_organisers(tmp_path):
    html = REPORT.replace(
        "à l'invitation de l'IREV et en partenariat avec l'ANCT", "organisée par l'IREV à la demande de l'ANCT"
    )
    [event] = page(tmp_path, html).events
    assert [o.id for o in event.organisers] == ["crpv-irev"]


def test_a_commune_inside_an_organisation_name_is_not_the_event_city(tmp_path):
    html = REPORT.replace(
        "une centaine de professionnels se sont retrouvés à Paris pour la 6ème rencontre nationale",
        "la communauté d'agglomération Maubeuge-Val de Sambre accueillait la 6ème rencontre nationale",
    )
    [event] = page(tmp_path / "inside", html).events
    assert event.location is None or event.location.city is None
    [control] = page(tmp_path / "control", REPORT).events  # the same page saying "à Paris" has its city
    assert control.location.city == "Paris"


def test_a_single_person_is_not_a_head_count(tmp_path):
    html = REPORT.replace("une centaine de professionnels", "1 élu et 45 participants")
    [event] = page(tmp_path, html).events
    assert event.participants.count == 45


def text_page(tmp_path, text: str, name: str = "page.txt"):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return process_page(tmp_path / name, tmp_path)


def test_a_day_without_a_year_gives_an_undated_event_that_says_why(tmp_path):
    record = text_page(
        tmp_path,
        "Le forum des médiateurs, qui s'est tenu les 3 et 4 mars, a été organisé par l'IREV.\n"
        "Les échanges ont porté sur la tranquillité publique dans les quartiers.\n",
    )
    [event] = record.events
    assert (event.start_date, event.end_date, event.kind) == (None, None, "forum")
    assert event.evidence["dates"].rule.endswith("+no-year") and event.evidence["dates"].text == "3 et 4 mars"
    assert [o.id for o in event.organisers] == ["crpv-irev"]


def test_a_list_of_days_without_a_year_gives_one_undated_event_each(tmp_path):
    record = text_page(
        tmp_path,
        "Cet automne, des réunions publiques sont proposées dans chaque quartier.\n"
        "- Mardi 7 novembre : rendez-vous à 18h à la maison de quartier des Tilleuls pour les habitants du centre.\n"
        "- Jeudi 16 novembre : rendez-vous à 18h à la salle des fêtes pour les habitants du quartier des Iris.\n",
    )
    assert [(e.start_date, e.evidence["dates"].text) for e in record.events] == [
        (None, "Mardi 7 novembre"),
        (None, "Jeudi 16 novembre"),
    ]


def test_a_title_naming_an_event_without_a_day_gives_the_subject_event(tmp_path):
    record = text_page(
        tmp_path,
        "Assemblée générale de l'IREV à Lille\n\n"
        "Les adhérents se sont réunis à Lille pour leur assemblée générale annuelle en présence de 80 participants.\n",
    )
    [event] = record.events
    assert (event.start_date, event.kind, event.location.city) == (None, "assemblée générale", "Lille")
    assert event.evidence["dates"].rule == "undated-subject:title"


def test_a_title_naming_a_training_plan_is_not_an_event(tmp_path):
    record = text_page(
        tmp_path,
        "À propos du plan de formation des agents\n\nLe plan couvre les métiers de la politique de la ville.\n",
    )
    assert record.events == []


def test_a_numbered_page_states_no_undated_event_when_a_dated_one_is_found(tmp_path):
    record = text_page(
        tmp_path,
        "Séminaire régional des délégués du préfet\n\nLe séminaire aura lieu le 12 mai 2022 à Rouen.\n",
    )
    assert [(e.start_date, e.location.city) for e in record.events] == [("2022-05-12", "Rouen")]


def test_an_organiser_subject_may_carry_an_apposition_and_a_partner(tmp_path):
    record = text_page(
        tmp_path,
        "Journée régionale sur l'emploi\n\n"
        "Cette année, l'IREV, centre de ressources politique de la ville en Hauts-de-France, en partenariat avec "
        "l'ANCT, organise une journée régionale le 4 avril 2023 à Arras.\n",
    )
    [event] = record.events
    assert [o.id for o in event.organisers] == ["crpv-irev", "anct"]


def test_organised_with_the_support_of_names_funders_not_organisers(tmp_path):
    record = text_page(
        tmp_path,
        "Séminaire mémoire et discriminations\n\n"
        "Ce séminaire se tiendra le 10 février 2017 à Lens. Il est organisé avec le soutien du CGET.\n",
    )
    [event] = record.events
    assert "cget" not in [o.id for o in event.organisers]


def test_dates_of_legal_acts_and_publications_are_not_events(tmp_path):
    record = text_page(
        tmp_path,
        "Création d'un conseil scientifique\n\n"
        "Le conseil a été installé le 3 mai 2021, date de publication au Journal officiel de l'arrêté du "
        "12 avril 2021 portant nomination de ses membres, à l'issue d'une réunion de travail.\n",
    )
    assert record.events == []


def test_a_committee_meeting_and_a_celebration_are_events_but_a_measure_s_start_is_not(tmp_path):
    record = text_page(
        tmp_path,
        "Le point sur la politique de la ville\n\n"
        "Le comité interministériel des villes du 9 mars 2019 a fixé de nouvelles orientations.\n"
        "L'association des élus fêtait ce 12 octobre 2019 à Nantes ses 20 ans.\n"
        "Les nouveaux contrats s'appliquent à partir du 1er janvier 2020.\n"
        "L'ancien contrat arrivait à échéance le 31 décembre 2019 ; la convention prend fin le 30 juin 2020.\n",
    )
    assert [e.start_date for e in record.events] == ["2019-03-09", "2019-10-12"]


def test_who_leads_a_part_of_the_event_is_not_its_organiser(tmp_path):
    record = text_page(
        tmp_path,
        "Journée régionale des centres sociaux\n\n"
        "L'IREV organise une journée régionale le 4 avril 2023 à Arras. "
        "Une table ronde animée par l'Observatoire des inégalités a suivi.\n",
    )
    [event] = record.events
    assert [o.name for o in event.organisers] == ["IREV"]


def test_a_passive_participle_is_not_its_subject_organising(tmp_path):
    record = text_page(
        tmp_path,
        "Rencontre nationale\n\n"
        "Pour les membres de l'Observatoire des inégalités, ce fut l'occasion de découvrir ce grand rendez-vous, "
        "organisé le 4 avril 2023 à Arras.\n",
    )
    [event] = record.events
    assert "Observatoire des inégalités" not in [o.name for o in event.organisers]


@pytest.mark.parametrize(
    "body, organised_by_publisher",
    [
        ("Une journée régionale s'est tenue le 4 avril 2023 à Arras sur l'emploi.", False),
        ("Notre journée régionale s'est tenue le 4 avril 2023 à Arras sur l'emploi.", True),
    ],
)
def test_the_publishing_centre_organises_only_an_event_it_reports_as_its_own(tmp_path, body, organised_by_publisher):
    meta = '{"url": "https://www.irev.fr/actualites/journee-regionale"}'
    (tmp_path / "page.meta.json").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "page.meta.json").write_text(meta, encoding="utf-8")
    record = text_page(tmp_path, "Journée régionale sur l'emploi\n\n" + body + "\n")
    [event] = record.events
    assert (event.organisers != []) is organised_by_publisher
    if organised_by_publisher:
        assert event.evidence["organisers"].rule == "publisher:first-person"


def test_a_heading_line_ending_on_its_kind_names_the_event_without_its_date(tmp_path):
    record = text_page(
        tmp_path,
        "En octobre 2020, l'ERU propose des classes virtuelles sur le renouvellement urbain.\n\n"
        "Comprendre la démarche d'un projet urbain – jeudi 1er octobre (classe virtuelle)\n\n"
        "Ce module présente la démarche et ses acteurs, avec des récits de projets réels.\n",
    )
    [event] = record.events
    assert (event.start_date, event.online) == ("2020-10-01", True)
    assert event.name == "Comprendre la démarche d'un projet urbain (classe virtuelle)"


def test_a_day_something_was_made_public_is_not_an_event(tmp_path):
    record = text_page(
        tmp_path,
        "Rencontre régionale\n\n"
        "Une séance plénière a présenté la nouvelle géographie prioritaire rendue publique le 20 juin 2014 "
        "par la ministre.\n",
    )
    assert not any(e.start_date == "2014-06-20" for e in record.events)


def test_each_item_of_a_list_of_dated_gatherings_is_an_event_of_its_own(tmp_path):
    record = text_page(
        tmp_path,
        "La semaine des quartiers : demandez le programme !\n\n"
        "Les rencontres des quartiers sont organisées du 17 au 21 juin 2019 dans plusieurs régions.\n"
        "Quatre évènements sont prévus dans les villes suivantes :\n"
        "- Marseille (13), les 17 et 18 juin 2019 : l'humain au centre des projets\n"
        "- Dijon (21), le 18 juin 2019 : la participation citoyenne\n"
        "- Blois (41), le 19 juin 2019 : revitaliser les commerces\n"
        "- Nantes (44), le 19 juin 2019 : les tiers-lieux\n",
    )
    got = [(e.start_date, e.end_date, e.location.city if e.location else None) for e in record.events]
    assert got == [
        ("2019-06-17", "2019-06-21", None),
        ("2019-06-17", "2019-06-18", "Marseille"),
        ("2019-06-18", "2019-06-18", "Dijon"),
        ("2019-06-19", "2019-06-19", "Blois"),
        ("2019-06-19", "2019-06-19", "Nantes"),
    ]


def test_dated_lines_under_a_heading_that_names_gatherings_are_its_items(tmp_path):
    record = text_page(
        tmp_path,
        "Réunions de quartier 2023\n\n"
        "Les réunions sont des moments d'échanges entre les habitants et les élus de la commune.\n"
        "PLANNING DES RÉUNIONS\n"
        "Quartier 1 : le mercredi 5 avril, 19h30, à l'auditorium, 3 rue Cavaillé Coll.\n"
        "Quartier 2 : le jeudi 20 avril, 19h30, à l'école Louise Michel.\n"
        "Quartier 3 le jeudi 11 mai, 19h30, à l'école Lentajou.\n",
    )
    assert [e.start_date for e in record.events] == ["2023-04-05", "2023-04-20", "2023-05-11"]


def test_a_body_in_the_role_of_the_person_who_leads_is_not_the_organiser(tmp_path):
    record = text_page(
        tmp_path,
        "Rencontre nationale des cités éducatives\n\n"
        "La rencontre du 13 décembre 2023 à Montrouge était animée par Frédéric Martin, directeur du programme "
        "à l'ANCT, devant 200 participants.\n",
    )
    [event] = record.events
    assert "anct" not in [o.id for o in event.organisers]


def test_a_lead_saying_who_organised_a_gathering_in_a_month_gives_an_undated_subject(tmp_path):
    record = text_page(
        tmp_path,
        "Former les professionnels à la démarche intégrée\n\n"
        "Trajectoire Ressources a organisé, fin mai 2013, une session sur l'Europe et la politique de la ville. "
        "Ces trois journées ont alterné apports et visites.\n\n"
        "Une première journée avait eu lieu en novembre 2011.\n",
    )
    [event] = record.events
    assert (event.start_date, event.period) == (None, "2013-05")
    assert event.evidence["dates"].rule == "undated-subject:lead"
    assert [o.name for o in event.organisers] == ["Trajectoire Ressources"]


def test_a_lead_naming_an_edition_of_a_gathering_taking_place_gives_an_undated_subject(tmp_path):
    record = text_page(
        tmp_path,
        "Durant deux jours, ces 16e journées réunissent à Nîmes les professionnels du développement social "
        "urbain en séminaire.\n\nLes congressistes se déplacent dans les quartiers.\n",
    )
    [event] = record.events
    assert (event.start_date, event.edition) == (None, 16)
    assert event.evidence["dates"].rule == "undated-subject:lead"


def test_a_lead_about_a_network_that_gathers_without_an_edition_gives_no_event(tmp_path):
    record = text_page(
        tmp_path,
        "Le centre de ressources réunit chaque année les acteurs de la politique de la ville lors de journées "
        "d'échanges.\n\nIl accompagne les professionnels des quartiers.\n",
    )
    assert record.events == []


def test_the_page_date_under_a_title_naming_no_event_dates_no_event(tmp_path):
    (tmp_path / "page.meta.json").write_text('{"url": "http://www.ville.gouv.fr/?centres-de-ressources"}')
    record = text_page(
        tmp_path,
        "Ville.gouv.fr - Ministère de la Ville\nCentres de ressources\n31/05/2012\n\n"
        "Répartis sur tout le territoire et organisés en réseau, 19 centres ont pour mission d'accompagner "
        "les professionnels de la ville.\n",
    )
    assert (record.document.title, record.document.published) == ("Centres de ressources", "2012-05-31")
    assert record.events == []


def _site_page(tmp_path, text: str, url: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    (tmp_path / "page.meta.json").write_text(json.dumps({"url": url}), encoding="utf-8")
    return process_page(tmp_path / "page.txt", tmp_path)


def test_a_site_the_gazetteer_does_not_know_is_published_by_the_body_its_address_spells(tmp_path):
    text = (
        "Assemblée générale du 12 juin 2024\n\n"
        "Notre assemblée générale s'est tenue le 12 juin 2024 à Valence. Le centre Beausoleil remercie ses "
        "bénévoles et les habitants venus nombreux.\n"
    )
    record = _site_page(tmp_path, text, "https://www.centre-beausoleil.fr/2024/06/assemblee-generale-du-12-juin-2024")
    assert record.document.publisher == "Centre Beausoleil" and record.document.publisher_id is None
    assert record.document.evidence["publisher"].rule == "site-name"
    [event] = record.events
    assert [o.name for o in event.organisers] == ["Centre Beausoleil"]
    assert event.organisers[0].id is None


def test_a_territory_s_site_is_not_a_body_named_after_the_territory(tmp_path):
    text = "Réunion publique le 3 mars 2024 à Privas sur le contrat de ville. L'Ardèche compte six quartiers.\n"
    record = _site_page(tmp_path, text, "https://www.ardeche.gouv.fr/reunion-publique")
    assert record.document.publisher is None
    assert "Ardèche" not in [o.name for o in record.entities.organisations]


def test_a_body_named_inside_the_organisers_name_is_not_an_organiser_by_itself(tmp_path):
    record = text_page(
        tmp_path,
        "Journée d’études des jeunes chercheurs\n\n"
        "Cette journée d’études, organisée par le Réseau des jeunes chercheurs du Comité d’histoire de la politique"
        " de la ville, se tiendra le 26 mars 2026 à Lyon.\n",
    )
    [event] = record.events
    assert [o.name for o in event.organisers] == [
        "Réseau des jeunes chercheurs du Comité d’histoire de la politique de la ville"
    ]
    assert "Comité d’histoire de la politique de la ville" in [o.name for o in record.entities.organisations]
