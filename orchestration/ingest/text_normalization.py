"""Text the two warehouse engines disagree on, made the same before it is loaded.

DuckDB stores a NUL byte inside text and an index key of any length; PostgreSQL refuses both
(a NUL in text, an index row over about 2.7 kB), which used to stop a PostgreSQL load with a raw
driver traceback while DuckDB loaded the row. So, on both engines alike:

* NUL bytes are stripped from every text value, and the count per column is recorded in the
  load report (`TableLoad.nul_bytes_stripped`) and logged;
* a row whose primary key text is longer than `ARP_MAX_KEY_CHARS` (default 256) is not loaded:
  it is recorded in `<raw schema>._load_rejects` with its table, the start of its key and the
  reason, and counted in `TableLoad.rows_rejected`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from orchestration.settings import settings

REJECTS_TABLE = "_load_rejects"


def max_key_chars() -> int:
    """ARP_MAX_KEY_CHARS: from 16 to 2000, since PostgreSQL indexes keys up to about 2.7 kB."""
    return settings().max_key_chars


@dataclass
class Normalized:
    batch: pa.Table
    nul_bytes: dict[str, int] = field(default_factory=dict)  # column -> values with NULs stripped
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (key as text, shortened; reason)


def normalize_batch(batch: pa.Table, primary_key: list[str], limit: int | None = None) -> Normalized:
    limit = limit or max_key_chars()
    out = Normalized(batch)
    columns = {}
    for name in batch.column_names:
        column = batch.column(name)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            has_nul = pc.match_substring(column, "\x00")
            count = pc.sum(pc.cast(has_nul, pa.int64())).as_py() or 0
            if count:
                out.nul_bytes[name] = count
                column = pc.replace_substring(column, "\x00", "")
        columns[name] = column
    table = pa.table(columns, schema=batch.schema)
    too_long = None
    for key in primary_key:
        column = table.column(key)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            long = pc.fill_null(pc.greater(pc.utf8_length(column), limit), False)
            too_long = long if too_long is None else pc.or_(too_long, long)
    if too_long is not None and pc.any(too_long).as_py():
        rejected = table.filter(too_long)
        for row in rejected.select(primary_key).to_pylist():
            shown = ", ".join(
                f"{k}={str(v)[:40]}… ({len(str(v))} chars)" if v is not None and len(str(v)) > 40 else f"{k}={v}"
                for k, v in row.items()
            )
            out.rejected.append((shown, f"primary key longer than {limit} characters (ARP_MAX_KEY_CHARS)"))
        table = table.filter(pc.invert(too_long))
    out.batch = table
    return out
