"""The hash key hashes the identifiers and is never written to a dbt log, target file,
partial-parse cache, Dagster event log or run record: a fresh 256-bit key, outside demo mode, on
PostgreSQL through dbt and on DuckDB through the Dagster dbt asset, then every file the run left
read byte for byte.

The key reaches the pipeline the way an operator gives it (the ARP_HASH_KEY environment
variable) and the search is the test's own, so nothing here imports the code that keeps the key
off disk; the test runs unchanged on the code before it and fails there (the key was in dbt's
log and partial-parse cache). The operator's key scan must then agree with the search."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from transform.dbt_runner import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    PROJECT_ROOT,
    Warehouse,
    create_pg_database,
    drop_pg_database,
    read_sql,
    run_dbt,
)

from orchestration.privacy.key_scan import files_under

HASHING_MODELS = ["base_cad__calls", "base_cms__people", "base_cms__staff"]
RUN_FULL_PIPELINE = "from orchestration.cli import run_pipeline; run_pipeline()"


def files_holding(roots: list[Path], key: str) -> tuple[list[Path], int]:
    """Every file under `roots` whose bytes contain the key, and the number of files read."""
    needle, holding, read = key.encode(), [], 0
    for root in roots:
        for path in files_under(root) if root.exists() else []:
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # removed meanwhile by a run of another test worker
                continue
            read += 1
            if needle in data:
                holding.append(path)
    return holding, read


def _kinds(paths: list[Path]) -> list[str]:
    return sorted({p.suffix or p.name for p in paths})


def _key_scan_agrees(roots: list[Path], key: str) -> None:
    """The operator's key scan finds nothing in the same folders, and finds a key written there."""
    from orchestration.privacy.key_scan import scan_for_key

    findings, _ = scan_for_key(roots, key)
    assert not findings, [str(f.path) for f in findings]
    planted = roots[0] / "planted.log"
    planted.write_text(f"PGOPTIONS=-c arp.hash_key={key}\n")
    findings, _ = scan_for_key(roots, key)
    assert [f.path for f in findings] == [planted]
    planted.unlink()


def _expected_caller_keys(wh: Warehouse, key: str) -> tuple[int, int]:
    rows = read_sql(
        wh,
        """
        select raw.caller_phone, staged.caller_key from raw_cad.calls as raw
        inner join staging.base_cad__calls as staged on raw.call_id = staged.call_id
        where raw.caller_phone is not null""",
    )
    good = 0
    for phone, caller_key in rows.itertuples(index=False):
        digits = re.sub(r"[^0-9]", "", phone)[-10:]
        inner = hashlib.sha256((key + digits).encode()).hexdigest()
        good += caller_key == hashlib.sha256((key + inner).encode()).hexdigest()
    return good, len(rows)


def test_the_key_hashes_through_dagster_and_reaches_no_file_on_duckdb(duckdb_default, tmp_path, monkeypatch):
    key = secrets.token_hex(32)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(duckdb_default.warehouse.duckdb_path, warehouse)
    for name, value in {
        "ARP_MODE": "production",
        "ARP_HASH_KEY": key,
        "ARP_DUCKDB_PATH": str(warehouse),
        "DBT_LOG_PATH": str(tmp_path / "dbt_logs"),
    }.items():
        monkeypatch.setenv(name, value)
    from orchestration.transform.assets import build_dbt_assets, dbt_resource

    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        result = dg.materialize(
            [build_dbt_assets()],
            selection=dg.AssetSelection.assets(*[dg.AssetKey(["staging", m]) for m in HASHING_MODELS]),
            resources={"dbt": dbt_resource()},
            instance=instance,
        )
        assert result.success
        run = instance.get_run_by_id(result.run_id)
        assert key not in repr(run.run_config) and key not in repr(run.tags)
    good, total = _expected_caller_keys(Warehouse("duckdb", tmp_path, duckdb_path=warehouse), key)
    assert total and good == total, f"{total - good} of {total} caller_key values are not hashed with ARP_HASH_KEY"
    # dagster-dbt writes each invocation's target (manifest, run_results, partial_parse.msgpack)
    # under the project's target path; the run's logs and event storage are under tmp_path.
    roots = [tmp_path, PROJECT_ROOT / "target", PROJECT_ROOT / "build", PROJECT_ROOT / "logs"]
    holding, read = files_holding(roots, key)
    print(f"\nDuckDB through Dagster: {read} files read, {len(holding)} hold the key {_kinds(holding)}")
    assert read > 20
    assert not holding, "the hash key is written in: " + ", ".join(map(str, holding))
    _key_scan_agrees(roots, key)


def test_the_key_hashes_on_postgres_and_reaches_no_file(dataset_default, tmp_path, monkeypatch):
    from orchestration.ingest.loader import load_sources
    from orchestration.warehouse.destination import Destination

    key = secrets.token_hex(32)
    monkeypatch.setenv("ARP_MODE", "production")
    monkeypatch.setenv("ARP_HASH_KEY", key)
    name = f"arp_dbt_{os.getpid()}_hashkey"
    create_pg_database(name)
    try:
        wh = Warehouse("postgres", tmp_path, pg_database=name)
        load_sources(dataset_default.cad_url, dataset_default.cms_url, Destination.postgres(name), full_refresh=True)
        run_dbt(
            wh,
            [
                "build",
                "--select",
                *[f"+{m}" for m in HASHING_MODELS],
                "--resource-type",
                "seed",
                "--resource-type",
                "model",
            ],
        )
        good, total = _expected_caller_keys(wh, key)
        assert total and good == total
        holding, read = files_holding([tmp_path], key)
        print(f"\nPostgreSQL: {read} files read, {len(holding)} hold the key {_kinds(holding)}")
        assert read > 5
        assert not holding, "the hash key is written in: " + ", ".join(map(str, holding))
        _key_scan_agrees([tmp_path], key)
        # A session opened without the pipeline's environment has no key, and dbt says how to fix it.
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "run", "--select", "base_cad__calls"],
            cwd=PROJECT_ROOT,
            env={**wh.env(), "PGOPTIONS": ""},
            capture_output=True,
            text=True,
        )
        assert proc.returncode != 0 and "arp.hash_key is not set on this session" in proc.stdout
    finally:
        drop_pg_database(name)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_real_key_reaches_no_file_after_a_postgres_pipeline_run(dataset_default, tmp_path):
    """The whole Dagster `full_pipeline` job (ingest, dbt build with its tests as checks, quality
    suites, public tables, site and cards) on PostgreSQL outside demo mode, then every file under
    its build folder and its Dagster storage (run records, event logs, compute logs)."""
    key = secrets.token_hex(32)
    build, home = tmp_path / "build", tmp_path / "dagster_home"
    database = f"arp_dbt_{os.getpid()}_keyfiles"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARP_", "DBT_", "DAGSTER_HOME", "PGOPTIONS"))}
    env.update(
        {
            "ARP_MODE": "production",
            "ARP_HASH_KEY": key,
            "ARP_TARGET": "postgres",
            "ARP_PG_HOST": PG_HOST,
            "ARP_PG_PORT": str(PG_PORT),
            "ARP_PG_USER": PG_USER,
            "ARP_PG_PASSWORD": "",
            "ARP_PG_DATABASE": database,
            "ARP_CAD_URL": dataset_default.cad_url,
            "ARP_CMS_URL": dataset_default.cms_url,
            "ARP_OUTPUT_DIR": str(build),
            "ARP_DAGSTER_DBT_TARGET": str(build / "dbt" / "dagster_target"),
            "DBT_TARGET_PATH": str(build / "dbt" / "target"),
            "DBT_LOG_PATH": str(build / "dbt" / "logs"),
            "DBT_PROFILES_DIR": str(PROJECT_ROOT),
            "DAGSTER_HOME": str(home),
        }
    )
    create_pg_database(database)
    try:
        # The operator's one-time setup of a new warehouse: the access tiers the publisher reads as.
        setup = subprocess.run(
            [sys.executable, "-m", "orchestration.access", "setup"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert setup.returncode == 0, setup.stdout + setup.stderr
        proc = subprocess.run(
            [sys.executable, "-c", RUN_FULL_PIPELINE],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        drop_pg_database(database)
    assert proc.returncode == 0, f"full_pipeline failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert key not in proc.stdout + proc.stderr, "the key was printed by the run"

    # The run's own folders, and the project's build/, target/ and logs/ in case anything is written there.
    roots = [build, home, PROJECT_ROOT / "build", PROJECT_ROOT / "target", PROJECT_ROOT / "logs"]
    holding, read = files_holding(roots, key)
    print(
        f"\nPostgreSQL full_pipeline: {read} files read under build/ and the Dagster storage, "
        f"{len(holding)} hold the key {_kinds(holding)}"
    )
    assert not holding, "the hash key is written in: " + ", ".join(map(str, holding))
    # What a real run writes: dbt's log, its target folders with the partial-parse cache, Dagster's storage.
    written = {p.name for root in roots[:2] for p in root.rglob("*")}
    assert {"dbt.log", "partial_parse.msgpack", "manifest.json", "runs.db"} <= written, sorted(written)[:40]
    assert (build / "site" / "index.html").exists() and (build / "cards" / "index.html").exists()

    # The operator's key scan, run as an operator runs it, agrees and finds the key once it is written.
    scan = [sys.executable, "-m", "orchestration.privacy.key_scan", str(build), str(home)]
    clean = subprocess.run(scan, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert clean.returncode == 0 and " 0 hold the hash key" in clean.stdout, clean.stdout + clean.stderr
    (build / "planted.log").write_text(f"PGOPTIONS=-c arp.hash_key={key}\n")
    planted = subprocess.run(scan, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert planted.returncode == 1 and "planted.log" in planted.stderr, planted.stdout + planted.stderr
