"""Dagster definitions of the public outputs, merged into orchestration/definitions.py."""

from __future__ import annotations

import dagster as dg

from orchestration.publishing.assets import PublishResource, publish_assets


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=publish_assets, resources={"publish": PublishResource()})
