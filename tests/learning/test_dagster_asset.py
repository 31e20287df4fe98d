"""The `learning/change_estimates` asset, materialized by Dagster on a DuckDB warehouse's marts."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.learning.assets import LearningResource, change_estimates
from orchestration.warehouse.connections import connect
from orchestration.warehouse.destination import Destination


def test_the_asset_writes_an_estimate_for_every_watched_series(tmp_path):
    dest = Destination.duckdb(tmp_path / "w.duckdb")
    with connect(dest) as con:
        con.execute("create schema marts")
        # 2024, 20 incidents a day; a quarter are HEART-responded before July, half from July 1.
        con.execute(
            "create table marts.fct_incidents as "
            "select printf('2024-%07d', row_number() over ()) as incident_number, "
            "cast(day as date) as created_date_local, true as is_eligible, "
            "(i % 4 = 0 or (day >= date '2024-07-01' and i % 4 = 1) or (i = 3 and hash(day) % 3 = 0)) "
            "as is_heart_responded, (i % 4 = 2) as is_forgone, (i = 5) as is_ccd_resolution, "
            "false as is_familiar_caller "
            "from range(date '2024-01-01', date '2025-01-01', interval 1 day) as d(day), range(20) as r(i)"
        )
        con.execute(
            "create table marts.fct_follow_ups (follow_up_id bigint, incident_number text, "
            "followed_up_at_local timestamp, follow_up_team text)"
        )
    out = tmp_path / "learning"
    result = dg.materialize(
        [change_estimates],
        resources={"learning": LearningResource(target="duckdb", duckdb_path=str(dest.duckdb_path), out_dir=str(out))},
    )
    assert result.success
    records = json.loads((out / "change_estimates.json").read_text())
    expansion = next(r for r in records if r["began"] == "2024-07-01" and r["series"] == "heart_incidents")
    # 5 a day before, 10 after (plus the same 0-1 a day on both sides): about +100%.
    assert expansion["status"] == "as_expected"
    assert expansion["level_ci_low"] <= 1.0 <= expansion["level_ci_high"] + 0.1
    assert 0.85 < expansion["level_change"] < 1.1
    # The register's changes before 2024 have no weeks before them here: said, not estimated.
    assert {r["status"] for r in records if r["began"] < "2024-01-01"} == {"not_estimable"}
