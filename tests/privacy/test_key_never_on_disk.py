"""The hash key reaches no file: the whole Dagster `full_pipeline` job (ingest, dbt build with its
tests as checks, quality suites, public tables, site and cards) runs on PostgreSQL outside demo
mode with a fresh 256-bit key, and then every file it left is read byte for byte: the build
folder (dbt logs, target folders, partial-parse caches, Great Expectations results, site, cards)
and the Dagster storage (run records, event logs, compute logs).

The search here is the test's own (a plain byte search of every file), so it does not trust the
platform's key scan; the key scan is then run the way an operator runs it and must agree."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from transform.dbt_runner import PROJECT_ROOT, create_pg_database, drop_pg_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

RUN_FULL_PIPELINE = "from orchestration.cli import run_pipeline; run_pipeline()"


def _holds(path: Path, needle: bytes, block: int = 1 << 24) -> bool:
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(block):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def files_holding(roots: list[Path], needle: bytes) -> tuple[list[Path], int]:
    """Every file under `roots` whose bytes contain `needle`, and the number of files read."""
    holding, read = [], 0
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            read += 1
            if _holds(path, needle):
                holding.append(path)
    return holding, read


def test_a_real_key_reaches_no_file_after_a_postgres_pipeline_run(dataset_default, tmp_path):
    key = secrets.token_hex(32)
    build, home = tmp_path / "build", tmp_path / "dagster_home"
    database = f"arp_dbt_{os.getpid()}_keyfiles"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ARP_", "DBT_", "DAGSTER_HOME", "PGOPTIONS"))}
    env.update({
        "ARP_MODE": "production", "ARP_HASH_KEY": key, "ARP_TARGET": "postgres",
        "ARP_PG_HOST": "127.0.0.1", "ARP_PG_PORT": "5432", "ARP_PG_USER": "postgres", "ARP_PG_PASSWORD": "",
        "ARP_PG_DATABASE": database, "ARP_CAD_URL": dataset_default.cad_url, "ARP_CMS_URL": dataset_default.cms_url,
        "ARP_OUTPUT_DIR": str(build), "ARP_DAGSTER_DBT_TARGET": str(build / "dbt" / "dagster_target"),
        "DBT_TARGET_PATH": str(build / "dbt" / "target"), "DBT_LOG_PATH": str(build / "dbt" / "logs"),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT), "DAGSTER_HOME": str(home),
    })
    create_pg_database(database)
    try:
        proc = subprocess.run([sys.executable, "-c", RUN_FULL_PIPELINE], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=1500)
    finally:
        drop_pg_database(database)
    assert proc.returncode == 0, f"full_pipeline failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert key not in proc.stdout + proc.stderr, "the key was printed by the run"

    # The run's own folders, and the project's build/ in case anything is still written there.
    roots = [build, home, PROJECT_ROOT / "build"]
    holding, read = files_holding([r for r in roots if r.exists()], key.encode())
    kinds = sorted({p.suffix or p.name for p in holding})
    print(f"\nkey search after a PostgreSQL full_pipeline run: {read} files read under build/ and the Dagster "
          f"storage, {len(holding)} hold the key {kinds}")
    assert not holding, "the hash key is written in: " + ", ".join(map(str, holding))
    # What a real run writes: dbt's log, its target folders with the partial-parse cache, and Dagster's storage.
    written = {p.name for root in roots[:2] for p in root.rglob("*")}
    assert {"dbt.log", "partial_parse.msgpack", "manifest.json", "runs.db"} <= written, sorted(written)[:40]
    assert (build / "site" / "index.html").exists() and (build / "cards" / "index.html").exists()

    # The operator's key scan over the same folders agrees, and finds the key once it is written.
    scan = [sys.executable, "-m", "orchestration.privacy.key_scan", *map(str, roots[:2])]
    clean = subprocess.run(scan, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert clean.returncode == 0 and " 0 hold the hash key" in clean.stdout, clean.stdout + clean.stderr
    (build / "planted.log").write_text(f"PGOPTIONS=-c arp.hash_key={key}\n")
    planted = subprocess.run(scan, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert planted.returncode == 1 and "planted.log" in planted.stderr, planted.stdout + planted.stderr
