"""Read the public marts, and nothing else, from the warehouse.

The publisher is the public tier: it selects from `public_marts` only (on PostgreSQL it logs in as
`public_reader`, which cannot read any other schema; see orchestration/access.py). Which warehouse
follows ARP_TARGET like every other layer (orchestration.warehouse.destination.Destination).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace

from orchestration.settings import settings
from orchestration.warehouse.connections import open_duckdb, open_postgres
from orchestration.warehouse.destination import Destination

SCHEMA = "public_marts"
# Each table the publisher reads, with the exact columns of the public marts' interface.
TABLES: dict[str, tuple[str, ...]] = {
    "pub_metric_values": (
        "metric_id",
        "period_grain",
        "period_start",
        "program",
        "dimension",
        "dimension_value",
        "value",
        "is_suppressed",
        "suppression_reason",
        "is_provisional",
    ),
    "pub_metric_catalog": (
        "metric_id",
        "question",
        "guiding_question",
        "category",
        "definition",
        "unit",
        "grain",
        "dimension",
        "unavailable_reason",
    ),
    "pub_people_served_demographics": (
        "period_grain",
        "period_start",
        "program",
        "attribute",
        "category",
        "people_served",
        "is_suppressed",
        "suppression_reason",
    ),
    "pub_staff_demographics": (
        "period_grain",
        "period_start",
        "program",
        "attribute",
        "category",
        "staff_count",
        "is_suppressed",
        "suppression_reason",
    ),
    "pub_call_summaries": ("period_start", "program", "summary_en", "summary_es"),
}
# Rows are read in key order, so both engines publish byte-identical pages.
ORDER_BY: dict[str, tuple[str, ...]] = {
    "pub_metric_values": ("metric_id", "period_grain", "period_start", "program", "dimension", "dimension_value"),
    "pub_metric_catalog": ("question", "metric_id"),
    "pub_people_served_demographics": ("period_grain", "period_start", "program", "attribute", "category"),
    "pub_staff_demographics": ("period_grain", "period_start", "program", "attribute", "category"),
    "pub_call_summaries": ("period_start", "program"),
}
PUBLIC_READER = "public_reader"


class PublicMartsError(RuntimeError):
    """The public marts are missing, incomplete or break a publishing rule."""


@dataclass
class PublicMarts:
    """The rows of every public mart as plain dicts (dates as datetime.date, values as float or None)."""

    metric_values: list[dict]
    catalog: list[dict]
    people_served: list[dict]
    staff: list[dict]
    summaries: list[dict]
    source: str = ""
    row_counts: dict[str, int] = field(default_factory=dict)

    def quarters(self) -> list[dt.date]:
        """Every quarter that has metric values, oldest first."""
        return sorted({r["period_start"] for r in self.metric_values if r["period_grain"] == "quarter"})


def public_destination(dest: Destination) -> Destination:
    """On PostgreSQL, the public tier's login (ARP_PUBLIC_READER_USER/PASSWORD override it)."""
    if dest.kind != "postgres":
        return dest
    current = settings()
    return replace(
        dest,
        pg_user=current.public_reader_user,
        pg_password=current.public_reader_password or "",
    )


def read_public_marts(
    destination: Destination | str | os.PathLike | None = None, *, as_public_reader: bool = True
) -> PublicMarts:
    """Read the five public marts; raise PublicMartsError naming the table or column at fault."""
    dest = Destination.coerce(destination)
    if dest.kind == "postgres" and as_public_reader:
        dest = public_destination(dest)
    frames = _read_duckdb(dest) if dest.kind == "duckdb" else _read_postgres(dest)
    marts = PublicMarts(
        metric_values=[_metric_row(r) for r in frames["pub_metric_values"]],
        catalog=frames["pub_metric_catalog"],
        people_served=[_demo_row(r, "people_served") for r in frames["pub_people_served_demographics"]],
        staff=[_demo_row(r, "staff_count") for r in frames["pub_staff_demographics"]],
        summaries=[{**r, "period_start": _date(r["period_start"])} for r in frames["pub_call_summaries"]],
        source=dest.describe(),
        row_counts={t: len(rows) for t, rows in frames.items()},
    )
    _check_suppression(marts)
    return marts


def _select(table: str) -> str:
    return f"select {', '.join(TABLES[table])} from {SCHEMA}.{table} order by {', '.join(ORDER_BY[table])}"


def _read_duckdb(dest: Destination) -> dict[str, list[dict]]:

    if not dest.duckdb_path.exists():
        raise PublicMartsError(f"warehouse {dest.describe()} does not exist: run the pipeline (`make demo`) first")
    con = open_duckdb(dest, read_only=True)
    try:
        return {t: _fetch(con, t, dest) for t in TABLES}
    finally:
        con.close()


def _read_postgres(dest: Destination) -> dict[str, list[dict]]:
    con = open_postgres(dest, application_name="arp_publish")
    try:
        with con.cursor() as cur:
            return {t: _fetch(cur, t, dest) for t in TABLES}
    finally:
        con.close()


def _fetch(cursor, table: str, dest: Destination) -> list[dict]:
    try:
        result = cursor.execute(_select(table))
        cur = result if result is not None else cursor  # duckdb returns itself; psycopg2 returns None
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except Exception as exc:  # noqa: BLE001 - re-raised with the table named
        raise PublicMartsError(f"cannot read {SCHEMA}.{table} on {dest.describe()}: {exc}".strip()) from exc
    return [dict(zip(names, row)) for row in rows]


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _num(value) -> float | None:
    return None if value is None else float(value)


def _metric_row(r: dict) -> dict:
    return {
        **r,
        "period_start": _date(r["period_start"]),
        "value": _num(r["value"]),
        "dimension": r["dimension"] or "",
        "dimension_value": r["dimension_value"] or "",
        "is_suppressed": bool(r["is_suppressed"]),
        "is_provisional": bool(r["is_provisional"]),
    }


def _demo_row(r: dict, value_col: str) -> dict:
    return {
        **r,
        "period_start": _date(r["period_start"]),
        value_col: _num(r[value_col]),
        "is_suppressed": bool(r["is_suppressed"]),
    }


def _check_suppression(marts: PublicMarts) -> None:
    """Refuse to publish a mart row that carries a value while flagged suppressed (or the reverse)."""

    def bad(rows, table, col):
        for r in rows:
            if r["is_suppressed"] and r[col] is not None:
                raise PublicMartsError(f"{SCHEMA}.{table}: row {_key(r)} is suppressed but has a {col}")
            if not r["is_suppressed"] and r[col] is None:
                raise PublicMartsError(f"{SCHEMA}.{table}: row {_key(r)} has no {col} and is not suppressed")

    bad(marts.metric_values, "pub_metric_values", "value")
    bad(marts.people_served, "pub_people_served_demographics", "people_served")
    bad(marts.staff, "pub_staff_demographics", "staff_count")


def _key(r: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("value", "people_served", "staff_count"))
