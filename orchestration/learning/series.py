"""The weekly series a change in the learning register can be watched on, read from the marts.

A week is an ISO week (Monday to Sunday, local time). Only weeks the data covers completely are
kept, so a half week at either end never reads as a drop. Series of follow-up contacts also skip
their first `warmup_weeks`: a contact follows its call by up to two weeks, so the first weeks of the
data are missing contacts whose calls happened before the data began.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from orchestration.warehouse.destination import Destination

FOLLOW_UP_WARMUP_WEEKS = 2  # the simulator and Durham's Care Navigation follow up within 14 days


@dataclass(frozen=True)
class WeeklySeries:
    name: str
    description: str
    select_days: str  # SQL over the marts: one row `day` (local date) per event counted
    warmup_weeks: int = 0
    metric_id: str | None = None  # the catalog metric this series is the weekly form of, if any
    # A series that counts the same thing under another definition names the series it varies and
    # its definition, so reports can set the definitions side by side.
    variant_of: str | None = None
    definition: str = "current"


_INCIDENT_DAYS = "select created_date_local as day from marts.fct_incidents where {condition}"
# Contacts are counted in the week they were made (not the week of the call), so a change in how
# often the team follows up shows in the week it happened.
_CARE_NAVIGATION = "follow_ups.follow_up_team = 'CARE_NAVIGATION'"
# A CCD clinician's call back on an eligible call no team reached (metric ccd_follow_up_calls).
_CCD_CALL_BACK = "follow_ups.follow_up_team = 'CCD' and incidents.is_forgone"
_CONTACT_DAYS = (
    "select cast(follow_ups.followed_up_at_local as date) as day from marts.fct_follow_ups as follow_ups "
    "left join marts.fct_incidents as incidents on follow_ups.incident_number = incidents.incident_number "
    "where {condition}"
)

WEEKLY_SERIES: dict[str, WeeklySeries] = {
    s.name: s
    for s in (
        WeeklySeries(
            "heart_incidents",
            "HEART-responded incidents, by week of the call",
            _INCIDENT_DAYS.format(condition="is_heart_responded"),
            metric_id="heart_incidents",
        ),
        WeeklySeries(
            "eligible_incidents",
            "Eligible incidents, by week of the call",
            _INCIDENT_DAYS.format(condition="is_eligible"),
            metric_id="eligible_incidents",
        ),
        WeeklySeries(
            "forgone_incidents",
            "Eligible incidents no team responded to, by week of the call",
            _INCIDENT_DAYS.format(condition="is_forgone"),
            metric_id="forgone_share",
        ),
        WeeklySeries(
            "ccd_incidents",
            "Incidents Crisis Call Diversion resolved by phone, by week of the call",
            _INCIDENT_DAYS.format(condition="is_ccd_resolution"),
            metric_id="ccd_incidents",
        ),
        WeeklySeries(
            "familiar_caller_incidents",
            "Eligible familiar-caller incidents, by week of the call",
            _INCIDENT_DAYS.format(condition="is_eligible and is_familiar_caller"),
            metric_id="familiar_caller_share",
        ),
        WeeklySeries(
            "follow_up_contacts",
            "Follow-ups under the current definition: Care Navigation contacts, by week made",
            _CONTACT_DAYS.format(condition=_CARE_NAVIGATION),
            warmup_weeks=FOLLOW_UP_WARMUP_WEEKS,
            metric_id="care_navigation_contacts",
        ),
        WeeklySeries(
            "follow_up_contacts_expanded",
            "Follow-ups under the expanded definition: Care Navigation contacts and CCD call backs "
            "on eligible calls no team reached, by week made",
            _CONTACT_DAYS.format(condition=f"({_CARE_NAVIGATION}) or ({_CCD_CALL_BACK})"),
            warmup_weeks=FOLLOW_UP_WARMUP_WEEKS,
            variant_of="follow_up_contacts",
            definition="expanded",
        ),
    )
}

_COVERAGE = "select min(created_date_local) as first_day, max(created_date_local) as last_day from marts.fct_incidents"


def full_weeks(first_day: dt.date, last_day: dt.date) -> list[dt.date]:
    """Mondays of the weeks lying wholly inside [first_day, last_day]."""
    monday = first_day + dt.timedelta(days=(7 - first_day.weekday()) % 7)
    weeks = []
    while monday + dt.timedelta(days=6) <= last_day:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def weekly_counts(days, first_day: dt.date, last_day: dt.date, warmup_weeks: int = 0) -> pd.Series:
    """Events a week (index: the week's Monday) over the full weeks of the data, weeks without an
    event counted as 0, the first `warmup_weeks` left out."""
    import pandas as pd

    weeks = full_weeks(first_day, last_day)[warmup_weeks:]
    day_index = pd.to_datetime(pd.Series(list(days), dtype="object")).dt.date
    monday = day_index.map(lambda d: d - dt.timedelta(days=d.weekday()))
    counts = monday.value_counts()
    return pd.Series([int(counts.get(w, 0)) for w in weeks], index=pd.Index(weeks, name="week"), dtype="int64")


def read_weekly_series(dest: Destination, names: list[str]) -> dict[str, pd.Series]:
    """Each named series from the marts of `dest`, over the weeks the incidents cover."""
    from orchestration.warehouse.connections import connect

    unknown = sorted(set(names) - set(WEEKLY_SERIES))
    if unknown:
        raise KeyError(f"unknown weekly series {unknown}; known: {sorted(WEEKLY_SERIES)}")
    out = {}
    with connect(dest, read_only=True, application_name="arp_learning") as con:
        cur = con.cursor()
        cur.execute(_COVERAGE)
        first_day, last_day = cur.fetchone()
        if first_day is None:
            raise ValueError(f"marts.fct_incidents of {dest.describe()} is empty: no weeks to evaluate")
        for name in names:
            series = WEEKLY_SERIES[name]
            cur.execute(series.select_days)
            days = [row[0] for row in cur.fetchall()]
            out[name] = weekly_counts(days, first_day, last_day, series.warmup_weeks)
    return out
