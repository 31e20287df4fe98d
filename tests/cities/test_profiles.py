"""City profiles: what a profile declares, what it sets for every layer, and the errors it gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from orchestration.cities import ProfileError, load_profile
from orchestration.cities import profile as profile_module
from orchestration.ingest.mappings import MappingError, load_mapping
from orchestration.paths import PROJECT_ROOT

BURLINGTON = PROJECT_ROOT / "cities" / "burlington"


def test_the_demo_city_is_a_profile_with_every_source_and_the_shared_seeds():
    demo = load_profile("demo")
    assert demo.missing_data() == []
    env = demo.environment()
    assert env["ARP_CITY_SEED_PATH"] == "seeds"
    assert env["ARP_CITY_TIMEZONE"] == "America/New_York"
    assert env["ARP_CITY_MISSING_DATA"] == ""
    # The demo city keeps the build/ paths (build/warehouse.duckdb, build/site, ...).
    assert "ARP_DUCKDB_PATH" not in env and "ARP_OUTPUT_DIR" not in env


def test_a_cad_only_city_lacks_every_other_table_and_its_unfilled_columns():
    city = load_profile("burlington")
    missing = set(city.missing_data())
    assert {
        "cad.unit_assignments",
        "cad.units",
        "cad.calls",
        "cad.arrests",
        "cad.incidents.disposition",
        "cms.encounters",
        "cms.follow_ups",
        "cms.transports",
    } <= missing
    assert not {"cad.incidents", "cad.call_types"} & missing
    env = city.environment()
    assert env["ARP_CAD_MAPPING"] == str(BURLINGTON / "burlington_vt.yml")
    assert env["ARP_DUCKDB_PATH"].endswith("build/burlington/warehouse.duckdb")
    # The profile's reference tables replace the shared ones of the same name; the rest are shared.
    seeds = PROJECT_ROOT / env["ARP_CITY_SEED_PATH"]
    assert (seeds / "beats.csv").read_text() == (BURLINGTON / "seeds" / "beats.csv").read_text()
    assert (seeds / "metric_catalog.csv").read_text() == (PROJECT_ROOT / "seeds" / "metric_catalog.csv").read_text()


def test_the_mapping_takes_the_time_zone_the_profile_states_once(tmp_path):
    assert load_mapping(BURLINGTON / "burlington_vt.yml").timezone == load_profile("burlington").timezone

    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "city.yml").write_text("name: elsewhere\ntimezone: America/Chicago\n")
    mapping = (
        (BURLINGTON / "burlington_vt.yml")
        .read_text()
        .replace("system: cad_replica\n", "system: cad_replica\ntimezone: America/New_York\n")
    )
    (folder / "m.yml").write_text(mapping)
    with pytest.raises(MappingError, match="disagrees with .*city.yml's 'America/Chicago'"):
        load_mapping(folder / "m.yml")
    (folder / "m.yml").write_text(mapping.replace("timezone: America/New_York\n", ""))
    assert load_mapping(folder / "m.yml").timezone == "America/Chicago"


def test_profile_errors_name_the_file_and_the_setting(tmp_path, monkeypatch):
    monkeypatch.setattr(profile_module, "CITIES_DIR", tmp_path)
    profile_module.load_profile.cache_clear()
    try:
        with pytest.raises(ProfileError, match="no city profile"):
            load_profile("nowhere")
        (tmp_path / "springfield").mkdir()
        shutil.copy(BURLINGTON / "burlington_vt.yml", tmp_path / "springfield" / "cad.yml")
        city = tmp_path / "springfield" / "city.yml"
        city.write_text("name: springfield\ntimezone: Mars/Olympus\nsources: {cad_replica: {mapping: cad.yml}}\n")
        with pytest.raises(ProfileError, match=r"springfield/city.yml: timezone 'Mars/Olympus' is not an IANA"):
            load_profile("springfield")
        city.write_text("name: springfield\ntimezone: America/Chicago\nsources: {case_management: {}}\n")
        with pytest.raises(ProfileError, match="sources.cad_replica is required"):
            load_profile("springfield")
        city.write_text(
            "name: springfield\ntimezone: America/Chicago\n"
            "sources: {cad_replica: {mapping: cad.yml, tables: [incidents, unitz]}}\n"
        )
        with pytest.raises(ProfileError, match=r"sources.cad_replica.tables: \['unitz'\] are not"):
            load_profile("springfield")
    finally:
        profile_module.load_profile.cache_clear()


def test_a_vendor_mapping_is_never_mixed_with_the_synthetic_city():
    env = dict(os.environ, ARP_CAD_MAPPING=str(BURLINGTON / "burlington_vt.yml"))
    env.pop("ARP_CITY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "demo"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "would mix two cities' data" in proc.stderr and "make demo CITY=<name>" in proc.stderr
