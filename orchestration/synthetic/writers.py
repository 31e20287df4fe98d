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

import numpy as np
import pandas as pd
import sqlalchemy as sa

from orchestration.contract import Table, get_system, sqlalchemy_table

from .timeutil import format_dates, format_timestamps

CHUNK_ROWS = 100_000


class ContractShapeError(ValueError):
    pass


def _column_values(table: Table, frame: pd.DataFrame, dialect: str) -> list[np.ndarray]:
    """One object array per contract column, formatted for the target database."""
    missing = [c for c in table.column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in table.column_names]
    if missing or extra:
        raise ContractShapeError(f"{table.system}.{table.name}: generated columns differ from the contract "
                                 f"(missing {missing}, unexpected {extra})")
    out = []
    for col in table.columns:
        v = frame[col.name].to_numpy()
        if col.type == "timestamp":
            arr = format_timestamps(np.asarray(v, dtype="float64") if v.dtype.kind in "fiu" else v)
        elif col.type == "date":
            arr = format_dates(np.asarray(v, dtype="float64"))
        elif col.type == "integer":
            f = np.asarray(v, dtype="float64")
            arr = np.full(len(f), None, dtype=object)
            ok = ~np.isnan(f)
            arr[ok] = f[ok].astype("int64").astype(object)
        elif col.type == "float":
            f = np.asarray(v, dtype="float64")
            arr = f.astype(object)
            arr[np.isnan(f)] = None
        elif col.type == "boolean":
            arr = np.array([None if x is None or (isinstance(x, float) and np.isnan(x)) else bool(x) for x in v],
                           dtype=object)
            if dialect == "sqlite":
                arr = np.array([None if x is None else int(x) for x in arr], dtype=object)
        else:
            arr = np.asarray(v, dtype=object).copy()
            nan = pd.isna(arr)
            arr[nan] = None
        if not col.nullable or col.name in table.primary_key:
            nulls = int(pd.isna(pd.Series(arr, dtype=object)).sum())
            if nulls:
                raise ContractShapeError(f"{table.system}.{table.name}.{col.name} is NOT NULL in the contract "
                                         f"but {nulls} generated values are null")
        out.append(arr)
    return out


def _chunks(columns: list[np.ndarray], n: int, size: int = CHUNK_ROWS) -> Iterator[list[tuple]]:
    for lo in range(0, n, size):
        yield list(zip(*[c[lo:lo + size].tolist() for c in columns]))


def write_system(url: str, system_name: str, frames: dict[str, pd.DataFrame],
                 advance: Callable[[int], None] = lambda n: None) -> dict[str, int]:
    """Replace the contract tables of `system_name` at `url` with `frames`; returns rows per table."""
    system = get_system(system_name)
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
            columns = _column_values(table, frame, dialect)
            n = len(frame)
            if dialect == "postgresql":
                _copy_postgres(engine, table, columns, n, advance)
            elif dialect == "sqlite":
                _insert_sqlite(engine, table, columns, n, advance)
            else:
                _insert_generic(engine, sa_tables[table.name], table, columns, n, advance)
            counts[table.name] = n
        return counts
    finally:
        engine.dispose()


def _insert_sqlite(engine, table: Table, columns, n, advance) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA journal_mode=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        names = ", ".join(f'"{c}"' for c in table.column_names)
        marks = ", ".join("?" for _ in table.column_names)
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
        sql = f'COPY "{table.name}" ({names}) FROM STDIN WITH (FORMAT csv, NULL \'\\N\')'
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
