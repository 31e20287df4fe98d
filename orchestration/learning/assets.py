"""The learning register's estimates as a Dagster asset, run only by `full_pipeline`.

An estimate needs many weeks and changes at most once a week, so it is left out of the CAD
path (a new call must not wait for a regression) and out of `publication` (it is not public).
"""

from pathlib import Path

import dagster as dg

from orchestration.paths import output_dir
from orchestration.warehouse.resource import WarehouseResource

GROUP = "learning"
MART_KEYS = [dg.AssetKey(["marts", name]) for name in ("fct_incidents", "fct_follow_ups")]


class LearningResource(WarehouseResource):
    """The warehouse the series are read from (None = ARP_TARGET and friends), and where the
    estimates go (default: <output dir>/learning/)."""

    out_dir: str | None = None
    packet_dir: str | None = None  # default: <output dir>/internal/learning_packet/

    def estimates_path(self) -> Path:
        return Path(self.out_dir or output_dir() / "learning") / "change_estimates.json"

    def packet_path(self) -> Path:
        return Path(self.packet_dir or output_dir() / "internal" / "learning_packet")


@dg.asset(
    key=[GROUP, "change_estimates"],
    group_name=GROUP,
    deps=MART_KEYS,
    kinds={"json"},
    description="Interrupted time-series estimate of every change of the learning register (learning/*.yml) "
    "on each weekly series it watches: relative level change with its 95% interval, and whether it moved "
    "as expected (docs/learning.md).",
)
def change_estimates(context: dg.AssetExecutionContext, learning: LearningResource) -> dg.MaterializeResult:
    # Imported when the asset runs: statsmodels and pandas stay out of loading the definitions.
    from orchestration.learning.evaluate import evaluate_register, write_estimates

    records = evaluate_register(learning.destination())
    path = write_estimates(records, learning.estimates_path())
    statuses = {}
    for record in records:
        statuses[record["status"]] = statuses.get(record["status"], 0) + 1
    context.log.info(f"learning register: {len(records)} estimates {statuses} in {path}")
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(path)), "estimates": len(records), "by_status": statuses}
    )


@dg.asset(
    key=[GROUP, "learning_packet"],
    group_name=GROUP,
    deps=[change_estimates, dg.AssetKey(["marts", "fct_metric_values"]), *MART_KEYS],
    kinds={"html", "pdf"},
    description="The internal quarterly learning packet (HTML and PDF): every catalog metric of the latest complete "
    "quarter against the quarter before and a year before, flagged where a change exceeds noise, and the learning "
    "register's estimates from change_estimates (docs/learning.md). Not suppressed; never published.",
)
def learning_packet(context: dg.AssetExecutionContext, learning: LearningResource) -> dg.MaterializeResult:
    import json

    from orchestration.learning.packet import write_packet

    # The estimates change_estimates wrote, as they are: the packet never re-estimates.
    records = json.loads(learning.estimates_path().read_text(encoding="utf-8"))
    html_path, pdf_path = write_packet(learning.destination(), records, learning.packet_path())
    context.log.info(f"learning packet: {html_path} and {pdf_path}")
    return dg.MaterializeResult(
        metadata={"html": dg.MetadataValue.path(str(html_path)), "pdf": dg.MetadataValue.path(str(pdf_path))}
    )


learning_assets = [change_estimates, learning_packet]
