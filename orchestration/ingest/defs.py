"""Ingestion's Dagster definitions; orchestration/definitions.py merges them into the code location."""

from __future__ import annotations

import dagster as dg

from orchestration.ingest.assets import build_ingest_assets
from orchestration.ingest.automation import (
    cad_incremental_job,
    cad_source_sensor,
    daily_full_pipeline,
    full_pipeline_job,
    ingest_job,
)
from orchestration.ingest.resources import IngestResource

defs = dg.Definitions(
    assets=build_ingest_assets(),
    jobs=[ingest_job, cad_incremental_job, full_pipeline_job],
    sensors=[cad_source_sensor],
    schedules=[daily_full_pipeline],
    resources={"ingest": IngestResource()},
)
