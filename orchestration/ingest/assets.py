"""Dagster assets: one multi-asset per source system, one asset key per contract table.

Keys are exactly ["raw_cad", <table>] / ["raw_cms", <table>] (the dbt sources declare them as
their upstream via meta.dagster.asset_key), grouped `raw_cad` / `raw_cms`. A multi-asset per
system loads all its tables in one warehouse transaction; it can be subset to some tables.
"""

import dagster as dg

from orchestration.contract import ContractError, System, get_system
from orchestration.ingest.resources import IngestResource
from orchestration.run_liveness import record_worker

# The source systems, in load order (orchestration/ingest/loader.py loads them; it is imported
# when an asset runs, with pyarrow and SQLAlchemy, not when the definitions load).
SYSTEMS = ("cad_replica", "case_management")

# Runs tagged with this read every source row and compare (the daily schedule sets it).
FULL_COMPARE_TAG = "arp/ingest_full_compare"

# An unreachable source is usually transient (replica restart, network): retry after 15s, 30s, 60s.
DEFAULT_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def build_ingest_assets(retry_policy: dg.RetryPolicy = DEFAULT_RETRY_POLICY) -> list[dg.AssetsDefinition]:
    """The raw_cad and raw_cms multi-assets (tests pass a faster retry policy)."""
    return [_system_assets(get_system(name), retry_policy) for name in SYSTEMS]


def _system_assets(system: System, retry_policy: dg.RetryPolicy) -> dg.AssetsDefinition:
    schema = system.raw_schema
    specs = [
        dg.AssetSpec(
            key=[schema, table.name],
            group_name=schema,
            description=table.description,
            skippable=True,
            metadata={
                "contract": f"contracts/{system.name}.yml",
                "primary_key": ", ".join(table.primary_key),
                "cursor": table.cursor,
            },
            tags={"arp/layer": "raw"},
        )
        for table in system.tables
    ]

    @dg.multi_asset(
        name=f"ingest_{schema}",
        specs=specs,
        can_subset=True,
        retry_policy=retry_policy,
        description=f"Incremental, idempotent copy of the {system.name} source into {schema} "
        f"(merge on primary keys, cursor on updated_at, one transaction).",
    )
    def _ingest(context: dg.AssetExecutionContext, ingest: IngestResource):
        from orchestration.ingest.source import SourceUnreachable

        record_worker(context)
        tables = sorted(key.path[-1] for key in context.selected_asset_keys)
        source = ingest.describe_source(system.name)
        context.log.info(f"loading {system.name} from {source} into {ingest.destination().describe()}")
        full_compare = context.run.tags.get(FULL_COMPARE_TAG) == "true"
        if full_compare:
            context.log.info("full compare: reading every source row (only changed rows are written)")
        try:
            report, extra = ingest.load(system.name, tables, logger=context.log, full_compare=full_compare)
        except SourceUnreachable as exc:
            # Retried with back-off by the RetryPolicy; the message masks any password.
            context.log.warning(f"{exc} (attempt {context.retry_number + 1} of {retry_policy.max_retries + 1})")
            raise
        except ContractError as exc:
            # Retrying cannot fix a source that breaks the contract: fail now, naming table and column.
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        for load in report.tables:
            metadata = {
                "rows_loaded": load.rows_loaded,
                "rows_inserted": load.rows_inserted,
                "rows_updated": load.rows_updated,
                "rows_read": load.rows_read,
                "dagster/row_count": load.raw_rows,
                "cursor_before": str(load.cursor_before),
                "cursor_after": str(load.cursor_after),
                "seconds": round(load.seconds, 3),
                "source": source,
                "warehouse": report.destination,
            }
            if extra.get("vendor_quarantined") and load.table in extra["vendor_quarantined"]:
                metadata["vendor_rows_in"] = extra["vendor_rows_in"]
                metadata["vendor_quarantined"] = extra["vendor_quarantined"][load.table]
            yield dg.MaterializeResult(asset_key=[load.schema, load.table], metadata=metadata)

    return _ingest
