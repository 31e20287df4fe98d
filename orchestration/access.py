"""Access tiers on the PostgreSQL warehouse (docs/interfaces.md), created by the project.

Three tiers, least privilege:
* `data_team`     - owns and reads everything (the pipeline's own login is made a member);
* `analyst`       - reads `staging`, `intermediate`, `marts`, `public_candidates`, `suppression`,
                    `public_marts` and `planning`; nothing in `raw_*`;
* `public_reader` - reads `public_marts` only (what BI-public dashboards and the publisher use).

`python -m orchestration.access setup` is idempotent: run it once per database before the first
`dbt build` (the pipeline also runs it before loading into PostgreSQL). Default privileges make
every table a future model creates readable by the right tiers without anyone adding a grant; the
dbt `grants` in dbt_project.yml say the same thing where analysts read the project.
Passwords come from ARP_ANALYST_PASSWORD / ARP_PUBLIC_READER_PASSWORD (a role without one can
log in only where the server trusts it, as on a developer machine).
"""

from __future__ import annotations

import argparse
import sys

from psycopg2 import sql

from orchestration.settings import settings
from orchestration.warehouse.connections import open_postgres
from orchestration.warehouse.destination import Destination

WAREHOUSE_SCHEMAS = (
    "raw_cad",
    "raw_cms",
    "staging",
    "intermediate",
    "marts",
    "public_candidates",
    "suppression",
    "public_marts",
    "planning",
)
# Which tier reads which schema; data_team reads all of them.
SCHEMA_READERS: dict[str, tuple[str, ...]] = {
    "raw_cad": (),
    "raw_cms": (),
    "staging": ("analyst",),
    "intermediate": ("analyst",),
    "marts": ("analyst",),
    # every cell before suppression, and which cells are small: never the public tier's
    "public_candidates": ("analyst",),
    "suppression": ("analyst",),
    "public_marts": ("analyst", "public_reader"),
    # the expansion planner's scenario results (internal dashboards read them)
    "planning": ("analyst",),
}
# role -> the settings field holding its password (ARP_ANALYST_PASSWORD, ARP_PUBLIC_READER_PASSWORD)
LOGIN_ROLES = {"analyst": "analyst_password", "public_reader": "public_reader_password"}
OWNER_ROLE = "data_team"


def connect(dest: Destination, user: str | None = None):
    """The PostgreSQL warehouse as `user` (default: the destination's login), with the destination's password."""
    return open_postgres(dest, user=user)


def _ensure_role(cur, role: str, login: bool, password: str | None) -> None:
    cur.execute("select 1 from pg_roles where rolname = %s", (role,))
    verb = "alter" if cur.fetchone() else "create"
    statement = sql.SQL("{} role {} {}").format(
        sql.SQL(verb), sql.Identifier(role), sql.SQL("login" if login else "nologin")
    )
    if password:
        statement = sql.SQL("{} password {}").format(statement, sql.Literal(password))
    cur.execute(statement)


def setup_access(dest: Destination | None = None) -> None:
    """Create the tiers and grant them their schemas in `dest` (a PostgreSQL destination)."""
    dest = dest or Destination.from_env(target="postgres")
    if dest.kind != "postgres":
        raise ValueError(f"access tiers exist only on PostgreSQL, not on {dest.describe()}")
    conn = connect(dest)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            _ensure_role(cur, OWNER_ROLE, login=False, password=None)
            current = settings()
            for role, password_field in LOGIN_ROLES.items():
                _ensure_role(cur, role, login=True, password=getattr(current, password_field))
            cur.execute("select current_user")
            pipeline_user = cur.fetchone()[0]
            if pipeline_user != OWNER_ROLE:
                cur.execute(sql.SQL("grant {} to {}").format(sql.Identifier(OWNER_ROLE), sql.Identifier(pipeline_user)))
            db = sql.Identifier(dest.pg_database)
            cur.execute(sql.SQL("revoke all on database {} from public").format(db))
            cur.execute(
                sql.SQL("grant connect on database {} to {}, {}, {}").format(
                    db, *map(sql.Identifier, (OWNER_ROLE, *LOGIN_ROLES))
                )
            )
            cur.execute("revoke all on schema public from public")
            for schema in WAREHOUSE_SCHEMAS:
                _grant_schema(cur, schema, pipeline_user)
    finally:
        conn.close()


def _grant_schema(cur, schema: str, pipeline_user: str) -> None:
    s = sql.Identifier(schema)
    cur.execute(sql.SQL("create schema if not exists {}").format(s))
    cur.execute(sql.SQL("revoke all on schema {} from public").format(s))
    cur.execute(sql.SQL("grant all on schema {} to {}").format(s, sql.Identifier(OWNER_ROLE)))
    readers = (OWNER_ROLE, *SCHEMA_READERS[schema])
    # Tiers that must not read this schema lose anything an earlier setup or a hand grant gave.
    for role in LOGIN_ROLES:
        if role not in readers:
            cur.execute(sql.SQL("revoke all on all tables in schema {} from {}").format(s, sql.Identifier(role)))
            cur.execute(sql.SQL("revoke all on schema {} from {}").format(s, sql.Identifier(role)))
    for role in readers:
        r = sql.Identifier(role)
        cur.execute(sql.SQL("grant usage on schema {} to {}").format(s, r))
        cur.execute(sql.SQL("grant select on all tables in schema {} to {}").format(s, r))
        cur.execute(
            sql.SQL("alter default privileges for role {} in schema {} grant select on tables to {}").format(
                sql.Identifier(pipeline_user), s, r
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.access", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["setup"])
    parser.parse_args(argv)
    dest = Destination.from_env(target="postgres")
    setup_access(dest)
    print(f"access tiers ready on {dest.describe()}: data_team, analyst, public_reader")
    return 0


if __name__ == "__main__":
    sys.exit(main())
