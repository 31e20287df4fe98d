"""Every scenario file planned, as a Dagster asset run only by `full_pipeline` (a plan replays the
whole observed period, so it is left out of the CAD path and out of publication: it is not public)."""

from pathlib import Path

import dagster as dg

from orchestration.paths import output_dir
from orchestration.warehouse.resource import WarehouseResource

GROUP = "planning"
MART_KEYS = [dg.AssetKey(["marts", "fct_incidents"])]


class PlanningResource(WarehouseResource):
    """The warehouse the calls are read from and the results table written to (None = ARP_TARGET
    and friends), the scenario folder (default scenarios/), where the files go (default
    <output dir>/planning/) and how many seeds each scenario is run with."""

    scenario_dir: str | None = None
    out_dir: str | None = None
    seeds: int = 5

    def folder(self) -> Path:
        return Path(self.out_dir or output_dir() / "planning")


@dg.asset(
    key=[GROUP, "scenario_results"],
    group_name=GROUP,
    deps=MART_KEYS,
    kinds={"json", "csv"},
    description="Every scenario file (scenarios/*.yml) replayed through the SimPy model of the teams over the "
    "observed calls: responded and forgone incidents by reason, response time, utilization, police hours saved, "
    "with the spread across seeds (docs/planning.md). Written to <output dir>/planning/ and to the table "
    "planning.planning_scenario_results.",
)
def scenario_results(context: dg.AssetExecutionContext, planning: PlanningResource) -> dg.MaterializeResult:
    # Imported when the asset runs: SimPy and pandas stay out of loading the definitions.
    from orchestration.planning.inputs import NothingToPlanWith, read_inputs
    from orchestration.planning.outputs import write_files, write_table
    from orchestration.planning.report import plan
    from orchestration.planning.scenario import SCENARIO_DIR, load_scenario, scenario_files

    dest = planning.destination()
    try:
        inputs = read_inputs(dest)
    except NothingToPlanWith as exc:
        # Written down, not left blank: the folder says why there is no plan.
        reason = f"not available: {exc}"
        planning.folder().mkdir(parents=True, exist_ok=True)
        (planning.folder() / "not_available.txt").write_text(reason + "\n")
        context.log.warning(f"no scenario planned: {reason}")
        return dg.MaterializeResult(
            metadata={"folder": dg.MetadataValue.path(str(planning.folder())), "not_available": reason}
        )
    reports = []
    for path in scenario_files(Path(planning.scenario_dir or SCENARIO_DIR)):
        reports.append(plan(load_scenario(path), inputs, seeds=planning.seeds, progress=context.log.info))
    paths = write_files(reports, planning.folder())
    rows = write_table(reports, dest)
    summary = {r["scenario"]: round(r["figures"]["forgone_share"]["mean"], 4) for r in reports}
    context.log.info(f"planned {len(reports)} scenarios into {planning.folder()} and {rows} table rows")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(planning.folder())),
            "files": len(paths),
            "table_rows": rows,
            "forgone_share_by_scenario": summary,
        }
    )


planning_assets = [scenario_results]
