"""The Dagster code location: every asset, check, job, schedule and sensor of the platform.

The definitions are built when Dagster loads them (`@dg.definitions`), not when this module is
imported: that is when the settings they depend on (target, city profile, hash key, sensor and
schedule settings) are meant, and importing the package stays cheap for tools and tests.
"""

from __future__ import annotations

import functools
import os

import dagster as dg

from orchestration import automation
from orchestration.console import PROGRESS_LOGGER, progress_logger

# Modules, not their `defs` loaders: Dagster refuses a module that holds more than one
# definitions loader at module scope (`dagster dev -m orchestration.definitions`).
from orchestration.ingest import defs as ingest
from orchestration.learning import defs as learning
from orchestration.linkage import defs as linkage
from orchestration.planning import defs as planning
from orchestration.privacy.hash_key import require_hash_key
from orchestration.public_tables import defs as public
from orchestration.publishing import defs as publish
from orchestration.quality import defs as quality
from orchestration.transform import defs as transform

# What the definitions depend on: the project's settings, dbt's and Dagster's own.
SETTING_PREFIXES = ("ARP_", "DBT_", "DAGSTER_")


@dg.definitions
def defs() -> dg.Definitions:
    # Outside demo mode, no job may start without a secret hash key (orchestration/privacy/hash_key.py).
    require_hash_key()
    settings = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(SETTING_PREFIXES)))
    return _definitions(settings)


@functools.cache
def _definitions(settings: tuple[tuple[str, str], ...]) -> dg.Definitions:
    """Built once per process and settings: Dagster resolves a loader twice while loading a code
    location, and building the dbt assets from the manifest is most of the cost."""
    # The progress logger is used only when a run's config names it (make demo); other runs keep
    # Dagster's console logger.
    return dg.Definitions.merge(
        dg.Definitions(loggers={PROGRESS_LOGGER: progress_logger}),
        ingest.defs(),
        quality.defs(),
        public.defs(),
        transform.defs(),
        publish.defs(),
        linkage.defs(),
        learning.defs(),
        planning.defs(),
        automation.definitions(),
    )
