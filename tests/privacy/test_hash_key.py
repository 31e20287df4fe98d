"""The hash key: refused when missing or weak outside demo mode, read from the environment or a
file, used for the hashes, and never written to a dbt log, target file, partial-parse cache,
Dagster event log or run record (the key scan over every file of the run)."""

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
from dagster_dbt import DbtCliResource
from transform.dbt_runner import PROJECT_ROOT, Warehouse, create_pg_database, drop_pg_database, read_sql, run_dbt

from orchestration.privacy.hash_key import DEMO_KEY, HashKeyError, load_hash_key
from orchestration.privacy.key_scan import scan_for_key
from orchestration.transform.project import dbt_executable, dbt_project

PRODUCTION = {"ARP_MODE": "production"}


@pytest.mark.parametrize(
    "env, fault",
    [
        ({}, "ARP_HASH_KEY (or ARP_HASH_KEY_FILE) is not set"),
        ({"ARP_HASH_KEY": DEMO_KEY}, "published demo key"),
        ({"ARP_HASH_KEY": "0123456789abcdef" * 2}, "fewer than 256 bits"),  # 128 bits of hex
        ({"ARP_HASH_KEY": "Durham-HEART-2024!"}, "fewer than 256 bits"),  # a guessable phrase
        ({"ARP_HASH_KEY": "a" * 64}, "fewer than 256 bits"),  # long but no entropy
    ],
)
def test_outside_demo_mode_a_missing_demo_or_weak_key_is_refused(env, fault):
    with pytest.raises(HashKeyError, match=re.escape(fault)):
        load_hash_key({**PRODUCTION, **env})


def test_a_256_bit_key_comes_from_the_environment_or_a_file(tmp_path):
    key = secrets.token_hex(32)
    assert load_hash_key({**PRODUCTION, "ARP_HASH_KEY": key}) == key
    (tmp_path / "hash_key").write_text(key + "\n")
    assert load_hash_key({**PRODUCTION, "ARP_HASH_KEY_FILE": str(tmp_path / "hash_key")}) == key
    with pytest.raises(HashKeyError, match="ARP_HASH_KEY_FILE=.*missing.*cannot be read"):
        load_hash_key({**PRODUCTION, "ARP_HASH_KEY_FILE": str(tmp_path / "missing")})
    assert load_hash_key({"ARP_MODE": "demo"}) == DEMO_KEY


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


HASHING_MODELS = ["base_cad__calls", "base_cms__people", "base_cms__staff"]


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
    from orchestration.transform.assets import alt_response_dbt_assets

    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    with dg.instance_for_test(temp_dir=str(dagster_home)) as instance:
        result = dg.materialize(
            [alt_response_dbt_assets],
            selection=dg.AssetSelection.assets(*[dg.AssetKey(["staging", m]) for m in HASHING_MODELS]),
            resources={
                "dbt": DbtCliResource(project_dir=dbt_project, target="duckdb", dbt_executable=dbt_executable())
            },
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
    findings, scanned = scan_for_key(roots, key)
    print(f"\nkey scan: {scanned} files scanned, {len(findings)} hold the key")
    assert scanned > 20
    assert not findings, "the hash key is written in: " + ", ".join(f"{f.path} ({f.form})" for f in findings)


def test_the_key_hashes_on_postgres_and_reaches_no_file(dataset_default, tmp_path, monkeypatch):
    from orchestration.ingest.destination import Destination
    from orchestration.ingest.loader import load_sources

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
        findings, scanned = scan_for_key([tmp_path], key)
        assert scanned > 5
        assert not findings, "the hash key is written in: " + ", ".join(str(f.path) for f in findings)
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
