"""clean: HTML and text dumps -> Document (main text, metadata with evidence, images, links)."""

from __future__ import annotations

import pytest

from pipeline.clean import clean, title_from_slug
from pipeline.load import load_page

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def article():
    return clean(load_page(FIXTURES / "article.html", FIXTURES))


def test_title_from_the_h1_not_the_title_tag(article):
    document, _ = article
    assert document.title == "Journée régionale des acteurs de la ville"


def test_visible_published_line_beats_a_stale_meta_date(article):
    document, _ = article
    assert document.published == "2025-10-14"
    assert document.evidence["published"].rule == "html:visible-published-line"


def test_url_site_and_text(article):
    document, _ = article
    assert document.url == "https://www.exemple-crpv.fr/actualites/journee-regionale-acteurs"
    assert document.site == "exemple-crpv.fr"
    assert "une centaine de professionnel·le·s" in document.text
    assert "l’évaluation et l’observation" in document.text  # the page's own apostrophes
    for boilerplate in ("cookies", "Accueil", "Webinaire santé mentale", "1 rue de la Ville", "ORIV", "Partager"):
        assert boilerplate not in document.text


def test_images_keep_caption_and_credit_out_of_the_text(article):
    document, _ = article
    [image] = document.images
    assert image.src == "https://www.exemple-crpv.fr/sites/default/files/2025-10/journee-regionale.jpg"
    assert image.caption == "Les participants en atelier"
    assert image.credit == "ORIV"
    assert image.alt == "Les participants en atelier"


def test_links_of_the_article_without_share_buttons(article):
    document, _ = article
    assert [link.url for link in document.links] == ["https://www.exemple-crpv.fr/ressources/contrats-de-ville"]


def test_contradicted_meta_date_gives_null_and_a_warning(tmp_path):
    html = (FIXTURES / "article.html").read_text().replace('<p class="node__date">Publié le 14/10/2025</p>', "")
    html = html.replace("/sites/default/files/2025-10/", "/wp-content/uploads/2019/07/")
    (tmp_path / "p.html").write_text(html)
    document, warnings = clean(load_page(tmp_path / "p.html", tmp_path))
    assert document.published is None
    assert any("2012-01-01" in w and "contradicts" in w for w in warnings)


def test_uncontradicted_meta_date_is_used(tmp_path):
    html = (FIXTURES / "article.html").read_text().replace('<p class="node__date">Publié le 14/10/2025</p>', "")
    html = html.replace("2012-01-01", "2025-10-15")
    (tmp_path / "p.html").write_text(html)
    document, _ = clean(load_page(tmp_path / "p.html", tmp_path))
    assert document.published == "2025-10-15"
    assert document.evidence["published"].rule == "meta:article:published_time"


def test_sidebar_publication_dates_are_never_read(tmp_path):
    html = (FIXTURES / "article.html").read_text().replace('<p class="node__date">Publié le 14/10/2025</p>', "")
    html = html.replace('<meta property="article:published_time" content="2012-01-01T08:00:00+00:00">', "")
    (tmp_path / "p.html").write_text(html)
    document, warnings = clean(load_page(tmp_path / "p.html", tmp_path))
    assert document.published is None  # not the sidebar's 03/03/2024, not the footer's © 2025
    assert any("no publication date" in w for w in warnings)


def test_text_dump_rules(tmp_path):
    dump = (
        "Un titre de dump (</actualites/un-titre>)\n\nChapo\n\nLe chapô de l'article, assez long pour être un vrai paragraphe de texte.\n\n"
        "Le corps avec un [lien](https://exemple.fr/a) dedans.\n\nphoto-groupe.jpg\n\nDR Jean DUPONT\n\n"
        "Type d'actualites: [Actu du centre](#) [1]\n\nDates: Jeudi 3 mars 2022 - 14:00\n\nPublié le 04 mars 2022\n\n"
        "URL de la source (modifié le 05/03/2022 - 10:00): <https://www.exemple.fr/actualites/un-titre>\n\nLiens\n\n[1] <https://exemple.fr/taxonomy/term/1>\n"
    )
    (tmp_path / "d.txt").write_text(dump)
    document, _ = clean(load_page(tmp_path / "d.txt", tmp_path))
    assert document.title == "Un titre de dump"
    assert document.url == "https://www.exemple.fr/actualites/un-titre"  # the absolute URL wins
    assert document.lead.startswith("Le chapô de l'article")
    assert (document.published, document.modified) == ("2022-03-04", "2022-03-05")
    assert document.categories == ["Actu du centre"]
    assert document.images[0].src == "photo-groupe.jpg" and document.images[0].credit == "Jean DUPONT"
    assert {link.url for link in document.links} == {"https://exemple.fr/a", "https://exemple.fr/taxonomy/term/1"}
    assert "Le corps avec un lien dedans." in document.text
    for label in (
        "Chapo",
        "photo-groupe.jpg",
        "DR Jean",
        "Type d'actualites",
        "Publié le",
        "URL de la source",
        "Liens",
        "Dates:",
    ):
        assert label not in document.text


def test_title_from_slug():
    assert (
        title_from_slug("https://irev.fr/actualites-0/regroupement-national-des-crpv")
        == "Regroupement national des crpv"
    )
    assert title_from_slug("https://irev.fr/node/1234") is None


def test_text_browser_dump(tmp_path):
    dump = (
        "   #[1]Centre [2]Flux RSS\n\n     * [3]Accueil\n     * [4]Agenda\n\n"
        "   Vous êtes ici : [5]Accueil > [6]Archives\n\n"
        "Journée régionale des contrats de ville\n\n"
        "   Le jeudi 28 septembre, le centre de ressources consacrait sa journée\n"
        "   régionale aux contrats de ville, en présence des équipes de l'État et des\n"
        "   collectivités.\n\n"
        "   [IMG] Photo : CRPV, DR\n\n   Dans la même rubrique\n     * [7]Autre journée - 28 juin 2012 - Aix\n\n"
        "References\n\n   1. https://exemple.fr/rss\n   5. https://exemple.fr/\n   7. https://exemple.fr/node/1\n"
    )
    (tmp_path / "d.txt").write_text(dump)
    document, _ = clean(load_page(tmp_path / "d.txt", tmp_path))
    assert document.title == "Journée régionale des contrats de ville"
    assert document.text == (
        "Le jeudi 28 septembre, le centre de ressources consacrait sa journée régionale aux contrats de ville, "
        "en présence des équipes de l'État et des collectivités."
    )
    assert "https://exemple.fr/node/1" in [link.url for link in document.links]


@pytest.mark.parametrize(
    "markup, expected",
    [
        ('<span class="published" itemprop="datePublished">14 octobre 2020</span>', "2020-10-14"),
        (
            '<span property="dc:date dc:created" content="2021-09-24T11:20:00+02:00">Publié le ven 24/09/2021</span>',
            "2021-09-24",
        ),
        ("<p>Publié le ven 24/09/2021</p>", "2021-09-24"),
    ],
)
def test_publication_markup(tmp_path, markup, expected):
    html = (FIXTURES / "article.html").read_text().replace('<p class="node__date">Publié le 14/10/2025</p>', markup)
    html = html.replace('<meta property="article:published_time" content="2012-01-01T08:00:00+00:00">', "")
    (tmp_path / "p.html").write_text(html)
    assert clean(load_page(tmp_path / "p.html", tmp_path))[0].published == expected


def test_event_date_markup_is_not_a_publication_date(tmp_path):
    markup = '<div class="tribe-events-schedule"><abbr class="tribe-events-start-date published dtstart" title="2025-11-17">17 novembre 2025</abbr></div>'
    html = (FIXTURES / "article.html").read_text().replace('<p class="node__date">Publié le 14/10/2025</p>', markup)
    html = html.replace('<meta property="article:published_time" content="2012-01-01T08:00:00+00:00">', "")
    (tmp_path / "p.html").write_text(html)
    assert clean(load_page(tmp_path / "p.html", tmp_path))[0].published is None


def test_agenda_items_one_per_row_are_read_as_a_listing(tmp_path):
    rows = "".join(
        f'<div class="row"><article class="tribe-events-calendar-list__event"><time>{day} mars 2021</time>'
        f"<h3>Journée régionale numéro {day}</h3><p>À Lyon, une journée d'échanges entre professionnels.</p></article></div>"
        for day in (3, 10, 17)
    )
    html = (
        f"<!DOCTYPE html><html lang='fr'><body><main><h1>Agenda</h1><div class='list'>{rows}</div></main></body></html>"
    )
    (tmp_path / "p.html").write_text(html)
    text = clean(load_page(tmp_path / "p.html", tmp_path))[0].text
    assert all(f"Journée régionale numéro {day}" in text for day in (3, 10, 17))


def test_a_content_block_never_replaces_trafilatura_text(tmp_path):
    sentence = "Les équipes des centres de ressources ont présenté leurs travaux sur la politique de la ville."
    block = "".join(f"<p>{sentence} Paragraphe {n} du bloc.</p>" for n in range(3))
    after = "".join(f"<p>{sentence * 4} Suite {n} de l'article, hors du bloc.</p>" for n in range(2))
    html = f"<html lang='fr'><body><article><h1>Rencontre</h1><div class='entry-content'>{block}</div>{after}</article></body></html>"
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    document, _ = clean(load_page(tmp_path / "page.html", tmp_path))
    assert "Suite 1 de l'article" in document.text  # trafilatura's longer text is kept, all of it
    assert "Paragraphe 2 du bloc" in document.text


def test_the_content_block_gives_back_the_list_items_trafilatura_dropped_and_nothing_after(tmp_path):
    sentence = (
        "Les équipes des centres de ressources ont présenté leurs travaux sur la politique de la ville, longuement."
    )
    html = (
        "<html lang='fr'><body><article><h1>Rencontre</h1><div class='entry-content'>"
        f"<p>{sentence} Premier paragraphe.</p><ul><li>atelier mémoire ;</li><li>atelier emploi ;</li></ul>"
        f"<p>{sentence} Dernier paragraphe.</p><div class='tags'><a href='/t/1'>Étiquette : santé</a></div>"
        "<p><a href='/suivant'>Article suivant : la journée des conseils citoyens</a></p>"
        "</div></article></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    document, _ = clean(load_page(tmp_path / "page.html", tmp_path))
    assert "atelier emploi" in document.text and "Dernier paragraphe" in document.text
    assert "Article suivant" not in document.text and "Étiquette" not in document.text


def _article(tmp_path, head="", byline="", sidebar="", footer="<footer>© 2025 Centre de ressources</footer>"):
    """A French article with no stated publication date but what the test gives it."""
    body = (
        "<p>Les professionnels de la politique de la ville se sont réunis pour une journée d’échanges sur les "
        "contrats de ville et la participation des habitants, avec les délégués du préfet et les élus.</p>" * 3
    )
    html = (
        f"<!DOCTYPE html><html lang='fr'><head><title>Journée d’échanges</title>{head}</head><body>"
        f"<article><h1>Journée d’échanges</h1>{byline}{body}</article>"
        f"<aside class='sidebar'>{sidebar}</aside>{footer}</body></html>"
    )
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    return clean(load_page(tmp_path / "p.html", tmp_path))[0]


def test_a_publication_key_in_the_page_data_states_htmldate_date(tmp_path):
    script = '<script type="application/json">{"publishedDate":"2023-06-02T10:00:00Z"}</script>'
    document = _article(tmp_path, byline=f"<div class='header'>{script}</div>")
    assert document.published == "2023-06-02"


def test_a_short_byline_date_in_figures_with_any_separator_is_the_publication(tmp_path):
    byline = "<p class='date'>26 | 06 | 2023</p>"
    document = _article(tmp_path, byline=byline, footer="")
    assert document.published == "2023-06-26"
    assert document.evidence["published"].rule == "htmldate+stated"


def test_a_date_with_a_time_of_day_is_an_event_schedule_not_a_publication(tmp_path):
    document = _article(tmp_path, byline="<p class='info'>Jeudi 12 octobre 2023 de 9h à 17h</p>")
    assert document.published is None


def test_a_sidebar_date_never_becomes_the_publication(tmp_path):
    item = "<ul><li><span class='date'>15/09/2023</span> <a href='/x'>Webinaire santé mentale</a></li></ul>"
    assert _article(tmp_path, sidebar=item).published is None


def test_htmldate_agreeing_with_the_metadata_cites_the_metadata(tmp_path):
    meta = '<meta property="article:published_time" content="2023-06-02T08:00:00+02:00">'
    document = _article(tmp_path, head=meta)
    assert document.published == "2023-06-02"
    assert document.evidence["published"].rule == "meta:article:published_time"


def test_htmldate_copyright_year_guess_is_not_the_publication(tmp_path):
    document = _article(tmp_path)  # htmldate answers 2025-01-01 from "© 2025": the page never says it
    assert document.published is None


def _dump(tmp_path, text: str, url: str):
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    (tmp_path / "d.meta.json").write_text(f'{{"url": "{url}"}}', encoding="utf-8")
    return clean(load_page(tmp_path / "d.txt", tmp_path))[0]


PARAGRAPH = (
    "Les acteurs de la politique de la ville se sont retrouvés pour une journée d’échanges sur les contrats "
    "de ville, la participation des habitants et la gestion urbaine de proximité dans les quartiers."
)


def test_a_screen_dump_title_is_the_line_its_slug_spells_with_navigation_left_out(tmp_path):
    text = f"Vous êtes ici\n\nPrécédent\n  • Accueil\n  • Réunion d’échanges à Lille\nFavoris\n\nRéunion d’échanges : à Lille !Actualité\n\n{PARAGRAPH}\n"
    document = _dump(tmp_path, text, "https://exemple.fr/actualites/reunion-dechanges-a-lille-2")
    assert document.title == "Réunion d’échanges : à Lille !"  # the page's characters, its label unglued
    assert document.evidence["title"].rule == "text:slug-line"
    for navigation in ("Vous êtes ici", "Précédent", "Favoris", "Accueil"):
        assert navigation not in document.text
    assert document.text.startswith("Les acteurs")


def test_a_percent_encoded_slug_is_decoded_before_it_is_compared(tmp_path):
    text = f"Séminaire régional des délégués\n{PARAGRAPH}\n"
    url = "https://exemple.fr/agenda/s%C3%A9minaire-r%C3%A9gional-des-d%C3%A9l%C3%A9gu%C3%A9s"
    assert _dump(tmp_path, text, url).title == "Séminaire régional des délégués"


def test_a_slug_no_line_spells_gives_no_title_not_the_slug(tmp_path):
    document = _dump(tmp_path, f"{PARAGRAPH}\n{PARAGRAPH}\n", "https://exemple.fr/2023/10/20/un-titre-hors-extrait/")
    assert document.title is None


def test_an_address_without_words_takes_the_first_short_line_before_the_first_paragraph(tmp_path):
    assert _dump(
        tmp_path, f"Journée régionale des centres sociaux\n12/09/2024\n{PARAGRAPH}\n", "https://exemple.fr/?p=3328"
    ).title == ("Journée régionale des centres sociaux")
    assert _dump(tmp_path, f"{PARAGRAPH}\nUne ligne courte\n", "https://exemple.fr/node/235858").title is None


def test_a_long_paragraph_per_line_dump_is_not_unwrapped(tmp_path):
    title = "Lutter contre les discriminations sur les territoires : où en est-on – Cycle de qualification"
    url = "https://exemple.fr/agenda/lutter-contre-les-discriminations-sur-les-territoires-ou-en-est-on"
    document = _dump(tmp_path, f"{title}\n{PARAGRAPH} {PARAGRAPH}\n", url)
    assert document.title == title


def test_a_breadcrumb_trail_s_last_step_is_the_title_and_the_trail_goes(tmp_path):
    text = f"Accueil / La mairie / Vie des quartiers / Conseils de quartier 2024\n|\n{PARAGRAPH}\n"
    document = _dump(tmp_path, text, "https://exemple.fr/vie-des-quartiers/conseils-de-quartier-2024")
    assert document.title == "Conseils de quartier 2024"
    assert "Accueil" not in document.text and document.text.lstrip("|\n").startswith("Les acteurs")


def test_teaser_lines_of_other_articles_are_not_text(tmp_path):
    text = (
        f"Journée des acteurs\n{PARAGRAPH}\nLe marché de Noël + Lire la suite\nConcert du printemps Lire la suite »\n"
    )
    document = _dump(tmp_path, text, "https://exemple.fr/actualites/journee-des-acteurs")
    assert "Lire la suite" not in document.text and "Les acteurs" in document.text


def test_an_address_no_line_spells_takes_a_first_line_that_reads_as_a_title_not_a_section_heading(tmp_path):
    url = "https://exemple.fr/quartiers/la-concertation-continue"
    assert _dump(tmp_path, f"Une exposition et une rencontre\n{PARAGRAPH}\n", url).title == (
        "Une exposition et une rencontre"
    )
    assert _dump(tmp_path, f"Les origines\n\n{PARAGRAPH}\n", "https://exemple.fr/le-centre/").title is None


def test_site_furniture_lines_are_not_text_and_a_publication_line_is_no_title(tmp_path):
    furniture = [
        "Diapositive précédente",
        "Mot de passe oublié ?",
        "Envoyer à un ami",
        "Temps de lecture 4 minutes",
        "Dernière mise à jour : mardi 3 mars 2020",
        "Ce site est géré sous SPIP 3.2",
        "jdoe - Fotolia",
    ]
    text = "Publié le jeudi 12 mars 2020\n" + "\n".join(furniture[:3]) + f"\n{PARAGRAPH}\n" + "\n".join(furniture[3:])
    document = _dump(tmp_path, text + "\n", "https://exemple.fr/?p=42")
    assert document.title is None or not document.title.startswith("Publié")
    for line in furniture:
        assert line not in document.text
    assert "Les acteurs" in document.text


def test_a_publication_line_above_the_title_is_still_read_as_the_publication_date(tmp_path):
    text = f"Publié le 2 septembre 2024\n\nJournée régionale des acteurs\n\n{PARAGRAPH}\n"
    document = _dump(tmp_path, text, "https://exemple.fr/actualites/journee-regionale-des-acteurs")
    assert (document.title, document.published) == ("Journée régionale des acteurs", "2024-09-02")


@pytest.mark.parametrize(
    "under_title, later, published, rule",
    [
        ("18 octobre 2024", "", "2024-10-18", "text:date-under-title"),
        ("Mardi 5 mars 2019", "", "2019-03-05", "text:date-under-title"),
        ("Jeudi 16 octobre 2025 de 9h à 17h", "", None, None),  # an agenda line, not the page's date
        ("18 octobre 2024", "Publiée le 20/10/2024\n\n", "2024-10-20", "text:published-line"),
    ],
)
def test_a_date_alone_under_a_dump_title_is_its_publication_date(tmp_path, under_title, later, published, rule):
    dump = (
        "Retour sur la rencontre régionale des acteurs (</actualites/retour-rencontre>)\n\n"
        f"{under_title}\n\nLes acteurs se sont retrouvés à Lille du 14 au 16 octobre pour trois jours d'échanges.\n\n"
        f"{later}"
    )
    (tmp_path / "d.txt").write_text(dump)
    document, _ = clean(load_page(tmp_path / "d.txt", tmp_path))
    assert document.published == published
    assert (document.evidence["published"].rule if published else None) == rule
    assert under_title in document.text  # it stays text: with no other day, it dates the page's event


@pytest.mark.parametrize(
    "line",
    [
        "Cliquez ici pour augmenter la taille du texte | Cliquez ici pour réduire la taille du texte | imprimer la page",
        "2 articles",
        "@Pierre Emmanuel",
        "(Infographie Ville d'Angers)",
    ],
)
def test_widget_counter_handle_and_credit_lines_are_not_text(line):
    from pipeline.clean.document import is_kept_line

    assert not is_kept_line(line)


def test_a_sentence_that_opens_on_a_count_of_articles_is_still_text():
    from pipeline.clean.document import is_kept_line

    assert is_kept_line("2 articles de loi encadrent désormais les contrats de ville.")


LONG_PARAGRAPH = (
    "La médiation sociale est descendante des femmes relais des années 80, et les adultes relais, nouveaux "
    "médiateurs sociaux, ont pour mission d'aller vers les habitants et de faire avec eux, chaque jour."
)


def test_previous_and_next_post_links_above_a_blog_article_are_not_text(tmp_path):
    dump = f"Une journée volubile\n11 novembre 2017\nFais moi une place à Valdegour\n21 novembre 2017\n\n{LONG_PARAGRAPH}\n"
    (tmp_path / "d.txt").write_text(dump)
    (tmp_path / "d.meta.json").write_text('{"url": "https://www.ekodesquartiers.net/les-adultes-relais-en-question/"}')
    document, _ = clean(load_page(tmp_path / "d.txt", tmp_path))
    assert document.text.startswith("La médiation sociale")


def test_a_listing_whose_items_have_their_own_text_keeps_them(tmp_path):
    dump = (
        f"Rencontre des adultes relais\n11 novembre 2017\n{LONG_PARAGRAPH}\n\n"
        f"Journée des conseils citoyens\n21 novembre 2017\n{LONG_PARAGRAPH}\n"
    )
    (tmp_path / "d.txt").write_text(dump)
    document, _ = clean(load_page(tmp_path / "d.txt", tmp_path))
    assert "Journée des conseils citoyens" in document.text and "21 novembre 2017" in document.text


def test_a_dump_s_captions_links_back_breadcrumbs_and_comment_form_are_not_text(tmp_path):
    text = (
        "Portail > Nos actions > Archives 2019 > Journée régionale des conseils citoyens à Arras\n\n"
        "Journée régionale des conseils citoyens à Arras\n\n"
        f"{PARAGRAPH}\n\nDes habitants en atelier\n© Studio Image\n\n"
        "La carte des quartiers prioritaires (Infographie Ville d'Arras)\n\n"
        f"{PARAGRAPH}\n\nRetour à l'agenda\nLire les autres comptes rendus\n\n"
        "Ajouter un commentaire\nVotre nom\nQuelle est la capitale de la France ?\n"
    )
    document = _dump(tmp_path, text, "https://exemple.fr/journee-regionale-des-conseils-citoyens-a-arras")
    assert document.title == "Journée régionale des conseils citoyens à Arras"
    for not_text in (
        "Nos actions",
        "Des habitants en atelier",
        "Studio Image",
        "Infographie",
        "Retour à l'agenda",
        "Lire les autres",
        "commentaire",
        "capitale",
    ):
        assert not_text not in document.text
    assert document.text.count("Les acteurs") == 2


def test_a_breadcrumb_step_glued_before_the_title_is_not_the_title_s(tmp_path):
    text = f"AccueilJournée d’étude sur la rénovation urbaine\n\n{PARAGRAPH}\n"
    document = _dump(tmp_path, text, "https://exemple.fr/agenda/journee-detude-sur-la-renovation-urbaine")
    assert document.title == "Journée d’étude sur la rénovation urbaine"
