"""Thresholds of the quality suites: `expectations/settings.yml`, overridable per environment, plus
the business rules the suites share with dbt (`duplicate_call_seconds`, `placeholder_before`), read
from their one home, the vars of dbt_project.yml.

Each key can be overridden by `ARP_QUALITY_<KEY>` (e.g. `ARP_QUALITY_FRESHNESS_MAX_AGE_HOURS=2`
in live mode), so an operator tunes a threshold without editing the committed file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from orchestration.business_rules import business_rules
from orchestration.paths import PROJECT_ROOT
from orchestration.settings import QUALITY_PREFIX
from orchestration.settings import settings as arp_settings

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SETTINGS_FILE = EXPECTATIONS_DIR / "settings.yml"


class QualityConfigError(ValueError):
    """A suite file or setting is malformed; the message names the file and the entry at fault."""


class Settings(Mapping[str, Any]):
    """Read-only mapping of setting name -> value; unknown names fail loudly, naming the file."""

    def __init__(self, values: Mapping[str, Any], source: str):
        self._values = dict(values)
        self.source = source

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise QualityConfigError(f"unknown quality setting {key!r}; define it in {self.source}") from None

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        return self[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def replace(self, **overrides: Any) -> Settings:
        unknown = set(overrides) - set(self._values)
        if unknown:
            raise QualityConfigError(f"unknown quality setting(s) {sorted(unknown)}; define them in {self.source}")
        return Settings({**self._values, **overrides}, self.source)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _number(where: str, raw: Any, default: Any) -> int | float | None:
    """A setting's value as a number of the committed default's kind, or None (a check turned off).

    Settings are written into check SQL, so anything but a plain finite number is refused here
    rather than quoted there: a value like `240 or 1=1` once turned a blocking range check into
    one that passes on bad data."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if default is None:
            return None
        raise QualityConfigError(f"{where}: empty; expected a number like the default {default!r}")
    if isinstance(raw, bool):
        raise QualityConfigError(f"{where}={raw!r}: expected a number, not true/false")
    text = raw.strip() if isinstance(raw, str) else repr(raw)
    if not isinstance(raw, (int, float, str)) or not _NUMBER.fullmatch(text):
        raise QualityConfigError(f"{where}={raw!r}: expected a plain number (digits, one '.', an exponent)")
    value = float(text)
    if not math.isfinite(value):
        raise QualityConfigError(f"{where}={raw!r}: expected a finite number")
    if isinstance(default, int) and not isinstance(default, bool):
        if not value.is_integer():
            raise QualityConfigError(f"{where}={raw!r}: expected a whole number like the default {default!r}")
        return int(value)
    return int(value) if value.is_integer() and re.fullmatch(r"[+-]?\d+", text) else value


def load_settings(path: Path = SETTINGS_FILE, environ: Mapping[str, str] | None = None) -> Settings:
    overrides = arp_settings(environ).quality_overrides()
    try:
        values = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise QualityConfigError(f"quality settings file {path} is missing") from None
    if not isinstance(values, dict):
        raise QualityConfigError(f"{path}: expected a mapping of setting name -> value")
    for key, value in list(values.items()):
        values[key] = _number(f"{path}: {key}", value, value)
    for key in list(values):
        if key in overrides:
            values[key] = _number(QUALITY_PREFIX + key.upper(), overrides[key], values[key])
    # The business rules the suites share with dbt have their one home in dbt_project.yml.
    rules = business_rules()
    for key, value in (
        ("duplicate_call_seconds", rules.duplicate_call_seconds),
        ("placeholder_before", rules.placeholder_before.isoformat()),
    ):
        if key in values:
            raise QualityConfigError(f"{path}: {key} is a business rule; set it in dbt_project.yml vars, not here")
        if key in overrides:
            raise QualityConfigError(
                f"{QUALITY_PREFIX + key.upper()}: {key} is a business rule; "
                "set it in dbt_project.yml vars, not in the environment"
            )
        values[key] = value
    return Settings(values, str(path))
