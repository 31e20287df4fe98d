"""Dagster definitions of the scenario planner, merged into orchestration/definitions.py."""

from __future__ import annotations

import dagster as dg

from orchestration.planning.assets import PlanningResource, planning_assets


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=planning_assets, resources={"planning": PlanningResource()})
