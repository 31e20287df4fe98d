"""How dbt resources become Dagster assets.

* models and seeds keep dagster-dbt's default key `[schema, name]` (e.g. `["marts", "fct_incidents"]`);
* sources take the key written in their `meta.dagster.asset_key` (`["raw_cad", "incidents"]`), which
  is the key of the ingestion asset that loads the table, so lineage runs from source to mart;
* each asset's group is its warehouse layer, so the UI shows staging / intermediate / marts lanes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

LAYER_GROUPS = {"staging", "intermediate", "marts", "public_candidates", "public_marts"}


class AltResponseDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference_data"
        schema = (dbt_resource_props.get("config") or {}).get("schema")
        if schema in LAYER_GROUPS:
            return f"dbt_{schema}"
        return super().get_group_name(dbt_resource_props)
