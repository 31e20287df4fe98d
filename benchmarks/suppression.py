"""Information lost to suppression in the public tables: cells hidden, and the share of the total
count hidden (each cell weighted by the count it discloses), per table.

    .venv/bin/python benchmarks/suppression.py                     # build/warehouse.duckdb (after `make demo`)
    .venv/bin/python benchmarks/suppression.py --duckdb PATH       # any warehouse, e.g. one another branch built
    .venv/bin/python benchmarks/suppression.py --rerun             # decide afresh (timed) instead of reading
    .venv/bin/python benchmarks/suppression.py --attack            # also run the tests' independent reader

By default it reads the public tables already written into the warehouse, so the figures of a
warehouse built by an older version of the suppression can be compared with the current ones.
Headline cells (seed public_metric_rules) hidden while 11 or more are counted apart: only the
last resort of docs/privacy.md hides them. The figures are also written to build/bench/suppression.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

TABLES = {
    "pub_metric_values": (
        "candidate_metric_cells",
        ["metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"],
    ),
    "pub_people_served_demographics": (
        "candidate_demographic_cells",
        ["period_grain", "period_start", "program", "attribute", "category"],
    ),
    "pub_staff_demographics": (
        "candidate_demographic_cells",
        ["period_grain", "period_start", "program", "attribute", "category"],
    ),
}


def _read(path: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).df()
    finally:
        con.close()


def figures(path: Path) -> dict[str, dict]:
    result = {}
    for table, (cells_model, keys) in TABLES.items():
        public = _read(path, f"select * from public_marts.{table}")
        cells = _read(path, f"select * from public_candidates.{cells_model}")
        if "table_name" in cells:
            cells = cells[cells.table_name.eq("staff" if table == "pub_staff_demographics" else "people_served")]
        merged = public.merge(cells[keys + ["disclosed_count", "is_primary", "is_headline"]], on=keys, how="left")
        counted = merged.disclosed_count.fillna(0).astype(float)
        hidden = merged.is_suppressed.astype(bool)
        figures_ = {
            "cells": int(len(merged)),
            "cells_hidden": int(hidden.sum()),
            "small_cells": int(merged.is_primary.fillna(False).astype(bool).sum()),
            "complements": int((hidden & ~merged.is_primary.fillna(False).astype(bool)).sum()),
            "count_total": float(counted.sum()),
            "count_hidden": float(counted[hidden].sum()),
            "share_of_count_hidden": round(float(counted[hidden].sum() / counted.sum()), 5) if counted.sum() else 0.0,
        }
        if table == "pub_metric_values":
            # the candidate cells' own is_headline: the seed's rule is applied in one place, the model
            headline = merged.is_headline.fillna(False).astype(bool)
            figures_["headline_hidden_11_or_more"] = int((headline & hidden & (counted >= 11)).sum())
        result[table] = figures_
    return result


def attack(path: Path) -> dict:
    """The independent reader of the attack test over this warehouse: small cells narrowed below
    their protection width (there should be none)."""
    from types import SimpleNamespace

    from tests.public.test_suppression_attack import (
        demographic_protection_width,
        demographic_reader,
        metric_reader,
        narrowed,
    )

    built = SimpleNamespace(warehouse=SimpleNamespace(duckdb_path=path))
    started = time.perf_counter()
    cells, reader, disclosed = metric_reader(built)
    width = dict(zip(cells.key, cells.protection_width.astype(float)))
    metric_narrow = narrowed(reader, disclosed, lambda key: width[key], "pub_metric_values")
    cells, reader, disclosed = demographic_reader(built)
    protection = demographic_protection_width()
    demographic_narrow = narrowed(reader, disclosed, lambda key: protection, "demographics")
    print(
        f"attack: {len(metric_narrow)} metric and {len(demographic_narrow)} demographic small cells narrowed below "
        f"their protection width ({time.perf_counter() - started:.0f} s)"
    )
    return {"metric_cells_too_narrow": len(metric_narrow), "demographic_cells_too_narrow": len(demographic_narrow)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", default=str(PROJECT_ROOT / "build" / "warehouse.duckdb"))
    parser.add_argument("--rerun", action="store_true", help="run the suppression again (writes the public tables)")
    parser.add_argument(
        "--attack", action="store_true", help="bound every hidden cell as tests/public/test_suppression_attack.py does"
    )
    args = parser.parse_args(argv)
    path = Path(args.duckdb)
    if not path.exists():
        print(f"{path} does not exist: run `make demo` first", file=sys.stderr)
        return 2
    summary: dict = {"warehouse": str(path)}
    if args.rerun:
        from orchestration.public_tables.tables import publish_public_tables
        from orchestration.warehouse.destination import Destination

        started = time.perf_counter()
        publish_public_tables(Destination.duckdb(path))
        summary["suppression_seconds"] = round(time.perf_counter() - started, 1)
        print(f"suppression and writing: {summary['suppression_seconds']} s")
    summary["tables"] = figures(path)
    print(f"\n{'table':34} {'cells':>6} {'hidden':>7} {'small':>6} {'compl.':>6} {'count hidden':>13}  headline>=11")
    for table, f in summary["tables"].items():
        print(
            f"{table:34} {f['cells']:6d} {f['cells_hidden']:7d} {f['small_cells']:6d} {f['complements']:6d} "
            f"{100 * f['share_of_count_hidden']:12.2f}%  {f.get('headline_hidden_11_or_more', '')}"
        )
    if args.attack:
        summary["attack"] = attack(path)
    out = PROJECT_ROOT / "build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "suppression.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
