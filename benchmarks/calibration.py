"""Measure the generated city against the published figures of the calibration table.

    .venv/bin/python -m simulator generate --tier demo --seed 7 --defect-rate 0 --out /tmp/d0
    .venv/bin/python benchmarks/calibration.py /tmp/d0 [/tmp/d1 ...]

Prints one line per calibrated parameter (the rows of the table in
simulator/README.md) for each generated output directory. Shares and rates come
from `truth/metric_values.csv` (year grain, program ALL unless named), durations and the
per-encounter shares from the written sources; no figure here is compared with anything, the
published side lives in the README.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import sqlalchemy as sa


def _tables(db: Path, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return {n: pd.read_sql_table(n, conn) for n in names}
    finally:
        engine.dispose()


def measure(out: Path) -> dict[str, float]:
    mv = pd.read_csv(out / "truth" / "metric_values.csv", keep_default_na=False)
    year = mv[mv.period_grain == "year"]

    def value(metric: str, program: str = "ALL", dim: str = "") -> float:
        sel = year[(year.metric_id == metric) & (year.program == program) & (year.dimension_value == dim)]
        return float(sel.value.sum()) if len(sel) else 0.0

    def total(metric: str, program: str = "ALL") -> float:
        return float(year[(year.metric_id == metric) & (year.program == program)].value.sum())

    cad = _tables(out / "sources" / "cad_replica.sqlite", ("incidents", "unit_assignments"))
    cms = _tables(out / "sources" / "case_management.sqlite", ("encounters", "referrals"))
    inc, asg, enc = cad["incidents"], cad["unit_assignments"], cms["encounters"]

    heart = asg[asg.unit_type.isin(["CRT", "CORESPONSE"]) & asg.on_scene_at.notna()].copy()
    for col in ("dispatched_at", "on_scene_at", "cleared_at"):
        heart[col] = pd.to_datetime(heart[col], errors="coerce")
    task = (heart.cleared_at - heart.dispatched_at).dt.total_seconds() / 60
    scene = (heart.cleared_at - heart.on_scene_at).dt.total_seconds() / 60
    task, scene = task[(task > 0) & (task < 24 * 60)], scene[(scene > 0) & (scene < 24 * 60)]

    in_person = enc[enc.program.isin(["CRT", "CORESPONSE"])]
    linked = enc[enc.cad_incident_number.notna()]
    referred = cms["referrals"].encounter_id.unique()
    heart_n = value("heart_incidents")
    called = inc.call_origin.isin(["911", "NON_EMERGENCY", "TEXT", "WALK_IN"]).sum()
    return {
        "eligible share of all incidents": value("eligible_incidents") / len(inc),
        "eligible share of call-originated incidents": value("eligible_incidents") / called,
        "responded share of eligible": 1 - total("forgone_share"),
        "forgone: outside_service_area": value("forgone_share", dim="outside_service_area"),
        "forgone: outside_hours": value("forgone_share", dim="outside_hours"),
        "forgone: no_unit_available": value("forgone_share", dim="no_unit_available"),
        "forgone: other": value("forgone_share", dim="other"),
        "response minutes mean": value("response_minutes_mean"),
        "response minutes median": value("response_minutes_median"),
        "time on task, dispatch to clear, mean minutes": float(task.mean()),
        "time on scene, on scene to clear, mean minutes": float(scene.mean()),
        "police backup share of HEART incidents": value("police_backup_share"),
        "police backup requested, share of in-person encounters": float(in_person.police_backup_requested.mean()),
        "EMS support share of HEART incidents": value("ems_support_share"),
        "EMS requested, share of in-person encounters": float(in_person.ems_requested.mean()),
        "felt safe share": value("felt_safe_share"),
        "CCD share of HEART incidents": value("ccd_incidents") / heart_n,
        "CCD share of CCD-eligible incidents": value("ccd_incidents") / value("eligible_incidents", "CCD"),
        "HEART encounters (with a CAD number) with a referral": float(linked.encounter_id.isin(referred).mean()),
        "referral: mental health": value("referral_share", dim="MENTAL_HEALTH"),
        "referral: housing": value("referral_share", dim="HOUSING"),
        "referral: substance use": value("referral_share", dim="SUBSTANCE_USE"),
        "transport share of HEART incidents": total("transport_share"),
        "transport: care center": value("transport_share", dim="care_center"),
        "transport: hospital": value("transport_share", dim="hospital"),
        "transport: other": value("transport_share", dim="other"),
        "arrests per 100 eligible, responded": value("arrests_per_100", dim="responded"),
        "arrests per 100 eligible, forgone": value("arrests_per_100", dim="forgone"),
        "HEART incidents self-initiated": value("heart_incidents_by_origin", dim="self_initiated") / heart_n,
    }


def main(argv: list[str] | None = None) -> int:
    dirs = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    if not dirs:
        print(__doc__)
        return 2
    results = [measure(d) for d in dirs]
    print(f"{'parameter':<56}" + "".join(f"{d.name:>16}" for d in dirs))
    for key in results[0]:
        print(f"{key:<56}" + "".join(f"{r[key]:>16.4f}" for r in results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
