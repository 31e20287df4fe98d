"""Dagster definitions of the data-quality layer, merged into orchestration/definitions.py.

One multi-asset check per asset of expectations/*.yml (raw CAD and case-management tables, staged
tables, key marts). They target assets defined by ingestion and dbt, and read the warehouse from
ingestion's shared `ingest` resource, so this module defines no assets and no resources.
"""

from __future__ import annotations

import dagster as dg

from orchestration.quality.checks import build_asset_checks


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=build_asset_checks())
