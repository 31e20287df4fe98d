{#- The access tiers must exist before dbt grants to them. `python -m orchestration.access setup`
    creates them with logins, passwords and schema privileges; this hook (on-run-start) only makes
    sure the roles exist so that a fresh database builds, and does nothing on DuckDB. -#}
{% macro ensure_access_roles() -%}
    {{ return(adapter.dispatch('ensure_access_roles', 'alt_response')()) }}
{%- endmacro %}

{% macro default__ensure_access_roles() -%}
    select 1
{%- endmacro %}

{% macro postgres__ensure_access_roles() -%}
    do $$
    begin
        {%- for role in ['data_team', 'analyst', 'public_reader'] %}
        if not exists (select from pg_roles where rolname = '{{ role }}') then
            create role {{ role }} nologin;
        end if;
        {%- endfor %}
    end
    $$
{%- endmacro %}
