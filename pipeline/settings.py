"""Settings: every threshold of the stages, from the packaged ``data/settings.toml``, which a user's
file overrides key by key (``crpv --config FILE``, or the ``CRPV_CONFIG`` environment variable).

A user's file has the same sections and keys as the packaged one and only needs the keys it changes;
an unknown section or key, or a value of another type, is refused with a message naming it. The active
settings are part of the pipeline's fingerprint, so changing them redoes every page on the next run.

    from pipeline import settings
    settings.section("events").max_event_days   # 7
    settings.use_config("my-settings.toml")     # from now on, with my values
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from types import SimpleNamespace

from . import resources

DEFAULTS = "settings.toml"
ENV_VARIABLE = "CRPV_CONFIG"


class SettingsError(ValueError):
    """A user's settings file cannot be used (unreadable, not TOML, unknown key, wrong type)."""


def _merge(defaults: dict, overrides: dict, origin: str) -> dict:
    merged = {name: dict(values) for name, values in defaults.items()}
    for name, values in overrides.items():
        if name not in defaults or not isinstance(values, dict):
            raise SettingsError(f"{origin}: unknown section [{name}] (sections: {', '.join(sorted(defaults))})")
        for key, value in values.items():
            if key not in defaults[name]:
                raise SettingsError(f"{origin}: unknown setting {name}.{key}")
            expected = type(defaults[name][key])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if type(value) is not expected:
                raise SettingsError(f"{origin}: {name}.{key} must be a {expected.__name__}, not {value!r}")
            merged[name][key] = value
    return merged


class Settings:
    """The values in force: ``settings.section(name).key``; ``as_dict()`` for the fingerprint."""

    def __init__(self, values: dict, source: str):
        self._values = values
        self.source = source
        self._sections = {name: SimpleNamespace(**keys) for name, keys in values.items()}

    def section(self, name: str) -> SimpleNamespace:
        return self._sections[name]

    def as_dict(self) -> dict:
        return {name: dict(keys) for name, keys in self._values.items()}


def load(path: str | Path | None = None) -> Settings:
    """The packaged defaults, overridden by the file at ``path`` when one is given."""
    defaults = resources.toml(DEFAULTS)
    if path is None:
        return Settings({name: dict(keys) for name, keys in defaults.items()}, "defaults")
    try:
        overrides = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None
    return Settings(_merge(defaults, overrides, str(path)), str(path))


_current: Settings | None = None


def use_config(path: str | Path | None) -> Settings:
    """Make the defaults overridden by ``path`` (None: the defaults alone) the settings in force."""
    global _current
    _current = load(path)
    return _current


def current() -> Settings:
    """The settings in force: those of ``use_config``, else ``$CRPV_CONFIG``, else the defaults."""
    global _current
    if _current is None:
        _current = load(os.environ.get(ENV_VARIABLE) or None)
    return _current


def section(name: str) -> SimpleNamespace:
    """One section of the settings in force: ``section("clean").min_coverage``."""
    return current().section(name)
