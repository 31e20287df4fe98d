"""Vendor export -> checks -> staged contract-shaped SQLite -> the ordinary incremental loader.

Staging the mapped export as a contract-shaped SQLite file makes a vendor file just another
source system: the same contract check, cursor, merge and counts apply, and the staged file
(build/sources/vendor/<mapping>.sqlite) can be opened to see exactly what was mapped.
The quarantine goes to `<raw schema>.vendor_quarantine` in the same warehouse transaction.
A bad export (unreadable file, too many quarantined rows) fails before the warehouse is opened.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from orchestration.contract import sqlalchemy_table
from orchestration.ingest.loader import LoadReport, load_system
from orchestration.ingest.mappings.engine import MappingResult, apply_mapping
from orchestration.ingest.mappings.readers import read_export
from orchestration.ingest.mappings.spec import BadExport, Mapping, MappingError, load_mapping
from orchestration.ingest.source import open_sqlite_file, source_engine
from orchestration.ingest.warehouse import Warehouse, q
from orchestration.paths import PROJECT_ROOT
from orchestration.warehouse.destination import Destination

log = logging.getLogger(__name__)

QUARANTINE_TABLE = "vendor_quarantine"
STAGE_DIR = PROJECT_ROOT / "build" / "sources" / "vendor"


@dataclass
class VendorLoadReport:
    """The mapping's accounting (rows in / mapped / quarantined) and the warehouse load."""

    mapping: MappingResult
    load: LoadReport
    staged_path: Path

    @property
    def rows_in(self) -> int:
        return self.mapping.rows_in

    def quarantined(self, table: str) -> int:
        return self.mapping.quarantined(table)

    def summary(self) -> str:
        return self.mapping.summary() + "\n" + self.load.summary()


def staging_file(name: str) -> Path:
    """build/sources/vendor/<name>.sqlite, refused if the name would lead anywhere else."""
    staged = (STAGE_DIR / f"{name}.sqlite").resolve()
    if staged.parent != STAGE_DIR.resolve():
        raise MappingError(f"mapping name {name!r} would write its staging file to {staged}, outside {STAGE_DIR}")
    return staged


def map_export(mapping: Mapping | str | Path, export=None) -> MappingResult:
    """Read and map an export (one file, several, or the mapping's database source) without writing anything."""
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    return apply_mapping(mapping, read_export(mapping, export))


def stage_export(
    mapping: Mapping | str | Path,
    export=None,
    staged_path: str | Path | None = None,
    *,
    max_quarantine_share: float | None = None,
) -> tuple[MappingResult, Path]:
    """Map an export and write the contract-shaped SQLite staging file; returns (result, path).

    With `max_quarantine_share` an export quarantining more than that share fails before staging.
    """
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    result = map_export(mapping, export)
    if max_quarantine_share is not None:
        check_quarantine_share(result, max_quarantine_share)
    staged = Path(staged_path) if staged_path else staging_file(mapping.name)
    _write_stage(mapping, result, staged)
    log.info("%s", result.summary())
    return result, staged


def check_quarantine_share(result: MappingResult, share: float) -> None:
    """Fail when a row table would quarantine more than `share` of its rows: the export or the mapping is wrong."""
    for rule in result.row_tables():
        name = rule.table.name
        if result.quarantine_share(name) <= share:
            continue
        q = result.quarantine[result.quarantine.target_table == name]
        kinds = q.reason.str.replace(r"'[^']*'", "'…'", regex=True).value_counts().head(3)
        examples = "; ".join(f"{n}x {reason}" for reason, n in kinds.items())
        files = ", ".join(Path(f).name for f in result.source_files)
        raise BadExport(
            f"{files}: {result.quarantined(name):,} of {result.rows_in - result.filtered.get(name, 0):,} rows for "
            f"{name} ({result.quarantine_share(name):.0%}) would be quarantined, more than the "
            f"{share:.0%} allowed (source.max_quarantine_share in {result.mapping.path.name}); nothing was "
            f"loaded. Most common reasons: {examples}. Fix the mapping or the export, or raise the share "
            f"if the export really is this incomplete"
        )


def load_vendor_file(
    mapping: Mapping | str | Path,
    export: str | Path | None = None,
    destination: Destination | str | os.PathLike | None = None,
    *,
    tables: list[str] | None = None,
    staged_path: str | Path | None = None,
    full_refresh: bool = False,
    logger: logging.Logger | None = None,
) -> VendorLoadReport:
    """Map `export` (default: the mapping's source) and load its new or changed rows into the raw schema.

    Every mapped row is compared with raw (no cursor window): an export's `updated_at` is often
    derived (Burlington: the creation time), so a corrected old row would slip past a cursor.
    A row whose `updated_at` is older than raw's version of it is skipped: re-loading last week's
    export must not undo this week's changes.
    """
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    result, staged = stage_export(mapping, export, staged_path, max_quarantine_share=mapping.max_quarantine_share)
    report = load_system(
        mapping.system.name,
        f"sqlite:///{staged}",
        destination,
        tables=tables,
        full_refresh=full_refresh,
        lookback=None,
        logger=logger,
        keep_newer=True,
        also=lambda wh: write_quarantine(wh, mapping.system.raw_schema, result),
    )
    return VendorLoadReport(result, report, staged)


def write_quarantine(wh: Warehouse, schema: str, result: MappingResult) -> None:
    """Replace this mapping+file's quarantine rows (a re-run never duplicates them)."""
    target = f"{q(schema)}.{q(QUARANTINE_TABLE)}"
    text, bigint, ts = wh.types["string"], wh.types["integer"], wh.types["timestamp"]
    wh.execute(
        f"CREATE TABLE IF NOT EXISTS {target} (mapping {text}, source_file {text}, source_row {bigint}, "
        f"record_id {text}, target_table {text}, reason {text}, record {text}, quarantined_at {ts})"
    )
    for name in sorted({Path(f).name for f in result.source_files} or {result.source_file.name}):
        wh.execute(f"DELETE FROM {target} WHERE mapping = ? AND source_file = ?", (result.mapping.name, name))
    if result.quarantine.empty:
        return
    frame = result.quarantine.copy()
    frame["quarantined_at"] = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("us")
    batch = pa.Table.from_pandas(
        frame,
        preserve_index=False,
        schema=pa.schema(
            [
                ("mapping", pa.string()),
                ("source_file", pa.string()),
                ("source_row", pa.int64()),
                ("record_id", pa.string()),
                ("target_table", pa.string()),
                ("reason", pa.string()),
                ("record", pa.string()),
                ("quarantined_at", pa.timestamp("us")),
            ]
        ),
    )
    wh.insert_arrow(target, batch)


def _write_stage(mapping: Mapping, result: MappingResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".sqlite.tmp")
    tmp.unlink(missing_ok=True)
    engine = source_engine(f"sqlite:///{tmp}")
    metadata = sa.MetaData()
    for table in mapping.system.tables:  # every contract table, so the contract check passes
        sqlalchemy_table(table, metadata)
    metadata.create_all(engine)
    engine.dispose()
    con = open_sqlite_file(tmp)
    try:
        for name, frame in result.tables.items():
            if frame.empty:
                continue
            cols = list(frame.columns)
            rows = _sqlite_rows(frame)
            con.executemany(
                f"INSERT INTO {q(name)} ({', '.join(q(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})", rows
            )
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)  # readers (the sensor, a running load) never see a half-written file


def _sqlite_rows(frame: pd.DataFrame) -> list[tuple]:
    columns = []
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            # The text format SQLAlchemy itself writes for DateTime on SQLite.
            values = s.dt.strftime("%Y-%m-%d %H:%M:%S.%f").astype(object).where(s.notna(), None)
        elif pd.api.types.is_bool_dtype(s.dtype):
            values = s.astype(object).map(lambda v: None if pd.isna(v) else int(v))
        else:
            values = s.astype(object).map(lambda v: None if _missing(v) else _plain(v))
        columns.append(values.tolist())
    return list(zip(*columns))


def _missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v
