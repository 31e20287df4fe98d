"""Column expressions, row filters and table conditions, evaluated by DuckDB over the export.

One SQL dialect covers what real exports need without Python: date and time in two columns
(`Date || ' ' || Time`), coalesce, concat, regex extract, arithmetic on epochs. Expressions see
the export's columns as text after trimming, with source.null_tokens already NULL, so
`coalesce(a, b)` skips a missing `a` whatever token the vendor writes for "missing".
"""

from __future__ import annotations

import duckdb
import pandas as pd

from orchestration.ingest.mappings.spec import Mapping, MappingError
from orchestration.warehouse.connections import scratch_duckdb

ROW = "__arp_row"


def prepared(mapping: Mapping, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame expressions read: text trimmed, null tokens as NULL."""
    out = {}
    tokens = set(mapping.null_tokens)
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            col = col.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
            col = col.where(~col.isin(tokens) & col.notna(), None).astype(object)
        out[str(name)] = col
    return pd.DataFrame(out, index=frame.index)


def evaluate(mapping: Mapping, frame: pd.DataFrame, expressions: dict[str, str]) -> pd.DataFrame:
    """Evaluate {name: SQL expression} for every row (same index as `frame`).

    All expressions run in one query; if it fails, each runs alone so the error names the one at fault.
    """
    if not expressions:
        return pd.DataFrame(index=frame.index)
    data = prepared(mapping, frame).reset_index(drop=True)
    data[ROW] = range(len(data))
    con = scratch_duckdb()
    try:
        con.register("export", data)
        try:
            return _run(con, expressions, frame.index)
        except duckdb.Error:
            for name, expr in expressions.items():
                try:
                    _run(con, {name: expr}, frame.index)
                except duckdb.Error as exc:
                    message = str(exc).splitlines()[0]
                    raise MappingError(
                        f"{mapping.path.name}: {_setting(name)}: expression {expr!r} fails: {message}. "
                        f"Quote export column names with spaces in double quotes, and use TRY_CAST / "
                        f"try_strptime where some rows may not convert (they become null and are "
                        f"quarantined if the column is required)"
                    ) from None
            raise
    finally:
        con.close()


def _run(con, expressions: dict[str, str], index: pd.Index) -> pd.DataFrame:
    select = ", ".join(f'({expr}) AS "{name}"' for name, expr in expressions.items())
    out = con.execute(f"SELECT {ROW}, {select} FROM export ORDER BY {ROW}").fetchdf()
    out.index = index
    return out.drop(columns=[ROW])


def _setting(name: str) -> str:
    """The mapping key an expression came from ("__where.incidents" -> "tables.incidents.where")."""
    if name == "__filter":
        return "source.filter"
    if name.startswith("__where."):
        return f"tables.{name.removeprefix('__where.')}.where"
    table, column = name.split(".", 1)
    return f"tables.{table}.columns.{column}.expr"
