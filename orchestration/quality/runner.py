"""Run an asset's Great Expectations suites inside the warehouse and summarize them per check.

Each batch (the asset's table or a derived query) becomes a GX SQL data asset of an ephemeral
context, so every metric is computed by the database; nothing but aggregates and a bounded sample of
unexpected values comes back to Python. The full validation results are also written as JSON under
build/gx/results/, from which `orchestration.quality.docs` builds the Data Docs site.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.paths import PROJECT_ROOT, output_dir
from orchestration.quality.settings import Settings, load_settings
from orchestration.quality.suites import (
    AssetSuites,
    CheckSpec,
    ResolveContext,
    expectations_by_batch,
    render_query,
)
from orchestration.quality.warehouse import Warehouse

log = logging.getLogger(__name__)
# GX does not know DuckDB's dialect and warns on every type expectation that it compares with
# SQLAlchemy's generic types instead, which is exactly what the DuckDB type names are written for.
logging.getLogger("great_expectations.expectations.type_comparison").setLevel(logging.ERROR)

# A city profile other than the demo city writes under build/<city>/ (ARP_OUTPUT_DIR, orchestration/cities).
# results_dir=DEFAULT_RESULTS writes to results_dir() as it is when validating; None writes nothing.
DEFAULT_RESULTS = "default"


def results_dir() -> Path:
    """The results folder of this city's outputs (build/gx/results, or build/<city>/gx/results)."""
    return output_dir() / "gx" / "results"


def results_dir_of(value: Path | str | None) -> Path | None:
    return results_dir() if value == DEFAULT_RESULTS else None if value is None else Path(value)


# Values of unexpected rows shown per expectation (GX's SUMMARY format returns up to 20).
SAMPLE_SIZE = 5


@dataclass
class ExpectationOutcome:
    check: str
    suite: str
    type: str
    kwargs: dict[str, Any]
    success: bool
    description: str | None = None
    observed: Any = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    sample: list[Any] = field(default_factory=list)
    error: str | None = None

    @property
    def target(self) -> str:
        """What the expectation looks at, for messages: a column, a column pair or the batch."""
        k = self.kwargs
        if self.description:
            return repr(self.description)
        if "column" in k:
            return str(k["column"])
        if "column_A" in k:
            return f"{k['column_A']} vs {k['column_B']}"
        if "column_list" in k:
            return ",".join(k["column_list"])
        return self.suite

    def summary(self) -> str:
        if self.error:
            return f"{self.type} on {self.target}: ERROR {self.error}"
        parts = [f"{self.type} on {self.target}: {'ok' if self.success else 'FAILED'}"]
        if self.unexpected_count is not None:
            parts.append(f"{self.unexpected_count} unexpected ({self.unexpected_percent or 0:.3g}%)")
        elif self.observed is not None:
            parts.append(f"observed {_short(self.observed)}")
        if self.sample and not self.success:
            parts.append(f"e.g. {_short(self.sample)}")
        return ", ".join(parts)


@dataclass
class CheckOutcome:
    spec: CheckSpec
    expectations: list[ExpectationOutcome]

    @property
    def passed(self) -> bool:
        return all(e.success for e in self.expectations)

    @property
    def unexpected_rows(self) -> int:
        """Rows (or values) the check's expectations flagged: the figure compared with the truth."""
        total = 0
        for e in self.expectations:
            if e.unexpected_count is not None:
                total += e.unexpected_count
            elif not e.success and isinstance(e.observed, int) and e.type == "unexpected_rows_expectation":
                total += e.observed
        return total

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]


@dataclass
class AssetOutcome:
    asset: AssetSuites
    warehouse: str
    checks: dict[str, CheckOutcome]
    result_files: list[Path]
    seconds: float


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _error_message(exception_info: Any) -> str | None:
    """GX reports either one exception dict or a dict of them keyed by metric; return the first."""
    if not exception_info:
        return None
    if "raised_exception" in exception_info:
        infos = [exception_info]
    else:
        infos = [v for v in exception_info.values() if isinstance(v, dict)]
    for info in infos:
        if info.get("raised_exception") or info.get("exception_message"):
            return str(info.get("exception_message") or "unknown error").strip().splitlines()[0]
    return None


def _outcome(suite: str, result) -> ExpectationOutcome:
    config = result.expectation_config
    res = result.result or {}
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
    sample = res.get("partial_unexpected_list") or []
    return ExpectationOutcome(
        check=config.meta.get("check", "?"),
        suite=suite,
        type=config.type,
        kwargs=kwargs,
        success=bool(result.success),
        description=config.description,
        observed=res.get("observed_value"),
        unexpected_count=res.get("unexpected_count"),
        unexpected_percent=res.get("unexpected_percent"),
        sample=list(sample[:SAMPLE_SIZE]),
        error=_error_message(result.exception_info),
    )


def ephemeral_context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def validate_asset(
    asset: AssetSuites,
    warehouse: Warehouse,
    settings: Settings | None = None,
    checks: Sequence[str] | None = None,
    now_utc: dt.datetime | None = None,
    results_dir: Path | str | None = DEFAULT_RESULTS,
) -> AssetOutcome:
    """Validate the selected checks (all when None) of one asset; write results JSON to results_dir."""
    import great_expectations as gx

    written_to = results_dir_of(results_dir)

    started = time.monotonic()
    settings = settings or load_settings()
    ctx_kwargs = {"engine": warehouse.engine_name, "settings": settings}
    if now_utc is not None:
        ctx_kwargs["now_utc"] = now_utc
    rctx = ResolveContext(**ctx_kwargs).for_asset(asset)
    by_batch = expectations_by_batch(asset, rctx, checks)
    selected = [c for c in asset.checks if checks is None or c.name in set(checks)]
    outcomes = {c.name: CheckOutcome(c, []) for c in selected}
    result_files: list[Path] = []

    warehouse.wait_until_readable()
    context = ephemeral_context()
    datasource = context.data_sources.add_sql(
        name="warehouse", connection_string=warehouse.sqlalchemy_url(), kwargs=warehouse.engine_kwargs()
    )
    try:
        for batch_name, expectations in by_batch.items():
            batch = asset.batches[batch_name]
            suite_name = asset.suite_name(batch_name)
            try:
                if batch.table:
                    schema, table = batch.table.split(".")
                    with warnings.catch_warnings():
                        # GX 1.14+ prefers the schema in the connection; ours spans raw_* and marts.
                        warnings.simplefilter("ignore", DeprecationWarning)
                        data_asset = datasource.add_table_asset(name=suite_name, table_name=table, schema_name=schema)
                else:
                    data_asset = datasource.add_query_asset(name=suite_name, query=render_query(batch.query, rctx))
            except Exception as exc:  # e.g. the table is not built yet: every expectation fails, saying so
                message = (
                    f"cannot read {batch.table or 'batch ' + batch_name} on {warehouse.describe()}: "
                    f"{str(exc).splitlines()[0][:300]}"
                )
                for e in expectations:
                    outcomes[e.meta["check"]].expectations.append(
                        ExpectationOutcome(
                            check=e.meta["check"],
                            suite=suite_name,
                            type=e.expectation_type,
                            kwargs=e.configuration.kwargs,
                            success=False,
                            description=e.description,
                            error=message,
                        )
                    )
                continue
            batch_definition = data_asset.add_batch_definition_whole_table("all_rows")
            suite = context.suites.add(
                gx.ExpectationSuite(
                    name=suite_name,
                    expectations=expectations,
                    meta={
                        "asset_key": list(asset.asset_key),
                        "suite_file": os.path.relpath(asset.source, PROJECT_ROOT),
                        "warehouse": warehouse.describe(),
                    },
                )
            )
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
            )
            result = definition.run(result_format="SUMMARY")
            for r in result.results:
                outcome = _outcome(suite_name, r)
                outcomes[outcome.check].expectations.append(outcome)
            if results_dir is not None:
                result_files.append(_write_result(written_to, suite_name, asset, warehouse, result))
    finally:
        # Close every connection now: an open DuckDB handle keeps the file locked against writers.
        datasource.get_execution_engine().close()
        datasource.get_engine().dispose()

    seconds = time.monotonic() - started
    log.info("validated %s on %s in %.2fs", asset.label, warehouse.describe(), seconds)
    return AssetOutcome(asset, warehouse.describe(), outcomes, result_files, seconds)


def _write_result(results_dir: Path, suite_name: str, asset: AssetSuites, warehouse: Warehouse, result) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{suite_name}.json"
    doc = {
        "suite": suite_name,
        "asset_key": list(asset.asset_key),
        "suite_file": os.path.relpath(asset.source, PROJECT_ROOT),
        "warehouse": warehouse.describe(),
        "validated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "checks": {c.name: {"severity": c.severity, "description": c.description} for c in asset.checks},
        "result": result.to_json_dict(),
    }
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, indent=1, default=str))
    tmp.replace(path)  # atomic: a docs build never reads half a file
    return path
