"""The evaluation gate in the test suite: no headline figure of any annotated set below its floor."""

from __future__ import annotations

import json

import pytest

from . import eval_gate

GROUPS = eval_gate.groups()


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_figure_is_at_or_above_its_floor(group):
    failures, lines = eval_gate.check(names=GROUPS[group])
    print("\n".join(lines))
    assert not failures, "\n".join(failures)


def test_every_set_is_in_one_group():
    assert sorted(n for names in GROUPS.values() for n in names) == sorted(eval_gate.load_floors()["sets"])


def test_floors_are_figures_between_zero_and_one_with_a_digest():
    floors = eval_gate.load_floors()
    assert floors["sets"], "the gate holds no set"
    for name, spec in floors["sets"].items():
        assert spec.get("digest"), f"{name} has no pinned digest"
        assert spec["floors"], f"{name} has no floor"
        for metric, value in spec["floors"].items():
            assert 0 <= value <= 1, f"{name}.{metric} = {value}"


def test_a_figure_below_its_floor_fails_the_gate(monkeypatch):
    floors = json.loads(json.dumps(eval_gate.load_floors()))
    spec = floors["sets"]["devset"]
    spec["floors"]["events_f1"] = 1.01  # unreachable: the gate must say so
    failures, _ = eval_gate.check({"sets": {"devset": spec}})
    assert any("devset.events_f1" in f and "below its floor" in f for f in failures)
