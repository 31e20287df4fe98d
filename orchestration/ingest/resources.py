"""The `ingest` Dagster resource: where ingestion reads from and writes to.

Every field defaults to the environment, so `make demo`, `make ui` and production deployments
configure ingestion the same way dbt is configured (ARP_TARGET, ARP_DUCKDB_PATH, ARP_PG_*), plus:

    ARP_CAD_URL / ARP_CMS_URL   SQLAlchemy URLs of the source systems (default: build/sources/*.sqlite)
    ARP_CAD_MAPPING             a cities/<name>/<mapping>.yml: CAD comes from a vendor export instead of a database
    ARP_CAD_EXPORT              the export file for that mapping (default: the mapping's source.path)
    ARP_CMS_MAPPING             the same for case management: a mapping with system: case_management
    ARP_CITY                    the city profile (cities/<name>/city.yml, default demo): a source
                                system it does not declare is absent and its raw tables are left empty
"""

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.contract import get_system
from orchestration.settings import settings
from orchestration.warehouse.resource import WarehouseResource

if TYPE_CHECKING:
    from orchestration.ingest.loader import LoadReport

# The loader and the source readers (pyarrow, SQLAlchemy) are imported by the methods that use
# them: the Dagster definitions build this resource without loading anything.


class IngestResource(WarehouseResource):
    """Source URLs, optional CAD vendor mapping, and the warehouse (None = from the environment)."""

    cad_url: str | None = None
    cms_url: str | None = None
    cad_mapping: str | None = None
    cad_export: str | None = None
    cms_mapping: str | None = None
    lookback_minutes: float = 10.0
    vendor_stage_dir: str | None = None

    # -- resolution ------------------------------------------------------------------------
    def mapping_path(self) -> str | None:
        return self.cad_mapping or settings().cad_mapping

    def export_path(self) -> str | None:
        return self.cad_export or settings().cad_export

    def vendor_mapping(self, system: str) -> str | None:
        """The vendor mapping a system is read through, if any (else its database URL is)."""
        if system == "cad_replica":
            return self.mapping_path()
        return self.cms_mapping or settings().cms_mapping

    def source_url(self, system: str) -> str:
        from orchestration.ingest.loader import default_source_url

        explicit = self.cad_url if system == "cad_replica" else self.cms_url
        return explicit or default_source_url(system)

    def system_declared(self, system: str) -> bool:
        """Does the city profile have this source system? (A CAD-only city has no case management.)"""
        from orchestration.cities import load_profile

        return load_profile().has_system(system)

    def describe_source(self, system: str) -> str:
        if not self.system_declared(system):
            return f"none (city profile {settings().city} declares no {system} source)"
        if self.vendor_mapping(system):
            return f"vendor export via {self.vendor_mapping(system)}"
        from orchestration.ingest.source import safe_url

        return safe_url(self.source_url(system))

    # -- work ---------------------------------------------------------------------------------
    def load(
        self,
        system: str,
        tables: list[str] | None = None,
        logger: logging.Logger | None = None,
        full_compare: bool = False,
    ) -> "tuple[LoadReport, dict]":
        """Load one system; returns the report and extra metadata (vendor accounting).

        `full_compare` reads every source row instead of the cursor window (still writing only
        the changed ones): the daily run uses it to catch changes stamped before the window.
        """
        from orchestration.ingest.loader import load_absent_system, load_system

        lookback = None if full_compare else dt.timedelta(minutes=self.lookback_minutes)
        if not self.system_declared(system):
            # Nothing from another city's source may land here: the raw tables exist, empty, so the
            # models run, and the metrics that need them are reported not available.
            return load_absent_system(system, self.destination(), tables=tables, logger=logger), {}
        if self.vendor_mapping(system):
            from orchestration.contract import ContractError
            from orchestration.ingest.mappings import load_mapping, load_vendor_file

            mapping = load_mapping(self.vendor_mapping(system))
            if mapping.system.name != system:
                raise ContractError(
                    f"{mapping.path.name} maps {mapping.system.name}, but it is configured as the "
                    f"{system} mapping (cad_mapping / cms_mapping)"
                )
            staged = Path(self.vendor_stage_dir) / f"{mapping.name}.sqlite" if self.vendor_stage_dir else None
            export = self.export_path() if system == "cad_replica" else None
            vendor = load_vendor_file(
                mapping, export, self.destination(), tables=tables, staged_path=staged, logger=logger
            )
            extra = {
                "vendor_rows_in": vendor.rows_in,
                "vendor_quarantined": {t: vendor.quarantined(t) for t in vendor.mapping.tables},
            }
            return vendor.load, extra
        report = load_system(
            system, self.source_url(system), self.destination(), tables=tables, lookback=lookback, logger=logger
        )
        return report, {}

    def cad_fingerprint(self) -> str:
        """A short digest that changes whenever CAD rows are added or updated (for the sensor)."""
        import sqlalchemy as sa

        from orchestration.ingest.source import check_source, open_source

        mapping = self.mapping_path()
        if mapping:
            from orchestration.ingest.mappings import load_mapping
            from orchestration.ingest.mappings.readers import export_state

            state = export_state(load_mapping(mapping), self.export_path())
        else:
            system = get_system("cad_replica")
            state = {}
            with open_source(system.name, self.source_url(system.name)) as conn:
                names = check_source(conn, system)
                for table in system.tables:
                    if table.name not in names:  # an optional table the source does not have
                        continue
                    n = names[table.name]
                    count, latest = conn.execute(
                        sa.select(sa.func.count(), sa.func.max(sa.column(n[table.cursor]))).select_from(
                            sa.table(n["__table__"])
                        )
                    ).one()
                    state[table.name] = [count, str(latest)]
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]
