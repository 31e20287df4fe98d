"""The Dagster code location: every asset, check, job, schedule and sensor of the platform."""
from __future__ import annotations

import dagster as dg

from orchestration.ingest.defs import defs as ingest_defs
from orchestration.public.defs import defs as public_defs
from orchestration.publish.defs import defs as publish_defs
from orchestration.quality.defs import defs as quality_defs
from orchestration.transform.defs import defs as transform_defs

defs = dg.Definitions.merge(dg.Definitions(assets=[]), ingest_defs, quality_defs, public_defs, transform_defs,
                            publish_defs)
