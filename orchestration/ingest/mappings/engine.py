"""Apply a vendor mapping to an export: contract-shaped tables plus a quarantine.

Nothing is dropped silently: every source row either lands in each row table it maps to, is
merged into another line of the same row (`repeated` tables: one line per responding unit), is
left out by a filter the mapping states, or appears in the quarantine with the reason(s) it could
not be mapped. For every row table `rows_in == mapped + merged + filtered + quarantined`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.ingest.mappings.expressions import evaluate
from orchestration.ingest.mappings.geo import block_address, reproject
from orchestration.ingest.mappings.readers import Export, read_export
from orchestration.ingest.mappings.spec import (
    EPOCH_FORMATS,
    BadExport,
    ColumnRule,
    Mapping,
    MappingError,
    TableRule,
    TimestampRule,
)

QUARANTINE_COLUMNS = ["mapping", "source_file", "source_row", "record_id", "target_table", "reason", "record"]
MONTH_LETTERS = "ABCDEFGHIJKL"

__all__ = ["MappingResult", "apply_mapping", "read_export", "QUARANTINE_COLUMNS"]


@dataclass
class MappingResult:
    mapping: Mapping
    source_file: Path
    rows_in: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    quarantine: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS))
    filtered: dict[str, int] = field(default_factory=dict)  # rows a filter / where left out, per table
    merged: dict[str, int] = field(default_factory=dict)  # repeated lines folded into one row, per table
    # repeated tables: {column: keys whose lines disagree on it}, per table
    merge_conflicts: dict[str, dict[str, int]] = field(default_factory=dict)
    # values no code rule knew that pass_through kept, per "table.column"
    passed_through: dict[str, Counter] = field(default_factory=dict)
    source_files: tuple[str, ...] = ()

    def quarantined(self, table: str) -> int:
        return int((self.quarantine["target_table"] == table).sum())

    def row_tables(self) -> list[TableRule]:
        return [r for r in self.mapping.tables if not r.distinct]

    def quarantine_share(self, table: str) -> float:
        considered = self.rows_in - self.filtered.get(table, 0)
        return self.quarantined(table) / considered if considered else 0.0

    def summary(self) -> str:
        files = ", ".join(Path(f).name for f in self.source_files) or self.source_file.name
        lines = [f"{self.mapping.name}: {self.rows_in:,} rows in {files}"]
        for rule in self.mapping.tables:
            name = rule.table.name
            kind = "distinct codes" if rule.distinct else "rows"
            extra = "".join(
                f", {n:,} {what}"
                for what, n in (("merged", self.merged.get(name, 0)), ("filtered", self.filtered.get(name, 0)))
                if n
            )
            lines.append(
                f"  {name:<18} {len(self.tables[name]):>9,} {kind}, {self.quarantined(name):,} quarantined{extra}"
            )
        for key, counts in self.passed_through.items():
            shown = ", ".join(f"{v!r} x{n}" for v, n in counts.most_common(5))
            lines.append(f"  {key}: {sum(counts.values()):,} values passed through untranslated ({shown})")
        return "\n".join(lines)


def apply_mapping(mapping: Mapping, export: Export | pd.DataFrame, source_file: Path | None = None) -> MappingResult:
    if isinstance(export, pd.DataFrame):  # a frame from elsewhere: rows numbered from 1
        n = len(export)
        numbers = pd.Series(range(1, n + 1), dtype="int64")
        name = Path(source_file).name if source_file else "frame"
        export = Export(
            export.reset_index(drop=True),
            pd.Series([name] * n, dtype=object),
            numbers + 1,
            numbers,
            (str(source_file or name),),
        )
    frame = export.frame
    result = MappingResult(mapping, Path(export.sources[0]), len(frame), source_files=export.sources)
    expressions = {"__filter": mapping.filter} if mapping.filter else {}
    for rule in mapping.tables:
        if rule.where:
            expressions[f"__where.{rule.table.name}"] = rule.where
        expressions |= {f"{rule.table.name}.{c.name}": c.expr for c in rule.columns if c.expr}
    computed = evaluate(mapping, frame, expressions)
    for key in (k for k in computed.columns if k.startswith("__")):
        if not (pd.api.types.is_bool_dtype(computed[key]) or computed[key].isna().all()):
            setting = "source.filter" if key == "__filter" else f"tables.{key.removeprefix('__where.')}.where"
            raise MappingError(
                f"{mapping.path.name}: {setting}: {expressions[key]!r} is not a condition "
                f"(it gives {computed[key].dtype} values); write e.g. \"Agency = 'PD'\""
            )
    keep = _truthy(computed["__filter"]) if mapping.filter else pd.Series(True, index=frame.index)

    quarantines = []
    for rule in mapping.tables:
        name = rule.table.name
        rows = keep & (_truthy(computed[f"__where.{name}"]) if rule.where else True)
        result.filtered[name] = int((~rows).sum())
        table, quarantine = _map_table(mapping, rule, export, computed, rows, result)
        result.tables[name] = table
        if len(quarantine):
            quarantines.append(quarantine)
    if quarantines:
        q = pd.concat(quarantines, ignore_index=True)
        q.insert(0, "mapping", mapping.name)
        result.quarantine = q[QUARANTINE_COLUMNS]
    return result


def _truthy(values: pd.Series) -> pd.Series:
    return values.map(lambda v: v is True or v is np.True_).astype(bool)


def _map_table(
    mapping: Mapping, rule: TableRule, export: Export, computed: pd.DataFrame, rows: pd.Series, result: MappingResult
) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = export.frame[rows]
    computed = computed[rows]
    reasons = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    out: dict[str, pd.Series] = {}
    for col in rule.columns:
        if col.same_as:
            continue
        source = computed[f"{rule.table.name}.{col.name}"] if col.expr else None
        values, bad = _column(mapping, rule, col, frame, source, export, result)
        out[col.name] = values
        reasons = _add(reasons, bad)
    for col in rule.columns:
        if col.same_as:
            out[col.name] = out[col.same_as]
    table = pd.DataFrame({c.name: out[c.name] for c in rule.columns}, index=frame.index)
    for col in rule.columns:
        if not col.nullable:
            missing = table[col.name].isna() & (reasons == "")
            if col.expr:
                shown = pd.Series(f"expr {col.expr} gave null", index=frame.index)
            else:
                shown = _quote(frame[col.source] if col.source else pd.Series(None, index=frame.index))
            reasons = _add(
                reasons,
                pd.Series(
                    np.where(missing, f"{col.name}: required value is missing (" + shown + ")", None), index=frame.index
                ),
            )

    keys = list(rule.table.primary_key)
    if rule.distinct:
        # A derived code table: rows without a key simply contribute no code.
        has_key = table[keys].notna().all(axis=1)
        reasons = reasons.where(has_key, "")
        table = table[has_key]
    bad = reasons != ""
    good = table[~bad[table.index]]
    quarantine = _quarantine_rows(mapping, rule, export, reasons[bad])

    if rule.repeated and not good.empty:
        result.merge_conflicts[rule.table.name] = _merge_conflicts(rule, good)
    good, superseded = _dedupe(rule, good, export)
    if rule.repeated:
        result.merged[rule.table.name] = len(superseded)
    elif len(superseded) and not rule.distinct:
        quarantine = pd.concat([quarantine, _quarantine_rows(mapping, rule, export, superseded)], ignore_index=True)
    return good.reset_index(drop=True), quarantine


def _merge_conflicts(rule: TableRule, good: pd.DataFrame) -> dict[str, int]:
    """Per column, how many keys' repeated lines disagree (the latest line's value is the one kept)."""
    keys = list(rule.table.primary_key)
    others = [c for c in good.columns if c not in keys and c != rule.table.cursor]
    if not others:
        return {}
    groups = good.astype({c: object for c in others}).groupby(keys, dropna=False)[others]
    differing = groups.nunique(dropna=False).gt(1).sum()
    return {c: int(n) for c, n in differing.items() if n}


def _column(
    mapping: Mapping,
    rule: TableRule,
    col: ColumnRule,
    frame: pd.DataFrame,
    computed: pd.Series | None,
    export: Export,
    result: MappingResult,
) -> tuple[pd.Series, pd.Series]:
    """(values, reasons) for one contract column; reasons is None where the value is fine."""
    index = frame.index
    no_reason = pd.Series([None] * len(frame), index=index, dtype=object)
    if col.has_value:
        values = pd.Series([col.value] * len(frame), index=index, dtype=object)
        return _typed(col, values, values, no_reason.copy(), rule, export)
    if col.surrogate_key:
        return _surrogate(mapping, col, frame), no_reason.copy()
    if col.reproject is not None:
        r = col.reproject
        lat, lon, unparseable = reproject(_clean(mapping, col, frame[r.x]), _clean(mapping, col, frame[r.y]), r.crs)
        reasons = no_reason.where(
            ~unparseable,
            f"{col.name}: {r.x}/{r.y} " + _quote(frame[r.x]) + "/" + _quote(frame[r.y]) + " are not numbers",
        )
        return (lat if r.take == "latitude" else lon).astype("Float64"), reasons

    raw = computed if computed is not None else frame[col.source]
    values = _clean(mapping, col, raw)
    reasons = no_reason.copy()

    if col.pattern is not None:

        def derive(v):
            if v is None:
                return None
            m = col.pattern.search(str(v))
            if not m:
                return _NoMatch
            if col.template is None:
                return v
            try:
                return _TEMPLATES.format(col.template, **m.groupdict())
            except ValueError:
                return _NoMatch

        derived = values.astype(object).map(derive).astype(object)
        nomatch = derived.map(lambda v: v is _NoMatch).astype(bool)
        reasons = reasons.where(
            ~nomatch, f"{col.name}: {col.origin} " + _quote(raw) + f" does not match pattern {col.pattern.pattern}"
        )
        values = _obj(derived.where(~nomatch, None))

    if col.block:
        values = _obj(values.map(lambda v: None if v is None else block_address(str(v))).astype(object))

    if col.has_code_rules:
        translated = values.astype(object).map(lambda v: _translate(col, v)).astype(object)
        known = translated.map(lambda v: v is not _NoMatch).astype(bool)
        translated = _obj(translated.where(known, None))
        if col.has_otherwise:
            values = _obj(translated.where(known & values.notna(), col.otherwise))
        elif col.pass_through:
            unknown = values.notna() & ~known
            if unknown.any():
                result.passed_through[f"{rule.table.name}.{col.name}"] = Counter(values[unknown].map(str))
            values = _obj(translated.where(known, values))
        else:
            unmapped = values.notna() & ~known
            reasons = reasons.where(
                ~unmapped | reasons.notna(), f"{col.name}: {col.origin} " + _quote(raw) + " has no code translation"
            )
            values = translated
    return _typed(col, values, raw, reasons, rule, export)


def _clean(mapping: Mapping, col: ColumnRule, raw: pd.Series) -> pd.Series:
    values = _obj(raw)
    if pd.api.types.is_string_dtype(raw.dtype) or raw.dtype == object:
        values = _obj(values.map(lambda v: v.strip() if isinstance(v, str) else v))
        tokens = set(mapping.null_tokens) | set(col.null_tokens)
        values = values.where(~values.isin(tokens), None)
    return values


def _translate(col: ColumnRule, value):
    """Exact code, then the longest matching prefix, then the first matching pattern."""
    if value is None:
        return None
    text = str(value)
    if col.codes is not None and text in col.codes:
        return col.codes[text]
    if col.code_prefixes:
        for prefix in sorted(col.code_prefixes, key=len, reverse=True):
            if text.startswith(prefix):
                return col.code_prefixes[prefix]
    for regex, target in col.code_patterns:
        if regex.search(text):
            return target
    return _NoMatch


def _surrogate(mapping: Mapping, col: ColumnRule, frame: pd.DataFrame) -> pd.Series:
    """A stable id from the named columns: the same line gets the same id in every export."""
    parts = [_clean(mapping, col, frame[c]).map(lambda v: "" if v is None else str(v)) for c in col.surrogate_key]
    joined = parts[0]
    for p in parts[1:]:
        joined = joined + "\x1f" + p  # a separator no export text contains: ("1","23") != ("12","3")
    digests = joined.map(lambda t: hashlib.blake2b(t.encode(), digest_size=8).digest())
    if col.logical_type == "integer":
        # 63 bits: a positive BIGINT on every warehouse
        return digests.map(lambda d: int.from_bytes(d, "big") >> 1).astype("Int64")
    return _obj(digests.map(lambda d: d.hex()).astype(object))


class _Templates(string.Formatter):
    """Python format syntax plus `letter_month`: a month letter (A = January ... L = December) as 01..12."""

    def format_field(self, value, format_spec):
        if format_spec == "letter_month":
            letter = str(value).upper()
            if len(letter) != 1 or letter not in MONTH_LETTERS:
                raise ValueError(f"{value!r} is not a month letter A-L")
            return f"{MONTH_LETTERS.index(letter) + 1:02d}"
        return super().format_field(value, format_spec)


_TEMPLATES = _Templates()


class _NoMatchType:
    pass


_NoMatch = _NoMatchType()


def _typed(
    col: ColumnRule, values: pd.Series, raw: pd.Series, reasons: pd.Series, rule: TableRule, export: Export
) -> tuple[pd.Series, pd.Series]:
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
        # Every value failing says the format is wrong; one odd value in a sparse column does not.
        if bad.any() and bad.sum() == present.sum() and (bad.sum() >= 2 or present.all()):
            _wrong_format(rule, col, raw, bad, export)
        reasons = reasons.where(
            ~dst | reasons.notna(),
            f"{col.name}: "
            + _quote(raw)
            + f" is a local time skipped or repeated by a DST change in {col.timestamp.timezone}",
        )
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
    if fmt in EPOCH_FORMATS:
        numbers = pd.to_numeric(values.where(present, None), errors="coerce")
        stamps = pd.to_datetime(numbers, unit=EPOCH_FORMATS[fmt], errors="coerce")
        return _naive_us(stamps), present & stamps.isna(), no
    if pd.api.types.is_datetime64_any_dtype(values.infer_objects().dtype):
        stamps = pd.to_datetime(values.infer_objects())
    else:
        stamps = pd.to_datetime(values.where(present, None), format=fmt, errors="coerce", utc=rule.zone == "offset")
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
        # An instant (a database TIMESTAMPTZ, an expression's to_timestamp): no wall clock to interpret.
        return _naive_us(stamps.dt.tz_convert("UTC")), bad, no
    if rule.zone == "utc":
        return _naive_us(stamps), bad, no
    instants, dst = _localize(stamps, rule, present & ~bad)
    return _naive_us(instants), bad, dst


def _wrong_format(rule: TableRule, col: ColumnRule, raw: pd.Series, bad: pd.Series, export: Export) -> None:
    """No value of the column parses: the format is wrong, not the rows; quarantining all would hide that."""
    first = bad[bad].index[0]
    value = raw.loc[first]
    shown = repr(value.isoformat() if hasattr(value, "isoformat") else value)
    setting = f"tables.{rule.table.name}.columns.{col.name}.timestamp.format"
    raise BadExport(
        f"{export.files.loc[first]} line {export.lines.loc[first]}, column {col.origin!r}: {shown} does not "
        f"match the timestamp format {col.timestamp.format!r} ({rule.table.name}.{col.name}), and neither "
        f"does any other value of that column; set {setting} in {export.mapping_file or 'the mapping'} to "
        f"the export's format (strftime codes such as %m/%d/%Y %H:%M, or ISO8601, epoch_seconds, "
        f"epoch_milliseconds)"
    )


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


def _dedupe(rule: TableRule, good: pd.DataFrame, export: Export) -> tuple[pd.DataFrame, pd.Series]:
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
        w = winner[key]
        where = "" if len(export.sources) == 1 else f" of {export.files.loc[w]}"
        reasons[index] = f"duplicate {', '.join(keys)} {shown}: superseded by source row {export.rows.loc[w]}{where}"
    return kept.sort_index(), pd.Series(reasons, dtype=object)


def _quarantine_rows(mapping: Mapping, rule: TableRule, export: Export, reasons: pd.Series) -> pd.DataFrame:
    if reasons.empty:
        return pd.DataFrame(columns=QUARANTINE_COLUMNS[1:])
    rows = export.frame.loc[reasons.index]
    records = [
        json.dumps({str(k): _jsonable(v) for k, v in rec.items()}, ensure_ascii=False)
        for rec in rows.to_dict("records")
    ]
    return pd.DataFrame(
        {
            "source_file": export.files.loc[reasons.index].values,
            "source_row": export.rows.loc[reasons.index].values.astype("int64"),  # 1-based data row of its file
            "record_id": rows[mapping.record_id].astype(str).values if mapping.record_id else None,
            "target_table": rule.table.name,
            "reason": reasons.values,
            "record": records,
        }
    )


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
