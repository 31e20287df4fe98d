"""The Dagster side of the dbt project: every model, seed and snapshot as an asset, dbt tests as checks."""
