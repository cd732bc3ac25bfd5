"""evaluate: the dev-corpus scoring rules on small synthetic gold/record pairs."""

from __future__ import annotations

from pipeline.evaluate import Aliases, Tally, score_page

GOLD = {
    "case": "x",
    "title": "Les CRPV à Nantes",
    "published": None,
    "events": [
        {
            "start": "2019-06-25",
            "end": "2019-06-26",
            "city": "Nantes",
            "organisers": ["Résovilles", "CGET"],
            "participants_count": 80,
        }
    ],
    "people": [{"name": "François-Antoine Mariani", "role": "directeur de la ville et de la cohésion urbaine au CGET"}],
    "organisations": ["Résovilles", "CGET"],
    "places": ["Nantes", "Pays de la Loire"],
    "must_contain": ["80 professionnel.e.s"],
    "must_not_contain": ["cookies"],
}
ALIASES = Aliases(
    {"Résovilles": ["RésoVilles", "Résovilles"], "CGET": ["Commissariat général à l'égalité des territoires"]}
)


def record(**changes):
    base = {
        "document": {"title": "Les CRPV à Nantes", "published": None, "text": "Les 80 professionnel.e.s présent.e.s."},
        "events": [
            {
                "start_date": "2019-06-25",
                "end_date": "2019-06-26",
                "location": {"city": "Nantes"},
                "organisers": [{"id": "crpv-resovilles", "name": "RésoVilles"}, {"id": "cget", "name": "CGET"}],
                "participants": {"count": 80},
            }
        ],
        "entities": {
            "people": [
                {
                    "name": "François - Antoine Mariani",
                    "role": "commissaire et directeur de la ville et de la cohésion urbaine au CGET",
                }
            ],
            "organisations": [
                {"id": "crpv-resovilles", "name": "RésOvilles", "mentions": [{"text": "Résovilles"}]},
                {"id": "cget", "name": "Commissariat général à l'égalité des territoires"},
            ],
            "places": [{"name": "Nantes"}, {"name": "Pays de la Loire", "mentions": [{"text": "Pays de Loire"}]}],
        },
    }
    base.update(changes)
    return base


def test_a_perfect_record_scores_one_everywhere():
    tally = Tally()
    details = score_page(GOLD, record(), ALIASES, tally)
    scores = tally.report()
    assert details == {"case": "x"}
    for key in (
        "title",
        "published",
        "text_kept",
        "boilerplate_kept_out",
        "event_city",
        "event_participants",
        "events_dates_and_city_right",
        "people_role_right",
    ):
        assert scores[key] == 1.0, key
    for key in ("events", "event_organisers", "people", "organisations", "places"):
        assert scores[key]["f1"] == 1.0, key


def test_a_wrong_date_is_a_miss_and_an_extra():
    tally = Tally()
    bad = record(events=[{"start_date": "2018-06-25", "end_date": "2018-06-26", "location": {"city": "Nantes"}}])
    score_page(GOLD, bad, ALIASES, tally)
    assert tally.events.scores()["f1"] == 0.0 and (tally.events.fp, tally.events.fn) == (1, 1)
    assert tally.events_fully_right.value() == 0.0


def test_role_needs_sixty_percent_of_the_gold_words():
    tally = Tally()
    short = record()
    short["entities"]["people"][0]["role"] = "directeur"
    score_page(GOLD, short, ALIASES, tally)
    assert tally.roles.value() == 0.0


def test_unknown_organisations_count_as_extras_and_non_event_pages_must_stay_empty():
    tally = Tally()
    extra = record()
    extra["entities"]["organisations"].append({"id": None, "name": "Impact Collectif"})
    score_page({**GOLD, "events": []}, extra, ALIASES, tally)
    assert tally.organisations.fp == 1
    assert tally.non_event_pages_clean.value() == 0.0


def test_dated_and_undated_events_are_scored_apart():
    gold = dict(GOLD, events=[*GOLD["events"], {"start": None, "end": None, "city": "Lyon", "organisers": []}])
    undated = {"start_date": None, "end_date": None, "location": {"city": "Lyon"}, "organisers": []}
    tally = Tally()
    score_page(gold, record(events=[*record()["events"], undated]), ALIASES, tally)
    scores = tally.report()
    assert scores["dated_events"]["f1"] == 1.0 and scores["undated_events"]["tp"] == 1
    tally = Tally()
    score_page(gold, record(), ALIASES, tally)  # the undated subject event missed
    assert tally.report()["undated_events"]["recall"] == 0.0 and tally.report()["dated_events"]["f1"] == 1.0
    from pipeline.evaluate import headline

    assert headline(tally.report())["undated_events_found"] == 0.0
    tally = Tally()
    score_page(GOLD, record(events=[*record()["events"], undated]), ALIASES, tally)  # an undated event too many
    assert tally.report()["undated_events"]["fp"] == 1 and "undated_events_found" not in headline(tally.report())
