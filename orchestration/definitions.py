"""The Dagster code location: every asset, check, job, schedule and sensor of the platform."""

from __future__ import annotations

import dagster as dg

from orchestration.console import PROGRESS_LOGGER, progress_logger
from orchestration.privacy.hash_key import require_hash_key

# Outside demo mode, no job may start without a secret hash key (orchestration/privacy/hash_key.py).
require_hash_key()

# Modules, not their `defs` objects: Dagster refuses a module that holds more than one
# Definitions object at module scope (`dagster dev -m orchestration.definitions`).
from orchestration.ingest import defs as ingest
from orchestration.public import defs as public
from orchestration.publish import defs as publish
from orchestration.quality import defs as quality
from orchestration.transform import defs as transform

# The progress logger is used only when a run's config names it (make demo); other runs keep
# Dagster's console logger.
defs = dg.Definitions.merge(
    dg.Definitions(loggers={PROGRESS_LOGGER: progress_logger}),
    ingest.defs,
    quality.defs,
    public.defs,
    transform.defs,
    publish.defs,
)
