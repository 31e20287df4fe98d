"""Re-running dbt on unchanged raw data rewrites the marts byte for byte, on both engines, so a
content hash of a mart tells a real change from a re-run.

Two real re-runs of every model follow the session's build, each hashed in full: the first on
the raw tables as loaded (DuckDB's parallel aggregation alone changed the last bit of float sums),
the second after the raw rows are rewritten in a new random order, because a float sum depends
on the order of its terms and the order rows reach an aggregate (parallel scans, a table
rewritten by a load) is not something the data fixes."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from transform.dbt_runner import Warehouse, list_tables, read_sql, run_dbt

SCHEMAS = ("staging", "intermediate", "marts", "public_candidates", "public_marts")
RERUNS = 2


def relation_hashes(warehouse) -> dict[str, str]:
    """sha256 of every table's rows, sorted, each value written with repr() (every bit of a float)."""
    hashes = {}
    for schema in SCHEMAS:
        for table in list_tables(warehouse, schema):
            frame = read_sql(warehouse, f"select * from {schema}.{table}")
            rows = sorted("\x1f".join(repr(v) for v in row) for row in frame.itertuples(index=False))
            hashes[f"{schema}.{table}"] = hashlib.sha256("\x1e".join(rows).encode()).hexdigest()
    return hashes


def shuffle_raw_rows(warehouse, seed: int) -> None:
    """Rewrite every raw table with the same rows in a new physical order."""
    tables = [f"{schema}.{table}" for schema in ("raw_cad", "raw_cms") for table in list_tables(warehouse, schema)]
    if warehouse.engine == "duckdb":
        import duckdb

        with duckdb.connect(str(warehouse.duckdb_path)) as con:
            con.execute(f"select setseed({seed / 100})")
            for table in tables:
                con.execute(f"create temp table shuffled as select * from {table} order by random()")
                con.execute(f"delete from {table}")
                con.execute(f"insert into {table} select * from shuffled")
                con.execute("drop table shuffled")
    else:
        import psycopg2

        with psycopg2.connect(warehouse.pg_dsn) as con, con.cursor() as cur:
            cur.execute("select setseed(%s)", [seed / 100])
            for table in tables:
                cur.execute(f"create temp table shuffled as select * from {table} order by random()")
                cur.execute(f"delete from {table}")
                cur.execute(f"insert into {table} select * from shuffled")
                cur.execute("drop table shuffled")


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_marts_are_byte_identical_across_reruns(engine, request, tmp_path):
    warehouse = request.getfixturevalue(f"{engine}_default").warehouse
    if engine == "duckdb":  # a copy: the session's warehouse stays as its own build left it
        shutil.copy(warehouse.duckdb_path, tmp_path / "warehouse.duckdb")
        warehouse = Warehouse("duckdb", tmp_path, duckdb_path=tmp_path / "warehouse.duckdb")
    runs = [relation_hashes(warehouse)]
    for rerun in range(RERUNS):
        if rerun:
            shuffle_raw_rows(warehouse, seed=rerun)
        run_dbt(warehouse, ["run", "--exclude", "source:suppression+"], echo=False)
        runs.append(relation_hashes(warehouse))
    differing = sorted(name for name in runs[0] if len({run.get(name) for run in runs}) > 1)
    print(
        f"\n{engine}: {len(runs[0])} relations hashed after the build and {RERUNS} re-runs, "
        f"{len(differing)} differ: {differing}"
    )
    assert len(runs[0]) > 40 and all(set(run) == set(runs[0]) for run in runs)
    assert not differing, f"{len(differing)} relations differ between re-runs on {engine}: {differing}"
