"""Ingestion's Dagster assets and resource; orchestration/definitions.py merges them with the jobs,
sensor and schedules of orchestration/automation.py into the code location."""

from __future__ import annotations

import dagster as dg

from orchestration.ingest.assets import build_ingest_assets
from orchestration.ingest.resources import IngestResource


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=build_ingest_assets(),
        resources={"ingest": IngestResource()},
    )
