"""The city's rules and code lists, read from the dbt seeds in `seeds/` (the only copy).

Dates in the seeds are local calendar dates; here they become day numbers (days since 1970-01-01
of the *local* date) so that rules can be evaluated on whole arrays at once. `effective_to` is
exclusive and empty means open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.business_rules import business_rules
from orchestration.paths import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT / "seeds"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DISPATCHABLE = business_rules().dispatchable_programs  # programs that send units
ELIGIBILITY_PROGRAMS = business_rules().eligibility_programs
OPEN_DAY = 10**6  # day number standing for an empty effective_to


def day_number(value: str | dt.date) -> int:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return (value - dt.date(1970, 1, 1)).days


def _read(name: str, seeds_dir: Path) -> pd.DataFrame:
    path = seeds_dir / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"seed file {path} is missing (the generator reads the city's rules from it)")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("effective_from", "effective_to"):
        if col in frame.columns:
            try:
                frame[f"{col}_day"] = [
                    day_number(v) if v else (OPEN_DAY if col == "effective_to" else -OPEN_DAY) for v in frame[col]
                ]
            except ValueError as exc:
                raise ValueError(f"{path}: column {col} has a value that is not a YYYY-MM-DD date: {exc}") from exc
    return frame


@dataclass(frozen=True)
class Rules:
    call_types: pd.DataFrame
    eligibility: pd.DataFrame
    exclusions: pd.DataFrame
    service_beats: pd.DataFrame
    hours: pd.DataFrame
    origins: pd.DataFrame
    dispositions: pd.DataFrame
    encounter_outcomes: pd.DataFrame
    referral_types: pd.DataFrame
    destinations: pd.DataFrame
    beats: pd.DataFrame
    familiar_min_incidents: int
    familiar_window_days: int

    # ---- eligibility -----------------------------------------------------------------------
    def eligible_for(self, program: str, call_type: np.ndarray, day: np.ndarray) -> np.ndarray:
        """True where `call_type` is eligible for `program` on local day number `day`."""
        codes, uniques = pd.factorize(pd.Series(call_type, dtype=object), use_na_sentinel=True)
        out = np.zeros(len(codes), dtype=bool)
        rules = self.eligibility[self.eligibility.program == program]
        lookup = {u: i for i, u in enumerate(uniques)}
        for row in rules.itertuples():
            code = lookup.get(row.call_type_code)
            if code is None:
                continue
            out |= (codes == code) & (day >= row.effective_from_day) & (day < row.effective_to_day)
        return out

    def excluded(self, flags: dict[str, np.ndarray], day: np.ndarray) -> np.ndarray:
        """True where an exclusion in force on `day` has its incident flag set."""
        out = np.zeros(len(day), dtype=bool)
        for row in self.exclusions.itertuples():
            if row.exclusion_code not in flags:
                raise KeyError(
                    f"seeds/eligibility_exclusions.csv names {row.exclusion_code!r}, "
                    f"which is not an incidents flag column"
                )
            out |= flags[row.exclusion_code] & (day >= row.effective_from_day) & (day < row.effective_to_day)
        return out

    # ---- service area and hours -------------------------------------------------------------
    def serves(self, program: str, beat: np.ndarray, day: np.ndarray) -> np.ndarray:
        codes, uniques = pd.factorize(pd.Series(beat, dtype=object), use_na_sentinel=True)
        lookup = {u: i for i, u in enumerate(uniques)}
        out = np.zeros(len(codes), dtype=bool)
        for row in self.service_beats[self.service_beats.program == program].itertuples():
            code = lookup.get(row.beat)
            if code is None:
                continue
            out |= (codes == code) & (day >= row.effective_from_day) & (day < row.effective_to_day)
        return out

    def operates(self, program: str, dow: np.ndarray, hour: np.ndarray, day: np.ndarray) -> np.ndarray:
        """True where the program operates at local day-of-week `dow` (0 = Mon) and clock hour `hour`."""
        out = np.zeros(len(day), dtype=bool)
        for row in self.hours[self.hours.program == program].itertuples():
            out |= (
                (dow == DAYS.index(row.day_of_week))
                & (hour >= int(row.start_hour))
                & (hour < int(row.end_hour))
                & (day >= row.effective_from_day)
                & (day < row.effective_to_day)
            )
        return out

    def service_beats_on(self, program: str, day: int) -> list[str]:
        program_, beat, frm, to = self._service_arrays
        sel = (program_ == program) & (frm <= day) & (to > day)
        return sorted(beat[sel].tolist())

    @cached_property
    def _service_arrays(self) -> tuple[np.ndarray, ...]:
        sb = self.service_beats
        return (
            sb.program.to_numpy(dtype=object),
            sb.beat.to_numpy(dtype=object),
            sb.effective_from_day.to_numpy(),
            sb.effective_to_day.to_numpy(),
        )

    # ---- code lists -------------------------------------------------------------------------
    @cached_property
    def origin_of(self) -> dict[str, str]:
        return dict(zip(self.origins.call_origin, self.origins.origin))

    @cached_property
    def call_origins_from_public(self) -> tuple[str, ...]:
        """Origin codes of calls from the public: the only incidents a call-taker can route to HEART."""
        flag = self.origins.begins_as_call.str.lower() == "true"
        return tuple(self.origins.call_origin[flag])

    @cached_property
    def ccd_dispositions(self) -> set[str]:
        d = self.dispositions
        return set(d.disposition_code[d.is_ccd_resolution.str.lower() == "true"])

    @cached_property
    def disposition_category(self) -> dict[str, str]:
        return dict(zip(self.dispositions.disposition_code, self.dispositions.outcome_category))

    @cached_property
    def outcome_category(self) -> dict[str, str]:
        return dict(zip(self.encounter_outcomes.outcome_code, self.encounter_outcomes.outcome_category))

    @cached_property
    def destination_category(self) -> dict[str, str]:
        return dict(zip(self.destinations.destination_code, self.destinations.destination_category))

    @cached_property
    def category_of_call_type(self) -> dict[str, str]:
        return dict(zip(self.call_types.call_type_code, self.call_types.category))


@lru_cache(maxsize=4)
def load_rules(seeds_dir: Path = SEEDS_DIR) -> Rules:
    fam = _read("familiar_caller_rule", seeds_dir)
    if len(fam) != 1:
        raise ValueError(f"{seeds_dir / 'familiar_caller_rule.csv'} must have exactly one row, has {len(fam)}")
    rules = Rules(
        call_types=_read("call_types", seeds_dir),
        eligibility=_read("call_type_eligibility", seeds_dir),
        exclusions=_read("eligibility_exclusions", seeds_dir),
        service_beats=_read("program_service_beats", seeds_dir),
        hours=_read("program_operating_hours", seeds_dir),
        origins=_read("call_origins", seeds_dir),
        dispositions=_read("dispositions", seeds_dir),
        encounter_outcomes=_read("encounter_outcomes", seeds_dir),
        referral_types=_read("referral_types", seeds_dir),
        destinations=_read("transport_destinations", seeds_dir),
        beats=_read("beats", seeds_dir),
        familiar_min_incidents=int(fam.min_incidents.iloc[0]),
        familiar_window_days=int(fam.window_days.iloc[0]),
    )
    _check(rules, seeds_dir)
    return rules


def _check(rules: Rules, seeds_dir: Path) -> None:
    """Fail early, naming the seed file, on references the generator cannot honour."""
    known_types = set(rules.call_types.call_type_code)
    for row in rules.eligibility.itertuples():
        if row.call_type_code not in known_types:
            raise ValueError(
                f"{seeds_dir / 'call_type_eligibility.csv'}: call type {row.call_type_code!r} is not in call_types.csv"
            )
        if row.program not in ELIGIBILITY_PROGRAMS:
            raise ValueError(f"{seeds_dir / 'call_type_eligibility.csv'}: unknown program {row.program!r}")
    beats = set(rules.beats.beat)
    for row in rules.service_beats.itertuples():
        if row.beat not in beats:
            raise ValueError(f"{seeds_dir / 'program_service_beats.csv'}: beat {row.beat!r} is not in beats.csv")
    for row in rules.hours.itertuples():
        if row.day_of_week not in DAYS:
            raise ValueError(
                f"{seeds_dir / 'program_operating_hours.csv'}: day_of_week {row.day_of_week!r} is not one of {DAYS}"
            )
