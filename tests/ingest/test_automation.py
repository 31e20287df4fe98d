"""The CAD sensor, the jobs and the schedules, evaluated by Dagster itself."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.automation import (
    FULL_PIPELINE_ONLY_GROUPS,
    PUBLICATION_GROUPS,
    build_cad_source_sensor,
    build_daily_schedule,
    build_publication_schedule,
    cad_incremental_job,
    full_pipeline_job,
    ingest_job,
    publication_job,
)
from orchestration.automation import definitions as automation_definitions
from orchestration.ingest.assets import FULL_COMPARE_TAG, build_ingest_assets
from orchestration.ingest.defs import defs as load_ingest_defs
from tests.ingest.contract_fixture import write_fixture_sources
from tests.ingest.dagster_helpers import FAST_RETRY, ingest_resource, materialize_ingest, rows_loaded
from tests.ingest.helpers import assert_raw_equals_source


def _defs(resource) -> dg.Definitions:
    return dg.Definitions(
        assets=build_ingest_assets(FAST_RETRY),
        jobs=[cad_incremental_job],
        sensors=[build_cad_source_sensor()],
        resources={"ingest": resource},
    )


def _tick(instance, resource, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"ingest": resource})
    result = build_cad_source_sensor()(context)
    return result, context.cursor


def test_sensor_starts_an_incremental_cad_run_only_when_cad_changes(tmp_path, duck):
    cad, cms = write_fixture_sources(tmp_path / "src", rows=10)
    resource = ingest_resource(duck, cad_url=cad.url, cms_url=cms.url)
    instance = dg.DagsterInstance.ephemeral()
    job = _defs(resource).resolve_job_def("cad_incremental")

    request, cursor = _tick(instance, resource, None)
    assert isinstance(request, dg.RunRequest)
    run = job.execute_in_process(instance=instance, run_config=request.run_config, tags=request.tags)
    assert run.success
    assert rows_loaded(run)["raw_cad.incidents"] == 10
    assert not any(k.startswith("raw_cms.") for k in rows_loaded(run)), "only CAD and its dependents run"

    skip, same_cursor = _tick(instance, resource, cursor)
    assert isinstance(skip, dg.SkipReason) and "no new or updated CAD rows" in skip.skip_message
    assert same_cursor == cursor

    cad.append("incidents", 3)
    cad.update("unit_assignments", [2], "cleared_at", None)
    request, new_cursor = _tick(instance, resource, cursor)
    assert isinstance(request, dg.RunRequest) and new_cursor != cursor
    run = job.execute_in_process(instance=instance, tags=request.tags)
    loaded = rows_loaded(run)
    assert loaded["raw_cad.incidents"] == 3 and loaded["raw_cad.unit_assignments"] == 1
    assert_raw_equals_source(duck, {"cad_replica": cad.url})

    cms.append("encounters", 2)  # case management does not wake the CAD sensor
    skip, _ = _tick(instance, resource, new_cursor)
    assert isinstance(skip, dg.SkipReason)


def test_sensor_waits_while_a_cad_run_is_in_progress(tmp_path, duck):
    cad, cms = write_fixture_sources(tmp_path / "src", rows=3)
    resource = ingest_resource(duck, cad_url=cad.url, cms_url=cms.url)
    instance = dg.DagsterInstance.ephemeral()
    job = _defs(resource).resolve_job_def("cad_incremental")
    instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED)
    skip, cursor = _tick(instance, resource, None)
    assert isinstance(skip, dg.SkipReason) and "waiting for run" in skip.skip_message
    assert cursor is None  # so the change is picked up by the first tick after that run


def test_sensor_skips_with_the_reason_when_the_source_is_down(tmp_path, duck):
    resource = ingest_resource(duck, cad_url="postgresql+psycopg2://u:pw123@127.0.0.1:1/cad")
    skip, _ = _tick(dg.DagsterInstance.ephemeral(), resource, None)
    assert isinstance(skip, dg.SkipReason)
    assert "source cad_replica is unreachable at postgresql+psycopg2://u:***@127.0.0.1:1/cad" in skip.skip_message
    assert "pw123" not in skip.skip_message


def test_jobs_and_schedule_select_the_right_assets():
    graph = load_ingest_defs().resolve_asset_graph()
    daily_full_pipeline = build_daily_schedule()
    raw_cad = {k for k in graph.get_all_asset_keys() if k.path[0] == "raw_cad"}
    raw_cms = {k for k in graph.get_all_asset_keys() if k.path[0] == "raw_cms"}
    assert len(raw_cad) == 7 and len(raw_cms) == 6
    assert ingest_job.selection.resolve(graph) == raw_cad | raw_cms
    assert cad_incremental_job.selection.resolve(graph) == raw_cad
    assert full_pipeline_job.selection == dg.AssetSelection.all()
    assert daily_full_pipeline.job_name == "full_pipeline"
    assert daily_full_pipeline.execution_timezone == "America/New_York"  # the city profile's time zone
    for key in raw_cad | raw_cms:
        assert graph.get(key).group_name == key.path[0]


def test_daily_run_rebuilds_the_incremental_models_in_full():
    """The daily run loads changes stamped before the incremental models' look-back, so its dbt step
    rebuilds them whole, with the unit tests; the sensor's runs stay incremental and leave the unit
    tests (fixed rows, not data) out."""
    from orchestration.transform.assets import dbt_build_args

    assert dbt_build_args(build_daily_schedule().tags) == ["build", "--full-refresh"]
    assert dbt_build_args(cad_incremental_job.tags) == [
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--no-write-json",
    ]
    assert dbt_build_args({}) == ["build"]


def test_the_cad_path_builds_the_way_to_fct_incidents_before_the_rest():
    """In a sensor run the first dbt invocation builds exactly the selected models fct_incidents
    reads, directly or not, and no test; the second runs the raw tests and builds every other
    selected model. Every other run is one invocation of everything selected."""
    from orchestration.definitions import defs
    from orchestration.transform.assets import invocation_exclusions
    from orchestration.transform.project import dbt_project

    graph = defs().resolve_asset_graph()
    selected = cad_incremental_job.selection.resolve(graph)
    project = dbt_project()
    first_leaves_out, second_leaves_out = invocation_exclusions(cad_incremental_job.tags, selected, project)
    nodes = json.loads(project.manifest_path.read_text())["nodes"].values()
    dbt_models = {node["name"] for node in nodes if node["resource_type"] == "model"}
    models = {key.path[-1] for key in selected if key.path[0] != "raw_cad" and key.path[-1] in dbt_models}
    fct_incidents = dg.AssetKey(["marts", "fct_incidents"])
    upstream = {key.path[-1] for key in dg.AssetSelection.assets(fct_incidents).upstream().resolve(graph)}
    assert set(first_leaves_out) == (models - upstream) | {"resource_type:test"}
    assert {"fct_metric_values", "fct_encounters", "int_days_covered"} <= set(first_leaves_out)
    assert set(second_leaves_out) == models & upstream
    assert {"int_incidents_enriched", "int_link_pairs_compared", "fct_incidents"} <= set(second_leaves_out)
    assert invocation_exclusions(build_daily_schedule().tags, selected, project) == [[]]
    assert invocation_exclusions(cad_incremental_job.tags, selected - {fct_incidents}, project) == [[]]


def test_ingest_and_automation_definitions_load():
    dg.Definitions.validate_loadable(load_ingest_defs())
    automation = automation_definitions()
    assert {s.name for s in automation.sensors} == {"cad_source_sensor"}
    assert {s.name for s in automation.schedules} == {"daily_full_pipeline", "hourly_publication"}
    assert {j.name for j in automation.jobs} == {"ingest", "cad_incremental", "publication", "full_pipeline"}


def test_the_cad_path_stops_at_the_operational_marts_and_publication_takes_the_rest():
    """A new call reaches fct_incidents without waiting for suppression, the public tables, the
    site or the linkage report; the hourly publication job builds exactly those."""
    from orchestration.definitions import defs

    graph = defs().resolve_asset_graph()
    groups = {key: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    cad_path = cad_incremental_job.selection.resolve(graph)
    published = publication_job.selection.resolve(graph)
    assert dg.AssetKey(["marts", "fct_incidents"]) in cad_path
    assert dg.AssetKey(["marts", "fct_metric_values"]) in cad_path
    assert not {k for k in cad_path if groups[k] in PUBLICATION_GROUPS}
    assert {groups[k] for k in published} == set(PUBLICATION_GROUPS)
    assert dg.AssetKey(["public_marts", "pub_metric_values"]) in published
    # The learning estimates run in neither: only full_pipeline (every asset) builds them.
    full_only = {k for k in groups if groups[k] in FULL_PIPELINE_ONLY_GROUPS}
    assert dg.AssetKey(["learning", "change_estimates"]) in full_only
    assert dg.AssetKey(["learning", "learning_packet"]) in full_only
    assert not full_only & (cad_path | published)
    # together they cover everything downstream of raw_cad
    downstream = dg.AssetSelection.groups("raw_cad").downstream().resolve(graph)
    assert downstream <= cad_path | published | full_only and not cad_path & published
    schedule = build_publication_schedule()
    assert schedule.job_name == "publication" and schedule.cron_schedule == "0 * * * *"
    # A new call waits for the raw data's checks only; every other check on its path runs hourly,
    # in the run that builds the public tables from those marts.
    cad_checks = cad_incremental_job.selection.resolve_checks(graph)
    path_checks = dg.AssetSelection.assets(*cad_path).resolve_checks(graph)
    raw_checks = {c for c in path_checks if c.asset_key.path[0] == "raw_cad"}
    assert raw_checks and cad_checks == raw_checks
    assert path_checks - raw_checks <= publication_job.selection.resolve_checks(graph)
    assert dg.AssetKey(["marts", "fct_incidents"]) in {c.asset_key for c in path_checks - raw_checks}


def test_sensor_and_schedule_take_their_settings_when_built(monkeypatch):
    # Set after every module is imported: the definitions must still follow them.
    monkeypatch.setenv("ARP_CAD_SENSOR_INTERVAL_SECONDS", "7")
    monkeypatch.setenv("ARP_CAD_SENSOR", "on")
    monkeypatch.setenv("ARP_DAILY_CRON", "15 2 * * *")
    monkeypatch.setenv("ARP_PUBLICATION_CRON", "30 * * * *")
    assert build_publication_schedule().cron_schedule == "30 * * * *"
    sensor = build_cad_source_sensor()
    assert sensor.minimum_interval_seconds == 7
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert build_daily_schedule().cron_schedule == "15 2 * * *"
    monkeypatch.delenv("ARP_CAD_SENSOR")
    monkeypatch.delenv("ARP_DAILY_CRON")
    assert build_cad_source_sensor().default_status == dg.DefaultSensorStatus.STOPPED
    assert build_daily_schedule().cron_schedule == "0 5 * * *"


def test_daily_run_compares_every_row_and_catches_backdated_changes(tmp_path, duck):
    cad, cms = write_fixture_sources(tmp_path / "src", rows=10)
    resource = ingest_resource(duck, cad_url=cad.url, cms_url=cms.url)
    materialize_ingest(resource)
    with cad.engine.begin() as conn:  # corrected at the source without bumping updated_at
        conn.exec_driver_sql("UPDATE arrests SET charge_category = 'WARRANT' WHERE arrest_id = 0")
    assert rows_loaded(materialize_ingest(resource))["raw_cad.arrests"] == 0  # outside the cursor window

    daily_full_pipeline = build_daily_schedule()
    assert daily_full_pipeline.tags[FULL_COMPARE_TAG] == "true"
    daily = materialize_ingest(resource, tags=daily_full_pipeline.tags)
    assert rows_loaded(daily)["raw_cad.arrests"] == 1
    assert sum(rows_loaded(daily).values()) == 1
    assert_raw_equals_source(duck, {"cad_replica": cad.url, "case_management": cms.url})
