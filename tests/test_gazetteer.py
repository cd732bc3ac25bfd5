"""Tests for the organisation gazetteer (pipeline/gazetteer.py + pipeline/data/organisations.json).

Offline and fast: only the packaged JSON and a blank French spaCy pipeline are used.
"""

from __future__ import annotations

import importlib.resources
import json
from collections import Counter

import pytest
import spacy
from pydantic import ValidationError

from pipeline.gazetteer import (
    Gazetteer,
    GazetteerEntry,
    is_case_sensitive_name,
    load_gazetteer,
    name_key,
    parse_gazetteer,
)

# Single words of ordinary French that must never be an alias matched regardless of case.
GENERIC_WORDS = {
    "ville",
    "villes",
    "centre",
    "centres",
    "reseau",
    "reseaux",
    "region",
    "regions",
    "departement",
    "commune",
    "communes",
    "quartier",
    "quartiers",
    "etat",
    "prefet",
    "mairie",
    "association",
    "ressources",
    "territoires",
    "territoire",
    "agence",
    "ministere",
    "banque",
    "france",
    "europe",
}


@pytest.fixture(scope="module")
def raw() -> dict:
    text = importlib.resources.files("pipeline.data").joinpath("organisations.json").read_text("utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("fr")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(load_gazetteer().ruler_patterns(nlp))
    return nlp


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.ent_id_) for e in nlp(text).ents]


# -- the data file ----------------------------------------------------------------------------------


def test_file_shape_and_source(raw):
    assert set(raw) == {"_source", "organisations"}
    assert isinstance(raw["_source"], str) and raw["_source"].strip() and "\n" not in raw["_source"]
    assert len(raw["organisations"]) >= 60


def test_ids_are_unique_slugs(raw):
    ids = [entry["id"] for entry in raw["organisations"]]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    for entry in raw["organisations"]:
        GazetteerEntry.model_validate(entry)  # slug pattern, kinds, website form, case_sensitive ⊂ names


def test_loads_and_indexes(gaz, raw):
    assert len(gaz) == len(raw["organisations"])
    assert gaz.source == raw["_source"]
    assert load_gazetteer() is gaz  # cached


def test_every_name_resolves_to_its_own_entry(gaz):
    for org in gaz:
        for name in org.names:
            found = gaz.lookup(name)
            assert found is not None, (org.id, name)
            assert found.id == org.id, (org.id, name, found.id)


def test_no_name_shared_by_two_entries(gaz):
    owners: dict[str, set[str]] = {}
    for org in gaz:
        for name in org.names:
            owners.setdefault(name_key(name), set()).add(org.id)
    shared = {key: ids for key, ids in owners.items() if len(ids) > 1}
    assert not shared


def test_shared_name_is_refused():
    a = GazetteerEntry(id="a", name="Alpha Centre", aliases=("Le Truc",), kind="other")
    b = GazetteerEntry(id="b", name="Beta Centre", aliases=("le truc",), kind="other")
    with pytest.raises(ValueError, match="shared"):
        Gazetteer([a, b])


def test_links_point_to_known_ids_and_are_reciprocal(gaz):
    for org in gaz:
        for field in ("parent", "predecessor_of", "successor"):
            target = getattr(org, field)
            assert target is None or target in gaz, (org.id, field, target)
        if org.predecessor_of:
            assert gaz.by_id[org.predecessor_of].successor == org.id, org.id


def test_unknown_link_is_refused():
    with pytest.raises(ValueError, match="not a known organisation"):
        Gazetteer([GazetteerEntry(id="a", name="Alpha", kind="other", successor="nowhere")])


def test_no_generic_alias(gaz):
    for org in gaz:
        for name in org.names:
            if org.matches_case_sensitively(name):
                continue
            key = name_key(name)
            assert key not in GENERIC_WORDS, (org.id, name)
            assert len(key) >= 4, (org.id, name)  # short names must be case-sensitive acronyms


def test_crpv_network_is_covered(gaz):
    crpv_ids = {o.id for o in gaz.of_kind("crpv")}
    expected = {
        "crpv-irev",
        "crpv-resovilles",
        "crpv-cr-dsu",
        "crpv-profession-banlieue",
        "crpv-pqna",
        "crpv-oriv",
        "crpv-villes-au-carre",
        "crpv-vt-occitanie",
        "crpv-trajectoire-ressources",
        "crpv-normanvilles",
        "crpv-ressources-territoires",
        "crpv-cite-ressources",
        "crpv-essonne",
        "crpv-pole-ressources",
        "crpv-guyane",
        "crpv-ville-caraibe",
        "crpv-mayotte",
    }
    assert expected <= crpv_ids
    current = [o for o in gaz.of_kind("crpv") if o.successor is None]
    assert len(current) >= 17
    assert gaz.by_id["rncrpv"].kind == "network"
    assert gaz.lookup("réseau national des CRPV").id == "rncrpv"


def test_organisation_is_frozen(gaz):
    with pytest.raises(ValidationError):
        gaz.by_id["anct"].name = "autre"


def test_case_sensitive_must_name_the_entry():
    with pytest.raises(ValidationError):
        GazetteerEntry(id="x", name="Xylo", kind="other", case_sensitive=("Yoyo",))


# -- lookup -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "org_id"),
    [
        ("ANCT", "anct"),
        ("l'ANCT", "anct"),
        ("l’ANCT", "anct"),
        ("Agence nationale de la cohésion des territoires", "anct"),
        ("Agence nationale de la cohésion des territoires (ANCT)", "anct"),
        ("ANCT (Agence nationale de la cohésion des territoires)", "anct"),
        ("agence  nationale de la cohesion des territoires", "anct"),
        ("L’Agence Nationale de la Cohésion des Territoires", "anct"),
        ("Agence nationale de cohésion des territoires", "anct"),
        ("DGD PV", "anct-dgdpv"),
        ("CGET", "cget"),
        ("le CGET", "cget"),
        ("Commissariat général à l’égalité des territoires", "cget"),
        ("commissariat general a l'egalite des territoires (CGET)", "cget"),
        ("Bpifrance", "bpifrance"),
        ("BPI France", "bpifrance"),
        ("Bpi France", "bpifrance"),
        ("bpifrance", "bpifrance"),
        ("RésoVilles", "crpv-resovilles"),
        ("RésOvilles", "crpv-resovilles"),
        ("RésO Villes", "crpv-resovilles"),
        ("Résovilles", "crpv-resovilles"),
        ("resovilles", "crpv-resovilles"),
        ("IREV", "crpv-irev"),
        ("Irev", "crpv-irev"),
        ("l'IREV", "crpv-irev"),
        ("PQN-A", "crpv-pqna"),
        ("PQN–A", "crpv-pqna"),
        ("PQN - A", "crpv-pqna"),
        ("PQNA", "crpv-pqna"),
        ("Pays et Quartiers de Nouvelle-Aquitaine", "crpv-pqna"),
        ("Pays et quartiers de Nouvelle–Aquitaine (PQN-A)", "crpv-pqna"),
        ("Pays et Quartiers d’Aquitaine", "crpv-pqa"),
        ("AMF", "amf"),
        ("Association des maires de France", "amf"),
        ("Oriv", "crpv-oriv"),
        ("Education nationale", "education-nationale"),
        ("France urbaine", "france-urbaine"),
        ("Conseil national des villes", "cnv"),
        ("CR•DSU", "crpv-cr-dsu"),
        ("CR DSU", "crpv-cr-dsu"),
        ("IR-DSU", "irdsu"),
        ("Ville et Banlieue", "ville-et-banlieue"),
        ("Caisse des dépôts et consignations", "cdc"),
        ("«  Banque des Territoires  »", "banque-des-territoires"),
    ],
)
def test_lookup_variants(gaz, query, org_id):
    found = gaz.lookup(query)
    assert found is not None, query
    assert found.id == org_id


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "amf",
        "Amf",
        "anct",
        "ville",
        "Ville",
        "centre",
        "réseau",
        "région",
        "la région",
        "Agence nationale de la lune",
        "Mairie de Nulle-Part",
        "villes de France",
        "compas",
        "ressources urbaines",
    ],
)
def test_lookup_unknown_or_wrong_case(gaz, query):
    assert gaz.lookup(query) is None


def test_successions(gaz):
    assert gaz.by_id["cget"].successor == "anct"
    assert gaz.by_id["anct"].predecessor_of == "cget"
    assert gaz.current("cget").id == "anct"
    assert gaz.current("crpv-pqa").id == "crpv-pqna"
    assert gaz.current("pole-emploi").id == "france-travail"
    assert gaz.current("anct").id == "anct"
    assert gaz.by_id["anct-dgdpv"].parent == "anct"


def test_case_sensitivity_rule():
    for name in ("AMF", "ANCT", "CR DSU", "PQN-A", "FSE+", "GIP IREV", "ACSÉ"):
        assert is_case_sensitive_name(name), name
    for name in ("CNFPT", "AdCF", "Bpifrance", "Irev", "DGDPV", "123"):
        assert not is_case_sensitive_name(name), name


def test_parse_rejects_bad_documents():
    with pytest.raises(ValueError):
        parse_gazetteer({"organisations": "nope"})
    with pytest.raises(ValidationError):
        parse_gazetteer({"organisations": [{"id": "Bad Id", "name": "X y", "kind": "other"}]})
    with pytest.raises(ValidationError):
        parse_gazetteer({"organisations": [{"id": "ok", "name": "X y", "kind": "planet"}]})


def test_load_from_explicit_path(tmp_path, raw):
    path = tmp_path / "orgs.json"
    path.write_text(json.dumps({"_source": "test", "organisations": raw["organisations"][:3]}), "utf-8")
    small = load_gazetteer(path)
    assert len(small) == 3 and small.source == "test"


# -- spaCy entity ruler -----------------------------------------------------------------------------


def test_ruler_patterns_shape(gaz):
    nlp = spacy.blank("fr")
    patterns = gaz.ruler_patterns(nlp)
    assert patterns
    assert all(p["label"] == "ORG" and p["id"] in gaz and p["pattern"] for p in patterns)
    anct = [p["pattern"] for p in patterns if p["id"] == "anct"]
    assert [{"ORTH": "ANCT"}] in anct
    assert [{"LOWER": "bpi"}, {"LOWER": "france"}] in [p["pattern"] for p in patterns if p["id"] == "bpifrance"]
    # an accent-free variant is emitted next to the accented one
    resovilles = [p["pattern"] for p in patterns if p["id"] == "crpv-resovilles"]
    assert [{"LOWER": "résovilles"}] in resovilles and [{"LOWER": "resovilles"}] in resovilles
    # and patterns are not repeated
    assert len({json.dumps(p, sort_keys=True) for p in patterns}) == len(patterns)


def test_ruler_on_sentence(nlp):
    doc = nlp("Les équipes de l’ANCT et de RésoVilles ont rencontré BPI France.")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("ANCT", "ORG", "anct"),
        ("RésoVilles", "ORG", "crpv-resovilles"),
        ("BPI France", "ORG", "bpifrance"),
    ]


def test_ruler_multi_token_and_variants(nlp):
    found = ents(
        nlp,
        "Journée organisée par Pays et Quartiers de Nouvelle–Aquitaine avec l’Union sociale pour l’habitat, "
        "la Caf, le CR•DSU et l'Education nationale.",
    )
    assert found == [
        ("Pays et Quartiers de Nouvelle–Aquitaine", "crpv-pqna"),
        ("Union sociale pour l’habitat", "ush"),
        ("Caf", "caf"),
        ("CR•DSU", "crpv-cr-dsu"),
        ("Education nationale", "education-nationale"),
    ]


def test_ruler_respects_case(nlp):
    assert ents(nlp, "Le congrès de l'AMF.") == [("AMF", "amf")]
    assert ents(nlp, "Une amf, un compas, les villes de France et les ressources urbaines.") == []
    assert ents(nlp, "Villes de France et France urbaine signent.") == [
        ("Villes de France", "villes-de-france"),
        ("France urbaine", "france-urbaine"),
    ]


def test_add_entity_ruler_helper(gaz):
    nlp = spacy.blank("fr")
    gaz.add_entity_ruler(nlp)
    assert [(e.text, e.ent_id_) for e in nlp("Le CGET devient l'ANCT.").ents] == [("CGET", "cget"), ("ANCT", "anct")]
