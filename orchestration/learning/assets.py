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

    def estimates_path(self) -> Path:
        return Path(self.out_dir or output_dir() / "learning") / "change_estimates.json"


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


learning_assets = [change_estimates]
