"""Weekly series from the marts: full weeks only, empty weeks as 0, both follow-up definitions."""

from __future__ import annotations

import datetime as dt

from orchestration.learning.series import full_weeks, read_weekly_series, weekly_counts
from orchestration.warehouse.connections import connect
from orchestration.warehouse.destination import Destination

D = dt.date


def test_full_weeks_are_the_mondays_of_weeks_wholly_inside():
    # 2024-01-03 is a Wednesday; 2024-01-28 a Sunday.
    assert full_weeks(D(2024, 1, 3), D(2024, 1, 28)) == [D(2024, 1, 8), D(2024, 1, 15), D(2024, 1, 22)]
    assert full_weeks(D(2024, 1, 1), D(2024, 1, 6)) == []


def test_weekly_counts_fill_empty_weeks_and_drop_partial_and_warmup_weeks():
    days = [D(2024, 1, 2), D(2024, 1, 9), D(2024, 1, 14), D(2024, 1, 29), D(2024, 2, 1)]
    counts = weekly_counts(days, D(2024, 1, 1), D(2024, 2, 2))
    assert counts.to_dict() == {D(2024, 1, 1): 1, D(2024, 1, 8): 2, D(2024, 1, 15): 0, D(2024, 1, 22): 0}
    assert list(weekly_counts(days, D(2024, 1, 1), D(2024, 2, 2), warmup_weeks=2).index) == [
        D(2024, 1, 15),
        D(2024, 1, 22),
    ]


def test_the_two_follow_up_definitions_read_from_duckdb_marts(tmp_path):
    dest = Destination.duckdb(tmp_path / "w.duckdb")
    with connect(dest) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_incidents as select * from (values "
            "('2024-0000001', date '2024-01-01', true, true, false, false, false), "
            "('2024-0000002', date '2024-01-10', true, false, true, false, false), "
            "('2024-0000003', date '2024-03-31', false, false, false, false, false)) "
            "as t(incident_number, created_date_local, is_eligible, is_heart_responded, is_forgone, "
            "is_ccd_resolution, is_familiar_caller)"
        )
        con.execute(
            "create table marts.fct_follow_ups as select * from (values "
            "(1, '2024-0000001', timestamp '2024-01-02 10:00', 'CARE_NAVIGATION'), "
            "(2, '2024-0000002', timestamp '2024-02-06 10:00', 'CCD'), "  # call back on a forgone call
            "(3, '2024-0000001', timestamp '2024-02-07 10:00', 'CCD'), "  # on a responded call: not counted
            "(4, null, timestamp '2024-02-08 23:30', 'CARE_NAVIGATION')) "
            "as t(follow_up_id, incident_number, followed_up_at_local, follow_up_team)"
        )
    series = read_weekly_series(dest, ["follow_up_contacts", "follow_up_contacts_expanded", "eligible_incidents"])
    # Weeks 2024-01-01 .. 2024-03-25 are full; follow-up series skip two warm-up weeks.
    current, expanded = series["follow_up_contacts"], series["follow_up_contacts_expanded"]
    assert current.index[0] == D(2024, 1, 15) and current.index[-1] == D(2024, 3, 25)
    assert current.sum() == 1 and current[D(2024, 2, 5)] == 1
    assert expanded.sum() == 2 and expanded[D(2024, 2, 5)] == 2
    eligible = series["eligible_incidents"]
    assert eligible.index[0] == D(2024, 1, 1) and eligible[D(2024, 1, 1)] == 1 and eligible[D(2024, 1, 8)] == 1
    assert eligible.sum() == 2
