{#- raw rows = staged rows + quarantined rows, and the base model holds every raw row exactly once.
    Fails with one row naming the counts when they disagree. -#}
{% test raw_rows_reconcile(model, source_relation, staged_model, quarantine_model) %}
with

counts as (
    select
        (select count(*) from {{ source_relation }}) as raw_rows,
        (select count(*) from {{ model }}) as base_rows,
        (select count(*) from {{ staged_model }}) as staged_rows,
        (select count(*) from {{ quarantine_model }}) as quarantined_rows
)

select
    '{{ source_relation }}' as raw_table,
    raw_rows,
    base_rows,
    staged_rows,
    quarantined_rows
from counts
where raw_rows <> staged_rows + quarantined_rows or raw_rows <> base_rows
{% endtest %}
