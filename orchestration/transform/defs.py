"""Dagster definitions of the transformation layer, merged into orchestration/definitions.py."""

from __future__ import annotations

import dagster as dg

from orchestration.transform.assets import alt_response_dbt_assets, dbt_resource

defs = dg.Definitions(
    assets=[alt_response_dbt_assets],
    resources={"dbt": dbt_resource()},
)
