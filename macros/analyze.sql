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
    Joins with no equality condition still run as nested loops (there is no other plan).
    The incremental models (macros/incremental.sql) also get a larger work_mem: their filter
    `key in (<changed keys>) or ...` is planned before the cutoff is known, so the planner expects
    a third of the raw table among the changed keys; a hash of that many keys does not fit the
    default 4 MB, and without it PostgreSQL re-scans the changed keys for every raw row (minutes per
    run at city scale instead of seconds). -#}
{% macro planner_settings() -%}
    {{ return(adapter.dispatch('planner_settings', 'alt_response')()) }}
{%- endmacro %}

{% macro default__planner_settings() -%}
{%- endmacro %}

{% macro postgres__planner_settings() -%}
    {%- if model.config.materialized == 'table' -%}
        set local enable_nestloop = off
    {%- elif model.config.materialized == 'incremental' -%}
        set local enable_nestloop = off;
        set local work_mem = '256MB'
    {%- endif -%}
{%- endmacro %}
