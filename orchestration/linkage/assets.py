"""The linkage report as a Dagster asset, downstream of the linkage models' dbt assets."""

from pathlib import Path

import dagster as dg

from orchestration.paths import PROJECT_ROOT
from orchestration.settings import settings
from orchestration.warehouse.resource import WarehouseResource

GROUP = "linkage"
LINKAGE_KEYS = [
    dg.AssetKey(["intermediate", name])
    for name in ("int_encounters_linked", "int_link_model_fitted", "int_link_pairs_for_review")
]


class LinkageReportResource(WarehouseResource):
    """Where the report reads (None = ARP_TARGET and friends), where it writes, and the synthetic
    city's truth directory, if any (ARP_TRUTH_DIR, else build/truth when it exists)."""

    out_dir: str | None = None
    truth_dir: str | None = None

    def output_dir(self) -> Path:
        return Path(self.out_dir or settings().output_dir or PROJECT_ROOT / "build") / "linkage"

    def truth(self) -> Path | None:
        path = self.truth_dir or settings().truth_dir
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
    # Imported when the asset runs: loading the Dagster definitions need not import pandas.
    from orchestration.linkage.report import build_linkage_report

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
