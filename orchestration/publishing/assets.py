"""The public outputs as Dagster assets, downstream of the public marts' dbt assets.

Both assets depend on every public mart (dagster-dbt keys `["public_marts", <model>]`, see
orchestration/transform/translator.py), so a failing blocking check on a public mart, or on any
asset upstream of it, stops them in that run: Dagster skips what lies downstream of a failed
blocking check, and nothing stale or unchecked is published.
"""

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from orchestration.paths import BUILD_DIR
from orchestration.publishing.marts import SCHEMA, TABLES
from orchestration.settings import settings
from orchestration.warehouse.resource import WarehouseResource

if TYPE_CHECKING:
    from orchestration.publishing.build import PublishReport

# The publisher (orchestration.publishing.build: WeasyPrint, pango, vl-convert) is imported when an
# asset runs, not when the definitions load.
PUBLIC_MART_KEYS = [dg.AssetKey([SCHEMA, table]) for table in TABLES]
GROUP = "publish"


class PublishResource(WarehouseResource):
    """Where the publisher reads (None = ARP_TARGET and friends) and where it writes (`out_dir`/site, /cards)."""

    out_dir: str | None = None

    def output_root(self) -> Path:
        # ARP_OUTPUT_DIR: a city profile other than the demo city publishes under build/<city>/.
        return Path(self.out_dir or settings().output_dir or BUILD_DIR)


def _metadata(report: "PublishReport", files: list[Path], seconds: float, index: Path) -> dict:
    return {
        "path": dg.MetadataValue.path(str(index)),
        "files": len(files),
        "quarters": dg.MetadataValue.json(report.quarters),
        "public_mart_rows": dg.MetadataValue.json(report.row_counts),
        "warehouse": report.source,
        "build_seconds": round(seconds, 3),
        "cells_hidden_by_publisher_guard": report.guarded_cells,
    }


@dg.asset(
    key=[GROUP, "public_site"],
    group_name=GROUP,
    deps=PUBLIC_MART_KEYS,
    kinds={"html"},
    description="Public dashboard (tabs, date/program filters), Major Questions pages and Definitions, "
    "English and Spanish, in build/site/.",
)
def public_site(context: dg.AssetExecutionContext, publish: PublishResource) -> dg.MaterializeResult:
    from orchestration.publishing.build import build_public_outputs

    report = build_public_outputs(publish.destination(), publish.output_root(), generated=dt.date.today(), cards=False)
    context.log.info(f"wrote {len(report.site_files)} site files to {report.site_dir} in {report.seconds:.2f} s")
    return dg.MaterializeResult(
        metadata=_metadata(report, report.site_files, report.seconds, report.site_dir / "index.html")
    )


@dg.asset(
    key=[GROUP, "data_cards"],
    group_name=GROUP,
    deps=PUBLIC_MART_KEYS,
    kinds={"pdf", "html"},
    description="Quarterly data cards in English and Spanish, HTML and PDF, in build/cards/.",
)
def data_cards(context: dg.AssetExecutionContext, publish: PublishResource) -> dg.MaterializeResult:
    from orchestration.publishing.build import build_public_outputs

    report = build_public_outputs(publish.destination(), publish.output_root(), generated=dt.date.today(), site=False)
    context.log.info(f"wrote {len(report.card_files)} card files to {report.cards_dir} in {report.seconds:.2f} s")
    return dg.MaterializeResult(
        metadata=_metadata(report, report.card_files, report.seconds, report.cards_dir / "index.html")
    )


publish_assets = [public_site, data_cards]
