{#- Post-hook of the table models: refresh the planner statistics right after the table is created.
    PostgreSQL's autovacuum analyzes new tables only later, and until then the planner guesses a few
    rows per table and picks nested loops that take minutes at city scale. DuckDB needs nothing. -#}
{% macro analyze_relation() -%}
    {{ return(adapter.dispatch('analyze_relation', 'alt_response')()) }}
{%- endmacro %}

{% macro default__analyze_relation() -%}
{%- endmacro %}

{% macro postgres__analyze_relation() -%}
    {%- if model.config.materialized == 'table' -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
