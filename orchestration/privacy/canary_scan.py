"""Search every non-raw table and every published file for planted PII canaries.

The synthetic generator plants distinctive names, phone numbers, dates of birth, addresses and
note sentences in the raw source systems and lists them in `truth/canaries.json`. Direct
identifiers and notes must never leave the raw layer (docs/interfaces.md), so finding any
canary in any schema past raw (staging to public_marts) or in a published file is a leak.

    python -m orchestration.privacy.canary_scan --canaries build/truth/canaries.json build/site build/cards
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.warehouse import connect, q
from orchestration.warehouse.destination import Destination

SCANNED_SCHEMAS = ("staging", "intermediate", "marts", "public_candidates", "suppression", "public_marts")
TEXT_SUFFIXES = {".html", ".htm", ".json", ".csv", ".js", ".txt", ".md", ".svg", ".xml", ".pdf"}


@dataclass(frozen=True)
class Finding:
    where: str  # schema.table or file path
    canary: str  # the canary value found
    rows: int  # matching rows (tables) or occurrences (files)


def load_canaries(path: Path) -> list[str]:
    values = {str(item["value"]).strip() for item in json.loads(Path(path).read_text())}
    return sorted(v for v in values if len(v) >= 4)


def _pattern(canaries: list[str]) -> str:
    return "|".join(re.escape(c.lower()) for c in canaries)


def scan_warehouse(dest: Destination, canaries: list[str]) -> tuple[list[Finding], int]:
    """Findings, and the number of tables scanned."""
    with connect(dest) as warehouse:
        if warehouse.kind == "duckdb":
            matches = "regexp_matches(lower(cast({col} as varchar)), ?)"
        else:
            matches = "lower(cast({col} as text)) ~ ?"
        columns = warehouse.query(
            "select table_schema, table_name, column_name from information_schema.columns "
            f"where table_schema in ({', '.join('?' for _ in SCANNED_SCHEMAS)}) "
            "order by table_schema, table_name, ordinal_position",
            SCANNED_SCHEMAS,
        )
        tables: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in columns:
            tables.setdefault((schema, table), []).append(column)
        findings = []
        for (schema, table), cols in tables.items():
            condition = " or ".join(matches.format(col=q(c)) for c in cols)
            for canary in canaries:
                ((count,),) = warehouse.query(
                    f"select count(*) from {q(schema)}.{q(table)} where {condition}",
                    [re.escape(canary.lower())] * len(cols),
                )
                if count:
                    findings.append(Finding(f"{schema}.{table}", canary, int(count)))
        return findings, len(tables)


def scan_files(roots: list[Path], canaries: list[str]) -> tuple[list[Finding], int]:
    """Findings in every text-like published file under the roots, and the number of files scanned."""
    pattern = re.compile(_pattern(canaries))
    findings, scanned = [], 0
    for root in roots:
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            if path.suffix.lower() not in TEXT_SUFFIXES:
                continue
            scanned += 1
            text = path.read_bytes().decode("utf-8", errors="ignore").lower()
            for match in set(pattern.findall(text)):
                findings.append(Finding(str(path), match, text.count(match)))
    return findings, scanned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.privacy.canary_scan", description=__doc__.splitlines()[0])
    parser.add_argument("--canaries", type=Path, default=Path("build/truth/canaries.json"))
    parser.add_argument("paths", nargs="*", type=Path, help="published files or folders to scan")
    args = parser.parse_args(argv)
    canaries = load_canaries(args.canaries)
    findings, tables = scan_warehouse(Destination.from_env(), canaries)
    file_findings, files = scan_files([p for p in args.paths if p.exists()], canaries)
    for f in findings + file_findings:
        print(f"LEAK: canary {f.canary!r} in {f.where} ({f.rows})", file=sys.stderr)
    print(
        f"canary scan: {len(canaries)} canaries, {tables} tables and {files} files scanned, "
        f"{len(findings) + len(file_findings)} leaks"
    )
    return 1 if findings or file_findings else 0


if __name__ == "__main__":
    sys.exit(main())
