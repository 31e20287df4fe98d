{#- Helpers for the candidate public cells (models/intermediate/public). Suppression itself is
    exact and runs in Python (orchestration/public/suppression.py): deciding whether a hidden cell
    can be solved for from all published totals together is linear algebra, not SQL. -#}

{#- The key of one published cell: every column that identifies the row, joined with '|'. -#}
{% macro public_cell_id(columns) -%}
    {%- for column in columns -%}
        cast({{ column }} as {{ dbt.type_string() }}){% if not loop.last %} || '|' || {% endif %}
    {%- endfor -%}
{%- endmacro %}


{#- Whether a count discloses a small number (1..10; 0 and absent cells are public knowledge). -#}
{% macro is_small_count(expression) -%}
    coalesce({{ expression }} between 1 and {{ var('public_small_cell_max', 10) }}, false)
{%- endmacro %}
