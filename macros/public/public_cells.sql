{#- Helpers for the candidate public cells (models/public_candidates). Suppression itself runs
    in Python (orchestration/public_tables/suppression.py): choosing the complementary cells is an integer
    program, and bounding what a reader can derive from all published cells together is linear
    programming, not SQL. -#}

{#- The key of one published cell: every column that identifies the row, joined with '|'. -#}
{% macro public_cell_id(columns) -%}
    {%- for column in columns -%}
        cast({{ column }} as {{ dbt.type_string() }}){% if not loop.last %} || '|' || {% endif %}
    {%- endfor -%}
{%- endmacro %}


{#- Whether a count discloses a small number (1..10; 0 and absent cells are public knowledge). -#}
{% macro is_small_count(expression) -%}
    coalesce({{ expression }} between 1 and {{ var('public_small_cell_max') }}, false)
{%- endmacro %}


{#- A value rounded half away from zero to a column's number of decimals, the same on both engines
    (PostgreSQL has no round(double precision, int), and DuckDB's numeric cast has 3 decimals). -#}
{% macro round_half_up(expression, decimals) -%}
    (sign({{ expression }}) * floor(abs({{ expression }}) * power(10, {{ decimals }}) + 0.5) / power(10, {{ decimals }}))
{%- endmacro %}
