"""Dagster definitions of the public tables, merged into orchestration/definitions.py."""
from __future__ import annotations

import dagster as dg

from orchestration.public.assets import public_suppressed_tables

defs = dg.Definitions(assets=[public_suppressed_tables])
