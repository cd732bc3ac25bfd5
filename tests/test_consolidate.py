"""consolidate: page events -> network events (same gathering across sites), with stable ids."""

from __future__ import annotations

from types import SimpleNamespace

from pipeline.consolidate import consolidate, same_event
from pipeline.models import Event, Location, OrganisationRef, Participants, Record


def event(name, start=None, end=None, city=None, **kw) -> Event:
    return Event(
        name=name, start_date=start, end_date=end or start, location=Location(city=city) if city else None, **kw
    )


def record(rid: str, site: str, *events: Event) -> Record:
    return Record.model_construct(
        id=rid,
        source=SimpleNamespace(site=site, url=f"https://{site}/{rid}", path=f"{site}/{rid}.html"),
        events=list(events),
    )


def test_one_meeting_told_by_two_sites_is_one_network_event_with_its_conflicts():
    a = record(
        "a",
        "irev.fr",
        event(
            "Rencontre nationale des CRPV à Nantes",
            "2019-06-25",
            "2019-06-26",
            "Nantes",
            participants=Participants(count=80),
        ),
    )
    b = record(
        "b",
        "reseau-crpv.fr",
        event(
            "Les CRPV en rencontre nationale à Nantes",
            "2019-06-25",
            None,
            "Nantes",
            participants=Participants(count=90),
        ),
    )
    [merged] = consolidate([a, b])
    assert [s.document_id for s in merged.sources] == ["a", "b"]
    assert merged.fields["participants_count"].conflicts  # 80 and 90: one kept, the other recorded
    assert merged.fields["dates"].conflicts == {"2019-06-25/2019-06-25": ["b#0"]}


def test_same_dates_in_two_cities_stay_apart():
    a = event("Journée régionale des conseils citoyens", "2024-03-12", city="Lille")
    b = event("Journée régionale des conseils citoyens", "2024-03-12", city="Amiens")
    assert not same_event(a, b)


def test_an_online_event_matches_on_dates_and_a_close_name_only():
    a = event("Webinaire emploi et quartiers", "2024-06-04", online=True)
    assert same_event(a, event("Webinaire : emploi et quartiers", "2024-06-04", online=True))
    assert not same_event(a, event("Atelier santé mentale", "2024-06-04", online=True))


def test_an_undated_subject_event_joins_a_dated_one_only_on_strong_evidence():
    org = [OrganisationRef(id="crpv-irev", name="IREV")]
    dated = event(
        "9e rencontre nationale des CRPV", "2024-10-17", city="Montpellier", kind="rencontre", edition=9, organisers=org
    )
    undated = event("9e rencontre nationale des CRPV", kind="rencontre", edition=9, period="2024", organisers=org)
    assert same_event(dated, undated)
    assert not same_event(dated, undated.model_copy(update={"organisers": []}))
    assert not same_event(dated, undated.model_copy(update={"period": "2023"}))


def test_ids_are_stable_when_a_new_source_joins():
    a = record("a", "irev.fr", event("Séminaire politique de la ville", "2025-05-20", city="Amiens"))
    [first] = consolidate([a])
    assert consolidate([a])[0].id == first.id  # re-running keeps it
    c = record("0-early", "oriv.org", event("Séminaire de la politique de la ville", "2025-05-20", city="Amiens"))
    known = {s.key: first.id for s in first.sources}
    [joined] = consolidate([a, c], known)
    assert joined.id == first.id and len(joined.sources) == 2
    assert consolidate([a, c])[0].id != first.id  # without the last run's ids, the earliest page names it


def test_crpv_consolidate_redoes_what_extract_wrote(tmp_path):
    import shutil
    from pathlib import Path

    from typer.testing import CliRunner

    from pipeline.cli import app

    raw = tmp_path / "raw"
    shutil.copytree(Path(__file__).resolve().parent.parent / "raw", raw)
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["extract", str(raw), "-o", str(out), "--workers", "0"]).exit_code == 0
    written = (out / "events.jsonl").read_bytes()
    assert written and len(list((out / "events").glob("*.json"))) == len(written.splitlines())
    (out / "events.jsonl").unlink()
    result = CliRunner().invoke(app, ["consolidate", str(out)])
    assert result.exit_code == 0 and "network events" in result.output
    assert (out / "events.jsonl").read_bytes() == written
    assert CliRunner().invoke(app, ["consolidate", str(tmp_path)]).exit_code == 2  # no manifest there


def test_corrections_apply_on_every_run_and_say_so():
    from pipeline.consolidate import Corrections

    a = record(
        "a",
        "irev.fr",
        event(
            "Séminaire politique de la ville",
            "2025-05-20",
            city="Amiens",
            organisers=[OrganisationRef(id=None, name="Réseau des jeunes chercheurs")],
        ),
    )
    b = record("b", "oriv.org", event("Atelier santé", "2025-05-20", city="Amiens"))
    c = record("c", "oriv.org", event("Forum emploi", "2025-06-02", city="Lens"))
    ids = {e.name: e.id for e in consolidate([a, b, c])}
    fixes = Corrections.model_validate(
        {
            "event": [
                {"id": ids["Forum emploi"], "start_date": "2025-06-03", "city": "Arras"},
                {"id": "ne-000000000000", "ignore": True},
            ],
            "merge": [{"ids": [ids["Séminaire politique de la ville"], ids["Atelier santé"]]}],
            "organisation": [{"name": "Réseau des jeunes chercheurs", "id": "rjc"}],
            "ignore_pages": ["nowhere"],
        }
    )
    warnings: list[str] = []
    out = {e.id: e for e in consolidate([a, b, c], None, fixes, warnings)}
    assert len(out) == 2
    forum = out[ids["Forum emploi"]]
    assert (forum.start_date, forum.city) == ("2025-06-03", "Arras")
    assert forum.fields["dates"].rule == forum.fields["city"].rule == "correction"
    merged = out[ids["Séminaire politique de la ville"]]
    assert len(merged.sources) == 2 and merged.organisers[0].id == "rjc"
    assert merged.fields["organisers"].rule == "correction"
    assert len(warnings) == 2 and any("ne-000000000000" in w for w in warnings)  # fixes that match nothing
    split = Corrections.model_validate({"split": [{"source": "b#0"}]})
    assert (
        len(
            consolidate(
                [
                    a,
                    record(
                        "b", "oriv.org", event("Séminaire de la politique de la ville", "2025-05-20", city="Amiens")
                    ),
                ],
                None,
                split,
            )
        )
        == 2
    )


def test_a_bad_corrections_file_is_one_line_naming_the_key(tmp_path):
    import pytest

    from pipeline.consolidate import load_corrections
    from pipeline.errors import UsageError

    path = tmp_path / "corrections.toml"
    assert load_corrections(path).event == []  # no file: nothing to apply
    path.write_text('[[event]]\nid = "ne-1"\nstart_date = "12 mai"\n')
    with pytest.raises(UsageError, match=r"event\.0\.start_date"):
        load_corrections(path)


def test_extract_applies_the_corrections_beside_raw_on_a_run_with_nothing_new(tmp_path):
    import json
    import shutil
    from pathlib import Path

    from typer.testing import CliRunner

    from pipeline.cli import app

    raw = tmp_path / "raw"
    shutil.copytree(Path(__file__).resolve().parent.parent / "raw", raw)
    out = tmp_path / "out"
    args = ["extract", str(raw), "-o", str(out), "--workers", "0"]
    assert CliRunner().invoke(app, args).exit_code == 0
    first = json.loads((out / "events.jsonl").read_text().splitlines()[0])
    (tmp_path / "corrections.toml").write_text(
        f'[[event]]\nid = "{first["id"]}"\ncity = "Villeurbanne"\n[[event]]\nid = "ne-gone"\nignore = true\n'
    )
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0 and "0 processed" in result.output
    assert "corrections: event 'ne-gone' matches no event" in result.output
    fixed = json.loads((out / "events" / f"{first['id']}.json").read_text())
    assert fixed["city"] == "Villeurbanne" and fixed["fields"]["city"]["rule"] == "correction"


def test_one_event_told_by_three_sites_in_three_wordings_with_a_conflicting_count():
    org = [OrganisationRef(id="rncrpv", name="Réseau national des centres de ressources")]
    told = [
        record(
            "portal",
            "reseau-crpv.fr",
            event("Rencontre nationale des CRPV", "2023-10-12", "2023-10-13", "Marseille", organisers=org),
        ),
        record(
            "irev",
            "irev.fr",
            event(
                "Les CRPV réunis à Marseille pour leur rencontre nationale",
                "2023-10-12",
                "2023-10-13",
                "Marseille",
                participants=Participants(count=120),
            ),
        ),
        record(
            "oriv",
            "oriv.org",
            event(
                "Rencontre nationale des centres de ressources (CRPV)",
                "2023-10-12",
                None,
                "Marseille",
                participants=Participants(count=150),
            ),
        ),
    ]
    [merged] = consolidate(told)
    assert sorted(s.site for s in merged.sources) == ["irev.fr", "oriv.org", "reseau-crpv.fr"]
    assert merged.city == "Marseille" and merged.start_date == "2023-10-12" and merged.end_date == "2023-10-13"
    count = merged.fields["participants_count"]
    assert count.value == 120 and count.conflicts == {"150": ["oriv#0"]}  # ties go to the earliest page
    assert merged.organisers == org


def test_an_online_event_and_its_announcement_are_one():
    announced = record(
        "a-announce",
        "irev.fr",
        event("Webinaire : la participation des habitants", "2025-02-06", online=True, status="announced"),
    )
    replay = record(
        "b-replay",
        "reseau-crpv.fr",
        event("Webinaire « La participation des habitants »", "2025-02-06", online=True, status="past"),
    )
    other = record("c-other", "oriv.org", event("Webinaire : emploi des jeunes", "2025-02-06", online=True))
    merged = consolidate([announced, replay, other])
    assert sorted(len(e.sources) for e in merged) == [1, 2]
    assert all(e.online and e.city is None for e in merged)
