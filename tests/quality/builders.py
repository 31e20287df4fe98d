"""Crafted raw batches for the quality tests: contract-typed tables filled with a few rows.

`good_rows()` is one small, internally consistent city (every expectation passes on it); each test
then breaks exactly one thing. Tables are created from the source contract, so the tests cannot
drift from the types the loader writes.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping

import sqlalchemy as sa

from orchestration import contract

T0 = dt.datetime(2024, 1, 1, 12, 0, 0)


def _ts(days: float = 0, minutes: float = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=days, minutes=minutes)


def good_rows(days: int = 42, per_day: int = 3) -> dict[str, list[dict]]:
    """A consistent six-week city: `per_day` incidents a day, each with a call, a police and a
    HEART assignment, half of them with a linked encounter, a referral and a transport."""
    rows: dict[str, list[dict]] = {
        name: []
        for name in (
            "call_types",
            "units",
            "unit_status_changes",
            "incidents",
            "calls",
            "unit_assignments",
            "arrests",
            "people",
            "encounters",
            "referrals",
            "transports",
            "follow_ups",
            "staff",
        )
    }
    rows["call_types"] = [
        {"call_type_code": "WELFARE", "description": "Welfare check", "updated_at": T0},
        {"call_type_code": "MENTAL", "description": "Mental health crisis", "updated_at": T0},
    ]
    rows["units"] = [
        {
            "unit_id": "P1",
            "unit_type": "POLICE",
            "agency": "DPD",
            "program": None,
            "in_service_from": dt.date(2020, 1, 1),
            "in_service_to": None,
            "updated_at": T0,
        },
        {
            "unit_id": "CRT1",
            "unit_type": "CRT",
            "agency": "CSD",
            "program": "CRT",
            "in_service_from": dt.date(2020, 1, 1),
            "in_service_to": None,
            "updated_at": T0,
        },
    ]
    rows["people"] = [
        {
            "person_id": 1,
            "first_name": "A",
            "last_name": "B",
            "date_of_birth": dt.date(1990, 1, 1),
            "phone": "919",
            "address": "1 MAIN ST",
            "age_group": "25_34",
            "race": "BLACK",
            "ethnicity": "NOT_HISPANIC",
            "gender": "WOMAN",
            "primary_language": "ENGLISH",
            "housing_status": "HOUSED",
            "updated_at": T0,
        }
    ]
    rows["staff"] = [
        {
            "staff_id": 1,
            "full_name": "S",
            "program": "CRT",
            "role": "EMT",
            "race": "WHITE",
            "ethnicity": "NOT_HISPANIC",
            "gender": "MAN",
            "hired_on": dt.date(2020, 1, 1),
            "separated_on": None,
            "updated_at": T0,
        }
    ]
    seq = 0
    for day in range(days):
        for k in range(per_day):
            seq += 1
            number = f"2024-{seq:07d}"
            created = _ts(day, 60 * k)
            rows["incidents"].append(
                {
                    "incident_number": number,
                    "created_at": created,
                    "initial_call_type": "WELFARE",
                    "final_call_type": "MENTAL",
                    "priority": 3,
                    "call_origin": "911",
                    "beat": "111",
                    "block_address": "100 BLOCK MAIN ST",
                    "latitude": 36.0,
                    "longitude": -78.9,
                    "weapon_involved": False,
                    "violence_toward_others": False,
                    "disposition": "ADVISED",
                    "closed_at": created + dt.timedelta(hours=2),
                    "updated_at": created + dt.timedelta(hours=2),
                }
            )
            rows["calls"].append(
                {
                    "call_id": seq,
                    "incident_number": number,
                    "received_at": created,
                    "caller_phone": f"919555{seq:04d}",
                    "updated_at": created,
                }
            )
            if seq % 10 == 0:
                rows["arrests"].append(
                    {
                        "arrest_id": seq,
                        "incident_number": number,
                        "arrested_at": created + dt.timedelta(minutes=30),
                        "charge_category": "PUBLIC_ORDER",
                        "updated_at": created,
                    }
                )
            for j, (unit, utype) in enumerate((("P1", "POLICE"), ("CRT1", "CRT"))):
                if utype == "CRT":
                    base = 10 * seq
                    rows["unit_status_changes"] += [
                        {
                            "status_change_id": base + 1,
                            "unit_id": unit,
                            "status": "ASSIGNED",
                            "changed_at": created + dt.timedelta(minutes=2),
                            "updated_at": created + dt.timedelta(minutes=2),
                        },
                        {
                            "status_change_id": base + 2,
                            "unit_id": unit,
                            "status": "AVAILABLE",
                            "changed_at": created + dt.timedelta(minutes=50),
                            "updated_at": created + dt.timedelta(minutes=50),
                        },
                    ]
                rows["unit_assignments"].append(
                    {
                        "assignment_id": 2 * seq + j,
                        "incident_number": number,
                        "unit_id": unit,
                        "unit_type": utype,
                        "dispatched_at": created + dt.timedelta(minutes=2),
                        "en_route_at": created + dt.timedelta(minutes=3),
                        "on_scene_at": created + dt.timedelta(minutes=12),
                        "cleared_at": created + dt.timedelta(minutes=50),
                        "transport_destination": "HOSPITAL_ED" if j == 1 and seq % 5 == 0 else None,
                        "updated_at": created + dt.timedelta(minutes=50),
                    }
                )
            if seq % 2 == 0:
                rows["encounters"].append(
                    {
                        "encounter_id": seq,
                        "person_id": 1,
                        "cad_incident_number": number,
                        "program": "CRT",
                        "unit_id": "CRT1",
                        "started_at": created + dt.timedelta(minutes=12),
                        "ended_at": created + dt.timedelta(minutes=50),
                        "block_address": "100 BLOCK MAIN ST",
                        "outcome": "RESOLVED",
                        "responder_felt_safe": True,
                        "police_backup_requested": False,
                        "ems_requested": False,
                        "note": "note",
                        "updated_at": created + dt.timedelta(hours=1),
                    }
                )
                rows["referrals"].append(
                    {
                        "referral_id": seq,
                        "encounter_id": seq,
                        "referral_type": "MENTAL_HEALTH",
                        "provider_name": "Clinic",
                        "referred_at": created + dt.timedelta(minutes=40),
                        "updated_at": created + dt.timedelta(hours=1),
                    }
                )
                rows["transports"].append(
                    {
                        "transport_id": seq,
                        "encounter_id": seq,
                        "destination_type": "BH_URGENT_CARE",
                        "destination_name": "BHUC",
                        "transported_at": created + dt.timedelta(minutes=45),
                        "updated_at": created + dt.timedelta(hours=1),
                    }
                )
                rows["follow_ups"].append(
                    {
                        "follow_up_id": seq,
                        "person_id": 1,
                        "encounter_id": seq,
                        "cad_incident_number": None,
                        "followed_up_at": created + dt.timedelta(days=2),
                        "method": "PHONE",
                        "outcome": "CONNECTED",
                        "updated_at": created + dt.timedelta(days=2),
                    }
                )
    return rows


def with_changes(rows: Mapping[str, list[dict]], table: str, index: int = 0, **changes) -> dict[str, list[dict]]:
    """A copy of `rows` with one row of one table changed."""
    out = copy.deepcopy(dict(rows))
    out[table][index].update(changes)
    return out


def write_raw_tables(
    engine: sa.Engine,
    rows: Mapping[str, list[dict]],
    column_types: Mapping[tuple[str, str], sa.types.TypeEngine] | None = None,
    extra_column: str | None = None,
) -> None:
    """(Re)create every raw contract table in its raw schema and insert `rows`.

    `column_types` overrides a column's type, keyed (table, column), for type-mismatch batches;
    `extra_column` adds a text column the contract does not know to every table.
    """
    column_types = column_types or {}
    with engine.begin() as con:
        for system in contract.load_contracts().values():
            con.execute(sa.text(f"create schema if not exists {system.raw_schema}"))
            for table in system.tables:
                cols = [
                    sa.Column(c.name, column_types.get((table.name, c.name), contract.sqlalchemy_type(c.type)))
                    for c in table.columns
                ]
                if extra_column:
                    cols.append(sa.Column(extra_column, sa.Text))
                _replace_table(con, system.raw_schema, table.name, cols, rows.get(table.name) or [])


def _replace_table(con, schema: str, name: str, columns: list[sa.Column], data: list[dict]) -> None:
    con.execute(sa.text(f"drop table if exists {schema}.{name}"))
    sa_table = sa.Table(name, sa.MetaData(), *columns, schema=schema)
    sa_table.create(con)
    if data:
        con.execute(sa_table.insert(), data)


# ---- staging, linkage and marts: just the columns the suites read -----------------------------

SOURCE_PREFIX = {"cad_replica": "cad", "case_management": "cms"}


def derived_rows(rows: Mapping[str, list[dict]]) -> dict[str, list[dict]]:
    """Consistent staging / intermediate / marts rows ("schema.table" -> rows) for `rows`."""
    out: dict[str, list[dict]] = {}
    for system in contract.load_contracts().values():
        prefix = SOURCE_PREFIX[system.name]
        for table in system.tables:
            out[f"staging.stg_{prefix}__{table.name}"] = copy.deepcopy(rows.get(table.name) or [])
            out[f"staging.quarantine_{prefix}__{table.name}"] = []
    out["marts.fct_incidents"] = [
        {
            "incident_number": i["incident_number"],
            "created_at": i["created_at"],
            "closed_at": i["closed_at"],
            "final_call_type": i["final_call_type"],
            "beat": i["beat"],
            "calls": 1,
            "heart_units": 1,
            "police_minutes": 48.0,
            "response_time_status": "valid",
            "first_heart_dispatched_at": i["created_at"] + dt.timedelta(minutes=2),
            "first_heart_on_scene_at": i["created_at"] + dt.timedelta(minutes=12),
            "response_minutes": 10.0,
        }
        for i in rows["incidents"]
    ]
    out["marts.fct_encounters"] = [
        {
            "encounter_id": e["encounter_id"],
            "incident_number": e["cad_incident_number"],
            "link_confidence": 1.0,
            "encounter_minutes": 38.0,
        }
        for e in rows["encounters"]
    ]
    out["intermediate.int_encounters_linked"] = [
        {
            "encounter_id": e["encounter_id"],
            "typed_incident_number": e["cad_incident_number"],
            "incident_number": e["cad_incident_number"],
            "link_method": "exact_number",
        }
        for e in rows["encounters"]
    ]
    metric = {
        "period_grain": "month",
        "period_start": dt.date(2024, 1, 1),
        "program": "ALL",
        "dimension": "",
        "dimension_value": "",
    }
    out["marts.fct_metric_values"] = [
        {**metric, "metric_id": "heart_incidents", "value": 63.0, "numerator": None, "denominator": None},
        {**metric, "metric_id": "felt_safe_share", "value": 0.5, "numerator": 1.0, "denominator": 2.0},
        {**metric, "metric_id": "arrests_per_100", "value": 10.0, "numerator": 1.0, "denominator": 10.0},
        {**metric, "metric_id": "response_minutes_mean", "value": 12.0, "numerator": 120.0, "denominator": 10.0},
    ]
    shown, hidden = (
        {"is_suppressed": False, "suppression_reason": None},
        {"is_suppressed": True, "suppression_reason": "small_cell"},
    )
    out["public_marts.pub_metric_values"] = [
        {**metric, "metric_id": "heart_incidents", "value": 63.0, **shown},
        {**metric, "metric_id": "eligible_incidents", "value": None, **hidden},
        {**metric, "metric_id": "felt_safe_share", "value": 0.5, **shown},
        {**metric, "metric_id": "response_minutes_mean", "value": 12.0, **shown},
    ]
    cell = {
        "period_grain": "quarter",
        "period_start": dt.date(2024, 1, 1),
        "program": "ALL",
        "attribute": "race",
        "category": "BLACK",
    }
    for table, column in (
        ("pub_people_served_demographics", "people_served"),
        ("pub_staff_demographics", "staff_count"),
    ):
        out[f"public_marts.{table}"] = [
            {**cell, column: 25, **shown},
            {**cell, "category": "WHITE", column: None, **hidden},
        ]
    return out


_DERIVED_TYPES = {
    "created_at": sa.DateTime,
    "closed_at": sa.DateTime,
    "first_heart_dispatched_at": sa.DateTime,
    "first_heart_on_scene_at": sa.DateTime,
    "period_start": sa.Date,
    "calls": sa.BigInteger,
    "heart_units": sa.BigInteger,
    "encounter_id": sa.BigInteger,
    "police_minutes": sa.Float,
    "response_minutes": sa.Float,
    "link_confidence": sa.Float,
    "encounter_minutes": sa.Float,
    "value": sa.Float,
    "numerator": sa.Float,
    "denominator": sa.Float,
    "is_suppressed": sa.Boolean,
    "people_served": sa.BigInteger,
    "staff_count": sa.BigInteger,
}
DERIVED_TABLES = (
    "marts.fct_incidents",
    "marts.fct_encounters",
    "intermediate.int_encounters_linked",
    "marts.fct_metric_values",
    "public_marts.pub_metric_values",
    "public_marts.pub_people_served_demographics",
    "public_marts.pub_staff_demographics",
)


def write_derived_tables(
    engine: sa.Engine, derived: Mapping[str, list[dict]], rows: Mapping[str, list[dict]] | None = None
) -> None:
    """(Re)create the staging / intermediate / marts tables of `derived_rows()`.

    Staged and quarantine tables take the raw contract's columns (quarantine adds its reason);
    the others take the columns of their first row (typed by name, text otherwise).
    """
    templates = derived_rows(rows or good_rows(days=1))
    with engine.begin() as con:
        for schema in ("staging", "intermediate", "marts", "public_marts"):
            con.execute(sa.text(f"create schema if not exists {schema}"))
        for system in contract.load_contracts().values():
            prefix = SOURCE_PREFIX[system.name]
            for table in system.tables:
                cols = lambda table=table: [sa.Column(c.name, contract.sqlalchemy_type(c.type)) for c in table.columns]  # noqa: E731
                _replace_table(
                    con,
                    "staging",
                    f"stg_{prefix}__{table.name}",
                    cols(),
                    derived[f"staging.stg_{prefix}__{table.name}"],
                )
                _replace_table(
                    con,
                    "staging",
                    f"quarantine_{prefix}__{table.name}",
                    [*cols(), sa.Column("quarantine_reason", sa.Text)],
                    derived[f"staging.quarantine_{prefix}__{table.name}"],
                )
        for name in DERIVED_TABLES:
            schema, table = name.split(".")
            columns = [sa.Column(c, _DERIVED_TYPES.get(c, sa.Text)) for c in templates[name][0]]
            _replace_table(con, schema, table, columns, derived[name])
