"""Expansion scenarios: one reviewed YAML file a service model under `scenarios/`.

A scenario changes, per dispatchable program, what the observed service model was: operating hours
by day, teams on each shift (a number for the whole period, or teams added to the observed roster),
the service beats and the eligible call types; and it can scale the demand. Whatever a scenario
leaves out stays as the seeds and the warehouse say it was, date by date. A file that breaks the
schema, or names a beat, call type or program the city does not have, stops the load with an
error naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from orchestration.business_rules import business_rules
from orchestration.paths import PROJECT_ROOT, seeds_dir

SCENARIO_DIR = PROJECT_ROOT / "scenarios"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# `all` in operating_hours stands for every day not named on its own.
ALL_DAYS = "all"


class ScenarioError(ValueError):
    """A scenario file is unreadable or breaks the schema; the message names the file and field."""


class Hours(BaseModel):
    """One day's service: teams on from start_hour to end_hour (local clock, 24 = midnight)."""

    model_config = ConfigDict(extra="forbid")

    start_hour: int
    end_hour: int

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value):
        # `[7, 23]` is the readable way to write a day's hours in a scenario file.
        if isinstance(value, (list, tuple)):
            if len(value) != 2:
                raise ValueError(f"a day's hours are [start_hour, end_hour], got {list(value)}")
            return {"start_hour": value[0], "end_hour": value[1]}
        return value

    @model_validator(mode="after")
    def _in_a_day(self) -> Hours:
        for name in ("start_hour", "end_hour"):
            hour = getattr(self, name)
            if not 0 <= hour <= 24:
                raise ValueError(f"{name} must be an hour from 0 to 24, got {hour}")
        if self.start_hour >= self.end_hour:
            raise ValueError(f"start_hour {self.start_hour} must be before end_hour {self.end_hour}")
        return self


class ProgramChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operating_hours: dict[str, Hours | None] | None = Field(
        None,
        description="Replaces the program's hours for the whole period: Mon..Sun or `all` -> [start, end]; "
        "a day left out (or null) is closed.",
    )
    teams_per_shift: int | None = Field(None, description="Teams on every shift, replacing the observed roster.")
    added_teams: int | None = Field(None, description="Teams added to the observed roster on every day.")
    service_beats: list[str] | None = Field(None, description="Replaces the program's service beats.")
    eligible_call_types: list[str] | None = Field(None, description="Replaces the program's eligible call types.")

    @field_validator("operating_hours")
    @classmethod
    def _known_days(cls, value):
        for day in value or {}:
            if day not in (*DAYS, ALL_DAYS):
                raise ValueError(f"unknown day {day!r}; use one of {', '.join(DAYS)} or {ALL_DAYS!r}")
        return value

    @field_validator("teams_per_shift", "added_teams")
    @classmethod
    def _not_negative(cls, value):
        if value is not None and value < 0:
            raise ValueError(f"a team count cannot be negative, got {value}")
        return value

    @field_validator("service_beats", "eligible_call_types", mode="before")
    @classmethod
    def _as_text(cls, value):
        # Beats are numbers in YAML unless quoted; the seeds hold them as text.
        return [str(v) for v in value] if isinstance(value, list) else value

    @model_validator(mode="after")
    def _one_team_rule(self) -> ProgramChange:
        if self.teams_per_shift is not None and self.added_teams is not None:
            raise ValueError("give teams_per_shift or added_teams, not both")
        return self

    def hours_by_day(self) -> dict[str, tuple[int, int] | None] | None:
        """Mon..Sun -> (start_hour, end_hour) or None (closed); None when the hours are not changed."""
        if self.operating_hours is None:
            return None
        default = self.operating_hours.get(ALL_DAYS)
        out = {}
        for day in DAYS:
            hours = self.operating_hours.get(day, default)
            out[day] = None if hours is None else (hours.start_hour, hours.end_hour)
        return out


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    demand_growth: float = Field(1.0, gt=0, description="Eligible calls x this factor (1 = as observed).")
    programs: dict[str, ProgramChange] = Field(default_factory=dict)
    source: str | None = Field(None, exclude=True)

    @field_validator("programs")
    @classmethod
    def _known_programs(cls, value):
        known = business_rules().dispatchable_programs
        for program in value:
            if program not in known:
                raise ValueError(f"unknown program {program!r}; a scenario changes one of {', '.join(known)}")
        return value


def _codes(seeds: Path, name: str, column: str) -> set[str]:
    return set(pd.read_csv(seeds / f"{name}.csv", dtype=str, keep_default_na=False)[column])


def _check_codes(scenario: Scenario, seeds: Path) -> list[str]:
    """Problems with the beats and call types the scenario names, each as `field: message`."""
    beats = _codes(seeds, "beats", "beat")
    call_types = _codes(seeds, "call_types", "call_type_code")
    problems = []
    for program, change in scenario.programs.items():
        for beat in change.service_beats or []:
            if beat not in beats:
                problems.append(f"programs.{program}.service_beats: unknown beat {beat!r} (not in {seeds}/beats.csv)")
        for code in change.eligible_call_types or []:
            if code not in call_types:
                problems.append(
                    f"programs.{program}.eligible_call_types: unknown call type {code!r} "
                    f"(not in {seeds}/call_types.csv)"
                )
    return problems


def load_scenario(path: Path, seeds: Path | None = None) -> Scenario:
    """Read and check one scenario file (beats and call types against the city's reference tables)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path}: cannot read the scenario: {exc}") from exc
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: a scenario is a mapping of fields, got {type(raw).__name__}")
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}" for err in exc.errors()]
        raise ScenarioError(f"{path}: " + "; ".join(lines)) from None
    problems = _check_codes(scenario, Path(seeds or seeds_dir()))
    if problems:
        raise ScenarioError(f"{path}: " + "; ".join(problems))
    scenario.source = str(path)
    return scenario


def scenario_files(folder: Path = SCENARIO_DIR) -> list[Path]:
    return sorted(Path(folder).glob("*.yml"))
