"""Every expectation passes on a good batch and fails on a crafted bad one, on DuckDB and PostgreSQL.

The good batch (builders.good_rows) is a small consistent city. Each case breaks one thing and
names, per (asset, check), how many of the check's expectations must fail. The last test checks
that the cases together made every expectation of every suite fail at least once.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from orchestration import contract
from orchestration.quality.runner import ExpectationOutcome, validate_asset
from orchestration.quality.settings import load_settings
from orchestration.quality.suites import load_suites
from tests.quality.builders import SOURCE_PREFIX, T0, derived_rows, good_rows

SUITES = {a.label: a for a in load_suites()}
RAW_LABELS = [f"{s.raw_schema}.{t.name}" for s in contract.load_contracts().values() for t in s.tables]
# What the cases made fail, and every expectation there is, per engine (filled as the tests run).
FAILED: dict[str, set[str]] = defaultdict(set)
ALL: dict[str, set[str]] = {}
CASES_RUN: dict[str, set[str]] = defaultdict(set)


def key(o: ExpectationOutcome) -> str:
    return f"{o.suite} | {o.check} | {o.type} | {o.target}"


@dataclass
class Batch:
    rows: dict = field(default_factory=good_rows)
    derived: dict | None = None
    column_types: dict | None = None
    extra_column: str | None = None
    settings: dict = field(default_factory=dict)
    now_utc: dt.datetime | None = None

    def __post_init__(self):
        if self.derived is None:
            self.derived = derived_rows(self.rows)


def validate(crafted, batch: Batch, labels):
    crafted.write(batch.rows, batch.derived, column_types=batch.column_types, extra_column=batch.extra_column)
    settings = load_settings(environ={}).replace(**batch.settings)
    return {
        label: validate_asset(SUITES[label], crafted.warehouse, settings, now_utc=batch.now_utc, results_dir=None)
        for label in labels
    }


def test_every_check_passes_on_the_good_batch(crafted):
    outcomes = validate(crafted, Batch(), list(SUITES))
    problems = [
        f"{label}: {e.summary()}"
        for label, out in outcomes.items()
        for check in out.checks.values()
        for e in check.failures
    ]
    assert problems == []
    ALL[crafted.engine_name] = {
        key(e) for out in outcomes.values() for c in out.checks.values() for e in c.expectations
    }


def test_newest_day_still_filling_is_not_a_volume_drop(crafted):
    b = Batch()
    last_day = T0 + dt.timedelta(days=42)
    template = b.rows["incidents"][0]
    b.rows["incidents"].append({**template, "incident_number": "2024-8000000", "created_at": last_day})
    b.derived = derived_rows(b.rows)
    outcome = validate(crafted, b, ["raw_cad.incidents"])["raw_cad.incidents"]
    assert outcome.checks["gx_daily_volume"].passed


# ---- the crafted bad batches ------------------------------------------------------------------


def _each_raw_table(n: Callable[[contract.Table], int], check: str) -> dict:
    return {(f"{s.raw_schema}.{t.name}", check): n(t) for s in contract.load_contracts().values() for t in s.tables}


_OTHER_TYPE = {
    "string": sa.BigInteger,
    "integer": sa.Text,
    "float": sa.Text,
    "boolean": sa.Text,
    "timestamp": sa.Date,
    "date": sa.DateTime,
}


def case_wrong_types():
    types = {
        (t.name, c.name): _OTHER_TYPE[c.type]()
        for s in contract.load_contracts().values()
        for t in s.tables
        for c in t.columns
    }
    rows = {name: [] for name in good_rows(days=1)}
    return Batch(rows=rows, derived=derived_rows(good_rows(days=1)), column_types=types), _each_raw_table(
        lambda t: len(t.columns), "gx_schema"
    )


def case_column_not_in_contract():
    return Batch(extra_column="unexpected_column"), _each_raw_table(lambda t: 1, "gx_schema")


def case_duplicate_keys():
    b = Batch()
    for table in b.rows.values():
        table.append(copy.deepcopy(table[0]))
    return b, _each_raw_table(lambda t: 1, "gx_schema")


def case_required_values_missing():
    b = Batch()
    for system in contract.load_contracts().values():
        for table in system.tables:
            b.rows[table.name][0].update({c.name: None for c in table.columns if not c.nullable})
    return b, _each_raw_table(lambda t: sum(not c.nullable for c in t.columns), "gx_null_rates")


def _set(b: Batch, table: str, index: int, **changes):
    b.rows[table][index].update(changes)


def case_unknown_unit_type():
    b = Batch()
    _set(b, "units", 0, unit_type="BIKE")
    return b, {("raw_cad.units", "gx_codes"): 1}


def case_incident_codes_not_in_seeds():
    b = Batch()
    _set(b, "incidents", 0, initial_call_type="UNK")
    _set(b, "incidents", 1, final_call_type="MENTL")
    _set(b, "incidents", 2, call_origin="PIGEON")
    _set(b, "incidents", 3, disposition="NOPE")
    _set(b, "incidents", 4, beat="999")
    return b, {("raw_cad.incidents", "gx_codes"): 5}


def case_incident_optional_columns_too_often_empty():
    b = Batch()
    for i, row in enumerate(b.rows["incidents"]):
        if i % 4 == 0:
            row.update(final_call_type=None, beat=None)
    return b, {("raw_cad.incidents", "gx_null_rates"): 2}


def case_incident_values_out_of_range():
    b = Batch()
    _set(b, "incidents", 0, priority=9)
    _set(b, "incidents", 1, created_at=dt.datetime(1900, 1, 1))
    return b, {("raw_cad.incidents", "gx_value_ranges"): 2}


def case_incident_closed_before_created():
    b = Batch()
    row = b.rows["incidents"][0]
    row["closed_at"] = row["created_at"] - dt.timedelta(hours=1)
    return b, {("raw_cad.incidents", "gx_timestamp_order"): 1}


def case_cad_is_stale_in_live_mode():
    # The batch's newest row is from 2024: with a 1-hour limit (live mode) that is stale.
    return Batch(settings={"freshness_max_age_hours": 1}), {("raw_cad.incidents", "gx_freshness"): 1}


def case_cad_row_dated_in_the_future():
    b = Batch(now_utc=dt.datetime(2024, 3, 1))
    _set(b, "incidents", 0, updated_at=dt.datetime(2024, 3, 3))
    return b, {("raw_cad.incidents", "gx_freshness"): 1}


def case_daily_volume_spike():
    b = Batch()
    day = T0 + dt.timedelta(days=40)
    template = b.rows["incidents"][0]
    for k in range(30):
        b.rows["incidents"].append(
            {**template, "incident_number": f"2024-{9000000 + k:07d}", "created_at": day + dt.timedelta(minutes=k)}
        )
    b.derived = derived_rows(b.rows)
    return b, {("raw_cad.incidents", "gx_daily_volume"): 1}


def case_call_recorded_twice():
    b = Batch()
    first = b.rows["calls"][0]
    b.rows["calls"].append({**first, "call_id": 999999, "received_at": first["received_at"] + dt.timedelta(seconds=5)})
    b.derived = derived_rows(b.rows)
    return b, {("raw_cad.calls", "gx_duplicate_calls"): 1}


def case_orphans():
    b = Batch()
    _set(b, "calls", 0, incident_number="2024-9999999")
    _set(b, "unit_assignments", 0, incident_number="2024-9999999")
    _set(b, "arrests", 0, incident_number="2024-9999999")
    _set(b, "referrals", 0, encounter_id=999999)
    _set(b, "transports", 0, encounter_id=999999)
    _set(b, "encounters", 0, cad_incident_number="2024-9999999")
    _set(b, "unit_status_changes", 0, unit_id="GHOST1")
    return b, {
        ("raw_cad.calls", "gx_references"): 1,
        ("raw_cad.unit_assignments", "gx_references"): 1,
        ("raw_cad.unit_status_changes", "gx_references"): 1,
        ("raw_cad.arrests", "gx_references"): 1,
        ("raw_cms.referrals", "gx_references"): 1,
        ("raw_cms.transports", "gx_references"): 1,
        ("raw_cms.encounters", "gx_references"): 1,
    }


def case_codes_of_other_tables():
    b = Batch()
    _set(b, "unit_assignments", 0, unit_type="BIKE")
    _set(b, "unit_assignments", 1, transport_destination="MOON")
    _set(b, "staff", 0, program="XYZ")
    _set(b, "encounters", 0, program="XYZ")
    _set(b, "encounters", 1, outcome="NOPE")
    _set(b, "referrals", 0, referral_type="NOPE")
    _set(b, "transports", 0, destination_type="NOPE")
    _set(b, "follow_ups", 0, method="FAX")
    _set(b, "follow_ups", 1, outcome="MAYBE")
    _set(b, "unit_status_changes", 0, status="NAPPING")
    return b, {
        ("raw_cad.unit_assignments", "gx_codes"): 2,
        ("raw_cms.staff", "gx_codes"): 1,
        ("raw_cad.unit_status_changes", "gx_codes"): 1,
        ("raw_cms.encounters", "gx_codes"): 2,
        ("raw_cms.referrals", "gx_codes"): 1,
        ("raw_cms.transports", "gx_codes"): 1,
        ("raw_cms.follow_ups", "gx_codes"): 2,
    }


def case_dispatch_times_too_often_missing():
    b = Batch()
    for i, row in enumerate(b.rows["unit_assignments"]):
        if i % 4 == 0:
            row["dispatched_at"] = None
    return b, {("raw_cad.unit_assignments", "gx_null_rates"): 1}


def case_unit_status_times_out_of_order():
    b = Batch()
    ua = b.rows["unit_assignments"]
    ua[0]["on_scene_at"] = ua[0]["dispatched_at"] - dt.timedelta(minutes=1)
    ua[2]["cleared_at"] = ua[2]["on_scene_at"] - dt.timedelta(minutes=1)
    ua[4].update(on_scene_at=None, cleared_at=ua[4]["dispatched_at"] - dt.timedelta(minutes=1))
    return b, {("raw_cad.unit_assignments", "gx_timestamp_order"): 3}


def case_unit_times_out_of_range():
    b = Batch()
    ua = b.rows["unit_assignments"]
    assert ua[1]["unit_type"] == "CRT"
    ua[1].update(
        on_scene_at=ua[1]["dispatched_at"] + dt.timedelta(minutes=300),
        cleared_at=ua[1]["dispatched_at"] + dt.timedelta(minutes=400),
    )
    ua[2]["dispatched_at"] = dt.datetime(1900, 1, 1)
    ua[4]["on_scene_at"] = dt.datetime(1900, 1, 1)
    ua[6]["cleared_at"] = dt.datetime(1900, 1, 1)
    return b, {("raw_cad.unit_assignments", "gx_value_ranges"): 4}


def case_encounter_numbers():
    b = Batch()
    enc = b.rows["encounters"]
    enc[0]["cad_incident_number"] = "24-" + enc[0]["cad_incident_number"][5:]
    enc[1]["ended_at"] = enc[1]["started_at"] - dt.timedelta(minutes=5)
    _set(b, "follow_ups", 0, cad_incident_number="#2024-0000001")
    return b, {
        ("raw_cms.encounters", "gx_incident_number_format"): 1,
        ("raw_cms.encounters", "gx_timestamp_order"): 1,
        ("raw_cms.follow_ups", "gx_incident_number_format"): 1,
    }


def case_encounter_numbers_mostly_missing():
    b = Batch()
    for i, row in enumerate(b.rows["encounters"]):
        if i % 2 == 0:
            row["cad_incident_number"] = None
    return b, {("raw_cms.encounters", "gx_null_rates"): 1, ("raw_cms.encounters", "gx_link_share"): 1}


def case_staged_rows_lost():
    b = Batch()
    expect = {}
    for system in contract.load_contracts().values():
        for table in system.tables:
            name = f"stg_{SOURCE_PREFIX[system.name]}__{table.name}"
            b.derived[f"staging.{name}"].pop(0)
            expect[(f"staging.{name}", "gx_reconciliation")] = 1
    return b, expect


def case_incident_mart_values():
    b = Batch()
    fct = b.derived["marts.fct_incidents"]
    fct[0]["response_minutes"] = 300.0
    fct[1]["police_minutes"] = -1.0
    fct[2]["calls"] = -1
    fct[3]["heart_units"] = -1
    fct[4]["first_heart_on_scene_at"] = fct[4]["first_heart_dispatched_at"] - dt.timedelta(minutes=1)
    fct[5]["closed_at"] = fct[5]["created_at"] - dt.timedelta(minutes=1)
    for i, row in enumerate(fct):
        if i % 4 == 0:
            row["final_call_type"] = None
    fct[6]["beat"] = "999"
    return b, {
        ("marts.fct_incidents", "gx_value_ranges"): 4,
        ("marts.fct_incidents", "gx_timestamp_order"): 2,
        ("marts.fct_incidents", "gx_null_rates"): 1,
        ("marts.fct_incidents", "gx_codes"): 1,
    }


def case_encounter_mart_and_linkage():
    b = Batch()
    enc = b.derived["marts.fct_encounters"]
    for i, row in enumerate(enc):
        if i % 2 == 0:
            row["incident_number"] = None
    enc[1]["link_confidence"] = 1.5
    enc[3]["encounter_minutes"] = -3.0
    linked = b.derived["intermediate.int_encounters_linked"]
    linked[0]["incident_number"] = linked[1]["incident_number"]  # a mistyped number, overruled
    linked[2]["typed_incident_number"] = None  # no number typed, found by unit/time
    return b, {
        ("marts.fct_encounters", "gx_link_share"): 1,
        ("marts.fct_encounters", "gx_value_ranges"): 2,
        ("intermediate.int_encounters_linked", "gx_link_repairs"): 2,
    }


def case_metric_values():
    b = Batch()
    mv = b.derived["marts.fct_metric_values"]
    base = {k: mv[0][k] for k in ("period_grain", "period_start", "program", "dimension", "dimension_value")}
    mv += [
        {**base, "metric_id": "ccd_incidents", "value": -1.0, "numerator": None, "denominator": None},
        {**base, "metric_id": "police_backup_share", "value": 1.5, "numerator": 3.0, "denominator": 2.0},
        {**base, "metric_id": "referral_share", "value": 0.2, "numerator": 1.0, "denominator": 2.0},
    ]
    return b, {("marts.fct_metric_values", "gx_value_ranges"): 2, ("marts.fct_metric_values", "gx_reconciliation"): 1}


def case_public_tables_leak_or_misstate():
    b = Batch()
    pub = b.derived["public_marts.pub_metric_values"]
    base = {k: pub[0][k] for k in ("period_grain", "period_start", "program", "dimension", "dimension_value")}
    shown = {"is_suppressed": False, "suppression_reason": None}
    pub[1]["value"] = 4.0  # a hidden cell that still shows its number
    pub += [
        {**base, "metric_id": "ccd_incidents", "value": 7.0, **shown},  # a small count published
        {**base, "metric_id": "outcome_share", "value": 1.5, **shown},  # a share above 1
        {**base, "metric_id": "police_hours_saved", "value": -2.0, **shown},  # a negative value
        {**base, "metric_id": "made_up_metric", "value": 20.0, **shown},  # not in the catalog
    ]
    for table, column in (
        ("pub_people_served_demographics", "people_served"),
        ("pub_staff_demographics", "staff_count"),
    ):
        b.derived[f"public_marts.{table}"][1][column] = 3
    return b, {
        ("public_marts.pub_metric_values", "gx_suppression"): 1,
        ("public_marts.pub_metric_values", "gx_value_ranges"): 2,
        ("public_marts.pub_metric_values", "gx_codes"): 1,
        ("public_marts.pub_people_served_demographics", "gx_suppression"): 1,
        ("public_marts.pub_staff_demographics", "gx_suppression"): 1,
    }


CASES = {name[5:]: fn for name, fn in sorted(globals().items()) if name.startswith("case_")}


@pytest.mark.parametrize("case", list(CASES))
def test_crafted_bad_batch_fails_the_expectations_it_breaks(crafted, case):
    batch, expected = CASES[case]()
    labels = sorted({label for label, _ in expected})
    outcomes = validate(crafted, batch, labels)
    failed = {
        (label, name): len(check.failures) for label, out in outcomes.items() for name, check in out.checks.items()
    }
    wrong = {k: (n, failed.get(k, "no such check")) for k, n in expected.items() if failed.get(k) != n}
    assert not wrong, f"{case}: (asset, check): (expected failing expectations, got) {wrong}"
    for label, out in outcomes.items():
        for check in out.checks.values():
            assert not any(e.error for e in check.failures if (label, check.spec.name) in expected), (
                f"{case}: an expectation errored instead of failing: {[e.summary() for e in check.failures]}"
            )
            FAILED[crafted.engine_name] |= {key(e) for e in check.failures}
    CASES_RUN[crafted.engine_name].add(case)


def test_every_expectation_was_shown_failing(crafted):
    engine = crafted.engine_name
    if engine not in ALL or CASES_RUN[engine] != set(CASES):
        pytest.skip("needs the good-batch test and every crafted case of this engine in the same session")
    never = sorted(ALL[engine] - FAILED[engine])
    assert never == [], f"{engine}: expectations no crafted batch made fail: {never}"
