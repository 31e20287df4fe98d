"""Dagster definitions of the learning register's estimates, merged into orchestration/definitions.py."""

from __future__ import annotations

import dagster as dg

from orchestration.learning.assets import LearningResource, learning_assets


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=learning_assets, resources={"learning": LearningResource()})
