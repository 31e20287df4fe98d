"""Dagster definitions of publication (suppression decisions, gated public tables), merged into
orchestration/definitions.py. The dbt resource comes from orchestration/transform/defs.py."""

from __future__ import annotations

import dagster as dg

from orchestration.public_tables.assets import build_public_tables_dbt_assets, suppression_decisions


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[suppression_decisions, build_public_tables_dbt_assets()])
