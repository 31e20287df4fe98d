"""Write contract tables to any SQLAlchemy URL, fast.

Tables are created from `orchestration.contract.sqlalchemy_table` (so keys and NOT NULLs hold) after
dropping the previous ones, then filled in large chunks: PostgreSQL through COPY, SQLite through the
driver's executemany with journaling off, anything else through SQLAlchemy's executemany.
Values arrive in the simulation's representation (UTC epoch seconds, local day numbers) and are
formatted here according to each column's logical type.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from orchestration.contract import Table, get_system, sqlalchemy_table

from .timeutil import format_dates, format_timestamps

CHUNK_ROWS = 100_000


class ContractShapeError(ValueError):
    pass


def _column_values(table: Table, frame: pd.DataFrame, dialect: str) -> tuple[list[np.ndarray], list[str]]:
    """One object array per contract column, ready for the driver, and the SQL value expression of each.

    On SQLite, timestamps travel as epoch seconds and SQLite's own `datetime(?, 'unixepoch')` writes
    the text, which is several times faster than formatting millions of strings in Python."""
    missing = [c for c in table.column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in table.column_names]
    if missing or extra:
        raise ContractShapeError(
            f"{table.system}.{table.name}: generated columns differ from the contract "
            f"(missing {missing}, unexpected {extra})"
        )
    out, exprs = [], []
    for col in table.columns:
        v = frame[col.name].to_numpy()
        expr = "?"
        if col.type in ("timestamp", "integer", "float", "date"):
            f = np.asarray(v, dtype="float64")
            null = np.isnan(f)
            if col.type == "timestamp" and dialect == "sqlite":
                arr = np.full(len(f), None, dtype=object)
                arr[~null] = f[~null].astype("int64")
                expr = "datetime(?, 'unixepoch')"
            elif col.type == "timestamp":
                arr = format_timestamps(f)
            elif col.type == "date":
                arr = format_dates(f)
            elif col.type == "integer":
                arr = np.full(len(f), None, dtype=object)
                arr[~null] = f[~null].astype("int64")
            else:
                arr = f.astype(object)
                arr[null] = None
        elif col.type == "boolean":
            obj = pd.Series(v, dtype=object)
            null = obj.isna().to_numpy()
            arr = np.full(len(obj), None, dtype=object)
            flags = obj[~null].astype(bool).to_numpy()
            arr[~null] = flags.astype("int64") if dialect == "sqlite" else flags
        else:
            arr = np.asarray(v, dtype=object).copy()
            null = pd.isna(arr)
            arr[null] = None
        if (not col.nullable or col.name in table.primary_key) and null.any():
            raise ContractShapeError(
                f"{table.system}.{table.name}.{col.name} is NOT NULL in the contract "
                f"but {int(null.sum())} generated values are null"
            )
        out.append(arr)
        exprs.append(expr)
    return out, exprs


def _chunks(columns: list[np.ndarray], n: int, size: int = CHUNK_ROWS) -> Iterator[list[tuple]]:
    for lo in range(0, n, size):
        yield list(zip(*[c[lo : lo + size].tolist() for c in columns]))


def write_system(
    url: str, system_name: str, frames: dict[str, pd.DataFrame], advance: Callable[[int], None] = lambda n: None
) -> dict[str, int]:
    """Replace the contract tables of `system_name` at `url` with `frames`; returns rows per table."""
    system = get_system(system_name)
    _remove_own_sqlite_file(url, {t.name for t in system.tables})
    engine = sa.create_engine(url)
    dialect = engine.dialect.name
    metadata = sa.MetaData()
    sa_tables = {t.name: sqlalchemy_table(t, metadata) for t in system.tables}
    try:
        metadata.drop_all(engine, checkfirst=True)
        metadata.create_all(engine)
        counts = {}
        for table in system.tables:
            frame = frames[table.name]
            columns, exprs = _column_values(table, frame, dialect)
            n = len(frame)
            if dialect == "postgresql":
                _copy_postgres(engine, table, columns, n, advance)
            elif dialect == "sqlite":
                _insert_sqlite(engine, table, columns, exprs, n, advance)
            else:
                _insert_generic(engine, sa_tables[table.name], table, columns, n, advance)
            counts[table.name] = n
        return counts
    finally:
        engine.dispose()


def _remove_own_sqlite_file(url: str, own_tables: set[str]) -> None:
    """A SQLite file holding only this system's tables is deleted rather than emptied: dropping
    millions of rows table by table costs more than writing them."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    path = Path(parsed.database)
    if not path.exists():
        return
    engine = sa.create_engine(url)
    try:
        present = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    if present <= own_tables:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def _insert_sqlite(engine, table: Table, columns, exprs, n, advance) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA journal_mode=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-262144")  # 256 MB page cache while building the primary keys
        names = ", ".join(f'"{c}"' for c in table.column_names)
        marks = ", ".join(exprs)
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        for rows in _chunks(columns, n):
            cur.executemany(sql, rows)
            advance(len(rows))
        raw.commit()
    finally:
        raw.close()


def _copy_postgres(engine, table: Table, columns, n, advance) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        names = ", ".join(f'"{c}"' for c in table.column_names)
        sql = f"COPY \"{table.name}\" ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        for rows in _chunks(columns, n):
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerows([tuple("\\N" if v is None else v for v in row) for row in rows])
            buf.seek(0)
            cur.copy_expert(sql, buf)
            advance(len(rows))
        raw.commit()
    finally:
        raw.close()


def _insert_generic(engine, sa_table: sa.Table, table: Table, columns, n, advance) -> None:
    parsed = []
    for col, arr in zip(table.columns, columns):
        if col.type == "timestamp":
            arr = np.array([None if x is None else pd.Timestamp(x).to_pydatetime() for x in arr], dtype=object)
        elif col.type == "date":
            arr = np.array([None if x is None else pd.Timestamp(x).date() for x in arr], dtype=object)
        parsed.append(arr)
    with engine.begin() as conn:
        for rows in _chunks(parsed, n):
            conn.execute(sa_table.insert(), [dict(zip(table.column_names, r)) for r in rows])
            advance(len(rows))
