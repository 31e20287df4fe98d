{#- 8-byte float on both engines: dbt.type_float() is `float`, which DuckDB reads as 4-byte REAL. -#}
{% macro type_double() -%}
    double precision
{%- endmacro %}
