"""The declarative vendor-export mapping (`cities/<name>/<mapping>.yml`), parsed and validated up front.

A mapping says, for every column of every contract table it fills, where the value comes from
and how it is cleaned. See docs/ingestion.md for the full reference; in short, a column rule has
exactly one origin:

    from: <export column>            value read from the export
    expr: <DuckDB SQL expression>    computed from the row's columns (several columns, epochs, ...)
    value: <constant>                the same value for every row (null allowed)
    same_as: <contract column>       a copy of another column of the same table, after its rules
    surrogate_key: [<columns>]       a stable id hashed from export columns (exports without ids)
    reproject: {x, y, crs, take}     latitude/longitude from projected (e.g. State Plane) x/y

and optional steps applied in this order to the value:

    null_tokens: [..]                extra strings meaning "missing" (added to source.null_tokens)
    pattern: <regex with groups>     must match, else the row is quarantined;
    template: "{g1}-{g2:0>7}"        ... and the named groups are re-assembled (derived field)
    block: true                      "2917 MAIN ST" -> "2900 BLOCK MAIN ST"
    codes / code_prefixes / code_patterns: <name in `codes:`> | {source value: contract value}
    otherwise: <value> | pass_through: true    for values no code rule matches (else quarantined)
    timestamp: {format, zone, timezone, repair, dst_gap, dst_overlap}
    date: {format}
    boolean: {true: [..], false: [..]}

Errors name the mapping file and the offending key, so a city's data person can fix the YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from orchestration.contract import ContractError, System, Table, get_system
from orchestration.paths import PROJECT_ROOT

ZONES = ("offset", "local", "utc")
EPOCH_FORMATS = {"epoch_seconds": "s", "epoch_milliseconds": "ms"}
FORMATS = ("csv", "xlsx", "parquet", "sql")
DEFAULT_MAX_QUARANTINE_SHARE = 0.2
REPAIRS = ("doubled_conversion",)
DST_GAP = ("quarantine", "shift_forward")
DST_OVERLAP = ("quarantine", "earliest", "latest")
DEFAULT_TRUE = ("1", "true", "t", "yes", "y")
DEFAULT_FALSE = ("0", "false", "f", "no", "n")
_MISSING = object()
ORIGINS = ("from", "expr", "value", "same_as", "surrogate_key", "reproject")


class MappingError(ContractError):
    """The mapping file itself is wrong (unknown table/column, bad option)."""


class BadExport(MappingError):
    """The export (not the mapping) cannot be loaded: its file, line and column are in the message."""


@dataclass(frozen=True)
class TimestampRule:
    format: str = "ISO8601"  # strftime pattern, or ISO8601
    zone: str = "local"  # what the text's clock reads: its own offset, local time, or UTC
    timezone: str = ""  # IANA zone of local wall-clock readings (mapping default)
    repair: str | None = None  # doubled_conversion: see docs/ingestion.md
    dst_gap: str = "quarantine"  # local times skipped by the spring-forward change
    dst_overlap: str = "quarantine"  # local times repeated by the fall-back change


@dataclass(frozen=True)
class ColumnRule:
    name: str
    logical_type: str
    nullable: bool
    source: str | None = None
    expr: str | None = None
    value: Any = _MISSING
    same_as: str | None = None
    surrogate_key: tuple[str, ...] = ()
    reproject: Reprojection | None = None
    null_tokens: tuple[str, ...] = ()
    pattern: re.Pattern | None = None
    template: str | None = None
    block: bool = False
    codes: dict | None = None
    code_prefixes: dict | None = None
    code_patterns: tuple[tuple[re.Pattern, Any], ...] = ()
    otherwise: Any = _MISSING
    pass_through: bool = False
    timestamp: TimestampRule | None = None
    date_format: str = "ISO8601"
    true_tokens: tuple[str, ...] = DEFAULT_TRUE
    false_tokens: tuple[str, ...] = DEFAULT_FALSE

    @property
    def has_value(self) -> bool:
        return self.value is not _MISSING

    @property
    def has_code_rules(self) -> bool:
        return self.codes is not None or self.code_prefixes is not None or bool(self.code_patterns)

    @property
    def origin(self) -> str:
        """How the value is named in quarantine reasons: the export column or the expression."""
        if self.source:
            return self.source
        if self.expr:
            return f"expr {self.expr}"
        return self.name

    @property
    def has_otherwise(self) -> bool:
        return self.otherwise is not _MISSING


@dataclass(frozen=True)
class Reprojection:
    x: str
    y: str
    crs: str
    take: str  # latitude | longitude


@dataclass(frozen=True)
class TableRule:
    table: Table
    columns: tuple[ColumnRule, ...]
    # distinct: a code table derived from the export (one row per key, the latest cursor wins;
    # rows without a key are skipped there - they are still accounted for in the row tables).
    distinct: bool = False
    # repeated: the export repeats this table's row on several lines (one line per responding
    # unit): lines with the same key are one row, the latest cursor wins, the others are merged.
    repeated: bool = False
    where: str | None = None  # DuckDB condition: rows for which it is not true belong elsewhere


@dataclass(frozen=True)
class Mapping:
    name: str
    path: Path
    system: System
    format: str
    source_paths: tuple[str, ...]
    null_tokens: tuple[str, ...]
    record_id: str | None
    timezone: str
    tables: tuple[TableRule, ...] = field(default_factory=tuple)
    csv_options: dict = field(default_factory=dict)
    encoding: str = "utf-8"
    filter: str | None = None
    max_quarantine_share: float = DEFAULT_MAX_QUARANTINE_SHARE
    url: str | None = None  # format sql: a SQLAlchemy URL
    query: str | None = None  # format sql: the table/view (as a SELECT) or query to read
    sheet: str | int | None = None  # format xlsx: sheet name or 0-based position (default: the first)

    @property
    def source_path(self) -> Path | None:
        """The single export file, when source.path names one (the sensor watches it)."""
        if len(self.source_paths) == 1 and not any(ch in self.source_paths[0] for ch in "*?["):
            return Path(self.source_paths[0])
        return None

    @property
    def source_columns(self) -> set[str]:
        cols = set()
        for t in self.tables:
            for c in t.columns:
                cols |= {c.source} if c.source else set()
                cols |= set(c.surrogate_key)
                cols |= {c.reproject.x, c.reproject.y} if c.reproject else set()
        return cols | ({self.record_id} if self.record_id else set())

    @property
    def has_expressions(self) -> bool:
        return bool(self.filter) or any(t.where or any(c.expr for c in t.columns) for t in self.tables)


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    if not path.is_absolute():
        path = (Path.cwd() / path) if (Path.cwd() / path).exists() else PROJECT_ROOT / path
    if not path.is_file():
        raise MappingError(f"mapping file {path} does not exist")
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from None
    return _parse(doc, path)


def _parse(doc: Any, path: Path) -> Mapping:
    where = path.name
    if not isinstance(doc, dict):
        raise MappingError(f"{where}: expected a mapping document with name, system, source, tables")
    _only(doc, {"name", "description", "system", "source", "timezone", "codes", "tables"}, where)
    try:
        system = get_system(_req(doc, "system", where))
    except ContractError as exc:
        raise MappingError(f"{where}: system: {exc}") from None
    timezone = _mapping_timezone(doc, path, where)
    _check_zone(timezone, f"{where}: timezone")
    source = _req(doc, "source", where)
    _only(
        source,
        {
            "format",
            "path",
            "null_tokens",
            "record_id",
            "csv",
            "encoding",
            "filter",
            "max_quarantine_share",
            "url",
            "table",
            "query",
            "sheet",
        },
        f"{where}: source",
    )
    fmt = source.get("format", "csv")
    if fmt not in FORMATS:
        raise MappingError(f"{where}: source.format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    paths = source.get("path") or []
    paths = [paths] if isinstance(paths, str) else list(paths)
    url, query = source.get("url"), source.get("query")
    if fmt == "sql":
        if not url:
            raise MappingError(f"{where}: source.format sql needs source.url (a SQLAlchemy URL)")
        if ("table" in source) == ("query" in source):
            raise MappingError(f"{where}: source.format sql needs exactly one of source.table / source.query")
        if "table" in source:
            query = "SELECT * FROM " + ".".join(f'"{p}"' for p in str(source["table"]).split("."))
    elif url or "table" in source or query:
        raise MappingError(f"{where}: source.url/table/query only apply to source.format sql")
    if "sheet" in source and fmt != "xlsx":
        raise MappingError(f"{where}: source.sheet only applies to source.format xlsx")
    csv_options = dict(source.get("csv") or {})
    _only(csv_options, {"sep", "quotechar"}, f"{where}: source.csv")
    share = source.get("max_quarantine_share", DEFAULT_MAX_QUARANTINE_SHARE)
    if not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise MappingError(f"{where}: source.max_quarantine_share must be a share between 0 and 1, not {share!r}")
    encoding = str(source.get("encoding", "utf-8"))
    try:
        "".encode(encoding)
    except LookupError:
        raise MappingError(
            f"{where}: source.encoding {encoding!r} is not a known encoding (e.g. utf-8, cp1252, latin-1)"
        ) from None
    codes = doc.get("codes") or {}
    if not isinstance(codes, dict) or not all(isinstance(v, dict) for v in codes.values()):
        raise MappingError(f"{where}: codes must map a name to a {{source value: contract value}} table")
    tables_doc = _req(doc, "tables", where)
    if not isinstance(tables_doc, dict) or not tables_doc:
        raise MappingError(f"{where}: tables must map contract table names to rules")
    tables = []
    for table_name, tdoc in tables_doc.items():
        try:
            table = system.table(table_name)
        except KeyError:
            raise MappingError(
                f"{where}: tables.{table_name}: the {system.name} contract has no such table "
                f"(have {', '.join(t.name for t in system.tables)})"
            ) from None
        tables.append(_parse_table(table, tdoc or {}, codes, timezone, f"{where}: tables.{table_name}"))
    return Mapping(
        name=_mapping_name(_req(doc, "name", where), where),
        path=path,
        system=system,
        format=fmt,
        source_paths=tuple(str(_resolve_source(p)) for p in paths),
        null_tokens=tuple(str(t) for t in source.get("null_tokens", [""])),
        record_id=source.get("record_id"),
        timezone=timezone,
        tables=tuple(tables),
        csv_options=csv_options,
        encoding=encoding,
        filter=source.get("filter"),
        max_quarantine_share=float(share),
        url=url,
        query=query,
        sheet=source.get("sheet"),
    )


def _mapping_timezone(doc: dict, path: Path | None, where: str) -> str:
    """A mapping in a city profile folder takes the profile's time zone (stated once, in city.yml)."""
    city = path.parent / "city.yml" if path is not None else None
    if city is None or not city.exists():
        return _req(doc, "timezone", where)
    city_zone = (yaml.safe_load(city.read_text()) or {}).get("timezone")
    if doc.get("timezone") and doc["timezone"] != city_zone:
        raise MappingError(
            f"{where}: timezone {doc['timezone']!r} disagrees with {city}'s {city_zone!r}; "
            f"state the zone once, in city.yml"
        )
    return city_zone or _req(doc, "timezone", where)


def _parse_table(table: Table, tdoc: dict, codes: dict, timezone: str, where: str) -> TableRule:
    _only(tdoc, {"distinct", "repeated", "where", "columns"}, where)
    cols_doc = tdoc.get("columns") or {}
    unknown = set(cols_doc) - set(table.column_names)
    if unknown:
        raise MappingError(f"{where}.columns: {table.name} has no columns {sorted(unknown)}")
    missing = [c for c in table.column_names if c not in cols_doc]
    if missing:
        raise MappingError(
            f"{where}.columns: no rule for {missing}; every contract column needs one "
            f"(use `value: null` for a nullable column the export lacks)"
        )
    rules = [
        _parse_column(table, table.column(name), cols_doc[name], codes, timezone, f"{where}.columns.{name}")
        for name in table.column_names
    ]
    for rule in rules:
        if rule.same_as and rule.same_as not in table.column_names:
            raise MappingError(f"{where}.columns.{rule.name}: same_as names unknown column {rule.same_as!r}")
        if rule.same_as and next(r for r in rules if r.name == rule.same_as).same_as:
            raise MappingError(f"{where}.columns.{rule.name}: same_as must name a column with its own origin")
    if tdoc.get("distinct") and tdoc.get("repeated"):
        raise MappingError(f"{where}: distinct already keeps one row per key; drop repeated")
    return TableRule(
        table, tuple(rules), bool(tdoc.get("distinct", False)), bool(tdoc.get("repeated", False)), tdoc.get("where")
    )


def _parse_column(table: Table, col, cdoc: Any, codes: dict, timezone: str, where: str) -> ColumnRule:
    if not isinstance(cdoc, dict):
        raise MappingError(f"{where}: expected a rule like {{from: <export column>}}")
    _only(
        cdoc,
        {
            "from",
            "expr",
            "value",
            "same_as",
            "surrogate_key",
            "reproject",
            "null_tokens",
            "pattern",
            "template",
            "block",
            "codes",
            "code_prefixes",
            "code_patterns",
            "otherwise",
            "pass_through",
            "timestamp",
            "date",
            "boolean",
        },
        where,
    )
    origins = [k for k in ORIGINS if k in cdoc]
    if len(origins) != 1:
        raise MappingError(f"{where}: give exactly one of {' / '.join(ORIGINS)} (got {origins or 'none'})")
    kwargs: dict[str, Any] = {
        "name": col.name,
        "logical_type": col.type,
        "nullable": col.nullable and col.name not in table.primary_key,
    }
    if "from" in cdoc:
        kwargs["source"] = str(cdoc["from"])
    if "value" in cdoc:
        kwargs["value"] = cdoc["value"]
    if "same_as" in cdoc:
        kwargs["same_as"] = cdoc["same_as"]
    if "expr" in cdoc:
        kwargs["expr"] = str(cdoc["expr"])
    if "surrogate_key" in cdoc:
        cols = cdoc["surrogate_key"]
        if not isinstance(cols, list) or not cols:
            raise MappingError(f"{where}.surrogate_key: expected a list of export columns")
        if col.type not in ("integer", "string"):
            raise MappingError(f"{where}.surrogate_key: only fills integer or string columns, not {col.type}")
        kwargs["surrogate_key"] = tuple(str(c) for c in cols)
    if "reproject" in cdoc:
        kwargs["reproject"] = _parse_reprojection(cdoc["reproject"], col, f"{where}.reproject")
    if "null_tokens" in cdoc:
        kwargs["null_tokens"] = tuple(str(t) for t in cdoc["null_tokens"])
    if "pattern" in cdoc:
        try:
            kwargs["pattern"] = re.compile(cdoc["pattern"])
        except re.error as exc:
            raise MappingError(f"{where}.pattern: invalid regular expression: {exc}") from None
        kwargs["template"] = str(cdoc["template"]) if "template" in cdoc else None
        names = set(kwargs["pattern"].groupindex)
        used = set(re.findall(r"{(\w+)", kwargs["template"] or ""))
        if used - names:
            raise MappingError(f"{where}.template: uses groups {sorted(used - names)} the pattern does not define")
    elif "template" in cdoc:
        raise MappingError(f"{where}: template needs a pattern")
    if "block" in cdoc:
        if col.type != "string":
            raise MappingError(f"{where}: block generalizes street addresses (string columns), not {col.type}")
        kwargs["block"] = bool(cdoc["block"])
    for key in ("codes", "code_prefixes", "code_patterns"):
        if key not in cdoc:
            continue
        table_codes = cdoc[key]
        if isinstance(table_codes, str):
            if table_codes not in codes:
                raise MappingError(f"{where}.{key}: no code table named {table_codes!r} under `codes:`")
            table_codes = codes[table_codes]
        if not isinstance(table_codes, dict):
            raise MappingError(f"{where}.{key}: expected a code table name or {{source: contract}} pairs")
        if key == "code_patterns":
            compiled = []
            for regex, target in table_codes.items():
                try:
                    compiled.append((re.compile(str(regex)), target))
                except re.error as exc:
                    raise MappingError(f"{where}.code_patterns: {regex!r} is not a regular expression: {exc}") from None
            kwargs[key] = tuple(compiled)
        else:
            kwargs[key] = {str(k): v for k, v in table_codes.items()}
    has_codes = any(k in cdoc for k in ("codes", "code_prefixes", "code_patterns"))
    if "otherwise" in cdoc:
        if not has_codes:
            raise MappingError(f"{where}: otherwise only applies with codes / code_prefixes / code_patterns")
        kwargs["otherwise"] = cdoc["otherwise"]
    if cdoc.get("pass_through"):
        if not has_codes:
            raise MappingError(f"{where}: pass_through only applies with codes / code_prefixes / code_patterns")
        if "otherwise" in cdoc:
            raise MappingError(f"{where}: give otherwise or pass_through, not both")
        kwargs["pass_through"] = True
    if "timestamp" in cdoc:
        if col.type != "timestamp":
            raise MappingError(f"{where}: timestamp rules on a {col.type} column")
        kwargs["timestamp"] = _parse_timestamp(cdoc["timestamp"] or {}, timezone, f"{where}.timestamp")
    elif col.type == "timestamp":
        kwargs["timestamp"] = TimestampRule(timezone=timezone)
    if "date" in cdoc:
        if col.type != "date":
            raise MappingError(f"{where}: date rules on a {col.type} column")
        kwargs["date_format"] = str((cdoc["date"] or {}).get("format", "ISO8601"))
    if "boolean" in cdoc:
        if col.type != "boolean":
            raise MappingError(f"{where}: boolean rules on a {col.type} column")
        # YAML reads an unquoted `true:` key as the boolean True.
        bdoc = {str(k).lower(): v for k, v in (cdoc["boolean"] or {}).items()}
        _only(bdoc, {"true", "false"}, f"{where}.boolean")
        kwargs["true_tokens"] = tuple(str(t).lower() for t in bdoc.get("true", DEFAULT_TRUE))
        kwargs["false_tokens"] = tuple(str(t).lower() for t in bdoc.get("false", DEFAULT_FALSE))
    return ColumnRule(**kwargs)


def _parse_reprojection(rdoc: Any, col, where: str) -> Reprojection:
    _only(rdoc, {"x", "y", "crs", "take"}, where)
    take = rdoc.get("take", col.name if col.name in ("latitude", "longitude") else None)
    if take not in ("latitude", "longitude"):
        raise MappingError(f"{where}.take: say which coordinate this column gets: latitude or longitude")
    if col.type != "float":
        raise MappingError(f"{where}: reprojection fills float columns, not {col.type}")
    for key in ("x", "y", "crs"):
        _req(rdoc, key, where)
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(rdoc["crs"])
    except CRSError:
        raise MappingError(
            f"{where}.crs: {rdoc['crs']!r} is not a coordinate reference system "
            f"(e.g. EPSG:2264 for North Carolina State Plane, US feet)"
        ) from None
    return Reprojection(str(rdoc["x"]), str(rdoc["y"]), str(rdoc["crs"]), take)


def _parse_timestamp(tdoc: dict, timezone: str, where: str) -> TimestampRule:
    _only(tdoc, {"format", "zone", "timezone", "repair", "dst_gap", "dst_overlap"}, where)
    fmt = str(tdoc.get("format", "ISO8601"))
    if fmt in EPOCH_FORMATS:
        if tdoc.get("zone", "utc") != "utc":
            raise MappingError(f"{where}.zone: {fmt} counts from 1970-01-01 UTC, so zone must be utc")
        tdoc = {**tdoc, "zone": "utc"}
    rule = TimestampRule(
        format=fmt,
        zone=tdoc.get("zone", "local"),
        timezone=tdoc.get("timezone", timezone),
        repair=tdoc.get("repair"),
        dst_gap=tdoc.get("dst_gap", "quarantine"),
        dst_overlap=tdoc.get("dst_overlap", "quarantine"),
    )
    for key, allowed in (("zone", ZONES), ("dst_gap", DST_GAP), ("dst_overlap", DST_OVERLAP)):
        if getattr(rule, key) not in allowed:
            raise MappingError(f"{where}.{key}: {getattr(rule, key)!r} is not one of {', '.join(allowed)}")
    if rule.repair is not None and rule.repair not in REPAIRS:
        raise MappingError(f"{where}.repair: {rule.repair!r} is not one of {', '.join(REPAIRS)}")
    if rule.repair == "doubled_conversion" and rule.zone != "offset":
        raise MappingError(f"{where}: repair doubled_conversion applies to values with an offset (zone: offset)")
    _check_zone(rule.timezone, f"{where}.timezone")
    return rule


def _resolve_source(text: str) -> Path:
    p = Path(text).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()


def _check_zone(name: str, where: str) -> None:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{where}: {name!r} is not an IANA time zone (e.g. America/New_York)") from None


_MAPPING_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def _mapping_name(name: Any, where: str) -> str:
    """The mapping's name names its staging file (build/sources/vendor/<name>.sqlite), so it may
    hold no path separator, dot or anything else that could lead the file outside build/."""
    if not isinstance(name, str) or not _MAPPING_NAME.fullmatch(name):
        raise MappingError(
            f"{where}: name {name!r} must be 1-64 letters, digits, '_' or '-', starting with "
            "a letter or digit (it names the staging file under build/sources/vendor/)"
        )
    return name


def _req(doc: dict, key: str, where: str):
    if not isinstance(doc, dict) or key not in doc:
        raise MappingError(f"{where}: missing required key {key!r}")
    return doc[key]


def _only(doc: Any, allowed: set[str], where: str) -> None:
    if not isinstance(doc, dict):
        raise MappingError(f"{where}: expected a mapping of keys, got {type(doc).__name__}")
    unknown = set(doc) - allowed
    if unknown:
        raise MappingError(f"{where}: unknown keys {sorted(unknown)} (allowed: {', '.join(sorted(allowed))})")
