"""Public tables: exact small-cell suppression of the candidate cells dbt builds."""
