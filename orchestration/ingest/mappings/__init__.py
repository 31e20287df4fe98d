"""Vendor exports (CSV / Parquet / spreadsheet files, database tables) mapped onto the source contract by a YAML
file in a city profile (cities/<name>/)."""

from orchestration.ingest.mappings.engine import MappingResult, apply_mapping
from orchestration.ingest.mappings.load import (
    VendorLoadReport,
    check_quarantine_share,
    load_vendor_file,
    map_export,
    stage_export,
)
from orchestration.ingest.mappings.readers import Export, read_export
from orchestration.ingest.mappings.spec import BadExport, Mapping, MappingError, load_mapping

__all__ = [
    "BadExport",
    "Export",
    "Mapping",
    "MappingError",
    "MappingResult",
    "VendorLoadReport",
    "apply_mapping",
    "check_quarantine_share",
    "load_mapping",
    "load_vendor_file",
    "map_export",
    "read_export",
    "stage_export",
]
