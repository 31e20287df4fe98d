"""Where planned scenarios land: a JSON file per scenario under <output dir>/planning/, one CSV of
every figure, and the warehouse table planning.planning_scenario_results the BI tools read (one row
per scenario and figure: mean, low and high across the seeds)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from orchestration.warehouse.connections import connect
from orchestration.warehouse.destination import Destination

SCHEMA, TABLE = "planning", "planning_scenario_results"
COLUMNS = (
    "scenario",
    "figure",
    "mean_value",
    "low_value",
    "high_value",
    "seeds",
    "period_start",
    "period_end",
    "planned_at",
)


def result_rows(reports: list[dict]) -> list[tuple]:
    planned_at = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    rows = []
    for report in reports:
        for figure, value in report["figures"].items():
            rows.append(
                (
                    report["scenario"],
                    figure,
                    value["mean"],
                    value["low"],
                    value["high"],
                    report["seeds"],
                    dt.date.fromisoformat(report["period"][0]),
                    dt.date.fromisoformat(report["period"][1]),
                    planned_at,
                )
            )
    return rows


def write_files(reports: list[dict], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for report in reports:
        path = folder / f"{report['scenario']}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        paths.append(path)
    with (folder / f"{TABLE}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(result_rows(reports))
    return [*paths, folder / f"{TABLE}.csv"]


def write_table(reports: list[dict], dest: Destination) -> int:
    """Replace the table's rows with these reports' (the table holds the latest plan of each file)."""
    rows = result_rows(reports)
    mark = "?" if dest.kind == "duckdb" else "%s"
    with connect(dest) as con:
        cur = con.cursor()
        cur.execute(f"create schema if not exists {SCHEMA}")
        cur.execute(
            f"create table if not exists {SCHEMA}.{TABLE} (scenario varchar, figure varchar, mean_value double precision, "
            "low_value double precision, high_value double precision, seeds integer, period_start date, "
            "period_end date, planned_at timestamp)"
        )
        cur.execute(f"delete from {SCHEMA}.{TABLE}")
        cur.executemany(f"insert into {SCHEMA}.{TABLE} values ({', '.join([mark] * len(COLUMNS))})", rows)
        con.commit()
    return len(rows)
