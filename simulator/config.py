"""Generator settings: the public `GeneratorConfig` and the size/shape of each tier.

A tier fixes the simulated period (local dates, chosen so they contain the DST changes and at least
one effective-date boundary of the seeds), the arrival volume and the number of units. Rules that
analysts edit (eligibility, service area, hours, code lists) are *not* here: they are read from
`seeds/` (see `rules.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.paths import PROJECT_ROOT

from .planted import PlantedEffect

if TYPE_CHECKING:
    from .service_model import ServiceModel


@dataclass(frozen=True)
class Tier:
    name: str
    start: dt.date  # first local date simulated
    end: dt.date  # local date the simulation stops (exclusive)
    incidents_per_day: float  # mean arrivals of the base incident stream
    crt_units: int  # CRT teams in service from the start
    coresponse_units: int  # co-response clinician/officer units
    expansion_crt_units: int  # CRT teams added on the service-area expansion date
    police_units: int
    ems_units: int
    fire_units: int
    familiar_callers: int  # size of the pool of repeat phone numbers


# The CRT service-area expansion of seeds/program_service_beats.csv; new teams start that day.
EXPANSION_DATE = dt.date(2024, 7, 1)

# One row a tier, in the order of Tier's fields: period, mean incidents a day, then units and callers.
# fmt: off
TIERS: dict[str, Tier] = {
    tier.name: tier
    for tier in (
        #    name    start                end                   per day CRT co-resp exp. CRT police EMS fire callers
        # Two months around the 2024-10-01 rule changes and the 2024-11-03 fall-back: fast, for tests.
        Tier("tiny", dt.date(2024, 9, 1), dt.date(2024, 11, 9), 38.0,   1,  1,      0,       40,    10, 12,  12),
        # One calendar year: both DST changes, the July expansion and the October rule changes.
        Tier("demo", dt.date(2024, 1, 1), dt.date(2025, 1, 1),  137.0,  2,  1,      1,       90,    18, 24,  40),
        # Five calendar years of a Durham-sized city.
        Tier("city", dt.date(2020, 1, 1), dt.date(2025, 1, 1),  822.0,  7,  3,      3,       320,   60, 80,  220),
        # The same five years for a city twice that size: how the cost of a build grows with the data.
        Tier("city2x", dt.date(2020, 1, 1), dt.date(2025, 1, 1), 1644.0, 14, 6,     6,       640,  120, 160, 440),
    )
}
# fmt: on


@dataclass
class GeneratorConfig:
    """What to generate and where to write it.

    `defect_rate` multiplies every default per-kind defect rate (`defects.DEFAULT_RATES`);
    0 writes the simulation's true state unchanged. `entry_rate` further scales the case-management
    entry kinds (`entry.ENTRY_RATES`: house numbers, long street names, rounded times, call signs
    typed differently ...), which apply at `defect_rate * entry_rate`; 0 keeps CMS entry verbatim. `cad_url`/`cms_url` are SQLAlchemy URLs;
    by default two SQLite files under `out_dir/sources/`. Truth files go to `out_dir/truth/`.
    `planted_effects` plants known effects (`planted.PlantedEffect`: follow-ups x1.2 from a date) so an
    evaluation of a change can be checked against the truth; none by default.
    `service_model` (`service_model.ServiceModel`) changes operating hours and team counts for the
    whole period, the call stream staying the same; None keeps the seeds' hours and the tier's teams.
    """

    tier: str = "demo"
    seed: int = 7
    timezone: str = "America/New_York"
    defect_rate: float = 1.0
    entry_rate: float = 1.0
    out_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "build")
    cad_url: str | None = None
    cms_url: str | None = None
    planted_effects: tuple[PlantedEffect, ...] = ()
    service_model: ServiceModel | None = None

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"GeneratorConfig.tier: unknown tier {self.tier!r}; choose one of {sorted(TIERS)}")
        if self.defect_rate < 0:
            raise ValueError(f"GeneratorConfig.defect_rate must be >= 0, got {self.defect_rate}")
        if self.entry_rate < 0:
            raise ValueError(f"GeneratorConfig.entry_rate must be >= 0, got {self.entry_rate}")
        self.planted_effects = tuple(self.planted_effects)
        if not all(isinstance(e, PlantedEffect) for e in self.planted_effects):
            raise ValueError("GeneratorConfig.planted_effects must hold simulator.planted.PlantedEffect values")
        self.out_dir = Path(self.out_dir)
        try:
            import zoneinfo

            zoneinfo.ZoneInfo(self.timezone)
        except Exception as exc:  # noqa: BLE001 - any failure means the name is unusable
            raise ValueError(f"GeneratorConfig.timezone: unknown IANA time zone {self.timezone!r}") from exc

    @property
    def tier_spec(self) -> Tier:
        tier = TIERS[self.tier]
        return self.service_model.apply_to_tier(tier) if self.service_model is not None else tier

    @property
    def sources_dir(self) -> Path:
        return self.out_dir / "sources"

    @property
    def truth_dir(self) -> Path:
        return self.out_dir / "truth"

    @property
    def resolved_cad_url(self) -> str:
        return self.cad_url or f"sqlite:///{(self.sources_dir / 'cad_replica.sqlite').resolve()}"

    @property
    def resolved_cms_url(self) -> str:
        return self.cms_url or f"sqlite:///{(self.sources_dir / 'case_management.sqlite').resolve()}"
