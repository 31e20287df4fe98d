"""How dbt resources become Dagster assets.

* models and seeds keep dagster-dbt's default key `[schema, name]` (e.g. `["marts", "fct_incidents"]`);
* sources take the key written in their `meta.dagster.asset_key` (`["raw_cad", "incidents"]`), which
  is the key of the ingestion asset that loads the table, so lineage runs from source to mart;
* each asset's group is its warehouse layer, so the UI shows staging / intermediate / marts lanes;
* every dbt test is an asset check, source tests included: a `not_null` on `raw_cad.incidents` is a
  check of the raw asset the loader writes, not an anonymous observation. Source checks are not
  blocking in Dagster's sense (see `get_asset_check_spec`); dbt's build still stops at them (in a
  CAD sensor run, the invocation after `fct_incidents` runs them: `invocation_exclusions`).

dagster-dbt adds a check for every test of a source that a selected model reads, whether or not
the dbt selection runs that test. A CAD-only city excludes the tests of its empty case-management
tables, so those checks would be expected and never reported (Dagster warns once per check and
cannot gate on them). `translator_for` therefore tells the translator which tests the selection
really runs, and only those become checks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster import AssetCheckSpec
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings
from dagster_dbt.utils import select_unique_ids

if TYPE_CHECKING:
    from dagster import AssetSpec
    from dagster_dbt import DbtProject

LAYER_GROUPS = {"staging", "intermediate", "marts", "public_candidates", "public_marts"}
EVERYTHING = "fqn:*"  # dagster-dbt's own default selection


class AltResponseDbtTranslator(DagsterDbtTranslator):
    """`tests_run`: unique ids of the dbt tests the step's selection runs (None: assume all)."""

    def __init__(self, tests_run: frozenset[str] | None = None) -> None:
        super().__init__(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
        )
        self.tests_run = tests_run

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference_data"
        schema = (dbt_resource_props.get("config") or {}).get("schema")
        if schema in LAYER_GROUPS:
            return f"dbt_{schema}"
        return super().get_group_name(dbt_resource_props)

    def get_asset_check_spec(
        self,
        asset_spec: AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> AssetCheckSpec | None:
        if self.tests_run is not None and unique_id not in self.tests_run:
            return None
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or not _tests_sources_only(manifest, unique_id):
            return spec
        # A blocking check makes every reader of its asset wait for the step that reports it. The
        # raw assets' blocking Great Expectations checks already make the dbt step wait for them,
        # so a blocking dbt check on the same raw asset would close a cycle (the graph of a
        # CAD-only city could not be built). dbt itself still skips every model downstream of a
        # failed error-severity source test, and the dbt step fails, so nothing is published from it.
        return AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=spec.description,
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=False,
        )


def _tests_sources_only(manifest: Mapping[str, Any], unique_id: str) -> bool:
    parents = manifest["nodes"][unique_id]["depends_on"]["nodes"]
    return bool(parents) and all(parent.startswith("source.") for parent in parents)


def tests_selected(project: DbtProject, select: str | None, exclude: str | None) -> frozenset[str]:
    """Unique ids of the tests `dbt build --select select --exclude exclude` runs."""
    manifest = json.loads(Path(project.manifest_path).read_text())
    selected = select_unique_ids(
        select=select or EVERYTHING, exclude=exclude or "", selector="", project=project, manifest_json=manifest
    )
    return frozenset(unique_id for unique_id in selected if unique_id.startswith("test."))


def translator_for(
    project: DbtProject, select: str | None = None, exclude: str | None = None
) -> AltResponseDbtTranslator:
    """The translator of one dbt step: checks for exactly the tests its selection runs."""
    return AltResponseDbtTranslator(tests_run=tests_selected(project, select, exclude))
