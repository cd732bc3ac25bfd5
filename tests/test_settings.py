"""settings: packaged thresholds, overridden key by key by a user's file; bad files refused clearly."""

from __future__ import annotations

import pytest

from pipeline import resources, settings


def test_defaults_are_the_packaged_file():
    loaded = settings.load()
    assert loaded.as_dict() == resources.toml("settings.toml")
    assert loaded.section("events").max_event_days == 7


def test_a_user_file_overrides_only_its_keys(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("[events]\nmax_event_days = 10\n[clean]\nmin_coverage = 1\n", encoding="utf-8")
    loaded = settings.load(path)
    assert loaded.section("events").max_event_days == 10
    assert loaded.section("events").organiser_window == 160  # untouched keys keep their default
    assert loaded.section("clean").min_coverage == 1.0 and isinstance(loaded.section("clean").min_coverage, float)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[events]\nmax_event_dayz = 3\n", "unknown setting events.max_event_dayz"),
        ("[nothing]\nx = 1\n", "unknown section [nothing]"),
        ("[events]\nmax_event_days = 'seven'\n", "events.max_event_days must be a int"),
        ("[events\n", "not valid TOML"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(settings.SettingsError, match=message.replace("[", r"\[")):
        settings.load(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(settings.SettingsError, match="cannot read"):
        settings.load(tmp_path / "absent.toml")


def test_use_config_changes_the_settings_in_force(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("[run]\nbatch_size = 4\n", encoding="utf-8")
    try:
        assert settings.use_config(path).section("run").batch_size == 4
        assert settings.section("run").batch_size == 4
    finally:
        settings.use_config(None)
    assert settings.section("run").batch_size == 32
