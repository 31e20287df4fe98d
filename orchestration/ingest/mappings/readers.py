"""Reading an export (CSV, spreadsheet or Parquet files, or a database table/query) into one frame.

Every row keeps where it came from (file and line), so a quarantine reason or a bad-file error
can send the city's data person to the exact spot. Problems with the file itself (encoding,
empty file, ragged rows) stop the load before anything is mapped: a half-read export would
look like deletions and corrections that never happened.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from orchestration.ingest.mappings.spec import BadExport, Mapping, MappingError


@dataclass
class Export:
    """The rows of one export; `files`, `lines` and `rows` say where each row was read."""

    frame: pd.DataFrame
    files: pd.Series  # file (or table) name per row
    lines: pd.Series  # first file line of the row (CSV), else the row number
    rows: pd.Series  # 1-based data row within its file
    sources: tuple[str, ...]
    mapping_file: str = ""

    @property
    def label(self) -> str:
        return ", ".join(Path(s).name for s in self.sources)


def read_export(mapping: Mapping, paths: str | Path | list | tuple | None = None) -> Export:
    """Read the export named by `paths` (default: the mapping's source) with every mapped column present."""
    if mapping.format == "sql":
        export = _read_sql(mapping)
    else:
        files = _export_files(mapping, paths)
        reader = {"csv": _read_csv, "xlsx": _read_xlsx, "parquet": lambda _, f: _read_parquet(f)}[mapping.format]
        parts = [reader(mapping, f) for f in files]
        export = _concat(parts, tuple(str(f) for f in files))
    missing = sorted(mapping.source_columns - set(export.frame.columns))
    if missing:
        raise MappingError(
            f"{mapping.path.name}: export {export.label} lacks columns {missing} "
            f"(it has {', '.join(map(str, export.frame.columns))})"
        )
    export.mapping_file = mapping.path.name
    return export


def export_state(mapping: Mapping, paths=None) -> dict:
    """What changes when the export does (for the sensor): file sizes and times, or the query's row count."""
    if mapping.format == "sql":
        from orchestration.ingest.source import source_engine

        engine = source_engine(mapping.url)
        try:
            with engine.connect() as conn:
                count = conn.execute(sa.text(f"SELECT count(*) FROM ({mapping.query}) AS export")).scalar_one()
        finally:
            engine.dispose()
        return {"query": mapping.query, "rows": count}
    return {str(f): [f.stat().st_size, f.stat().st_mtime_ns] for f in _export_files(mapping, paths)}


def _export_files(mapping: Mapping, paths) -> list[Path]:
    if paths is None or paths == []:
        patterns = list(mapping.source_paths)
    elif isinstance(paths, (list, tuple)):
        patterns = [str(p) for p in paths]
    else:
        patterns = [str(paths)]
    if not patterns:
        raise MappingError(f"{mapping.path.name}: no export file given and source.path is not set")
    files: list[Path] = []
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            matched = sorted(glob.glob(pattern))
            if not matched:
                raise MappingError(f"{mapping.path.name}: no export file matches {pattern}")
            files += [Path(m) for m in matched]
        else:
            path = Path(pattern)
            if not path.is_file():
                raise MappingError(f"{mapping.path.name}: export file {path} does not exist")
            files.append(path)
    return files


def _read_csv(mapping: Mapping, path: Path) -> Export:
    data = path.read_bytes()
    if not data.strip():
        raise BadExport(
            f"{path}: the export is empty ({len(data)} bytes, no header): the CAD export job "
            f"probably failed; re-export it before loading"
        )
    encoding = mapping.encoding
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark that is not part of the header.
        text = data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BadExport(
            f"{path} line {line}, character {column}: byte 0x{data[exc.start]:02x} is not valid {encoding}; "
            f"the file was probably saved as Windows-1252/Latin-1: set encoding: cp1252 under source: "
            f"in {mapping.path.name} (or re-export as UTF-8)"
        ) from None
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=str(mapping.csv_options.get("sep", ",")),
        quotechar=str(mapping.csv_options.get("quotechar", '"')),
        strict=True,
    )
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise BadExport(f"{path} line 1: no header row; the export must start with its column names")
        header = [h.strip() for h in header]
        repeated = sorted({h for h in header if header.count(h) > 1})
        if repeated:
            raise BadExport(
                f"{path} line 1: column names {repeated} appear more than once; rename them in the "
                f"export so each mapping rule reads one column"
            )
        rows, lines = [], []
        start = reader.line_num + 1
        for fields in reader:
            if not fields:  # a blank line carries no row
                start = reader.line_num + 1
                continue
            if len(fields) != len(header):
                raise BadExport(_ragged(path, start, header, fields, mapping))
            rows.append(fields)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise BadExport(
            f"{path} line {reader.line_num}: {exc}; check the quoting (source.csv.quotechar) "
            f"and delimiter (source.csv.sep) in {mapping.path.name}"
        ) from None
    if not rows:
        raise BadExport(
            f"{path}: the export has a header but no data rows; the CAD export job probably "
            f"failed or its date range was empty; re-export it before loading"
        )
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    n = len(frame)
    return Export(
        frame,
        pd.Series([path.name] * n, dtype=object),
        pd.Series(lines, dtype="int64"),
        pd.Series(range(1, n + 1), dtype="int64"),
        (str(path),),
    )


def _ragged(path: Path, line: int, header: list[str], fields: list[str], mapping: Mapping) -> str:
    if len(fields) > len(header):
        where = (
            f"{len(fields) - len(header)} field(s) after the last column {header[-1]!r} have no header "
            f"(first extra value {fields[len(header)]!r})"
        )
    else:
        where = f"column {header[len(fields)]!r} and the ones after it are missing"
    return (
        f"{path} line {line}: {len(fields)} fields where the header has {len(header)}: {where}; "
        f"an unquoted delimiter inside a value or a truncated line - fix the export or set "
        f"source.csv.sep / source.csv.quotechar in {mapping.path.name}"
    )


def _read_xlsx(mapping: Mapping, path: Path) -> Export:
    """A spreadsheet sheet as text cells, the way a CSV saved from it would read."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, header=None)
    except (ValueError, OSError) as exc:  # not a zip / not a workbook
        raise BadExport(
            f"{path}: not a readable .xlsx workbook ({exc}); save it again as .xlsx or export CSV"
        ) from None
    sheet = mapping.sheet if mapping.sheet is not None else next(iter(sheets), None)
    if isinstance(sheet, int):
        sheet = list(sheets)[sheet] if 0 <= sheet < len(sheets) else None
    if sheet not in sheets:
        raise BadExport(
            f"{path}: no sheet {mapping.sheet!r} (it has {', '.join(map(repr, sheets))}); "
            f"set source.sheet in {mapping.path.name}"
        )
    cells = sheets[sheet].dropna(how="all")
    if cells.empty:
        raise BadExport(f"{path} sheet {sheet!r}: the sheet is empty; re-export it before loading")
    header_row = cells.index[0]
    header = [str(_cell_text(v) or "").strip() for v in cells.loc[header_row]]
    # Spreadsheets often carry empty trailing columns: drop those without a header or any value.
    keep = [i for i, h in enumerate(header) if h or cells.iloc[1:, i].notna().any()]
    if any(not header[i] for i in keep):
        first = next(i for i in keep if not header[i])
        raise BadExport(
            f"{path} sheet {sheet!r} row {header_row + 1}, column {first + 1}: values under an empty "
            f"header cell; name the column in the sheet"
        )
    body = cells.iloc[1:, keep]
    if body.empty:
        raise BadExport(f"{path} sheet {sheet!r}: a header but no data rows; re-export it before loading")
    frame = pd.DataFrame(
        {header[i]: body.iloc[:, j].map(_cell_text).astype(object).values for j, i in enumerate(keep)}, dtype=object
    )
    n = len(frame)
    return Export(
        frame,
        pd.Series([path.name] * n, dtype=object),
        pd.Series((body.index + 1).astype("int64")),
        pd.Series(range(1, n + 1), dtype="int64"),
        (str(path),),
    )


def _cell_text(value):
    """Excel cell -> text: dates as ISO, whole numbers without '.0', empty cells as empty text."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_parquet(path: Path) -> Export:
    frame = pd.read_parquet(path).reset_index(drop=True)
    n = len(frame)
    numbers = pd.Series(range(1, n + 1), dtype="int64")
    return Export(frame, pd.Series([path.name] * n, dtype=object), numbers, numbers.copy(), (str(path),))


def _read_sql(mapping: Mapping) -> Export:
    from orchestration.ingest.source import safe_url, source_engine

    engine = source_engine(mapping.url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql_query(sa.text(mapping.query), conn)
    except (sa.exc.SQLAlchemyError, pd.errors.DatabaseError) as exc:
        cause = exc.__cause__ or exc
        detail = str(getattr(cause, "orig", None) or cause).splitlines()[0]
        raise MappingError(
            f"{mapping.path.name}: cannot read `{mapping.query}` from {safe_url(mapping.url)}: "
            f"{detail}; check source.url and source.table/query"
        ) from None
    finally:
        engine.dispose()
    # Databases return typed values; text columns are compared like CSV text.
    frame = frame.astype(
        {
            c: object
            for c in frame.columns
            if frame[c].dtype != object
            and not pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_datetime64_any_dtype(frame[c])
        }
    )
    n = len(frame)
    name = mapping.query.removeprefix("SELECT * FROM ").replace('"', "") if mapping.query else "query"
    numbers = pd.Series(range(1, n + 1), dtype="int64")
    return Export(frame, pd.Series([name] * n, dtype=object), numbers, numbers.copy(), (name,))


def _concat(parts: list[Export], sources: tuple[str, ...]) -> Export:
    if len(parts) == 1:
        return parts[0]
    columns = list(parts[0].frame.columns)
    for part, source in zip(parts[1:], sources[1:]):
        if list(part.frame.columns) != columns:
            raise BadExport(
                f"{source}: its columns differ from {Path(sources[0]).name}'s "
                f"(extra {sorted(set(part.frame.columns) - set(columns))}, "
                f"missing {sorted(set(columns) - set(part.frame.columns))}); "
                f"every file of one mapping must have the same header"
            )
    return Export(
        pd.concat([p.frame for p in parts], ignore_index=True),
        pd.concat([p.files for p in parts], ignore_index=True),
        pd.concat([p.lines for p in parts], ignore_index=True),
        pd.concat([p.rows for p in parts], ignore_index=True),
        sources,
    )
