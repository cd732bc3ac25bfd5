"""dates: the French date grammar, resolution against an anchor, and the anchor itself."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.dates import extract_dates
from pipeline.models import Anchor
from pipeline.temporal import find_expressions, parse_metadata_date, resolve
from pipeline.text import view


def one(text: str, published: str | None = None, **kwargs):
    dates, _, _ = extract_dates(text, published, **kwargs)
    assert len(dates) == 1, dates
    return dates[0]


@pytest.mark.parametrize(
    "phrase, published, start, end",
    [
        ("le 17 octobre dernier", "2023-10-24", "2023-10-17", "2023-10-17"),
        ("le 17 octobre dernier", "2023-09-01", "2022-10-17", "2022-10-17"),  # "dernier": before publication
        ("Mardi 2 novembre 2021", None, "2021-11-02", "2021-11-02"),
        ("02/11/2021", None, "2021-11-02", "2021-11-02"),  # day first, never 11 February
        ("jeudi 27 novembre", "2025-11-01", "2025-11-27", "2025-11-27"),
        ("les 25 et 26 juin derniers", "2019-07-03", "2019-06-25", "2019-06-26"),
        ("les 25 et 26 juin derniers", "2019-06-01", "2018-06-25", "2018-06-26"),
        ("du 14 au 16 octobre 2024", None, "2024-10-14", "2024-10-16"),
        ("du 30 septembre au 2 octobre", "2024-09-01", "2024-09-30", "2024-10-02"),
        ("les 20 et 21 octobre 2022", None, "2022-10-20", "2022-10-21"),
        ("le 5 juin prochain", "2025-06-10", "2026-06-05", "2026-06-05"),
        ("les 7-8 et 21-22 mars", "2016-01-10", "2016-03-07", "2016-03-22"),
        ("du 28 décembre au 3 janvier 2020", None, "2019-12-28", "2020-01-03"),
        ("Mardi 14/01", "2024-12-16", "2025-01-14", "2025-01-14"),
    ],
)
def test_days_and_ranges(phrase, published, start, end):
    date = one(f"Texte : {phrase}.", published)
    assert (date.start, date.end, date.precision) == (start, end, "day")
    assert date.text.lower() in phrase.lower() or phrase.lower().endswith(date.text.lower())


def test_months_seasons_years():
    dates, _, _ = extract_dates(
        "en juillet 2018, l'été 2019, le bilan 2020, le programme 2026 et la période 2015-2020."
    )
    got = [(d.text, d.start, d.end, d.precision) for d in dates]
    assert got == [
        ("juillet 2018", "2018-07", "2018-07", "month"),
        ("été 2019", "2019-06", "2019-08", "month"),
        ("2020", "2020", "2020", "year"),
        ("2026", "2026", "2026", "year"),
        ("2015-2020", "2015", "2020", "year"),
    ]


@pytest.mark.parametrize(
    "phrase, time, end_time",
    [
        ("Mardi 2 novembre 2021 - 09:30", "09:30", None),
        ("le 4 avril 2024 de 9h à 17h", "09:00", "17:00"),
        ("le 4 avril 2024, 14h30", "14:30", None),
    ],
)
def test_times_attach_to_their_date(phrase, time, end_time):
    date = one(phrase)
    assert (date.time, date.end_time) == (time, end_time)


@pytest.mark.parametrize(
    "text", ["Mars a dit oui.", "Il a sept ans.", "Un jeu de société.", "2 000 habitants", "le décret n°2019-1130"]
)
def test_words_that_are_not_dates(text):
    dates, _, _ = extract_dates(text, "2025-01-01")
    assert [d for d in dates if d.precision != "year"] == []
    assert not any(d.start == "2019" for d in dates)


def test_quantities_are_not_years():
    dates, _, _ = extract_dates("Un budget de 2000 euros pour 2024 habitants.")
    assert dates == []


def test_relative_dates_record_their_anchor():
    date = one("Les équipes se sont retrouvées le 17 octobre dernier.", "2023-10-24")
    assert (date.anchor, date.anchor_source) == ("2023-10-24", "published")
    full = one("le 2 novembre 2021")
    assert full.anchor is None  # a full date needs no anchor


def test_without_publication_date_the_text_gives_the_anchor():
    text = "Les 25 et 26 juin derniers, à Nantes. La circulaire du 12 juin 2019 sur la réforme."
    dates, _, anchor = extract_dates(text)
    assert anchor.source == "text:12 juin 2019" and not anchor.exact
    assert (dates[0].start, dates[0].end) == ("2019-06-25", "2019-06-26")


def test_photo_dates_give_the_anchor():
    dates, _, anchor = extract_dates("Les 25 et 26 juin, les équipes étaient à Nantes.", image_months=["2019-06"])
    assert anchor.source == "image:2019-06"
    assert dates[0].start == "2019-06-25"


def test_a_weekday_fixes_the_year():
    dates, _, anchor = extract_dates("L'équipe s'est retrouvée ce lundi 22 septembre. Le programme 2026 est prêt.")
    assert anchor.source.startswith("weekday:")
    assert dates[0].start == "2025-09-22"


def test_title_years_give_the_anchor():
    dates, _, _ = extract_dates("Les 28 et 29 août derniers, à Vitry.", title="Les journées nationales de 2015")
    assert dates[0].start == "2015-08-28"


def test_no_anchor_no_guess():
    dates, _, anchor = extract_dates("Rendez-vous le 5 juin.")
    assert anchor is None and dates == []


def test_deadline_horizon_is_not_an_anchor():
    _, _, anchor = extract_dates(
        "les 25 et 26 juin derniers ; contrats prolongés jusqu'au 31 décembre 2022 ; circulaire du 12 juin 2019"
    )
    assert anchor.day.isoformat() == "2019-06-12"


def test_spans_point_into_the_text():
    text = "Publié. Le 21 octobre, puis du 14 au 16 octobre 2024."
    for found in extract_dates(text, "2024-11-01")[0]:
        assert text[found.span[0] : found.span[1]] == found.text


def test_expressions_do_not_overlap():
    found = find_expressions("du 14 au 16 octobre 2024")
    assert len(found) == 1 and found[0].rule == "range-du-au"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2021-11-02T14:41:00+01:00", "2021-11-02"),
        ("02/11/2021", "2021-11-02"),
        ("2 novembre 2021", "2021-11-02"),
        ("Mardi 2 novembre 2021 - 09:30", "2021-11-02"),
        ("31/02/2021", None),
        ("bientôt", None),
    ],
)
def test_metadata_dates(value, expected):
    assert parse_metadata_date(value) == expected


@pytest.mark.parametrize(
    "sentence, start, end, precision",
    [
        ("Il est venu hier.", "2024-03-12", "2024-03-12", "day"),
        ("Il viendra demain.", "2024-03-14", "2024-03-14", "day"),
        ("La semaine dernière, un atelier.", "2024-03-04", "2024-03-10", "day"),
        ("Le mois prochain, un séminaire.", "2024-04", "2024-04", "month"),
        ("L’an dernier, le bilan.", "2023", "2023", "year"),
        ("Il est arrivé samedi.", "2024-03-09", "2024-03-09", "day"),  # past tense: the Saturday gone
        ("Il viendra samedi.", "2024-03-16", "2024-03-16", "day"),  # future tense: the coming one
        ("Le rapport sortira en septembre.", "2024-09", "2024-09", "month"),
        ("Le rapport est sorti en septembre.", "2023-09", "2023-09", "month"),
        ("Signé le 10 novembre 93.", "1993-11-10", "1993-11-10", "day"),  # never 2001
        ("Né en 1936 à Lyon.", "1936", "1936", "year"),
        ("Dans les années 1960, les grands ensembles.", "1960", "1969", "year"),
        ("dans les années 80", "1980", "1989", "year"),
        ("cet été", "2024-06", "2024-08", "month"),  # written in March: this year's summer
        ("cet hiver", "2023-12", "2024-02", "month"),  # the winter just gone
        ("ce printemps", "2024-03", "2024-05", "month"),
        ("l’automne 2023", "2023-09", "2023-11", "month"),
        ("à Pâques 2024", "2024-03-31", "2024-03-31", "day"),  # a feast with its year
    ],
)
def test_relative_and_partial_dates_against_the_day_of_writing(sentence, start, end, precision):
    anchor = Anchor(date(2024, 3, 13), "published", exact=True)  # a Wednesday
    found = [e for f in find_expressions(view(sentence)) if (e := resolve(f, anchor))]
    assert [(e.start, e.end, e.precision) for e in found] == [(start, end, precision)]


def test_a_relative_date_without_an_anchor_is_not_guessed():
    assert [resolve(f, None) for f in find_expressions("Il est venu hier, et samedi.")] == [None, None]


def test_a_part_of_the_day_makes_a_time_expression_never_an_event_date():
    dates, _, _ = extract_dates("Hier soir, la réunion.", "2024-03-13")
    assert all(d.rule.endswith("+part-of-day") for d in dates if d.text.lower().startswith("hier"))
    anchor = Anchor(date(2024, 3, 13), "published", exact=True)
    (entity,) = [e for f in find_expressions("hier soir") if (e := resolve(f, anchor))]
    assert entity.rule.endswith("+part-of-day") and entity.start == "2024-03-12"


def test_a_year_under_review_means_the_page_was_written_the_year_after():
    dates, _, anchor = extract_dates("Le 12 avril dernier, l'assemblée a présenté le bilan d'activité 2018.")
    assert anchor.source == "reviewed:2018"
    assert dates[0].start == "2019-04-12"


def test_a_span_gives_its_first_year_and_a_span_end_or_a_name_no_year():
    _, _, anchor = extract_dates("Les 3 et 4 juin, la feuille de route 2023-2027 a été présentée aux partenaires.")
    assert anchor.source == "span:2023-2027"
    _, _, anchor = extract_dates("Le 3 juin, les Contrats de ville Quartiers 2030 ont été évoqués. En 2021, déjà…")
    assert anchor.source == "text:2021"


def test_a_weekday_is_taken_after_the_years_the_page_looks_back_on():
    # 11 March is a Tuesday in 2014 and 2025: the programme launched in 2019 puts the page after it
    dates, _, anchor = extract_dates("Le programme, lancé en 2019, sera présenté le mardi 11 mars à Lyon.")
    assert dates[-1].start == "2025-03-11" and anchor.source == "weekday:mardi 11 mars+text:2019"


def test_a_crawler_date_line_bounds_the_year_of_a_weekday():
    from pipeline.dates import crawl_month

    text = " date 2024-02 Ce jeudi 3 février, les adultes-relais se sont retrouvés. Le dispositif existe depuis 1999."
    assert crawl_month(text) == "2024-02"
    dates, _, anchor = extract_dates(text, fetched_at=crawl_month(text))
    assert dates[0].start == "2022-02-03"  # the last Thursday 3 February before the crawl
    assert anchor.source.startswith("weekday:jeudi 3 février+crawl:fetched_at")


def test_a_weekday_fixes_the_year_of_the_same_day_given_without_one():
    text = (
        "Après Reims en 2022, France urbaine a organisé à Angers les 21 et 22 septembre derniers ses journées. "
        "La journée du jeudi 21 septembre a été jalonnée d'ateliers, en vue des élections de juin 2024."
    )
    dates, _, _ = extract_dates(text)
    by_text = {d.text: d for d in dates}
    assert by_text["jeudi 21 septembre"].start == "2023-09-21"
    assert (by_text["21 et 22 septembre derniers"].start, by_text["21 et 22 septembre derniers"].end) == (
        "2023-09-21",
        "2023-09-22",
    )
    assert by_text["21 et 22 septembre derniers"].anchor_source == "weekday:jeudi 21 septembre"


def test_a_year_being_planned_means_the_page_was_written_the_year_before():
    text = "Les membres du GIP étaient réunis ce 21 novembre pour adopter le budget prévisionnel 2023."
    dates, _, anchor = extract_dates(text)
    assert [d.start for d in dates if d.precision == "day"] == ["2022-11-21"]
    assert anchor.source.startswith("planned:")


def test_a_span_of_months_gives_its_days_the_year_that_puts_them_inside_it():
    text = (
        "D'octobre 2016 à juin 2017, le Département organise cinq débats : le 4 octobre, le 9 novembre, le 1er février."
    )
    dates, _, _ = extract_dates(text)
    days = {d.text: d for d in dates if d.precision == "day"}
    assert [days[t].start for t in ("4 octobre", "9 novembre", "1er février")] == [
        "2016-10-04",
        "2016-11-09",
        "2017-02-01",
    ]
    assert days["4 octobre"].anchor_source == "span:octobre 2016 à juin 2017"


def test_a_number_before_a_dash_and_a_day_with_its_weekday_is_not_a_range():
    found = {f.text: f for f in find_expressions("Épisode 1 – jeudi 22 janvier 2026 ; du 12 – 14 mars 2026")}
    assert "jeudi 22 janvier 2026" in found and "1 – jeudi 22 janvier 2026" not in found
    assert "12 – 14 mars 2026" in found
