{#- Use the configured schema name as-is (staging, intermediate, marts, public_marts):
    the warehouse layout is a fixed interface (docs/interfaces.md), so dbt's default of
    prefixing the target schema would break BI connections and grants. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
