"""Real Dagster materializations of the ingest assets from the synthetic generator's output."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid

import psycopg2
import pytest
import sqlalchemy as sa

from orchestration.warehouse.destination import Destination
from simulator import GeneratorConfig, LiveCity, generate
from tests.ingest.dagster_helpers import ingest_resource, materialize_ingest, rows_loaded
from tests.ingest.helpers import assert_raw_equals_source, changed_rows, source_snapshot


@pytest.fixture(scope="module")
def tiny_city(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny")
    result = generate(GeneratorConfig(tier="tiny", seed=7, out_dir=out), progress=False)
    return out, result


@pytest.fixture
def sources(tmp_path, tiny_city):
    """A private copy of the tiny city's SQLite sources (live steps change them)."""
    out, _ = tiny_city
    dest = tmp_path / "sources"
    shutil.copytree(out / "sources", dest)
    return (
        GeneratorConfig(tier="tiny", seed=7, out_dir=tmp_path),
        {
            "cad_replica": f"sqlite:///{dest / 'cad_replica.sqlite'}",
            "case_management": f"sqlite:///{dest / 'case_management.sqlite'}",
        },
    )


def live_step(cfg: GeneratorConfig, new_incidents: int = 20, updates: int = 10) -> None:
    """Live-mode changes at the sources: new incidents, open incidents closed, updated_at bumped."""
    city = LiveCity(cfg)
    try:
        city.step(new_incidents=new_incidents, updates=updates)
    finally:
        city.close()


def test_ingest_assets_load_generator_output_incrementally(sources, warehouse, tiny_city):
    cfg, urls = sources
    _, generated = tiny_city
    resource = ingest_resource(warehouse, cad_url=urls["cad_replica"], cms_url=urls["case_management"])

    first = materialize_ingest(resource)
    assert first.success
    assert rows_loaded(first) == {
        f"{'raw_cad' if t in _CAD else 'raw_cms'}.{t}": n for t, n in generated.counts.items()
    }
    assert_raw_equals_source(warehouse, urls)

    assert set(rows_loaded(materialize_ingest(resource)).values()) == {0}

    before = {s: source_snapshot(u, s) for s, u in urls.items()}
    live_step(cfg)
    after = {s: source_snapshot(u, s) for s, u in urls.items()}
    expected = {
        f"{'raw_cad' if s == 'cad_replica' else 'raw_cms'}.{t}": n
        for s in urls
        for t, n in changed_rows(before[s], after[s]).items()
    }
    assert expected["raw_cad.incidents"] >= 20, "the live step should add and update incidents"

    third = materialize_ingest(resource)
    assert rows_loaded(third) == expected
    assert_raw_equals_source(warehouse, urls)
    assert set(rows_loaded(materialize_ingest(resource)).values()) == {0}


_CAD = {"call_types", "units", "unit_status_changes", "incidents", "calls", "unit_assignments", "arrests"}


@pytest.mark.postgres
def test_sources_can_live_in_postgresql(tmp_path, duck):
    """The loader reads any SQLAlchemy URL: here the generator writes both systems to PostgreSQL."""
    name = f"arp_ingest_src_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**Destination.postgres().pg_connect_kwargs(database="postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        pg = Destination.postgres(database=name)
        base = f"postgresql+psycopg2://{pg.pg_user}:@{pg.pg_host}:{pg.pg_port}/{name}"
        # One database per system would be realistic; two schemas keep the test light.
        engine = sa.create_engine(base)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA cad; CREATE SCHEMA cms")
        engine.dispose()
        cad_url = base + "?options=-csearch_path%3Dcad"
        cms_url = base + "?options=-csearch_path%3Dcms"
        generate(
            GeneratorConfig(tier="tiny", seed=11, out_dir=tmp_path, cad_url=cad_url, cms_url=cms_url), progress=False
        )
        urls = {"cad_replica": cad_url, "case_management": cms_url}
        result = materialize_ingest(ingest_resource(duck, cad_url=cad_url, cms_url=cms_url))
        assert result.success and rows_loaded(result)["raw_cad.incidents"] > 1000
        assert_raw_equals_source(duck, urls)
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_timestamps_from_sqlite_text_land_as_timestamps(sources, duck):
    _, urls = sources
    materialize_ingest(ingest_resource(duck, cad_url=urls["cad_replica"], cms_url=urls["case_management"]))
    from orchestration.ingest.warehouse import connect

    with connect(duck) as wh:
        created, in_service, weapon = wh.query(
            "SELECT min(i.created_at), min(u.in_service_from), bool_or(i.weapon_involved) "
            "FROM raw_cad.incidents i, raw_cad.units u"
        )[0]
    assert isinstance(created, dt.datetime) and isinstance(in_service, dt.date) and isinstance(weapon, bool)
