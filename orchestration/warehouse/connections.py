"""Every connection to the warehouse is opened here, so how it is opened is decided once.

* `connect(dest)`: a context manager yielding a DB-API connection to the DuckDB file or the
  PostgreSQL database `dest` names, closed on exit. DuckDB waits while another process holds the
  file (duckdb_files.py); `read_only` opens it so a reader never takes the writer's lock.
* `open_duckdb`, `open_postgres`: the same connections for code that keeps one open across calls
  (the loader's `Warehouse`), with the options only they need (creating a missing database).
* `scratch_duckdb()`: an in-memory DuckDB that holds no warehouse until it attaches one read-only
  (comparing two warehouse files) or is used to compute over data frames.
* `sqlalchemy_url`, `sqlalchemy_connect_args`: what Great Expectations needs to build its own
  SQLAlchemy engine on the same warehouse, with the same read-only and login rules.

On PostgreSQL the login is the destination's (`pg_user`/`pg_password`); a caller reading as an
access tier passes that tier's `user` (and `password`), never a different server or database.
`application_name` labels the session in pg_stat_activity, so an operator sees which step holds it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from orchestration.warehouse.destination import Destination
from orchestration.warehouse.duckdb_files import LOCK_WAIT_SECONDS, connect_waiting

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

DEFAULT_APPLICATION = "arp_ingest"
PG_CONNECT_TIMEOUT_SECONDS = 10


def open_duckdb(
    dest: Destination, *, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """The DuckDB warehouse file; a writer creates its folder, a reader never creates anything."""
    if dest.kind != "duckdb":
        raise ValueError(f"{dest.describe()} is not a DuckDB warehouse")
    if not read_only:
        dest.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    return connect_waiting(dest.duckdb_path, read_only=read_only, wait_seconds=wait_seconds)


def pg_connect_kwargs(
    dest: Destination,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    application_name: str = DEFAULT_APPLICATION,
) -> dict:
    """psycopg2's keyword arguments for `dest`, with the login or database overridden where given."""
    return {
        "host": dest.pg_host,
        "port": dest.pg_port,
        "user": user or dest.pg_user,
        "password": dest.pg_password if password is None else password,
        "dbname": database or dest.pg_database,
        "connect_timeout": PG_CONNECT_TIMEOUT_SECONDS,
        "application_name": application_name,
    }


def open_postgres(
    dest: Destination,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    application_name: str = DEFAULT_APPLICATION,
    create_database: bool = False,
):
    """A psycopg2 connection to `dest`; with `create_database`, a missing database is created first."""
    import psycopg2

    if dest.kind != "postgres":
        raise ValueError(f"{dest.describe()} is not a PostgreSQL warehouse")
    kwargs = pg_connect_kwargs(dest, user=user, password=password, database=database, application_name=application_name)
    try:
        return psycopg2.connect(**kwargs)
    except psycopg2.OperationalError as exc:
        if not (create_database and "does not exist" in str(exc)):
            raise
    _create_database(dest, kwargs["dbname"], application_name)
    return psycopg2.connect(**kwargs)


def _create_database(dest: Destination, name: str, application_name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    log.info("creating PostgreSQL database %s", name)
    con = psycopg2.connect(**pg_connect_kwargs(dest, database="postgres", application_name=application_name))
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg2.errors.DuplicateDatabase:
        pass  # another process created it first
    finally:
        con.close()


def open_connection(
    dest: Destination,
    *,
    read_only: bool = False,
    application_name: str = DEFAULT_APPLICATION,
    user: str | None = None,
    password: str | None = None,
):
    """A DB-API connection to whichever warehouse `dest` names (the caller closes it)."""
    if dest.kind == "duckdb":
        return open_duckdb(dest, read_only=read_only)
    return open_postgres(dest, user=user, password=password, application_name=application_name)


@contextmanager
def connect(
    dest: Destination,
    *,
    read_only: bool = False,
    application_name: str = DEFAULT_APPLICATION,
    user: str | None = None,
    password: str | None = None,
) -> Iterator:
    """`open_connection`, closed when the block ends."""
    con = open_connection(dest, read_only=read_only, application_name=application_name, user=user, password=password)
    try:
        yield con
    finally:
        con.close()


def scratch_duckdb() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB; it reaches a warehouse file only by `attach ... (read_only)`."""
    import duckdb

    return duckdb.connect()


def sqlalchemy_url(dest: Destination, duckdb_driver: str | None = None) -> str:
    """The warehouse as a SQLAlchemy URL (password included: never log it); `duckdb_driver` names a
    registered DuckDB dialect other than duckdb-engine's own."""
    if dest.kind == "duckdb":
        return f"duckdb{'+' + duckdb_driver if duckdb_driver else ''}:///{dest.duckdb_path}"
    import sqlalchemy as sa

    url = sa.URL.create(
        "postgresql+psycopg2",
        username=dest.pg_user,
        password=dest.pg_password or None,
        host=dest.pg_host,
        port=dest.pg_port,
        database=dest.pg_database,
    )
    return url.render_as_string(hide_password=False)


def sqlalchemy_connect_args(dest: Destination, *, application_name: str) -> dict:
    """`connect_args` for an engine on `sqlalchemy_url(dest)`: DuckDB read-only, PostgreSQL labelled."""
    if dest.kind == "duckdb":
        return {"read_only": True}
    return {"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS, "application_name": application_name}
