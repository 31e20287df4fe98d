"""Dagster assets of publication: the suppression decisions (Python), then the public tables that
read them (dbt), built as candidates and swapped in only when their blocking checks pass.

    dbt step 1 (transform/assets.py) -> public_candidates.*
    -> suppression/cell_decisions (this module, Python: which cells to hide)
    -> dbt step 2 (this module): public_marts.pub_* as __candidate tables, dbt tests,
       blocking quality checks, swap in one transaction -> publish/public_site, publish/data_cards

(No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.)
"""

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.public_tables.decisions import (
    CANDIDATE_SCHEMA,
    CELL_SETS,
    DECISIONS_SCHEMA,
    DECISIONS_TABLE,
    decide_and_write,
)
from orchestration.public_tables.publication_gate import (
    CANDIDATE_SELECTION,
    CANDIDATE_VARS,
    GATED_TABLES,
    publish_checked,
)
from orchestration.quality.suites import load_suites
from orchestration.run_liveness import record_child, record_worker
from orchestration.transform.assets import hash_key_for_dbt
from orchestration.transform.city_tests import city_skipped_tests
from orchestration.transform.project import dbt_project
from orchestration.transform.translator import translator_for
from orchestration.warehouse.destination import Destination

DECISIONS_KEY = dg.AssetKey([DECISIONS_SCHEMA, DECISIONS_TABLE])
CANDIDATE_KEYS = sorted(
    {dg.AssetKey([CANDIDATE_SCHEMA, model]) for models in CELL_SETS.values() for model in models}, key=lambda k: k.path
)


def _blocking_checked_assets() -> list[dg.AssetKey]:
    """Every warehouse asset (raw excepted) with a blocking quality check. dbt builds its first step
    as one Dagster step, so Dagster stops only what reads a checked asset directly: the decisions
    depend on all of them, so any failing blocking check upstream stops the decisions and, through
    them, every public table, which is what blocking means here."""
    return sorted(
        (
            dg.AssetKey(list(suites.asset_key))
            for suites in load_suites()
            if suites.asset_key[0] not in ("raw_cad", "raw_cms", "public_marts")
            and any(check.blocking for check in suites.checks)
        ),
        key=lambda k: k.path,
    )


GATES = _blocking_checked_assets()


@dg.asset(
    key=DECISIONS_KEY,
    group_name=DECISIONS_SCHEMA,
    kinds={"python"},
    deps=CANDIDATE_KEYS + [g for g in GATES if g not in CANDIDATE_KEYS],
    description="Which candidate public cells are hidden (counts of 1-10, and the complementary cells that "
    "protect them at least loss) and why. The only table Python writes for publication.",
)
def suppression_decisions(context: dg.AssetExecutionContext):
    report = decide_and_write(Destination.from_env())
    for name, figures in report.items():
        context.log.info(f"{name}: {figures}")
    return dg.MaterializeResult(metadata={name: dg.MetadataValue.json(figures) for name, figures in report.items()})


def build_public_tables_dbt_assets(project: DbtProject | None = None) -> dg.AssetsDefinition:
    """dbt step 2 for the project of the target and city profile set now (default `dbt_project()`)."""
    project = project or dbt_project()
    exclude = " ".join(city_skipped_tests(project.manifest_path)) or None

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=translator_for(project, select=CANDIDATE_SELECTION, exclude=exclude),
        select=CANDIDATE_SELECTION,
        exclude=exclude,
        name="public_tables_dbt_assets",
    )
    def public_tables_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """dbt builds the new versions as `__candidate` tables and tests them; the blocking checks run on
        the candidates, which replace the published tables together only when all pass. Nothing is
        reported as materialized before the swap: a failed version leaves yesterday's tables and fails."""
        record_worker(context)
        with hash_key_for_dbt():
            invocation = dbt.cli(["build", "--vars", CANDIDATE_VARS], context=context, raise_on_error=False)
        record_child(context, invocation.process.pid)
        events = list(invocation.stream())
        failure = None
        if not invocation.is_successful():
            failed_checks = [
                f"{e.asset_key.to_user_string()} {e.check_name}"
                for e in events
                if isinstance(e, dg.AssetCheckResult) and not e.passed
            ]
            failure = "; ".join(failed_checks) or str(invocation.get_error())
        # a run may select some of the tables: only those were built as candidates
        tables = [
            key.path[-1]
            for key in context.selected_asset_keys
            if key.path[0] == "public_marts" and key.path[-1] in GATED_TABLES
        ]
        publish_checked(Destination.from_env(), tables, dbt_failure=failure)
        context.log.info("public tables swapped in: " + ", ".join(tables))
        yield from events

    return public_tables_dbt_assets
