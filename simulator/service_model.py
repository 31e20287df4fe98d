"""A changed service model for the whole simulated period: the same city, seed and call stream,
with other operating hours and more or fewer teams (how an expansion plan is checked against a
world whose outcome is known).

Hours replace a program's rows of seeds/program_operating_hours.csv (a day left out is closed);
teams change the tier's unit counts: `added_teams` adds teams in service from the first day,
`teams` fixes the count for the whole period (no teams added on the expansion date).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from .config import Tier
from .rules import DAYS, OPEN_DAY, Rules

UNIT_FIELDS = {"CRT": "crt_units", "CORESPONSE": "coresponse_units"}


@dataclass(frozen=True)
class ServiceModel:
    hours: dict[str, dict[str, tuple[int, int] | None]] = field(default_factory=dict)  # program -> day -> hours
    added_teams: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for program in (*self.hours, *self.added_teams, *self.teams):
            if program not in UNIT_FIELDS:
                raise ValueError(f"ServiceModel: unknown program {program!r}; choose one of {sorted(UNIT_FIELDS)}")
        for name in ("added_teams", "teams"):
            for program, n in getattr(self, name).items():
                if n < 0:
                    raise ValueError(f"ServiceModel.{name}[{program!r}] must be >= 0, got {n}")
        for program, days in self.hours.items():
            for day, span in days.items():
                if day not in DAYS:
                    raise ValueError(f"ServiceModel.hours[{program!r}]: unknown day {day!r}")
                if span is not None and not 0 <= span[0] < span[1] <= 24:
                    raise ValueError(f"ServiceModel.hours[{program!r}][{day!r}]: bad hours {span}")

    def apply_to_rules(self, rules: Rules) -> Rules:
        if not self.hours:
            return rules
        hours = rules.hours[~rules.hours.program.isin(list(self.hours))]
        rows = [
            {
                "program": program,
                "day_of_week": day,
                "start_hour": str(span[0]),
                "end_hour": str(span[1]),
                "effective_from": "",
                "effective_to": "",
                "effective_from_day": -OPEN_DAY,
                "effective_to_day": OPEN_DAY,
            }
            for program, days in self.hours.items()
            for day, span in days.items()
            if span is not None
        ]
        return dataclasses.replace(rules, hours=pd.concat([hours, pd.DataFrame(rows)], ignore_index=True))

    def apply_to_tier(self, tier: Tier) -> Tier:
        changes = {}
        for program, n in self.added_teams.items():
            changes[UNIT_FIELDS[program]] = getattr(tier, UNIT_FIELDS[program]) + n
        for program, n in self.teams.items():
            changes[UNIT_FIELDS[program]] = n
            if program == "CRT":
                changes["expansion_crt_units"] = 0
        return dataclasses.replace(tier, **changes)
