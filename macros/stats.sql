{#- Continuous percentile with linear interpolation between the two nearest ranks. -#}
{% macro percentile_linear(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_linear', 'alt_response')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile_linear(expr, fraction) -%}
    cast(percentile_cont({{ fraction }}) within group (order by {{ expr }}) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__percentile_linear(expr, fraction) -%}
    cast(quantile_cont({{ expr }}, {{ fraction }}) as {{ type_double() }})
{%- endmacro %}


{#- Ratio as an 8-byte float; null (not an error) when the denominator is 0, and never integer
    division (PostgreSQL truncates int / int, DuckDB does not). -#}
{% macro safe_ratio(numerator, denominator) -%}
    (cast({{ numerator }} as {{ type_double() }}) / nullif(cast({{ denominator }} as {{ type_double() }}), 0))
{%- endmacro %}
