"""Dagster definitions of the transformation layer, merged into orchestration/definitions.py."""

from __future__ import annotations

import dagster as dg

from orchestration.transform.assets import build_dbt_assets, dbt_resource
from orchestration.transform.project import dbt_project


@dg.definitions
def defs() -> dg.Definitions:
    project = dbt_project()
    return dg.Definitions(assets=[build_dbt_assets(project)], resources={"dbt": dbt_resource(project)})
