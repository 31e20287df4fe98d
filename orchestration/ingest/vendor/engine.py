"""Apply a vendor mapping to an export file: contract-shaped tables plus a quarantine.

Nothing is dropped silently: every source row either lands in each row table it maps to, or
appears in the quarantine with the reason(s) it could not be mapped, so for every row table
`rows_in == rows_mapped + rows_quarantined`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.ingest.vendor.spec import ColumnRule, Mapping, MappingError, TableRule, TimestampRule

QUARANTINE_COLUMNS = ["mapping", "source_file", "source_row", "record_id", "target_table", "reason", "record"]


@dataclass
class MappingResult:
    mapping: Mapping
    source_file: Path
    rows_in: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    quarantine: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS))

    def quarantined(self, table: str) -> int:
        return int((self.quarantine["target_table"] == table).sum())

    def summary(self) -> str:
        lines = [f"{self.mapping.name}: {self.rows_in:,} rows in {self.source_file.name}"]
        for rule in self.mapping.tables:
            name = rule.table.name
            kind = "distinct codes" if rule.distinct else "rows"
            lines.append(f"  {name:<18} {len(self.tables[name]):>9,} {kind}, {self.quarantined(name):,} quarantined")
        return "\n".join(lines)


def read_export(mapping: Mapping, path: str | Path | None = None) -> tuple[pd.DataFrame, Path]:
    """The export as text columns (CSV) or as stored (Parquet), with every mapped column present."""
    path = Path(path) if path else mapping.source_path
    if path is None:
        raise MappingError(f"{mapping.path.name}: no export file given and source.path is not set")
    if not path.is_file():
        raise MappingError(f"{mapping.path.name}: export file {path} does not exist")
    if mapping.format == "csv":
        options = {"encoding": "utf-8", **mapping.csv_options}
        # Everything as text: null tokens and formats are the mapping's business, not pandas' guesses.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], **options)
    else:
        frame = pd.read_parquet(path)
    missing = sorted(mapping.source_columns - set(frame.columns))
    if missing:
        raise MappingError(f"{mapping.path.name}: export {path.name} lacks columns {missing} "
                           f"(it has {', '.join(map(str, frame.columns))})")
    return frame.reset_index(drop=True), path


def apply_mapping(mapping: Mapping, frame: pd.DataFrame, source_file: Path) -> MappingResult:
    result = MappingResult(mapping, source_file, len(frame))
    quarantines = []
    for rule in mapping.tables:
        table, quarantine = _map_table(mapping, rule, frame)
        result.tables[rule.table.name] = table
        if len(quarantine):
            quarantines.append(quarantine)
    if quarantines:
        q = pd.concat(quarantines, ignore_index=True)
        q.insert(0, "mapping", mapping.name)
        q.insert(1, "source_file", source_file.name)
        result.quarantine = q[QUARANTINE_COLUMNS]
    return result


def _map_table(mapping: Mapping, rule: TableRule, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    reasons = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    out: dict[str, pd.Series] = {}
    for col in rule.columns:
        if col.same_as:
            continue
        values, bad = _column(mapping, col, frame)
        out[col.name] = values
        reasons = _add(reasons, bad)
    for col in rule.columns:
        if col.same_as:
            out[col.name] = out[col.same_as]
    table = pd.DataFrame({c.name: out[c.name] for c in rule.columns}, index=frame.index)
    for col in rule.columns:
        if not col.nullable:
            missing = table[col.name].isna() & (reasons == "")
            src = frame[col.source] if col.source else pd.Series("", index=frame.index)
            reasons = _add(reasons, pd.Series(
                np.where(missing, f"{col.name}: required value is missing (" + _quote(src) + ")", None),
                index=frame.index))

    keys = list(rule.table.primary_key)
    if rule.distinct:
        # A derived code table: rows without a key simply contribute no code.
        has_key = table[keys].notna().all(axis=1)
        reasons = reasons.where(has_key, "")
        table = table[has_key]
    bad = reasons != ""
    good = table[~bad[table.index]]
    quarantine = _quarantine_rows(mapping, rule, frame, reasons[bad])

    good, superseded = _dedupe(rule, good)
    if len(superseded) and not rule.distinct:
        quarantine = pd.concat([quarantine, _quarantine_rows(mapping, rule, frame, superseded)], ignore_index=True)
    return good.reset_index(drop=True), quarantine


def _column(mapping: Mapping, col: ColumnRule, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(values, reasons) for one contract column; reasons is None where the value is fine."""
    index = frame.index
    no_reason = pd.Series([None] * len(frame), index=index, dtype=object)
    if col.has_value:
        values = pd.Series([col.value] * len(frame), index=index, dtype=object)
        return _typed(col, values, values, no_reason.copy())

    raw = frame[col.source]
    values = _obj(raw)
    if pd.api.types.is_string_dtype(raw.dtype) or raw.dtype == object:
        values = _obj(values.map(lambda v: v.strip() if isinstance(v, str) else v))
        tokens = set(mapping.null_tokens) | set(col.null_tokens)
        values = values.where(~values.isin(tokens), None)
    reasons = no_reason.copy()

    if col.pattern is not None:
        def derive(v):
            if v is None:
                return None
            m = col.pattern.search(str(v))
            return col.template.format(**m.groupdict()) if m else _NoMatch
        derived = values.astype(object).map(derive).astype(object)
        nomatch = derived.map(lambda v: v is _NoMatch).astype(bool)
        reasons = reasons.where(~nomatch, f"{col.name}: {col.source} " + _quote(raw) +
                                f" does not match pattern {col.pattern.pattern}")
        values = _obj(derived.where(~nomatch, None))

    if col.codes is not None:
        known = values.map(lambda v: v is not None and str(v) in col.codes).astype(bool)
        translated = _obj(values.map(lambda v: col.codes.get(str(v)) if v is not None else None).astype(object))
        if col.has_otherwise:
            values = _obj(translated.where(known, col.otherwise))
        else:
            unmapped = values.notna() & ~known
            reasons = reasons.where(~unmapped | reasons.notna(), f"{col.name}: {col.source} " + _quote(raw) +
                                    " has no code translation")
            values = _obj(translated.where(known, None))
    return _typed(col, values, raw, reasons)


class _NoMatchType:
    pass


_NoMatch = _NoMatchType()


def _typed(col: ColumnRule, values: pd.Series, raw: pd.Series, reasons: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse to the contract type; unparseable non-null values get a reason and become null."""
    kind = col.logical_type
    present = values.notna()
    if kind == "string":
        parsed = _obj(values.map(lambda v: None if v is None else str(v)).astype(object))
        bad = pd.Series(False, index=values.index)
    elif kind in ("integer", "float"):
        numbers = pd.to_numeric(values.where(present, None), errors="coerce")
        bad = present & numbers.isna()
        if kind == "integer":
            fractional = numbers.notna() & (numbers.round() != numbers)
            bad |= fractional
            numbers = numbers.where(~fractional)
            parsed = numbers.round().astype("Int64")
        else:
            parsed = numbers.astype("Float64")
    elif kind == "boolean":
        def to_bool(v):
            if v is None or isinstance(v, bool):
                return v
            text = str(v).strip().lower()
            return True if text in col.true_tokens else False if text in col.false_tokens else _NoMatch
        converted = values.astype(object).map(to_bool).astype(object)
        bad = converted.map(lambda v: v is _NoMatch).astype(bool)
        parsed = converted.where(~bad, None).astype("boolean")
    elif kind == "timestamp":
        parsed, bad, dst = _timestamps(values, col.timestamp)
        reasons = reasons.where(~dst | reasons.notna(), f"{col.name}: " + _quote(raw) +
                                f" is a local time skipped or repeated by a DST change in {col.timestamp.timezone}")
    elif kind == "date":
        fmt = col.date_format
        dates = pd.to_datetime(values.where(present, None), format=fmt, errors="coerce")
        bad = present & dates.isna()
        parsed = dates.dt.date.where(dates.notna(), None).astype(object)
    else:  # pragma: no cover - the contract loader rejects other types
        raise MappingError(f"unsupported contract type {kind}")
    reasons = reasons.where(~bad | reasons.notna(), f"{col.name}: " + _quote(raw) + f" is not a valid {kind}")
    return parsed, reasons


def _timestamps(values: pd.Series, rule: TimestampRule) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(naive UTC timestamps, unparseable mask, DST-problem mask)."""
    present = values.notna()
    fmt = rule.format
    no = pd.Series(False, index=values.index)
    if pd.api.types.is_datetime64_any_dtype(values.infer_objects().dtype):
        stamps = pd.to_datetime(values.infer_objects())
    else:
        stamps = pd.to_datetime(values.where(present, None), format=fmt, errors="coerce",
                                utc=rule.zone == "offset")
    bad = present & stamps.isna()
    if rule.zone == "offset":
        if stamps.dt.tz is None:  # e.g. Parquet naive values declared as carrying offsets
            stamps = stamps.dt.tz_localize("UTC")
        instants = stamps.dt.tz_convert("UTC")
        if rule.repair == "doubled_conversion":
            # The exporter treated local wall-clock times as UTC and converted them to local time
            # again, so the labelled value's UTC reading *is* the true local time.
            wall = instants.dt.tz_localize(None)
            instants, dst = _localize(wall, rule, present & ~bad)
            return _naive_us(instants), bad, dst
        return _naive_us(instants), bad, no
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    if rule.zone == "utc":
        return _naive_us(stamps), bad, no
    instants, dst = _localize(stamps, rule, present & ~bad)
    return _naive_us(instants), bad, dst


def _localize(wall: pd.Series, rule: TimestampRule, valid: pd.Series) -> tuple[pd.Series, pd.Series]:
    nonexistent = "shift_forward" if rule.dst_gap == "shift_forward" else "NaT"
    if rule.dst_overlap == "quarantine":
        ambiguous: object = "NaT"
    else:  # pandas: True means the DST (first, earlier) reading of a repeated hour
        ambiguous = np.full(len(wall), rule.dst_overlap == "earliest")
    local = wall.dt.tz_localize(rule.timezone, nonexistent=nonexistent, ambiguous=ambiguous)
    dst = valid & local.isna()
    return local.dt.tz_convert("UTC"), dst


def _naive_us(stamps: pd.Series) -> pd.Series:
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_localize(None)
    return stamps.astype("datetime64[us]")


def _dedupe(rule: TableRule, good: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Keep one row per primary key (latest cursor, then last in file); reasons for the others."""
    keys = list(rule.table.primary_key)
    if good.empty:
        return good, pd.Series(dtype=object)
    order = good.sort_values(rule.table.cursor, kind="stable")
    dup = order.duplicated(keys, keep="last")
    if not dup.any():
        return good, pd.Series(dtype=object)
    kept = order[~dup]

    def key_of(row) -> tuple:
        return tuple(row[k] for k in keys)

    winner = {key_of(row): index for index, row in kept[keys].iterrows()}
    reasons = {}
    for index, row in order[dup][keys].iterrows():
        key = key_of(row)
        shown = repr(key[0]) if len(keys) == 1 else repr(key)
        reasons[index] = (f"duplicate {', '.join(keys)} {shown}: superseded by source row {winner[key] + 1}")
    return kept.sort_index(), pd.Series(reasons, dtype=object)


def _quarantine_rows(mapping: Mapping, rule: TableRule, frame: pd.DataFrame, reasons: pd.Series) -> pd.DataFrame:
    if reasons.empty:
        return pd.DataFrame(columns=QUARANTINE_COLUMNS[2:])
    rows = frame.loc[reasons.index]
    records = [json.dumps({str(k): _jsonable(v) for k, v in rec.items()}, ensure_ascii=False)
               for rec in rows.to_dict("records")]
    return pd.DataFrame({
        "source_row": (reasons.index + 1).astype("int64"),  # 1-based data row (CSV line = row + 1)
        "record_id": rows[mapping.record_id].astype(str).values if mapping.record_id else None,
        "target_table": rule.table.name,
        "reason": reasons.values,
        "record": records,
    })


def _obj(values: pd.Series) -> pd.Series:
    """Object dtype with None for missing: pandas 3 would otherwise infer str and use NaN."""
    out = values.astype(object)
    return out.where(values.notna(), None)


def _add(reasons: pd.Series, new: pd.Series) -> pd.Series:
    has_new = new.notna()
    joined = reasons.where(reasons == "", reasons + "; ")
    return reasons.where(~has_new, joined + new.where(has_new, ""))


def _quote(raw: pd.Series) -> pd.Series:
    return raw.astype(object).map(lambda v: repr(v) if not _is_missing(v) else "empty")


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _jsonable(v):
    if _is_missing(v):
        return None
    if isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v
