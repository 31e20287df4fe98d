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

{#- The sum of a float column, the same to the last bit whatever order the rows arrive in. A
    floating-point sum depends on the order of its terms, and parallel aggregation (DuckDB) gives
    a different order on each run, so a re-run rewrote the last bit of every mean and total. Each
    term is rounded to 1e-9 (far below any printed precision) and the terms are summed exactly as
    decimals; only the total goes back to a float. -#}
{% macro exact_sum(expr) -%}
    cast(sum(cast({{ expr }} as decimal(38, 9))) as {{ type_double() }})
{%- endmacro %}
