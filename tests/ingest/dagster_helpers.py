"""Run the real ingest assets in-process and read back what each materialization reported."""

from __future__ import annotations

import dagster as dg

from orchestration.ingest.assets import build_ingest_assets
from orchestration.ingest.resources import IngestResource
from orchestration.warehouse.destination import Destination

# Real back-off, but fast enough for a test: 0.2s, 0.4s.
FAST_RETRY = dg.RetryPolicy(max_retries=2, delay=0.2, backoff=dg.Backoff.EXPONENTIAL)


def ingest_resource(destination: Destination, **sources) -> IngestResource:
    if destination.kind == "duckdb":
        return IngestResource(target="duckdb", duckdb_path=str(destination.duckdb_path), **sources)
    return IngestResource(target="postgres", pg_database=destination.pg_database, **sources)


def materialize_ingest(
    resource: IngestResource,
    selection=None,
    raise_on_error: bool = True,
    instance: dg.DagsterInstance | None = None,
    tags: dict | None = None,
) -> dg.ExecuteInJobResult:
    return dg.materialize(
        build_ingest_assets(retry_policy=FAST_RETRY),
        resources={"ingest": resource},
        selection=selection,
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
        tags=tags,
    )


def rows_loaded(result: dg.ExecuteInJobResult) -> dict[str, int]:
    """{"raw_cad.incidents": n, ...} from the materialization metadata."""
    out = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        out[".".join(mat.asset_key.path)] = mat.metadata["rows_loaded"].value
    return out


def failure_messages(result: dg.ExecuteInJobResult) -> list[str]:
    messages = []
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            messages.append(data.user_failure_data.description)
        error = data.error
        while error is not None:  # after the last retry Dagster wraps the cause in "Exceeded max_retries"
            messages.append(error.message.strip())
            error = error.cause
    return messages


def retry_count(result: dg.ExecuteInJobResult) -> int:
    return sum(1 for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY)
