"""anchors: each peer set's scoring rule, on small sets built here (the peer pages themselves are read
from shared/peer-data by ``crpv eval-anchors`` and the evaluation gate, never copied)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline import anchors
from pipeline.cli import app

runner = CliRunner()

ARTICLE = (
    "<!DOCTYPE html><html lang='fr'><head><title>Rencontre</title></head><body>"
    "<nav><a href='/'>Accueil</a> <a href='/agenda'>Agenda</a></nav><article><h1>Rencontre régionale</h1>"
    "<p>Publié le 12/03/2024</p>"
    "<p>Les professionnels de la politique de la ville se sont réunis à Lyon pour une journée d’échanges.</p>"
    "<p>La matinée a porté sur les contrats de ville et la participation des habitants des quartiers.</p>"
    "</article><footer>Mentions légales – © 2025</footer></body></html>"
)


@pytest.mark.parametrize(
    "gold, start, end, expected",
    [
        ("2024-03", "2024-03-12", "2024-03-12", True),  # cut to the gold's precision
        ("2024-03-12", "2024-03", "2024-03", False),  # coarser than the gold: wrong
        ("XXXX-06", "2019-06-01", "2019-06-01", True),
        ("196X", "1960", "1969", True),
        ("1999-SU", "1999-06", "1999-08", True),
        ("2003-W05-WE", "2003-02-01", "2003-02-02", True),
        ("2003-W05", "2003-01-29", "2003-01-29", True),
        ("2003-W05", "2003-02-03", "2003-02-03", False),
        ("2001", "2000-12", "2001-01", True),  # either end of a range
    ],
)
def test_timebank_values_are_cut_to_the_gold_precision(gold, start, end, expected):
    assert anchors.value_matches(gold, start, end) is expected


def test_shingle_scores_follow_the_benchmark_rule():
    gold = {"a": "un deux trois quatre cinq six", "b": "sept huit neuf dix onze"}
    perfect = anchors.shingle_scores(dict(gold), gold)
    assert perfect == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "accuracy": 1.0}
    half = anchors.shingle_scores({"a": "un deux trois quatre cinq six", "b": ""}, gold)
    assert half["recall"] == 0.5 and half["precision"] == 1.0 and half["accuracy"] == 0.5


def test_date_scores_count_no_answer_as_a_miss_and_another_date_as_wrong():
    scores = anchors._date_scores(["2020-01-01", None, "2020-01-05"], ["2020-01-01", "2020-01-02", "2020-01-03"])
    assert scores == {"precision": 0.5, "recall": 0.5, "accuracy": 0.333, "f1": 0.5, "answered": 0.667}


def _trafilatura_like(folder):
    (folder / "html").mkdir(parents=True)
    (folder / "html" / "a.html").write_text(ARTICLE, encoding="utf-8")
    entry = {
        "file": "a.html",
        "with": ["se sont réunis à Lyon pour une journée d’échanges", "la participation des habitants"],
        "without": ["Mentions légales", "Accueil"],
    }
    for subset in ("french", "subset"):
        (folder / f"evaldata.{subset}.json").write_text(json.dumps({"https://exemple.fr/a": entry}), encoding="utf-8")


def test_trafilatura_rule_keeps_the_typographic_apostrophe(tmp_path):
    _trafilatura_like(tmp_path)
    report = anchors.trafilatura_eval(tmp_path, "french", anchors=False)
    assert report["systems"] == {"pipeline": {"precision": 1.0, "recall": 1.0, "accuracy": 1.0, "f1": 1.0}}
    entry = json.loads((tmp_path / "evaldata.french.json").read_text())
    entry["https://exemple.fr/a"]["with"] = ["se sont réunis à Lyon pour une journée d'échanges"]  # ' is not ’
    (tmp_path / "evaldata.french.json").write_text(json.dumps(entry))
    assert anchors.trafilatura_eval(tmp_path, "french", anchors=False)["systems"]["pipeline"]["recall"] == 0.0


def test_htmldate_rule_and_its_anchor_in_the_same_run(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "a.html").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "eval.french.json").write_text(json.dumps({"u": {"file": "a.html", "date": "2024-03-12"}}))
    report = anchors.htmldate_eval(tmp_path, "french")
    assert report["systems"]["pipeline"]["accuracy"] == 1.0
    assert "htmldate extensive" in report["systems"]


def test_timebank_reads_spans_and_scores_a_document(tmp_path):
    (tmp_path / "Data").mkdir()
    (tmp_path / "Data" / "doc.tml").write_text(
        '<?xml version="1.0"?><TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="2024-03-13">13 mars 2024</TIMEX3></DCT>'
        '<TEXT>Le maire est venu <TIMEX3 tid="t1" type="DATE" value="2024-03-12">hier</TIMEX3> et reviendra '
        '<TIMEX3 tid="t2" type="DATE" value="2024-04">le mois prochain</TIMEX3>, à <TIMEX3 tid="t3" type="TIME" '
        'value="2024-03-13T10:00">10 heures</TIMEX3>.</TEXT></TimeML>',
        encoding="utf-8",
    )
    (document,) = anchors.timebank_documents(tmp_path)
    assert [d["text"] for d in document["dates"]] == ["hier", "le mois prochain"]  # DATEs only
    scores = anchors.timebank(tmp_path)["systems"]["pipeline"]
    assert scores["relaxed+value"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_eval_anchors_command_scores_the_sets_it_finds(tmp_path):
    _trafilatura_like(tmp_path / "trafilatura-eval")
    out = tmp_path / "scores.json"
    result = runner.invoke(app, ["eval-anchors", str(tmp_path), "--set", "trafilatura-eval-french", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "trafilatura favor_precision" in result.output
    assert json.loads(out.read_text())["trafilatura-eval-french"]["systems"]["pipeline"]["f1"] == 1.0


def test_eval_anchors_refuses_a_set_it_does_not_know(tmp_path):
    result = runner.invoke(app, ["eval-anchors", str(tmp_path), "--set", "nope"])
    assert result.exit_code == 2 and "no peer set named nope" in result.output


def test_the_benchmark_scorer_reproduces_the_published_numbers():
    """Upstream's own predictions, scored here, give its published rows to three decimals."""
    from .eval_gate import shared_dir

    shared = shared_dir()
    corpus = shared / "peer-data" / "article-extraction-benchmark" if shared else None
    if corpus is None or not corpus.is_dir():
        pytest.skip("shared/peer-data is not beside this checkout")
    gold = {k: v["articleBody"] for k, v in json.loads((corpus / "ground-truth.json").read_text()).items()}
    published = json.loads((corpus / "reference_scores.json").read_text())["reproduced_here_from_reference_outputs"]
    for name, row in [("trafilatura", "trafilatura 2.0.0"), ("newspaper", "newspaper"), ("news_please", "news_please")]:
        data = json.loads((corpus / "reference_outputs" / f"{name}.json").read_text())
        data = data.get("output", data)
        predicted = {k: (v.get("articleBody") if isinstance(v, dict) else v) or "" for k, v in data.items()}
        scores = anchors.shingle_scores(predicted, gold)
        assert [scores["f1"], scores["precision"], scores["recall"], scores["accuracy"]] == published[row], name
