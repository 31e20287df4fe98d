"""Ingestion: source systems (SQL databases or vendor files) -> warehouse raw_cad / raw_cms.

Public entry points (used by the Dagster assets and by other areas' tests):

    from orchestration.ingest import load_sources, Destination
    report = load_sources(cad_url, cms_url, destination="build/warehouse.duckdb")
    report.rows_loaded  # {"raw_cad.incidents": 1234, ...}
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orchestration.ingest.loader import LoadReport, TableLoad, default_source_url, load_sources, load_system
    from orchestration.ingest.source import ContractMismatch, SourceUnreachable
    from orchestration.warehouse.destination import Destination

# Resolved on first use: importing one submodule (the Dagster definitions, a resource) must not
# import the loader with pyarrow and SQLAlchemy.
_EXPORTS = {
    "Destination": "orchestration.warehouse.destination",
    **dict.fromkeys(
        ("LoadReport", "TableLoad", "default_source_url", "load_sources", "load_system"), "orchestration.ingest.loader"
    ),
    **dict.fromkeys(("ContractMismatch", "SourceUnreachable"), "orchestration.ingest.source"),
}

__all__ = [
    "ContractMismatch",
    "Destination",
    "LoadReport",
    "SourceUnreachable",
    "TableLoad",
    "default_source_url",
    "load_sources",
    "load_system",
]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
