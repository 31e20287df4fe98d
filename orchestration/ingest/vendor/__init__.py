"""Vendor exports (CSV / Parquet) mapped onto the source contract by a YAML file in a city profile (cities/<name>/)."""
from orchestration.ingest.vendor.engine import MappingResult, apply_mapping, read_export
from orchestration.ingest.vendor.load import VendorLoadReport, load_vendor_file, stage_export
from orchestration.ingest.vendor.spec import Mapping, MappingError, load_mapping

__all__ = [
    "Mapping", "MappingError", "MappingResult", "VendorLoadReport", "apply_mapping", "load_mapping",
    "load_vendor_file", "read_export", "stage_export",
]
