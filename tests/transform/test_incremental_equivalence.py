"""The incremental CAD models end where a full rebuild ends, on both engines.

One tiny city is built once in full, then moved on in steps the way CAD moves: live-mode hours of
new and closed incidents (the last across the city's local midnight), an incident with neither call
nor unit, an old incident reclassified and closed late, a unit assigned to an old incident late, a
unit's clear time corrected, a call and a unit assignment moved to other incidents, a second
spelling of an existing incident number, an incident quarantined and later restored, a row
committed late (stamped before the newest one dbt has already seen), case management entered late
(an outcome corrected, a referral and a follow-up added, an encounter moved to another incident)
and an eligibility rule retired (a seed edited, no CAD row changed). After each step: the loader's
incremental load and an incremental `dbt run` of the CAD path. Then every relation of the staging,
intermediate and marts schemas is compared row for row with a second warehouse built in full from
the same final sources.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from orchestration.ingest.loader import load_sources
from orchestration.warehouse.destination import Destination
from simulator import GeneratorConfig, LiveCity, generate
from transform.compare import table_differences
from transform.dbt_runner import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    PROJECT_ROOT,
    Warehouse,
    create_pg_database,
    drop_pg_database,
    list_tables,
    read_sql,
    run_dbt,
)

SCHEMAS = ("staging", "intermediate", "marts")
# The CAD path the sensor's job rebuilds, as far as the incident fact: every incremental model and
# everything between them and fct_incidents (the metrics and public tables read these unchanged).
SELECTION = ["--select", "+fct_incidents"]
# A look-back of one hour, not the default day: the steps are hours apart, so a row changed in one
# step is not simply picked up again by the next, and the affected-incident logic is what is tested
# (the late commit, 5 minutes before the newest row, still needs the look-back).
INCREMENTAL = ["--vars", '{"incremental_lookback_hours": 1}']
SEED = 11
TS = "%Y-%m-%d %H:%M:%S"
# The generated tiny city ends on 2024-11-09 (UTC); the steps follow it, the last after the city's
# local midnight (America/New_York, 05:00 UTC).
STEP_TIMES = [
    dt.datetime(2024, 11, 9, 10, 0),
    dt.datetime(2024, 11, 9, 16, 0),
    dt.datetime(2024, 11, 9, 16, 0),  # the late commit: stamped before this time
    dt.datetime(2024, 11, 10, 5, 20),
]


def _warehouse(engine: str, work: Path, name: str, seeds: Path) -> tuple[Warehouse, Destination]:
    work.mkdir(parents=True, exist_ok=True)
    env = {"ARP_CITY_SEED_PATH": str(seeds.relative_to(PROJECT_ROOT))}
    if engine == "duckdb":
        wh = Warehouse("duckdb", work, duckdb_path=work / "warehouse.duckdb", extra_env=env)
        return wh, Destination.duckdb(wh.duckdb_path)
    database = f"arp_dbt_{os.getpid()}_incr_{name}"
    create_pg_database(database)
    wh = Warehouse("postgres", work, pg_database=database, extra_env=env)
    return wh, Destination.postgres(
        database=database, pg_host=PG_HOST, pg_port=PG_PORT, pg_user=PG_USER, pg_password=""
    )


def _cad(city_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(city_dir / "sources" / "cad_replica.sqlite")


def _late_case_management(city_dir: Path, now: str) -> None:
    """Case management entered late, with no CAD row changing: an encounter's outcome and safety
    flags corrected, a referral and a follow-up added to another one, and a third moved to another
    incident (what the incident-level models compare rather than follow)."""
    with sqlite3.connect(city_dir / "sources" / "case_management.sqlite") as cms:
        first, second, third = (
            encounter_id
            for (encounter_id,) in cms.execute(
                "select encounter_id from encounters where cad_incident_number is not null"
                " order by encounter_id limit 3"
            )
        )
        cms.execute(
            "update encounters set outcome = 'TRANSPORT_HOSPITAL', police_backup_requested = 1, ems_requested = 1,"
            " updated_at = ? where encounter_id = ?",
            [now, first],
        )
        cms.execute(
            "insert into referrals values (9000001, ?, 'HOUSING', 'Housing for New Hope', ?, ?)", [second, now, now]
        )
        cms.execute(
            "insert into follow_ups select 9000001, person_id, encounter_id, cad_incident_number, ?, 'PHONE',"
            " 'CONNECTED', 'CARE_NAVIGATION', ? from encounters where encounter_id = ?",
            [now, now, second],
        )
        cms.execute(
            "update encounters set cad_incident_number = (select cad_incident_number from encounters"
            " where encounter_id = ?), updated_at = ? where encounter_id = ?",
            [first, now, third],
        )


def _old_incidents(cad: sqlite3.Connection, count: int) -> list[str]:
    """Closed incidents from the generated period with a call and a unit, oldest first."""
    rows = cad.execute(
        """
        select incidents.incident_number from incidents
        where closed_at is not null and incident_number like '2024-0000%'
            and exists (select 1 from calls where calls.incident_number = incidents.incident_number)
            and exists (select 1 from unit_assignments as ua where ua.incident_number = incidents.incident_number)
        order by incident_number
        limit ?
        """,
        [count],
    ).fetchall()
    return [number for (number,) in rows]


def _incident_with_police_unit(cad: sqlite3.Connection, besides: list[str]) -> str:
    """An incident of the generated period with a police unit and no HEART unit: what moving its
    police assignment changes shows only in its police columns."""
    return cad.execute(
        "select incident_number from incidents where incident_number like '2024-0000%'"
        " and exists (select 1 from unit_assignments as ua where ua.incident_number = incidents.incident_number"
        " and ua.unit_type = 'POLICE')"
        " and not exists (select 1 from unit_assignments as ua where ua.incident_number = incidents.incident_number"
        " and ua.unit_type in ('CRT', 'CORESPONSE'))"
        f" and incident_number not in ({', '.join('?' for _ in besides)})"
        " order by incident_number limit 1",
        besides,
    ).fetchone()[0]


def _changes(city_dir: Path) -> list[Callable[[sqlite3.Connection, str], None]]:
    """Per step, what is changed in the CAD source besides the live hour (`now` as CAD writes it)."""
    with _cad(city_dir) as cad:
        old = _old_incidents(cad, 8)
        (reclassified, late_unit, cleared, quarantined, kept_out, moved_from, moved_to, respelled) = old
        unit_moved_from = _incident_with_police_unit(cad, besides=old)
        # the first call of moved_from, which a new call from the same phone 10 s later repeats
        first_call, phone, received = cad.execute(
            "select call_id, caller_phone, received_at from calls where incident_number = ? and caller_phone is not null"
            " order by received_at, call_id limit 1",
            [moved_from],
        ).fetchone()
        heart_unit = cad.execute("select unit_id from units where unit_type = 'CRT' order by unit_id").fetchone()[0]

    late_assignment, repeated_call = 9_000_001, 9_000_001  # far above the ids live mode hands out

    def no_unit_incident(cad, now):
        created = (dt.datetime.strptime(now, TS) - dt.timedelta(minutes=20)).strftime(TS)
        cad.execute(
            "insert into incidents values ('2024-0990001', ?, 'WELFARE_CHECK', null, 4, 'NON_EMERGENCY', '212',"
            " '100 BLOCK MAIN ST', 36.0, -78.9, 0, 0, null, null, ?)",
            [created, now],
        )
        # logged twice by the phone system: quarantined as a duplicate call while the first one is there;
        # stamped hours back, so no later run takes it for a recent change (only the move of the first
        # call does)
        repeated = (dt.datetime.strptime(received, TS) + dt.timedelta(seconds=10)).strftime(TS)
        stamped = (dt.datetime.strptime(now, TS) - dt.timedelta(hours=3)).strftime(TS)
        cad.execute("insert into calls values (?, ?, ?, ?, ?)", [repeated_call, moved_from, repeated, phone, stamped])

    def late_corrections(cad, now):
        # reclassified at close, closed late
        cad.execute(
            "update incidents set final_call_type = 'ASSIST_CITIZEN', closed_at = ?, updated_at = ?"
            " where incident_number = ?",
            [now, now, reclassified],
        )
        # a HEART unit assigned late to an old incident, cleared right away
        created = cad.execute("select created_at from incidents where incident_number = ?", [late_unit]).fetchone()[0]
        start = dt.datetime.strptime(created, TS)
        cad.execute(
            "insert into unit_assignments values (?, ?, ?, 'CRT', ?, ?, ?, ?, null, ?)",
            [
                late_assignment,
                late_unit,
                heart_unit,
                *((start + dt.timedelta(minutes=m)).strftime(TS) for m in (3, 5, 14, 50)),
                now,
            ],
        )
        # a unit's clear time corrected
        cad.execute(
            "update unit_assignments set cleared_at = ?, updated_at = ? where assignment_id ="
            " (select min(assignment_id) from unit_assignments where incident_number = ?)",
            [now, now, cleared],
        )
        # incidents made unusable (placeholder creation time): they and their calls and units leave
        # staging (the first comes back in the last step)
        cad.execute(
            "update incidents set created_at = '1900-01-01 00:00:00', updated_at = ? where incident_number in (?, ?)",
            [now, quarantined, kept_out],
        )
        # a call attached to another incident: the call repeating it is no duplicate any more
        cad.execute(
            "update calls set incident_number = ?, updated_at = ? where call_id = ?", [moved_to, now, first_call]
        )
        # a unit assignment attached to another incident: its old incident has no row changed
        cad.execute(
            "update unit_assignments set incident_number = ?, updated_at = ? where assignment_id ="
            " (select min(assignment_id) from unit_assignments where incident_number = ? and unit_type = 'POLICE')",
            [moved_to, now, unit_moved_from],
        )
        # the same incident written a second way ('24-...'): ranked against the first
        cad.execute(
            "insert into incidents select '24-' || substr(incident_number, 6), created_at, initial_call_type,"
            " 'ASSIST_CITIZEN', priority, call_origin, beat, block_address, latitude, longitude, weapon_involved,"
            " violence_toward_others, disposition, closed_at, ? from incidents where incident_number = ?",
            [now, respelled],
        )

    def late_commit(cad, now):
        # committed after the last load but stamped 5 minutes before the newest row dbt has seen:
        # only the look-back brings it in
        stamped = (dt.datetime.strptime(now, TS) - dt.timedelta(minutes=5)).strftime(TS)
        cad.execute(
            "update incidents set disposition = 'REPORT', priority = 1, updated_at = ? where incident_number = ?",
            [stamped, reclassified],
        )
        cad.execute(
            "update unit_assignments set on_scene_at = null, updated_at = ? where assignment_id = ?",
            [stamped, late_assignment],
        )

    def restore(cad, now):
        created = cad.execute("select min(received_at) from calls where incident_number = ?", [quarantined]).fetchone()
        cad.execute(
            "update incidents set created_at = ?, updated_at = ? where incident_number = ?",
            [created[0] or now, now, quarantined],
        )

    return [no_unit_incident, late_corrections, late_commit, restore]


def _retire_eligibility_rule(seeds: Path, call_type: str, program: str) -> None:
    rules = seeds / "call_type_eligibility.csv"
    lines = rules.read_text().splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{call_type},{program},")]
    assert len(kept) == len(lines) - 1, f"no single {call_type} {program} rule in {rules}"
    rules.write_text("".join(kept))


def _relations(warehouse: Warehouse) -> dict[str, object]:
    return {
        f"{schema}.{table}": read_sql(warehouse, f"select * from {schema}.{table}")
        for schema in SCHEMAS
        for table in list_tables(warehouse, schema)
    }


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_incremental_build_equals_full_refresh(engine, tmp_path):
    started = time.monotonic()
    city = tmp_path / "city"
    generated = generate(GeneratorConfig(tier="tiny", seed=SEED, out_dir=city), progress=False)
    changes = _changes(city)
    # the city's reference tables, of which the last step edits one (both warehouses read this copy;
    # dbt wants it inside the project, as a city profile's seeds are)
    seeds = PROJECT_ROOT / "build" / "equivalence_seeds" / f"{engine}-{os.getpid()}"
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.copytree(PROJECT_ROOT / "seeds", seeds)
    incremental, incremental_dest = _warehouse(engine, tmp_path / "incremental", "incremental", seeds)
    full, full_dest = _warehouse(engine, tmp_path / "full", "full", seeds)
    try:
        load_sources(generated.cad_url, generated.cms_url, incremental_dest, full_refresh=True)
        run_dbt(incremental, ["seed"], echo=False)
        seconds = [run_dbt(incremental, ["run", *SELECTION], echo=False).seconds]

        for step_at, change in zip(STEP_TIMES, changes, strict=True):
            now = step_at.strftime(TS)
            if change.__name__ != "late_commit":
                live = LiveCity(
                    GeneratorConfig(tier="tiny", seed=SEED, out_dir=city),
                    clock=step_at.replace(tzinfo=dt.UTC).timestamp,
                )
                live.step(new_incidents=5, updates=5)
                live.close()
            with _cad(city) as cad:
                change(cad, now)
            if change.__name__ == "late_corrections":
                _late_case_management(city, now)
            if change.__name__ == "no_unit_incident":
                # an eligibility rule retired: every incident's eligibility is judged again, though
                # no CAD row changed (in the first step, so that the incidents the later steps change
                # are recomputed alone)
                _retire_eligibility_rule(seeds, "MENTAL", "CRT")
                run_dbt(incremental, ["seed"], echo=False)
            load_sources(generated.cad_url, generated.cms_url, incremental_dest)
            seconds.append(run_dbt(incremental, ["run", *SELECTION, *INCREMENTAL], echo=False).seconds)

        load_sources(generated.cad_url, generated.cms_url, full_dest, full_refresh=True)
        run_dbt(full, ["seed"], echo=False)
        seconds.append(run_dbt(full, ["run", *SELECTION], echo=False).seconds)

        built, rebuilt = _relations(incremental), _relations(full)
        assert set(built) == set(rebuilt)
        assert {"staging.stg_cad__incidents", "staging.base_cad__calls", "marts.fct_incidents"} <= set(built)
        differences = [
            problem for name in sorted(built) for problem in table_differences(built[name], rebuilt[name], name)
        ]
        print(
            f"\n{engine}: {len(built)} relations compared in {time.monotonic() - started:.0f} s; dbt runs "
            f"(full, {len(STEP_TIMES)} incremental, full): {', '.join(f'{s:.0f} s' for s in seconds)}"
        )
        assert not differences, "\n".join(differences[:40])
    finally:
        shutil.rmtree(seeds, ignore_errors=True)
        if engine == "postgres":
            drop_pg_database(incremental.pg_database)
            drop_pg_database(full.pg_database)
