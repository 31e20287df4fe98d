{#- A demographic table as the public may see it (people served, staff): the count unless the
    suppression step decided to hide it, with one marker for every hidden cell (small or
    complementary). A cell without a decision gets a null is_suppressed, which the contract's
    not_null refuses. -#}
{% macro suppressed_demographic_cells(table_name, count_column) -%}
with

cells as (
    select * from {{ ref('candidate_demographic_cells') }}
    where table_name = '{{ table_name }}'
),

decisions as (
    select * from {{ source('suppression', 'cell_decisions') }}
    where cell_set = 'demographic'
)

select
    cells.period_grain,
    cells.period_start,
    cells.program,
    cells.attribute,
    cells.category,
    case when decisions.is_suppressed then null else cells.cell_count end as {{ count_column }},
    decisions.is_suppressed,
    case when decisions.is_suppressed then 'suppressed' end as suppression_reason
from cells
left join decisions on cells.cell_id = decisions.cell_id
{%- endmacro %}
