"""The pipeline-wide jobs, the CAD sensor and the schedules (every area's assets, one place).

* `cad_source_sensor` polls the CAD source (a cheap count + max(updated_at) per table, or the
  export file's size and mtime) and, when it changed, starts `cad_incremental`: the raw_cad
  assets with their checks, and the operational models and marts downstream of them without their
  dbt tests (those run hourly in `publication`, before the public tables read the marts). The public
  side (suppression candidates and decisions, the public tables, the site and cards, the linkage
  report) is left to `publication`, so a new call is not held up by work the public sees at most
  hourly; the learning register's estimates (group `learning`) and the scenario plans (group
  `planning`) are left to `full_pipeline`.
  It never starts a second run while one is going, and does not read the source meanwhile;
  the next tick catches up with everything that changed meanwhile. A run whose process died is
  marked failed first (orchestration/run_liveness.py), so it never blocks the sensor.
* `daily_full_pipeline` runs `full_pipeline` (every asset: ingestion, dbt, checks, publishing)
  once a day in the city's time zone; its ingestion compares every source row, not just the
  cursor window, so a change stamped too early for the window is still caught within a day.
* `hourly_publication` runs `publication` (public candidates, suppression decisions, the gated
  public tables, the site and cards, the linkage report) at the top of every hour
  (`ARP_PUBLICATION_CRON`), so the public outputs trail the operational marts by an hour at most.
"""

import dagster as dg

from orchestration.contract import ContractError
from orchestration.ingest.assets import FULL_COMPARE_TAG
from orchestration.ingest.resources import IngestResource
from orchestration.run_liveness import end_dead_runs, end_orphaned_children
from orchestration.settings import settings
from orchestration.transform.assets import CAD_PATH_TAG

_ENDED = [dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]
_ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def sensor_interval_seconds() -> int:
    return settings().cad_sensor_interval_seconds


def daily_cron() -> str:
    return settings().daily_cron


def publication_cron() -> str:
    return settings().publication_cron


def city_timezone() -> str:
    """The city profile's time zone (cities/<name>/city.yml), so the schedule's day is the city's day."""
    from orchestration.cities.profile import city_timezone as profile_timezone

    return profile_timezone()


ingest_job = dg.define_asset_job(
    "ingest",
    selection=dg.AssetSelection.groups("raw_cad", "raw_cms"),
    description="Load both source systems into raw_cad and raw_cms (incremental).",
)
# What the public sees, and the linkage report: refreshed by `publication`, not on every new call.
PUBLICATION_GROUPS = ("dbt_public_candidates", "suppression", "dbt_public_marts", "publish", "linkage")
publication_selection = dg.AssetSelection.groups(*PUBLICATION_GROUPS)
# Built only by `full_pipeline`: the learning register's estimates need whole weeks, not each call,
# and a scenario plan replays the whole observed period.
FULL_PIPELINE_ONLY_GROUPS = ("learning", "planning")
full_pipeline_only_selection = dg.AssetSelection.groups(*FULL_PIPELINE_ONLY_GROUPS)


def _checks_only(selection: dg.AssetSelection) -> dg.AssetSelection:
    """The checks of `selection`'s assets, without the assets."""
    return selection - selection.without_checks()


# The operational models and marts a new CAD row reaches.
operational_selection = (
    dg.AssetSelection.groups("raw_cad").downstream() - publication_selection - full_pipeline_only_selection
)
# A new call waits for no check on its way to fct_incidents. The raw CAD data's Great Expectations
# suites only warn, so they run after the dbt step; its dbt source tests run in that step right after
# fct_incidents is built and before the metrics and other marts, which a failed one holds back
# (invocation_exclusions in orchestration/transform/assets.py); the dbt tests of the models run hourly
# with `publication`, before anything public is built from the marts, and in the daily run.
cad_incremental_job = dg.define_asset_job(
    "cad_incremental",
    selection=operational_selection.without_checks() | dg.AssetSelection.groups("raw_cad"),
    description="New or updated CAD rows: load raw_cad, check it, and rebuild the operational models and "
    "marts that depend on it (their tests run with `publication`; the public outputs wait for it too).",
    # Latency matters here: one process instead of one per step saves a Python start-up
    # (seconds on a busy machine), and steps share the single DuckDB writer anyway.
    executor_def=dg.in_process_executor,
    tags={CAD_PATH_TAG: "true"},
)
publication_job = dg.define_asset_job(
    "publication",
    selection=publication_selection | _checks_only(operational_selection - dg.AssetSelection.groups("raw_cad")),
    description="The public side from the current marts: first the tests of the operational models and "
    "marts, then suppression candidates and decisions, the public tables behind their blocking checks, "
    "the site and data cards, the linkage report.",
)
full_pipeline_job = dg.define_asset_job(
    "full_pipeline",
    selection=dg.AssetSelection.all(),
    description="Every asset: ingestion, transformations, checks and publications.",
)


def _sensor_status() -> dg.DefaultSensorStatus:
    return dg.DefaultSensorStatus.RUNNING if settings().cad_sensor else dg.DefaultSensorStatus.STOPPED


def _cad_source_sensor(context: dg.SensorEvaluationContext, ingest: IngestResource):
    from orchestration.ingest.source import SourceUnreachable  # pyarrow, SQLAlchemy: at tick time only

    active = context.instance.get_run_records(
        dg.RunsFilter(job_name=cad_incremental_job.name, statuses=_ACTIVE), limit=5
    )
    # A run whose process was killed would stay STARTED and hold this sensor back forever.
    ended = end_dead_runs(context.instance, active)
    for run_id in ended:
        context.log.warning(f"run {run_id} had died: marked failed, starting the next run now")
    # The code server fails a run whose worker died by itself, but leaves its dbt process running.
    orphaned = end_orphaned_children(
        context.instance.get_run_records(dg.RunsFilter(job_name=cad_incremental_job.name, statuses=_ENDED), limit=5)
    )
    for run_id in orphaned:
        context.log.warning(f"run {run_id} had failed but its dbt process was still running: ended it")
    ended += [run_id for run_id in orphaned if run_id not in ended]
    active = [r for r in active if r.dagster_run.run_id not in ended]
    if active:
        # The source is not read while a run goes: counting a city's CAD tables takes a second of the
        # CPU the run's dbt needs. The cursor stays, so the next tick after this run sees any change.
        return dg.SkipReason(f"waiting for run {active[0].dagster_run.run_id} to finish before reading CAD")
    try:
        fingerprint = ingest.cad_fingerprint()
    except (SourceUnreachable, ContractError, OSError) as exc:
        return dg.SkipReason(f"cannot read the CAD source: {exc}")
    if fingerprint == context.cursor and not ended:
        return dg.SkipReason("no new or updated CAD rows")
    context.update_cursor(fingerprint)
    # A new key after a dead run: the same rows must run again, and Dagster drops a repeated key.
    run_key = f"cad-{fingerprint}" + (f"-after-{ended[0]}" if ended else "")
    return dg.RunRequest(run_key=run_key, tags={"arp/trigger": "cad_source_sensor"})


def build_cad_source_sensor() -> dg.SensorDefinition:
    """`cad_source_sensor` with the interval (ARP_CAD_SENSOR_INTERVAL_SECONDS) and default status
    (ARP_CAD_SENSOR) set now."""
    return dg.sensor(
        name="cad_source_sensor",
        job=cad_incremental_job,
        minimum_interval_seconds=sensor_interval_seconds(),
        default_status=_sensor_status(),
        description="Starts cad_incremental when CAD rows are added or updated at the source.",
    )(_cad_source_sensor)


def build_daily_schedule() -> dg.ScheduleDefinition:
    """`daily_full_pipeline` with the cron (ARP_DAILY_CRON) and city time zone set now."""
    return dg.ScheduleDefinition(
        name="daily_full_pipeline",
        job=full_pipeline_job,
        cron_schedule=daily_cron(),
        # The daily run compares every source row, catching changes stamped before the cursor window.
        tags={FULL_COMPARE_TAG: "true"},
        execution_timezone=city_timezone(),
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="The whole pipeline once a day (early morning, city time).",
    )


def build_publication_schedule() -> dg.ScheduleDefinition:
    """`hourly_publication` with the cron (ARP_PUBLICATION_CRON) and city time zone set now."""
    return dg.ScheduleDefinition(
        name="hourly_publication",
        job=publication_job,
        cron_schedule=publication_cron(),
        execution_timezone=city_timezone(),
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="The public outputs from the current marts, every hour.",
    )


def definitions() -> dg.Definitions:
    """The jobs, sensor and schedules, built from the settings current now; orchestration/definitions.py
    merges them with every area's assets."""
    return dg.Definitions(
        jobs=[ingest_job, cad_incremental_job, publication_job, full_pipeline_job],
        sensors=[build_cad_source_sensor()],
        schedules=[build_daily_schedule(), build_publication_schedule()],
    )
