"""The linkage report as a Dagster asset, downstream of the linkage models' dbt assets."""

import os
from dataclasses import replace
from pathlib import Path

import dagster as dg

from orchestration.contract import PROJECT_ROOT
from orchestration.ingest.destination import Destination
from orchestration.linkage.report import build_linkage_report

GROUP = "linkage"
LINKAGE_KEYS = [
    dg.AssetKey(["intermediate", name])
    for name in ("int_encounters_linked", "int_encounter_link_model", "int_encounter_link_review")
]


class LinkageReportResource(dg.ConfigurableResource):
    """Where the report reads (None = ARP_TARGET and friends), where it writes, and the synthetic
    city's truth directory, if any (ARP_TRUTH_DIR, else build/truth when it exists)."""

    target: str | None = None
    duckdb_path: str | None = None
    pg_database: str | None = None
    out_dir: str | None = None
    truth_dir: str | None = None

    def destination(self) -> Destination:
        dest = Destination.from_env(target=self.target)
        if self.duckdb_path:
            dest = replace(dest, duckdb_path=Destination.duckdb(self.duckdb_path).duckdb_path)
        if self.pg_database:
            dest = replace(dest, pg_database=self.pg_database)
        return dest

    def output_dir(self) -> Path:
        return Path(self.out_dir or os.environ.get("ARP_OUTPUT_DIR") or PROJECT_ROOT / "build") / "linkage"

    def truth(self) -> Path | None:
        path = self.truth_dir or os.environ.get("ARP_TRUTH_DIR")
        if path:
            return Path(path)
        default = PROJECT_ROOT / "build" / "truth"
        return default if default.exists() else None


@dg.asset(
    key=[GROUP, "linkage_report"],
    group_name=GROUP,
    deps=LINKAGE_KEYS,
    kinds={"html", "json"},
    description="Internal linkage report (build/linkage/): links by method, the model's probability "
    "histogram and fitted m/u, the review queue, unlinked encounters, precision and recall "
    "against the true links when a synthetic truth exists.",
)
def linkage_report(context: dg.AssetExecutionContext, linkage: LinkageReportResource) -> dg.MaterializeResult:
    report = build_linkage_report(linkage.destination(), linkage.output_dir(), linkage.truth())
    f = report.figures
    context.log.info(f"linkage report: {f['linked']} of {f['encounters']} encounters linked, in {report.html_path}")
    metadata = {
        "path": dg.MetadataValue.path(str(report.html_path)),
        "encounters": f["encounters"],
        "linked": f["linked"],
        "links_by_method": dg.MetadataValue.json(f["links_by_method"]),
        "review_queue": dg.MetadataValue.json(f["review_queue"]),
        "seconds": round(report.seconds, 3),
    }
    if "against_truth" in f:
        metadata["precision"] = f["against_truth"]["precision"]
        metadata["recall"] = f["against_truth"]["recall"]
    return dg.MaterializeResult(metadata=metadata)


linkage_assets = [linkage_report]
