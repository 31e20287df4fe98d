"""Ingestion: source systems (SQL databases or vendor files) -> warehouse raw_cad / raw_cms.

Public entry points (used by the Dagster assets and by other areas' tests):

    from orchestration.ingest import load_sources, Destination
    report = load_sources(cad_url, cms_url, destination="build/warehouse.duckdb")
    report.rows_loaded  # {"raw_cad.incidents": 1234, ...}
"""

from orchestration.ingest.loader import LoadReport, TableLoad, default_source_url, load_sources, load_system
from orchestration.ingest.source import ContractMismatch, SourceUnreachable
from orchestration.warehouse.destination import Destination

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
