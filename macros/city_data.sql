{#- The source tables and columns the city lacks, from the city profile (var city_missing_data,
    comma-separated, e.g. "cad.unit_assignments,cms.encounters"), as a list. -#}
{% macro city_missing_data() -%}
    {%- set raw = var('city_missing_data', '') | string -%}
    {%- set items = [] -%}
    {%- for item in raw.split(',') if item | trim -%}
        {%- do items.append(item | trim) -%}
    {%- endfor -%}
    {{- return(items) -}}
{%- endmacro %}

{#- A SQL boolean: is this requirement (a column holding 'cad.calls' ...) missing for the city? -#}
{% macro is_missing_data(requirement_column) -%}
    {%- set missing = city_missing_data() -%}
    {%- if missing -%}
        {{ requirement_column }} in (
            {%- for item in missing %}'{{ item }}'{% if not loop.last %}, {% endif %}{% endfor -%}
        )
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- `expr`, or a typed null when the city lacks `requirement` (a value computed over an empty source
    table would read as a real zero). -#}
{% macro unless_city_lacks(requirement, expr, type) -%}
    {%- if requirement in city_missing_data() -%}
        cast(null as {{ type }})
    {%- else -%}
        {{ expr }}
    {%- endif -%}
{%- endmacro %}
