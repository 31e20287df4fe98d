"""Dagster definitions of the linkage report, merged into orchestration/definitions.py."""

from __future__ import annotations

import dagster as dg

from orchestration.linkage.assets import LinkageReportResource, linkage_assets


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=linkage_assets, resources={"linkage": LinkageReportResource()})
