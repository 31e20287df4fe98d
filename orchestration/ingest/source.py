"""Reading a source system (any SQLAlchemy URL) against the source contract.

* `source_engine` and `open_sqlite_file` are the only places a source database (a system, a
  vendor's database export, the loader's staged SQLite file) is opened; the warehouse is opened by
  orchestration/warehouse alone;
* `open_source` connects read-only and turns any connection failure into `SourceUnreachable`,
  whose message names the system and the URL with the password masked;
* `check_source` compares every table and column with the contract before anything is loaded;
* `read_batches` streams contract columns as Arrow batches typed by the contract, so SQLite text
  timestamps become timestamps and 0/1 become booleans on the way in.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from orchestration.contract import Column, ContractError, System, Table

BATCH_ROWS = 50_000
ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
}


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in table.columns])


class SourceUnreachable(ConnectionError):
    """The source system cannot be reached; the message never contains a password."""

    def __init__(self, system: str, where: str, reason: str):
        self.system, self.where = system, where
        super().__init__(f"source {system} is unreachable at {where}: {reason}")


class ContractMismatch(ContractError):
    """A source table or value does not match the contract; names table and column."""

    def __init__(self, system: str, problems: Sequence[tuple[str, str | None, str]]):
        self.system = system
        self.problems = list(problems)
        self.table, self.column, _ = self.problems[0]
        listed = "; ".join(f"{t}.{c}: {why}" if c else f"{t}: {why}" for t, c, why in self.problems)
        super().__init__(f"source {system} does not match contracts/{system}.yml: {listed}")


def safe_url(url: str | sa.URL) -> str:
    """The URL as text with the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even parseable: say so without echoing it (it may hold a secret)
        return "<unparseable URL>"


def source_engine(url: str | sa.URL, **kwargs) -> sa.Engine:
    """A SQLAlchemy engine on a source database (never the warehouse); the caller disposes of it."""
    return sa.create_engine(url, **kwargs)


def open_sqlite_file(path: str | Path, **kwargs) -> sqlite3.Connection:
    """A plain sqlite3 connection to a source file (a staged export); the caller closes it."""
    return sqlite3.connect(path, **kwargs)


def _scrub(message: str, secret: str | None) -> str:
    first_line = message.strip().splitlines()[0] if message.strip() else message
    return first_line.replace(secret, "***") if secret else first_line


@contextmanager
def open_source(system: str, url: str) -> Iterator[sa.Connection]:
    """A read-only connection to a source system."""
    where = safe_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise SourceUnreachable(system, where, f"invalid SQLAlchemy URL ({type(exc).__name__})") from None
    if parsed.drivername == "postgresql" and importlib.util.find_spec("psycopg") is None:
        # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; we ship psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_read_only_engine(system, where, parsed)
    else:
        connect_args = {"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {}
        try:
            engine = source_engine(parsed, poolclass=NullPool, connect_args=connect_args)
        except Exception as exc:
            raise SourceUnreachable(system, where, _scrub(str(exc), parsed.password)) from None
    try:
        try:
            conn = engine.connect()
        except Exception as exc:
            reason = _scrub(str(getattr(exc, "orig", None) or exc), parsed.password)
            raise SourceUnreachable(system, where, f"{type(exc).__name__}: {reason}") from None
        try:
            yield conn
        finally:
            conn.close()
    finally:
        engine.dispose()


def _sqlite_read_only_engine(system: str, where: str, url: sa.URL) -> sa.Engine:
    # A plain sqlite:/// URL silently creates an empty database when the file is missing;
    # opening with mode=ro makes a missing file an error and guarantees we never write.
    if not url.database or url.database == ":memory:":
        raise SourceUnreachable(system, where, "an in-memory SQLite database cannot be a source")
    path = Path(url.database).resolve()
    if not path.is_file():
        raise SourceUnreachable(system, where, f"SQLite file {path} does not exist")
    uri = path.as_uri() + "?mode=ro"
    return source_engine(
        "sqlite://",
        poolclass=NullPool,
        creator=lambda: open_sqlite_file(uri, uri=True, timeout=30, check_same_thread=False),
    )


# ---- contract check -------------------------------------------------------------------------


def _families(sa_type: sa.types.TypeEngine, sqlite: bool) -> set[str]:
    """Contract types a reflected column type can faithfully hold."""
    if isinstance(sa_type, sa.Boolean):
        return {"boolean"}
    if isinstance(sa_type, sa.DateTime):
        return {"timestamp"}
    if isinstance(sa_type, sa.Date):
        return {"date"}
    if isinstance(sa_type, sa.Integer):
        # SQLite has no boolean storage class: a 0/1 integer column is its boolean (values are checked).
        return {"integer", "float", "boolean"} if sqlite else {"integer", "float"}
    if isinstance(sa_type, sa.Float):  # (not a Numeric subclass in SQLAlchemy 2.1)
        return {"float"}
    if isinstance(sa_type, sa.Numeric):
        scale = getattr(sa_type, "scale", None)
        return {"integer", "float"} if scale == 0 else {"float"}
    if isinstance(sa_type, (sa.String, sa.Enum, sa.Uuid)):
        # SQLite stores dates and timestamps as text; values are parsed (and checked) on read.
        return {"string", "timestamp", "date"} if sqlite else {"string"}
    if isinstance(sa_type, sa.types.NullType) and sqlite:
        return set(ARROW_TYPES)  # undeclared SQLite column: values decide, checked on read
    return set()


def check_source(conn: sa.Connection, system: System, schema: str | None = None) -> dict[str, dict[str, str]]:
    """Raise ContractMismatch listing every missing table/column or incompatible type.

    Returns {contract table: {contract column: actual source column name}} for reading; an
    optional table the source does not have is left out.
    """
    sqlite = conn.dialect.name == "sqlite"
    inspector = sa.inspect(conn)
    actual_tables = {name.lower(): name for name in inspector.get_table_names(schema=schema)}
    problems: list[tuple[str, str | None, str]] = []
    names: dict[str, dict[str, str]] = {}
    for table in system.tables:
        actual = actual_tables.get(table.name.lower())
        if actual is None:
            if not table.optional:
                problems.append((table.name, None, "table is missing"))
            continue
        columns = {c["name"].lower(): c for c in inspector.get_columns(actual, schema=schema)}
        names[table.name] = {"__table__": actual}
        for col in table.columns:
            found = columns.get(col.name.lower())
            if found is None:
                problems.append((table.name, col.name, "column is missing"))
            elif col.type not in _families(found["type"], sqlite):
                problems.append((table.name, col.name, f"expected {col.type}, found {found['type']}"))
            else:
                names[table.name][col.name] = found["name"]
    if problems:
        raise ContractMismatch(system.name, problems)
    return names


# ---- reading ----------------------------------------------------------------------------------


def read_batches(
    conn: sa.Connection,
    system: System,
    table: Table,
    names: dict[str, str],
    since: dt.datetime | None = None,
    schema: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[pa.Table]:
    """Contract-typed Arrow batches of the rows whose cursor is >= `since` (all rows if None)."""
    source_cols = [sa.column(names[c.name]) for c in table.columns]
    stmt = sa.select(*source_cols).select_from(sa.table(names["__table__"], schema=schema))
    if since is not None:
        cursor = sa.column(names[table.cursor], sa.DateTime())
        if conn.dialect.name == "sqlite":
            # SQLite keeps timestamps as text in whatever format the writer chose ('... 10:00:00'
            # vs '... 10:00:00.000000'); comparing julian days is format-proof, text comparison is not.
            in_window = sa.func.julianday(cursor) >= sa.func.julianday(since.isoformat(sep=" "))
        else:
            in_window = cursor >= since
        # A row without a cursor value breaks the contract but must not become invisible.
        stmt = stmt.where(sa.or_(in_window, cursor.is_(None)))
    result = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(stmt)
    schema_ = arrow_schema(table)
    # (Reading result.cursor directly would be faster but skips rows SQLAlchemy has pre-buffered.)
    for rows in result.partitions(batch_rows):
        columns = list(zip(*rows))
        arrays = [_to_arrow(values, col, system, table, rows) for values, col in zip(columns, table.columns)]
        yield pa.Table.from_arrays(arrays, schema=schema_)


def _to_arrow(values: Sequence, col: Column, system: System, table: Table, rows: list) -> pa.Array:
    try:
        return _convert(values, col.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as exc:
        index, value = _first_bad(values, col.type)
        if index is None:
            raise ContractMismatch(system.name, [(table.name, col.name, f"cannot read as {col.type}: {exc}")]) from None
        key = ", ".join(f"{k}={rows[index][table.column_names.index(k)]!r}" for k in table.primary_key)
        raise ContractMismatch(
            system.name, [(table.name, col.name, f"value {value!r} in the row with {key} is not a {col.type}")]
        ) from None


def _convert(values: Sequence, logical: str) -> pa.Array:
    target = ARROW_TYPES[logical]
    sample = next((v for v in values if v is not None), None)
    if sample is None:
        return pa.nulls(len(values), type=target)
    if logical in ("timestamp", "date") and isinstance(sample, str):
        return pc.cast(pa.array(values, type=pa.string()), target)
    if logical == "timestamp" and isinstance(sample, dt.datetime):
        if any(v is not None and v.tzinfo is not None for v in values):
            values = [_naive_utc(v) for v in values]
        return pa.array(values, type=target)
    if logical == "boolean" and not isinstance(sample, bool):
        ints = pa.array(values, type=pa.int64())
        bad = pc.and_(pc.not_equal(ints, 0), pc.not_equal(ints, 1))
        if pc.any(bad).as_py():
            raise ValueError("boolean stored as an integer other than 0/1")
        return pc.cast(ints, target)
    if logical == "float":
        try:
            return pa.array(values, type=target)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. Decimal from NUMERIC columns
            return pa.array([None if v is None else float(v) for v in values], type=target)
    return pa.array(values, type=target)


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _first_bad(values: Sequence, logical: str) -> tuple[int | None, object]:
    for i, v in enumerate(values):
        if v is None:
            continue
        try:
            _convert([v], logical)
        except Exception:
            return i, v
    return None, None
