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


{#- Pre-hook of the table models: no nested-loop joins on PostgreSQL. The warehouse tables have no
    indexes, so a nested loop only wins on tiny inputs, but the planner picks one whenever it
    under-estimates a CTE or an aggregate (it assumes 200 groups), which turned a 1-second join
    into 10 minutes at city scale. `set local` lasts only for the model's own transaction.
    Joins with no equality condition still run as nested loops (there is no other plan). -#}
{% macro planner_settings() -%}
    {{ return(adapter.dispatch('planner_settings', 'alt_response')()) }}
{%- endmacro %}

{% macro default__planner_settings() -%}
{%- endmacro %}

{% macro postgres__planner_settings() -%}
    {%- if model.config.materialized == 'table' -%}
        set local enable_nestloop = off
    {%- endif -%}
{%- endmacro %}
