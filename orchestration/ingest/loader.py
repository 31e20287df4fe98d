"""Incremental, idempotent copy of source-contract tables into the warehouse raw schemas.

For each system: check every source table against the contract, then in ONE warehouse
transaction, per table:

1. create the raw table from the contract (contract types, primary key) if it is missing;
2. read the source rows whose cursor (`updated_at`) is at or after the raw table's own maximum
   minus a look-back window (covers rows committed late with an earlier `updated_at`);
3. stage them, drop the staged rows identical to what raw already holds, and upsert the rest
   on the primary key.

The cursor lives in the warehouse itself (max of `updated_at` in raw), so it can never disagree
with the data: deleting or swapping the warehouse simply means a full load next time. Because
identical rows are dropped before the upsert, `rows_loaded` is exactly the number of new or
changed rows, a re-run with no source change loads 0, and a failure anywhere rolls back the
whole system (nothing half-loaded).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from orchestration.contract import ContractError, System, Table, get_system
from orchestration.ingest.source import ContractMismatch, check_source, open_source, read_batches
from orchestration.ingest.text_normalization import REJECTS_TABLE, normalize_batch
from orchestration.ingest.warehouse import Warehouse, connect, q
from orchestration.paths import PROJECT_ROOT
from orchestration.settings import settings
from orchestration.warehouse.destination import Destination

log = logging.getLogger(__name__)

SYSTEMS = ("cad_replica", "case_management")  # as orchestration/ingest/assets.py names them
DEFAULT_LOOKBACK = dt.timedelta(minutes=10)


def default_source_url(system: str) -> str:
    """ARP_CAD_URL / ARP_CMS_URL, else the generator's SQLite file under build/sources/."""
    current = settings()
    configured = {"cad_replica": current.cad_url, "case_management": current.cms_url}[system]
    return configured or f"sqlite:///{PROJECT_ROOT / 'build' / 'sources' / f'{system}.sqlite'}"


@dataclass
class TableLoad:
    """What one load did to one raw table."""

    system: str
    schema: str
    table: str
    rows_read: int = 0  # source rows in the cursor window
    rows_loaded: int = 0  # new or changed rows written (= inserted + updated)
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_older: int = 0  # rows skipped because raw already holds a newer version (keep_newer)
    raw_rows: int = 0  # rows in the raw table after the load
    cursor_before: dt.datetime | None = None
    cursor_after: dt.datetime | None = None
    seconds: float = 0.0
    nul_bytes_stripped: dict[str, int] = field(default_factory=dict)  # column -> values cleaned
    rows_rejected: int = 0  # rows not loaded (key too long), listed in <schema>._load_rejects

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass
class LoadReport:
    """Per-table results of `load_sources` / `load_system`; `rows_loaded` is keyed "raw_cad.incidents"."""

    destination: str
    tables: list[TableLoad] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_loaded(self) -> dict[str, int]:
        return {t.key: t.rows_loaded for t in self.tables}

    @property
    def total_loaded(self) -> int:
        return sum(t.rows_loaded for t in self.tables)

    def table(self, key: str) -> TableLoad:
        for t in self.tables:
            if t.key == key or t.table == key:
                return t
        raise KeyError(f"no table {key!r} in this load report")

    def merge(self, other: LoadReport) -> LoadReport:
        return LoadReport(self.destination, self.tables + other.tables, self.seconds + other.seconds)

    def summary(self) -> str:
        lines = [f"load into {self.destination} took {self.seconds:.1f}s"]
        for t in self.tables:
            lines.append(
                f"  {t.key:<28} loaded {t.rows_loaded:>9,} (inserted {t.rows_inserted:,}, "
                f"updated {t.rows_updated:,}; read {t.rows_read:,}; raw now {t.raw_rows:,}) "
                f"in {t.seconds:.2f}s" + (f"; {t.rows_older:,} older than raw, skipped" if t.rows_older else "")
            )
        return "\n".join(lines)


def load_sources(
    cad_url: str | None = None,
    cms_url: str | None = None,
    destination: Destination | str | os.PathLike | None = None,
    *,
    full_refresh: bool = False,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
    logger: logging.Logger | None = None,
) -> LoadReport:
    """Load both source systems (CAD into raw_cad, case management into raw_cms).

    URLs default to ARP_CAD_URL / ARP_CMS_URL or build/sources/*.sqlite; `destination` is a
    Destination, a DuckDB file path, "duckdb"/"postgres", or None for the profiles.yml choice
    (ARP_TARGET and friends).
    """
    dest = Destination.coerce(destination)
    cad = load_system(
        "cad_replica",
        cad_url or default_source_url("cad_replica"),
        dest,
        full_refresh=full_refresh,
        lookback=lookback,
        logger=logger,
    )
    cms = load_system(
        "case_management",
        cms_url or default_source_url("case_management"),
        dest,
        full_refresh=full_refresh,
        lookback=lookback,
        logger=logger,
    )
    return cad.merge(cms)


def load_system(
    system_name: str,
    url: str,
    destination: Destination | str | os.PathLike | None = None,
    *,
    tables: Iterable[str] | None = None,
    source_schema: str | None = None,
    full_refresh: bool = False,
    lookback: dt.timedelta | None = DEFAULT_LOOKBACK,
    logger: logging.Logger | None = None,
    also: Callable[[Warehouse], None] | None = None,
    keep_newer: bool = False,
) -> LoadReport:
    """Load one system's tables (all, or the named subset) in one warehouse transaction.

    `lookback=None` reads every source row instead of a cursor window (still loading only the
    changed ones): right for small sources whose cursor cannot be trusted, such as vendor exports.
    `also` runs inside that transaction after the tables (the vendor loader writes its quarantine
    there, so tables and quarantine commit together).
    `keep_newer` skips source rows whose cursor is older than raw's row with the same key: a vendor
    export re-loaded after a newer one must not roll rows back. A replica is the truth as it is, so
    database sources leave it off.
    """
    logger = logger or log
    dest = Destination.coerce(destination)
    system = get_system(system_name)
    wanted = set(tables) if tables is not None else None
    if wanted is not None and (unknown := wanted - {t.name for t in system.tables}):
        raise ContractError(f"{system_name} has no tables {sorted(unknown)}")
    selected = [t for t in system.tables if wanted is None or t.name in wanted]
    report = LoadReport(dest.describe())
    started = time.perf_counter()
    with open_source(system_name, url) as conn:
        # Every table is checked, even when loading a subset: a broken source is broken.
        names = check_source(conn, system, schema=source_schema)
        with connect(dest) as wh:
            wh.begin()
            try:
                wh.execute(f"CREATE SCHEMA IF NOT EXISTS {q(system.raw_schema)}")
                for table in selected:
                    if table.name not in names:
                        report.tables.append(_absent_optional_table(wh, system, table, full_refresh, logger))
                        continue
                    load = _load_table(
                        wh,
                        conn,
                        system,
                        table,
                        names[table.name],
                        source_schema,
                        full_refresh,
                        lookback,
                        logger,
                        keep_newer,
                    )
                    report.tables.append(load)
                if also is not None:
                    also(wh)
                wh.commit()
            except BaseException:
                wh.rollback()
                raise
    report.seconds = time.perf_counter() - started
    logger.info(
        "%s: loaded %s rows into %s in %.1fs", system_name, f"{report.total_loaded:,}", dest.describe(), report.seconds
    )
    return report


def load_absent_system(
    system_name: str,
    destination: Destination | str | os.PathLike | None = None,
    *,
    tables: Iterable[str] | None = None,
    logger: logging.Logger | None = None,
) -> LoadReport:
    """A source system the city does not have (its profile declares none): every raw table exists
    and is empty, in one transaction, so the models run and nothing another city loaded remains."""
    logger = logger or log
    dest = Destination.coerce(destination)
    system = get_system(system_name)
    wanted = set(tables) if tables is not None else None
    report = LoadReport(dest.describe())
    started = time.perf_counter()
    with connect(dest) as wh:
        wh.begin()
        try:
            wh.execute(f"CREATE SCHEMA IF NOT EXISTS {q(system.raw_schema)}")
            for table in system.tables:
                if wanted is not None and table.name not in wanted:
                    continue
                target = f"{q(system.raw_schema)}.{q(table.name)}"
                _ensure_raw_table(wh, table, system.raw_schema, target, full_refresh=False)
                wh.execute(f"DELETE FROM {target}")
                report.tables.append(TableLoad(system.name, system.raw_schema, table.name))
            wh.commit()
        except BaseException:
            wh.rollback()
            raise
    report.seconds = time.perf_counter() - started
    logger.info("%s: the city has no such source; %s raw tables are empty", system_name, len(report.tables))
    return report


def _absent_optional_table(
    wh: Warehouse, system: System, table: Table, full_refresh: bool, logger: logging.Logger
) -> TableLoad:
    """An optional table the source does not have: the raw table exists, empty, so the models run."""
    schema = system.raw_schema
    _ensure_raw_table(wh, table, schema, f"{q(schema)}.{q(table.name)}", full_refresh)
    logger.info("%s.%s: not in the source (optional table); the raw table is left as it is", schema, table.name)
    return TableLoad(system.name, schema, table.name)


def _load_table(
    wh: Warehouse,
    conn,
    system: System,
    table: Table,
    names: dict[str, str],
    source_schema: str | None,
    full_refresh: bool,
    lookback: dt.timedelta | None,
    logger: logging.Logger,
    keep_newer: bool = False,
) -> TableLoad:
    started = time.perf_counter()
    schema = system.raw_schema
    target = f"{q(schema)}.{q(table.name)}"
    stage = q(f"_arp_stage_{table.name}")
    result = TableLoad(system.name, schema, table.name)

    _ensure_raw_table(wh, table, schema, target, full_refresh)
    cursor = q(table.cursor)
    raw_rows_before, result.cursor_before = wh.query(f"SELECT count(*), max({cursor}) FROM {target}")[0]
    since = None
    if result.cursor_before is not None and lookback is not None:
        # One row stamped in the future (a clock error at the source) must not hide every later
        # change behind it: the window never starts after "now".
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        since = min(result.cursor_before, now) - lookback

    wh.execute(wh.create_table_sql(table, stage, temporary=True))
    rejected: list[tuple[str, str]] = []
    for batch in read_batches(conn, system, table, names, since=since, schema=source_schema):
        result.rows_read += batch.num_rows
        normalized = normalize_batch(batch, list(table.primary_key))
        for column, count in normalized.nul_bytes.items():
            result.nul_bytes_stripped[column] = result.nul_bytes_stripped.get(column, 0) + count
        rejected += normalized.rejected
        batch = normalized.batch
        if batch.num_rows:
            wh.insert_arrow(stage, batch)
        if result.rows_read % 500_000 < batch.num_rows and result.rows_read >= 500_000:
            logger.info("%s.%s: %s rows read so far", schema, table.name, f"{result.rows_read:,}")

    for column, count in result.nul_bytes_stripped.items():
        logger.warning("%s.%s: NUL bytes stripped from %s value(s) of column %s", schema, table.name, count, column)
    if rejected:
        result.rows_rejected = len(rejected)
        _record_rejects(wh, schema, table.name, rejected)
        logger.warning(
            "%s.%s: %s row(s) not loaded, recorded in %s.%s: %s",
            schema,
            table.name,
            len(rejected),
            schema,
            REJECTS_TABLE,
            rejected[0][1],
        )
    _check_keys(wh, system, table, stage)
    cols = [q(c.name) for c in table.columns]
    key_match = " AND ".join(f"r.{q(k)} = {stage}.{q(k)}" for k in table.primary_key)
    if raw_rows_before:
        same_row = " AND ".join(f"r.{c} IS NOT DISTINCT FROM {stage}.{c}" for c in cols)
        wh.execute(f"DELETE FROM {stage} WHERE EXISTS (SELECT 1 FROM {target} AS r WHERE {key_match} AND {same_row})")
        if keep_newer:
            older = f"EXISTS (SELECT 1 FROM {target} AS r WHERE {key_match} AND r.{cursor} > {stage}.{cursor})"
            result.rows_older = wh.query(f"SELECT count(*) FROM {stage} WHERE {older}")[0][0]
            wh.execute(f"DELETE FROM {stage} WHERE {older}")
        result.rows_updated = wh.query(
            f"SELECT count(*) FROM {stage} WHERE EXISTS (SELECT 1 FROM {target} AS r WHERE {key_match})"
        )[0][0]
    result.rows_loaded = wh.query(f"SELECT count(*) FROM {stage}")[0][0]
    result.rows_inserted = result.rows_loaded - result.rows_updated

    if result.rows_loaded:
        col_list = ", ".join(cols)
        if not raw_rows_before:
            wh.execute(f"INSERT INTO {target} ({col_list}) SELECT {col_list} FROM {stage}")
        else:
            keys = ", ".join(q(k) for k in table.primary_key)
            updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in {q(k) for k in table.primary_key})
            wh.execute(
                f"INSERT INTO {target} ({col_list}) SELECT {col_list} FROM {stage} "
                f"ON CONFLICT ({keys}) DO UPDATE SET {updates}"
            )
    wh.execute(f"DROP TABLE {stage}")

    result.raw_rows, result.cursor_after = wh.query(f"SELECT count(*), max({cursor}) FROM {target}")[0]
    result.seconds = time.perf_counter() - started
    logger.info(
        "%s.%s: loaded %s (inserted %s, updated %s) of %s read; raw has %s rows",
        schema,
        table.name,
        result.rows_loaded,
        result.rows_inserted,
        result.rows_updated,
        result.rows_read,
        result.raw_rows,
    )
    return result


def _record_rejects(wh: Warehouse, schema: str, table: str, rejected: list[tuple[str, str]]) -> None:
    target = f"{q(schema)}.{q(REJECTS_TABLE)}"
    wh.execute(
        f"CREATE TABLE IF NOT EXISTS {target} (source_table {wh.types['string']}, "
        f"record_key {wh.types['string']}, reason {wh.types['string']}, rejected_at {wh.types['timestamp']})"
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    batch = pa.table(
        {
            "source_table": [f"{schema}.{table}"] * len(rejected),
            "record_key": [key for key, _ in rejected],
            "reason": [reason for _, reason in rejected],
            "rejected_at": pa.array([now] * len(rejected), pa.timestamp("us")),
        }
    )
    wh.insert_arrow(target, batch)


def _ensure_raw_table(wh: Warehouse, table: Table, schema: str, target: str, full_refresh: bool) -> None:
    existing = wh.column_types(schema, table.name)
    if existing is not None and full_refresh:
        wh.execute(f"DROP TABLE {target}")
        existing = None
    if existing is None:
        wh.execute(wh.create_table_sql(table, target))
        return
    expected = {c.name: wh.types[c.type] for c in table.columns}
    for name, engine_type in expected.items():
        if existing.get(name, "").lower() != engine_type.lower():
            found = existing.get(name, "no such column")
            raise ContractError(
                f"warehouse table {schema}.{table.name} column {name} is {found}, the contract says "
                f"{engine_type}: the contract changed since the last load; reload with full_refresh=True"
            )
    if extra := sorted(set(existing) - set(expected)):
        raise ContractError(
            f"warehouse table {schema}.{table.name} has columns the contract does not know: {extra}; "
            "reload with full_refresh=True"
        )


def _check_keys(wh: Warehouse, system: System, table: Table, stage: str) -> None:
    keys = [q(k) for k in table.primary_key]
    null_key = " OR ".join(f"{k} IS NULL" for k in keys)
    if wh.query(f"SELECT count(*) FROM {stage} WHERE {null_key}")[0][0]:
        raise ContractMismatch(system.name, [(table.name, ",".join(table.primary_key), "primary key is null")])
    dup = wh.query(
        f"SELECT {', '.join(keys)}, count(*) FROM {stage} GROUP BY {', '.join(keys)} HAVING count(*) > 1 LIMIT 1"
    )
    if dup:
        value = ", ".join(f"{k}={v!r}" for k, v in zip(table.primary_key, dup[0]))
        raise ContractMismatch(
            system.name,
            [(table.name, ",".join(table.primary_key), f"duplicate primary key ({value}, {dup[0][-1]} rows)")],
        )
