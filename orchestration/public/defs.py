"""Dagster definitions of publication (suppression decisions, gated public tables), merged into
orchestration/definitions.py. The dbt resource comes from orchestration/transform/defs.py."""

from __future__ import annotations

import dagster as dg

from orchestration.public.assets import public_tables_dbt_assets, suppression_decisions

defs = dg.Definitions(assets=[suppression_decisions, public_tables_dbt_assets])
