"""The suites as Dagster asset checks: one multi-asset check per protected asset.

Each check of a suite file becomes an `AssetCheckSpec` on its asset with the declared severity:
`error` checks are `blocking=True`, so a failure stops every asset downstream of the checked one in
the same run; `warn` checks report a WARN result and let the run continue. All checks of an asset
run in one GX validation (one step), against the warehouse of the shared `ingest` resource
(ARP_TARGET and friends by default, like dbt's profile). A check that cannot run at all (missing
table, unreachable database) fails with the error as its description instead of crashing the step,
so it still blocks or warns as declared.
"""

from collections.abc import Sequence
from pathlib import Path

import dagster as dg
from dagster import AssetCheckExecutionContext

from orchestration.paths import PROJECT_ROOT, output_dir
from orchestration.quality.runner import DEFAULT_RESULTS, AssetOutcome, CheckOutcome, validate_asset
from orchestration.quality.settings import load_settings
from orchestration.quality.suites import AssetSuites, load_suites
from orchestration.quality.warehouse import Warehouse

# The shared resource that says which warehouse the platform writes: ingestion's IngestResource
# (its `destination()` follows ARP_TARGET / ARP_DUCKDB_PATH / ARP_PG_* like profiles.yml), so the
# checks validate exactly the tables the loads wrote and dbt built.
RESOURCE_KEY = "ingest"


def docs_index() -> Path:
    """The Data Docs page the checks link to (build/docs/quality, or the city profile's)."""
    return output_dir() / "docs" / "quality" / "index.html"


# Failed expectations listed in a check's metadata (the Data Docs page has all of them).
MAX_LISTED = 15


def _op_name(asset: AssetSuites) -> str:
    return "gx__" + "__".join(asset.asset_key)


def _check_specs(asset: AssetSuites) -> list[dg.AssetCheckSpec]:
    key = dg.AssetKey(list(asset.asset_key))
    deps = [dg.AssetKey(list(d)) for d in asset.deps]
    return [
        dg.AssetCheckSpec(
            name=check.name,
            asset=key,
            description=(f"[{'blocking' if check.blocking else 'warning'}] {check.description}").strip(),
            blocking=check.blocking,
            additional_deps=deps or None,
            metadata={
                "severity": check.severity,
                "suite_file": str(Path(asset.source).relative_to(PROJECT_ROOT)),
                "expectations": len(check.expectations),
                "engine": "great_expectations",
            },
        )
        for check in asset.checks
    ]


def _severity(check: CheckOutcome) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if check.spec.blocking else dg.AssetCheckSeverity.WARN


def check_result(asset: AssetSuites, outcome: AssetOutcome, check: CheckOutcome) -> dg.AssetCheckResult:
    failures = check.failures
    listed = "\n".join(f"- {f.summary()}" for f in failures[:MAX_LISTED])
    if len(failures) > MAX_LISTED:
        listed += f"\n- ... and {len(failures) - MAX_LISTED} more (see the Data Docs)"
    if check.passed:
        description = f"{len(check.expectations)} expectations passed on {outcome.warehouse}"
    else:
        description = f"{len(failures)} of {len(check.expectations)} expectations failed on {outcome.warehouse}"
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(list(asset.asset_key)),
        check_name=check.spec.name,
        passed=check.passed,
        severity=_severity(check),
        description=description,
        metadata={
            "warehouse": outcome.warehouse,
            "expectations": len(check.expectations),
            "failed_expectations": len(failures),
            "unexpected_rows": check.unexpected_rows,
            "failures": dg.MetadataValue.md(listed or "none"),
            "suite_file": str(Path(asset.source).relative_to(PROJECT_ROOT)),
            "validation_seconds": round(outcome.seconds, 3),
            "data_docs": dg.MetadataValue.path(str(docs_index())),
        },
    )


def _error_results(asset: AssetSuites, names: Sequence[str], warehouse: str, exc: Exception):
    for name in names:
        check = asset.check(name)
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey(list(asset.asset_key)),
            check_name=name,
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN,
            description=f"could not validate {asset.label} on {warehouse}: {type(exc).__name__}: {exc}",
            metadata={"warehouse": warehouse, "error": f"{type(exc).__name__}: {exc}"},
        )


def _build_asset_check(
    asset: AssetSuites, resource_key: str, results_dir: Path | str | None
) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        name=_op_name(asset),
        specs=_check_specs(asset),
        description=f"Great Expectations suites of {asset.label} ({Path(asset.source).name}). {asset.description}",
        can_subset=True,
        required_resource_keys={resource_key},
        compute_kind="great_expectations",
    )
    def _gx_check(context: AssetCheckExecutionContext):
        names = [key.name for key in context.selected_asset_check_keys]
        warehouse = Warehouse(getattr(context.resources, resource_key).destination())
        try:
            outcome = validate_asset(asset, warehouse, load_settings(), checks=names, results_dir=results_dir)
        except Exception as exc:  # reported as failed checks, which block or warn as declared
            context.log.exception("validating %s failed", asset.label)
            yield from _error_results(asset, names, warehouse.describe(), exc)
            return
        for check in outcome.checks.values():
            yield check_result(asset, outcome, check)

    return _gx_check


def build_asset_checks(
    assets: Sequence[AssetSuites] | None = None,
    resource_key: str = RESOURCE_KEY,
    results_dir: Path | str | None = DEFAULT_RESULTS,
) -> list[dg.AssetChecksDefinition]:
    """One multi-asset check per asset of the suite files (all of expectations/ by default)."""
    assets = load_suites() if assets is None else assets
    return [_build_asset_check(a, resource_key, results_dir) for a in assets]
