"""One Dagster multi-asset for the whole dbt project; `dbt build` runs models, seeds and tests
in dependency order, and each dbt test is reported as an asset check of the model it tests.

(No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.)"""
import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.transform.project import dbt_executable, dbt_project
from orchestration.transform.translator import AltResponseDbtTranslator


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=AltResponseDbtTranslator(),
)
def alt_response_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, target=dbt_project.target, dbt_executable=dbt_executable())
