"""The dbt project as Dagster multi-assets; `dbt build` runs models, seeds and tests in dependency
order, and each dbt test is reported as an asset check of the model it tests.

The project is built in two steps because Python decides between them: this one builds everything
up to the public candidates (and the public tables that need no suppression); then the
suppression step writes its decisions (orchestration/public_tables/assets.py), and the public tables that
read them are built, checked and swapped in by their own dbt step there.

(No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.)"""

import contextlib
import json
import os
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.utils import select_unique_ids

from orchestration.ingest.assets import FULL_COMPARE_TAG
from orchestration.paths import output_dir
from orchestration.privacy.hash_key import dbt_environment
from orchestration.retention import prune
from orchestration.run_liveness import record_child, record_worker
from orchestration.transform.city_tests import city_skipped_tests, write_skipped_tests
from orchestration.transform.project import dbt_beside_python, dbt_executable, dbt_project, reuse_prepared_parse
from orchestration.transform.translator import translator_for

# Everything that reads the suppression decisions is built after them (orchestration/public_tables/assets.py).
AFTER_DECISIONS = "source:suppression+"
# Runs of the CAD sensor's job carry this tag: a new call is on its way to the marts.
CAD_PATH_TAG = "arp/cad_path"
# The mart a new call is waited for in: the CAD sensor's runs build the models on the way to it first.
FCT_INCIDENTS = dg.AssetKey(["marts", "fct_incidents"])


def build_dbt_assets(project: DbtProject | None = None) -> dg.AssetsDefinition:
    """dbt step 1 for the project of the target and city profile set now (default `dbt_project()`)."""
    project = project or dbt_project()
    # Tests of tables the city profile lacks are left out of this city's build (orchestration/transform/city_tests.py).
    skipped = city_skipped_tests(project.manifest_path)
    exclude = " ".join([AFTER_DECISIONS, *skipped])

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=translator_for(project, exclude=exclude),
        exclude=exclude,
    )
    def alt_response_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        if skipped:
            record = write_skipped_tests(skipped, output_dir() / "dbt")
            context.log.info(
                f"{len(skipped)} dbt tests skipped: they test tables this city does not have "
                f"(reasons in {record}), e.g. " + "; ".join(f"{t}: {r}" for t, r in list(skipped.items())[:3])
            )
        record_worker(context)
        context.log.info(prune(context.instance))
        reuse_prepared_parse(project)
        args = dbt_build_args(context.run.tags)
        for excluded in invocation_exclusions(context.run.tags, context.selected_asset_keys, project):
            with hash_key_for_dbt():
                # one value: dagster-dbt takes the word after --exclude as the whole exclusion
                invocation = dbt.cli([*args, *(["--exclude", " ".join(excluded)] if excluded else [])], context=context)
            # A killed run leaves dbt running on its own; the tag lets the CAD sensor end it (run_liveness).
            record_child(context, invocation.process.pid)
            yield from invocation.stream()

    return alt_response_dbt_assets


def dbt_build_args(run_tags: Mapping[str, str]) -> list[str]:
    """`dbt build`, with --full-refresh in the daily run. The incremental CAD models
    (macros/incremental.sql) only look at rows stamped after what they hold less a look-back; the
    daily run's full compare loads changes stamped earlier than that, so it rebuilds them whole.
    The CAD sensor's runs leave out dbt's unit tests: they check the SQL on fixed rows, not the
    data, so they cannot fail between two runs of the same code, and ten of them sat on the way
    from a new call to fct_incidents (the daily run and `make test` run them). They also write no
    JSON artifacts: dbt wrote the 3 MB manifest.json before its first node (0.45 s at city scale)
    and again with run_results.json at the end, for a run directory no one reads; each node's
    result is in Dagster's event log and the invocation's dbt.log."""
    if run_tags.get(FULL_COMPARE_TAG) == "true":
        return ["build", "--full-refresh"]
    if run_tags.get(CAD_PATH_TAG) == "true":
        return ["build", "--exclude-resource-type", "unit_test", "--no-write-json"]
    return ["build"]


def invocation_exclusions(
    run_tags: Mapping[str, str], selected: AbstractSet[dg.AssetKey], project: DbtProject
) -> list[list[str]]:
    """What each dbt invocation of the step leaves out: one invocation, leaving nothing out, except
    in the CAD sensor's runs, where the models on the way to `marts.fct_incidents` are built first
    and the other selected models (the case-management marts, the metrics, the quarantine views,
    the calendar) by a second invocation, after the raw sources' tests. In one invocation dbt starts
    a model as soon as its parents are built, so those others took turns with the models a new call
    waits for on the two threads (about 3 s of every sensor run at city scale), and every model
    waited for the 39 source tests (about 2 s). The second invocation costs a dbt start-up (about
    5 s) after `fct_incidents`, not before it. A failed source test still fails the run and stops
    dbt from building the metrics and the other marts from that data; the rows a source test would
    flag that break a staging rule are quarantined before `fct_incidents` either way."""
    if run_tags.get(CAD_PATH_TAG) != "true" or FCT_INCIDENTS not in selected:
        return [[]]
    manifest = json.loads(Path(project.manifest_path).read_text())
    # dbt's own `+fct_incidents`: the mart and everything it reads, directly or not
    way = select_unique_ids(
        select=f"+{FCT_INCIDENTS.path[-1]}", exclude="", selector="", project=project, manifest_json=manifest
    )
    models = {node["name"]: uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    selected_models = {key.path[-1] for key in selected if key.path[-1] in models}
    on_the_way = sorted(name for name in selected_models if models[name] in way)
    others = sorted(selected_models - set(on_the_way))
    if not others:
        return [[]]
    # The CAD path runs only the raw sources' tests (the models' tests run with `publication`): the
    # first invocation runs none, the second runs them before the other models.
    return [[*others, "resource_type:test"], on_the_way]


@contextlib.contextmanager
def hash_key_for_dbt():
    """The key reaches dbt's PostgreSQL sessions through PGOPTIONS, which dagster-dbt copies from
    this process's environment into the dbt process; it is removed again when dbt has finished,
    and never enters the run config or event log (orchestration/privacy/hash_key.py)."""
    before = os.environ.get("PGOPTIONS")
    os.environ["PGOPTIONS"] = dbt_environment()["PGOPTIONS"]
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PGOPTIONS", None)
        else:
            os.environ["PGOPTIONS"] = before


class ProjectDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, reading dbt's version from the dbt-core this process imports when the
    dbt it runs is the one installed beside this Python (always, in the project's environment):
    dagster-dbt asks with a `dbt --version` process instead, 1.4 s of every run on the way from a
    new call to the marts."""

    @cached_property
    def _cli_version(self):
        from dagster_dbt.compat import DBT_PYTHON_VERSION  # the imported dbt-core's, parsed by dagster-dbt

        if DBT_PYTHON_VERSION is None or Path(self.dbt_executable) != dbt_beside_python():
            return super()._cli_version
        return DBT_PYTHON_VERSION

    def _initialize_dbt_core_adapter(self, args):
        """No dbt adapter in this process. dagster-dbt builds one (loading the profile and project and
        parsing every macro: 1.5 s of every dbt step at city scale, on the way from a new call to the
        marts) only for `fetch_row_counts` and `fetch_column_metadata`, which the project does not
        use; the dbt it starts has its own."""
        return None


def dbt_resource(project: DbtProject | None = None) -> DbtCliResource:
    project = project or dbt_project()
    return ProjectDbtCliResource(project_dir=project, target=project.target, dbt_executable=dbt_executable())
