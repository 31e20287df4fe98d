"""A small, generic contract-shaped source pair written straight from contracts/*.yml.

Independent of the synthetic generator, so loader tests can build odd sources (a missing column,
a wrong type, bad values) and know exactly which rows changed between two runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from orchestration.contract import Column, System, Table, get_system, sqlalchemy_table

BASE = dt.datetime(2024, 3, 9, 22, 15, 30, 123456)  # microseconds on purpose


def value(col: Column, table: Table, i: int):
    """Deterministic value of row i; nullable non-key columns are null on every 5th row."""
    if col.nullable and col.name not in table.primary_key and col.name != table.cursor and i % 5 == 4:
        return None
    if col.type == "string":
        return f"{table.name[:3]}-{col.name[:6]}-{i:05d}" + (' ünï, "q"' if i % 7 == 3 else "")
    if col.type == "integer":
        return i if col.name in table.primary_key else i % 5 + 1
    if col.type == "float":
        return 35.9 + i / 1000.0
    if col.type == "boolean":
        return i % 3 == 0
    if col.type == "timestamp":
        return BASE + dt.timedelta(minutes=7 * i)
    if col.type == "date":
        return dt.date(2023, 1, 1) + dt.timedelta(days=i)
    raise AssertionError(col.type)


def row(table: Table, i: int) -> dict:
    return {c.name: value(c, table, i) for c in table.columns}


class FixtureSource:
    """One system's SQLite source with `rows` rows per table and live-style changes."""

    def __init__(self, path: Path, system: System, rows: int = 25):
        self.path, self.system = Path(path), system
        self.url = f"sqlite:///{self.path}"
        self.engine = sa.create_engine(self.url)
        self.metadata = sa.MetaData()
        self.tables = {t.name: sqlalchemy_table(t, self.metadata) for t in system.tables}
        self.metadata.create_all(self.engine)
        self.next_id = {t.name: rows for t in system.tables}
        self.clock = BASE + dt.timedelta(days=30)
        with self.engine.begin() as conn:
            for t in system.tables:
                conn.execute(self.tables[t.name].insert(), [row(t, i) for i in range(rows)])

    def append(self, table: str, n: int) -> list[dict]:
        t = self.system.table(table)
        rows = []
        for _ in range(n):
            r = row(t, self.next_id[table])
            self.next_id[table] += 1
            self.clock += dt.timedelta(seconds=1)
            r[t.cursor] = self.clock
            rows.append(r)
        with self.engine.begin() as conn:
            conn.execute(self.tables[table].insert(), rows)
        return rows

    def update(self, table: str, ids: list[int], column: str, new_value) -> None:
        """Change `column` on rows `ids` (row numbers) and bump their cursor, like a live CAD."""
        t = self.system.table(table)
        sa_table = self.tables[table]
        key = t.primary_key[0]
        with self.engine.begin() as conn:
            for i in ids:
                self.clock += dt.timedelta(seconds=1)
                conn.execute(
                    sa_table.update()
                    .where(sa_table.c[key] == value(t.column(key), t, i))
                    .values({column: new_value, t.cursor: self.clock})
                )

    def dispose(self) -> None:
        self.engine.dispose()


def write_fixture_sources(directory: Path, rows: int = 25) -> tuple[FixtureSource, FixtureSource]:
    directory.mkdir(parents=True, exist_ok=True)
    return (
        FixtureSource(directory / "cad_replica.sqlite", get_system("cad_replica"), rows),
        FixtureSource(directory / "case_management.sqlite", get_system("case_management"), rows),
    )


def rebuild_with(path: Path, system: System, table: str, column: str, new_type: str | None) -> str:
    """A copy of the fixture with `table.column` dropped (new_type None) or re-declared as new_type."""
    src = FixtureSource(path, system, rows=10)
    src.dispose()
    with sa.create_engine(f"sqlite:///{path}").begin() as conn:
        if new_type is None:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}__new" {new_type}')
            conn.exec_driver_sql(f'UPDATE "{table}" SET "{column}__new" = \'not a value\'')
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
            conn.exec_driver_sql(f'ALTER TABLE "{table}" RENAME COLUMN "{column}__new" TO "{column}"')
    return f"sqlite:///{path}"
