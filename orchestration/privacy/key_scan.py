"""Search every file under build/ and the Dagster storage for the hash key itself.

Like the PII canary scan (canary_scan.py), but for the secret that protects the hashes: with the
key, every phone number and id hash can be reversed by enumeration, so it must not be written
to any dbt log, target file, partial-parse cache, Dagster event log or run record. Files are
read as bytes (SQLite event logs, msgpack and DuckDB files are binary), in overlapping blocks so
a large warehouse file never has to fit in memory.

    python -m orchestration.privacy.key_scan build "$DAGSTER_HOME"
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from orchestration.privacy.hash_key import HashKeyError, load_hash_key

BLOCK = 4 * 1024 * 1024


@dataclass(frozen=True)
class KeyFinding:
    path: Path
    form: str  # how the key was written: "plain", "json-escaped"


def _forms(key: str) -> dict[str, bytes]:
    forms = {"plain": key.encode()}
    escaped = key.replace("\\", "\\\\").replace('"', '\\"').replace("/", "\\/")
    if escaped != key:
        forms["json-escaped"] = escaped.encode()
    return forms


def _file_holds(path: Path, needle: bytes) -> bool:
    overlap = len(needle) - 1
    tail = b""
    try:
        with path.open("rb") as handle:
            while block := handle.read(BLOCK):
                if needle in tail + block:
                    return True
                tail = block[-overlap:] if overlap else b""
    except OSError:
        return False  # a file removed while scanning (a finished run's temporary file)
    return False


def files_under(root: Path) -> list[Path]:
    """Every file below `root`, sorted. os.walk, not rglob: a running job may remove a folder while it
    is walked, and os.walk passes over it where rglob stops with an error."""
    return sorted(Path(folder) / name for folder, _, names in os.walk(root) for name in names)


def scan_for_key(roots: list[Path], key: str) -> tuple[list[KeyFinding], int]:
    """Files under `roots` that hold the key, and the number of files scanned."""
    if len(key) < 8:
        raise ValueError("a key shorter than 8 characters would match by chance; scan a real key")
    findings, scanned = [], 0
    for root in roots:
        if not root.exists():
            continue
        paths = [root] if root.is_file() else files_under(root)
        for path in paths:
            scanned += 1
            for form, needle in _forms(key).items():
                if _file_holds(path, needle):
                    findings.append(KeyFinding(path, form))
    return findings, scanned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.privacy.key_scan", description=__doc__.splitlines()[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, help="folders or files to scan (default: build/ and $DAGSTER_HOME)"
    )
    args = parser.parse_args(argv)
    try:
        key = load_hash_key()
    except HashKeyError as error:
        print(f"key scan: {error}", file=sys.stderr)
        return 2
    roots = args.paths or [
        Path("build"),
        *([Path(os.environ["DAGSTER_HOME"])] if os.environ.get("DAGSTER_HOME") else []),
    ]
    findings, scanned = scan_for_key(roots, key)
    for finding in findings:
        print(f"LEAK: the hash key ({finding.form}) is written in {finding.path}", file=sys.stderr)
    print(f"key scan: {scanned} files scanned, {len(findings)} hold the hash key")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
