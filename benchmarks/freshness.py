"""How fresh can the marts be: the full build, a refresh after one hour of new CAD rows, and the floor.

    .venv/bin/python benchmarks/freshness.py                    # tiny and demo tiers, DuckDB
    .venv/bin/python benchmarks/freshness.py --tiers city       # five years of a Durham-sized city

For each tier, side by side, each step's wall time and peak memory (RSS of the step's process and
the processes it waited for; every step is started by a small launcher process, so the figures are
the step's own and not the benchmark's, which holds the generated city):

- **full build**: the real loader into a fresh DuckDB warehouse (`full_refresh`), then
  `dbt build` of everything the pipeline builds with dbt (the public tables that read the
  suppression decisions excepted, as in the other benchmarks);
- **refresh after one hour**: the simulator's live mode appends one simulated hour of incidents at
  the tier's average rate and closes as many open ones, then the loader's incremental load and the
  dbt models the CAD sensor's job builds: `dbt run` of `source:raw_cad+` without the public side.
  The job also runs the raw_cad source tests (about 1 s at city scale) and the raw Great
  Expectations checks, left out here as they are from the full build; the tests of the models run
  hourly with the publication job;
- **floor**: the least any pipeline could spend. Load floor: every source table read from the
  SQLite files and written to a DuckDB file, with no checks or typing. Query floor: one
  hand-written DuckDB query over the raw tables computing monthly incidents, incidents with a HEART
  unit and their median dispatch-to-scene minutes.

The Great Expectations checks are not in the full-build figure (benchmarks/quality.py times them).
Figures go to build/bench/freshness.json. The sources are generated once per tier under
build/bench/<tier>/sources (shared with benchmarks/dbt_build.py) and copied before the live step,
so the tier's sources stay as generated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("ARP_MODE", "demo")  # synthetic cities only: the published demo key is allowed

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
BENCH = PROJECT_ROOT / "build" / "bench"
DBT = Path(sys.executable).with_name("dbt")
# What the hourly publication builds: the suppression candidates and the public tables.
PUBLIC_SIDE = ["source:suppression+", "path:models/public_candidates", "path:models/public_marts"]

LOAD = """
import sys
from orchestration.ingest.loader import load_sources
from orchestration.warehouse.destination import Destination
cad, cms, warehouse, full = sys.argv[1:5]
load_sources(cad, cms, Destination.duckdb(warehouse), full_refresh=full == "full")
"""

LIVE_HOUR = """
import sys, time
from pathlib import Path
from simulator import GeneratorConfig, LiveCity
tier, out, per_hour = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
city = LiveCity(GeneratorConfig(tier=tier, out_dir=out))
print(city.step(new_incidents=per_hour, updates=per_hour))
city.close()
"""

FLOOR_LOAD = """
import sqlite3, sys
import duckdb
sources, warehouse = sys.argv[1:3]
con = duckdb.connect(warehouse)
for name in ("cad_replica", "case_management"):
    src = sqlite3.connect(f"{sources}/{name}.sqlite")
    con.execute(f"create schema if not exists {name}")
    for (table,) in src.execute("select name from sqlite_master where type = 'table'").fetchall():
        frame = __import__("pandas").read_sql(f'select * from "{table}"', src)
        con.register("frame", frame)
        con.execute(f'create or replace table {name}."{table}" as select * from frame')
        con.unregister("frame")
con.close()
"""

# One pass over raw_cad: what the headline monthly figures need, with none of the pipeline's rules.
FLOOR_QUERY = """
import sys, time
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
started = time.perf_counter()
rows = con.execute('''
    with heart as (
        select
            incident_number,
            min(date_diff('second', cast(dispatched_at as timestamp), cast(on_scene_at as timestamp)))
                / 60.0 as response_minutes
        from raw_cad.unit_assignments
        where unit_type in ('CRT', 'CORESPONSE')
        group by incident_number
    )
    select
        date_trunc('month', cast(incidents.created_at as timestamp)) as month,
        count(*) as incidents,
        count(heart.incident_number) as heart_incidents,
        median(heart.response_minutes) as heart_response_minutes_median
    from raw_cad.incidents as incidents
    left join heart on incidents.incident_number = heart.incident_number
    group by 1
    order by 1
''').fetchall()
print(f"{len(rows)} months, query {time.perf_counter() - started:.2f} s")
"""


# Starts one step and reports its own peak RSS. The benchmark's process holds gigabytes once it has
# generated a city, and a child forked from it inherits that high-water mark through exec; a child
# of this small process starts from a few MiB, so the figure is the step's.
MEASURE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
print(f"\\npeak_rss_kib={usage.ru_maxrss}", flush=True)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_step(argv: list[str], env: dict[str, str], label: str) -> dict:
    """Wall time and peak RSS of one step's process (and the processes it waited for)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    seconds = time.perf_counter() - started
    output = proc.stdout.decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed (exit {proc.returncode}):\n{output[-3000:]}")
    output, _, peak = output.rpartition("\npeak_rss_kib=")
    peak_mib = int(peak) / 1024
    print(f"    {label}: {seconds:.1f} s, peak {peak_mib:.0f} MiB", flush=True)
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak_mib), "output": output[-400:]}


def incidents_per_hour(sources: Path) -> int:
    import sqlite3

    con = sqlite3.connect(sources / "cad_replica.sqlite")
    count, first, last = con.execute("select count(*), min(created_at), max(created_at) from incidents").fetchone()
    con.close()
    hours = (
        time.mktime(time.strptime(last[:19], "%Y-%m-%d %H:%M:%S"))
        - time.mktime(time.strptime(first[:19], "%Y-%m-%d %H:%M:%S"))
    ) / 3600
    return max(1, round(count / max(hours, 1)))


def bench_tier(tier: str, seed: int) -> dict:
    from dbt_build import sources_for

    from orchestration.public_tables.publication_gate import dbt_environment_for
    from orchestration.warehouse.destination import Destination

    work = BENCH / "freshness" / tier
    shutil.rmtree(work, ignore_errors=True)
    (work / "sources").mkdir(parents=True)
    generated = sources_for(tier, seed)
    for name in ("cad_replica.sqlite", "case_management.sqlite"):
        shutil.copy(generated / name, work / "sources" / name)
    cad, cms = (f"sqlite:///{work / 'sources' / f'{name}.sqlite'}" for name in ("cad_replica", "case_management"))
    warehouse = work / "warehouse.duckdb"
    env = dbt_environment_for(Destination.duckdb(warehouse), work / "dbt")
    py = sys.executable
    per_hour = incidents_per_hour(work / "sources")
    print(f"[{tier}] full build, then one hour ({per_hour} new incidents), then the floor", flush=True)
    steps = {
        "load": run_step([py, "-c", LOAD, cad, cms, str(warehouse), "full"], env, "load (full refresh)"),
        "dbt build": run_step([str(DBT), "build", "--exclude", "source:suppression+"], env, "dbt build"),
        "live hour": run_step([py, "-c", LIVE_HOUR, tier, str(work), str(per_hour)], env, "one live hour"),
        "refresh load": run_step([py, "-c", LOAD, cad, cms, str(warehouse), "incremental"], env, "refresh load"),
        # the models the sensor's job (cad_incremental) builds: those downstream of raw_cad, without
        # the public side
        "refresh dbt": run_step(
            [str(DBT), "run", "--select", "source:raw_cad+", "--exclude", *PUBLIC_SIDE],
            env,
            "refresh dbt run (the CAD sensor's models)",
        ),
        "floor load": run_step(
            [py, "-c", FLOOR_LOAD, str(work / "sources"), str(work / "floor.duckdb")], env, "floor load"
        ),
        "floor query": run_step([py, "-c", FLOOR_QUERY, str(warehouse)], env, "floor query"),
    }
    query_seconds = float(steps["floor query"]["output"].rsplit("query ", 1)[1].split(" s")[0])
    full = steps["load"]["seconds"] + steps["dbt build"]["seconds"]
    refresh = steps["refresh load"]["seconds"] + steps["refresh dbt"]["seconds"]
    floor = steps["floor load"]["seconds"] + query_seconds
    return {
        "tier": tier,
        "incidents_per_hour": per_hour,
        "steps": steps,
        "floor_query_seconds": query_seconds,
        "full_build_seconds": round(full, 1),
        "refresh_seconds": round(refresh, 1),
        "floor_seconds": round(floor, 2),
        "refresh_share_of_full": round(refresh / full, 3),
        "full_over_floor": round(full / floor, 1),
        "peak_rss_mib": max(s["peak_rss_mib"] for s in steps.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", nargs="+", default=["tiny", "demo"], choices=["tiny", "demo", "city", "city2x"])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parent))
    results = [bench_tier(tier, args.seed) for tier in args.tiers]
    print(
        f"\n{'tier':6s} {'full build (s)':>15s} {'refresh 1 h (s)':>16s} {'share':>6s} "
        f"{'floor (s)':>10s} {'full/floor':>11s} {'peak RSS (MiB)':>15s}"
    )
    for r in results:
        print(
            f"{r['tier']:6s} {r['full_build_seconds']:15.1f} {r['refresh_seconds']:16.1f} "
            f"{r['refresh_share_of_full']:6.0%} {r['floor_seconds']:10.2f} {r['full_over_floor']:11.1f} "
            f"{r['peak_rss_mib']:15,d}"
        )
    out = BENCH / "freshness.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
