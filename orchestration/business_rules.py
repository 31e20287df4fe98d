"""The business rules every layer shares, read from their one home: the `vars` of dbt_project.yml.

dbt reads them with `var()`; the generator, the truth oracle and the quality suites read them here,
so a city that changes one (say its CAD writes 1970-01-01 as a placeholder) changes it once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import yaml

from orchestration.cities.profile import city_timezone
from orchestration.paths import PROJECT_ROOT

DBT_PROJECT = PROJECT_ROOT / "dbt_project.yml"


@dataclass(frozen=True)
class BusinessRules:
    placeholder_before: dt.date  # a source timestamp before this day is a placeholder, not a time
    duplicate_call_seconds: int  # two calls from one phone on one incident this close are one call
    follow_up_window_days: int  # a period stays provisional this long after it ends
    eligibility_programs: tuple[str, ...]  # programs a call can be eligible for
    dispatchable_programs: tuple[str, ...]  # programs that send a team (their CAD unit type)
    small_cell_max: int  # counts 1..small_cell_max are never published

    @property
    def city_timezone(self) -> str:
        """dbt's var is a template over ARP_CITY_TIMEZONE; the zone itself lives in the city profile,
        read when asked for (the rules below are cached, the profile may be set later)."""
        return city_timezone()

    @property
    def placeholder_before_epoch(self) -> int:
        return int(dt.datetime.combine(self.placeholder_before, dt.time(), dt.UTC).timestamp())


@lru_cache(maxsize=1)
def business_rules() -> BusinessRules:
    try:
        values = yaml.safe_load(DBT_PROJECT.read_text())["vars"]
        return BusinessRules(
            placeholder_before=dt.date.fromisoformat(str(values["placeholder_before"])),
            duplicate_call_seconds=int(values["duplicate_call_seconds"]),
            follow_up_window_days=int(values["follow_up_window_days"]),
            eligibility_programs=tuple(values["eligibility_programs"]),
            dispatchable_programs=tuple(values["dispatchable_programs"]),
            small_cell_max=int(values["public_small_cell_max"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{DBT_PROJECT}: vars must define city_timezone, placeholder_before (YYYY-MM-DD), "
            f"duplicate_call_seconds, follow_up_window_days, eligibility_programs, "
            f"dispatchable_programs and public_small_cell_max ({exc!r})"
        ) from exc
