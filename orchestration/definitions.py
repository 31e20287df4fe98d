"""The Dagster code location: every asset, check, job, schedule and sensor of the platform."""
from __future__ import annotations

import dagster as dg

from orchestration.ingest.defs import defs as ingest_defs

defs = dg.Definitions.merge(dg.Definitions(assets=[]), ingest_defs)
