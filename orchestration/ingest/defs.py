"""Ingestion's Dagster definitions; orchestration/definitions.py merges them into the code location."""

from __future__ import annotations

import dagster as dg

from orchestration.ingest.assets import build_ingest_assets
from orchestration.ingest.automation import (
    build_cad_source_sensor,
    build_daily_schedule,
    cad_incremental_job,
    full_pipeline_job,
    ingest_job,
)
from orchestration.ingest.resources import IngestResource


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=build_ingest_assets(),
        jobs=[ingest_job, cad_incremental_job, full_pipeline_job],
        sensors=[build_cad_source_sensor()],
        schedules=[build_daily_schedule()],
        resources={"ingest": IngestResource()},
    )
