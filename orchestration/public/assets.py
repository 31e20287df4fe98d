"""Dagster assets of the suppressed public tables (schema public_marts)."""

import dagster as dg

from orchestration.ingest.destination import Destination
from orchestration.public.tables import publish_public_tables, table_specs
from orchestration.quality.suites import load_suites

UPSTREAM = {
    "pub_metric_values": [["intermediate", "int_public_metric_cells"], ["intermediate", "int_public_metric_relations"]],
    "pub_people_served_demographics": [["intermediate", "int_public_demographic_cells"],
                                       ["intermediate", "int_public_demographic_relations"]],
    "pub_staff_demographics": [["intermediate", "int_public_demographic_cells"],
                               ["intermediate", "int_public_demographic_relations"]],
}


def _blocking_checked_assets() -> list[list[str]]:
    """Every warehouse asset (raw excepted) with a blocking quality check. dbt builds in one step,
    so Dagster stops only what reads a checked asset directly: depending on all of them makes any
    failing blocking check upstream stop publication, which is what blocking means here."""
    return sorted(
        list(suites.asset_key) for suites in load_suites()
        if suites.asset_key[0] not in ("raw_cad", "raw_cms", "public_marts")
        and any(check.blocking for check in suites.checks)
    )


GATES = _blocking_checked_assets()


@dg.multi_asset(
    name="public_suppressed_tables",
    specs=[
        dg.AssetSpec(["public_marts", name], deps=UPSTREAM[name] + [g for g in GATES if g not in UPSTREAM[name]],
                     group_name="public_marts",
                     description=spec.description, kinds={"python"})
        for name, spec in table_specs().items()
    ],
)
def public_suppressed_tables(context: dg.AssetExecutionContext):
    """Hide counts of 1-10 and the complementary cells that protect them at least loss, then write the public tables."""
    dest = Destination.from_env()
    report = publish_public_tables(dest)
    for name, figures in report.items():
        context.log.info(f"{name}: {figures}")
        yield dg.MaterializeResult(asset_key=["public_marts", name], metadata=figures)
