"""Run the real dbt CLI against a scratch warehouse (DuckDB file or PostgreSQL database).

Each build gets its own target and log directories, so test builds never disturb a developer's
`build/dbt/target` or each other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# The server of tests/pg_server.py: the one at ARP_PG_HOST:ARP_PG_PORT, or the throwaway one started there.
from pg_server import PG_HOST, PG_PORT, PG_USER

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")


@dataclass
class Warehouse:
    """One scratch warehouse and the environment that points dbt at it."""

    engine: str  # duckdb | postgres
    work_dir: Path
    duckdb_path: Path | None = None
    pg_database: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "ARP_TARGET": self.engine,
                "DBT_PROFILES_DIR": str(PROJECT_ROOT),
                "DBT_PROJECT_DIR": str(PROJECT_ROOT),
                "DBT_TARGET_PATH": str(self.work_dir / "target"),
                "DBT_LOG_PATH": str(self.work_dir / "logs"),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            }
        )
        if self.duckdb_path is not None:
            env["ARP_DUCKDB_PATH"] = str(self.duckdb_path)
        if self.pg_database is not None:
            env.update(
                {
                    "ARP_PG_HOST": PG_HOST,
                    "ARP_PG_PORT": str(PG_PORT),
                    "ARP_PG_USER": PG_USER,
                    "ARP_PG_PASSWORD": "",
                    "ARP_PG_DATABASE": self.pg_database,
                }
            )
        env.update(self.extra_env)
        # The hash key reaches dbt's PostgreSQL sessions as a session setting, like in the pipeline.
        from orchestration.privacy.hash_key import dbt_environment

        return dbt_environment(env)

    @property
    def pg_dsn(self) -> str:
        return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={self.pg_database}"


@dataclass
class DbtResult:
    args: list[str]
    returncode: int
    output: str
    seconds: float

    def failures(self) -> list[str]:
        """The lines of dbt's log that name what failed."""
        keys = (
            "FAIL ",
            "ERROR ",
            "Failure in",
            "Error in",
            "Compilation Error",
            "Database Error",
            "Runtime Error",
            "Parsing Error",
        )
        return [line for line in self.output.splitlines() if any(k in line for k in keys)]


def run_dbt(warehouse: Warehouse, args: list[str], *, check: bool = True, echo: bool = True) -> DbtResult:
    """Run `dbt <args>`, streaming its progress lines; raise with the failing lines when it fails."""
    cmd = [str(DBT), *args]
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, env=warehouse.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if echo:
            print(f"[dbt {warehouse.engine}] {line}", end="", file=sys.stderr)
    proc.wait()
    result = DbtResult(args, proc.returncode, "".join(lines), time.monotonic() - start)
    if check and result.returncode != 0:
        summary = "\n".join(result.failures()[:40]) or result.output[-4000:]
        raise AssertionError(
            f"`dbt {' '.join(args)}` on {warehouse.engine} failed (rc={result.returncode}):\n{summary}"
        )
    return result


def create_pg_database(name: str) -> None:
    import psycopg2

    if not name.startswith("arp_dbt_"):
        raise ValueError(f"test databases must be prefixed arp_dbt_, got {name!r}")
    con = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'drop database if exists "{name}" with (force)')
        cur.execute(f'create database "{name}"')
    con.close()


def drop_pg_database(name: str) -> None:
    import psycopg2

    con = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'drop database if exists "{name}" with (force)')
    con.close()


def read_sql(warehouse: Warehouse, sql: str):
    """Run a query on the warehouse; a pandas DataFrame of plain Python values (object dtype), so
    values from both engines compare the same way (dates stay dates, nulls stay None)."""
    import pandas as pd

    if warehouse.engine == "duckdb":
        import duckdb

        with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as con:
            cur = con.execute(sql)
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
    else:
        import psycopg2

        with psycopg2.connect(warehouse.pg_dsn) as con, con.cursor() as cur:
            cur.execute(sql)
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
    return pd.DataFrame.from_records(rows, columns=cols, coerce_float=False).astype(object)


def list_tables(warehouse: Warehouse, schema: str) -> list[str]:
    frame = read_sql(
        warehouse,
        f"select table_name from information_schema.tables where table_schema = '{schema}' order by table_name",
    )
    return list(frame["table_name"])
