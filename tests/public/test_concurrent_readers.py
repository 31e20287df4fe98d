"""20 readers, as `analyst` and as `public_reader`, query PostgreSQL while a full `dbt build`
rebuilds every model: none may see a missing, empty or half-built table, or any error."""

from __future__ import annotations

import threading
import time
from collections import Counter

import psycopg2
import pytest
from transform.dbt_runner import run_dbt

from orchestration.access import setup_access

pytestmark = pytest.mark.postgres

READS = {
    "analyst": [
        "staging.stg_cad__incidents",
        "intermediate.int_incidents_enriched",
        "marts.fct_incidents",
        "marts.fct_metric_values",
        "marts.dim_date",
        "public_marts.pub_metric_values",
    ],
    "public_reader": [
        "public_marts.pub_metric_values",
        "public_marts.pub_metric_catalog",
        "public_marts.pub_call_summaries",
        "public_marts.pub_people_served_demographics",
    ],
}
READERS = 20


def test_readers_never_see_a_missing_empty_or_broken_table_during_a_build(postgres_default, postgres_public_tables):
    dest = postgres_public_tables
    setup_access(dest)
    expected = {}
    with (
        psycopg2.connect(host=dest.pg_host, port=dest.pg_port, user="postgres", dbname=dest.pg_database) as con,
        con.cursor() as cur,
    ):
        for relation in {r for reads in READS.values() for r in reads}:
            cur.execute(f"select count(*) from {relation}")
            expected[relation] = cur.fetchone()[0]
    assert all(expected.values()), f"a relation is empty before the build: {expected}"

    building = threading.Event()
    building.set()
    queries, problems, lock = Counter(), [], threading.Lock()

    def reader(index: int) -> None:
        role = "analyst" if index % 2 == 0 else "public_reader"
        relations = READS[role]
        con = psycopg2.connect(host=dest.pg_host, port=dest.pg_port, user=role, dbname=dest.pg_database)
        con.autocommit = True
        i = index
        try:
            while building.is_set():
                relation = relations[i % len(relations)]
                i += 1
                try:
                    with con.cursor() as cur:
                        cur.execute(f"select count(*) from {relation}")
                        count = cur.fetchone()[0]
                    problem = (
                        None
                        if count == expected[relation]
                        else f"{relation}: {count} rows, expected {expected[relation]}"
                    )
                except psycopg2.Error as error:
                    problem = f"{relation}: {type(error).__name__}: {str(error).strip().splitlines()[0]}"
                with lock:
                    queries[role] += 1
                    if problem:
                        problems.append(f"{role} {problem}")
                time.sleep(0.01)
        finally:
            con.close()

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
    for t in threads:
        t.start()
    started = time.monotonic()
    try:
        run_dbt(postgres_default.warehouse, ["build"], echo=False)
    finally:
        building.clear()
        for t in threads:
            t.join(timeout=60)
    seconds = time.monotonic() - started
    kinds = Counter(p.split(": ", 1)[-1].split(":")[0] for p in problems)
    print(
        f"\n{READERS} readers during a {seconds:.0f} s dbt build: {sum(queries.values())} queries "
        f"({dict(queries)}), {len(problems)} errors {dict(kinds)}"
    )
    assert sum(queries.values()) > READERS * 10
    assert not problems, f"{len(problems)} bad reads, e.g. {problems[:8]}"
