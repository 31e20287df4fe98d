{#- Building blocks of the metric models (models/intermediate/metrics). -#}

{#- The period grains every metric is computed at (dbt var): local month, quarter and year. -#}
{% macro period_grains() -%}
    {{ return(var('period_grains')) }}
{%- endmacro %}

{#- Every incident once in each period it counts in (its local creation month, quarter and year:
    the period grains), scoped to program 'ALL' and, with per_heart_program, once more to the
    program of a HEART incident. -#}
{% macro scoped_incidents(per_heart_program=false) -%}
{%- set scopes = [("'ALL'", none)] %}
{%- if per_heart_program %}{% do scopes.append(('incidents.heart_program', 'incidents.is_heart_responded')) %}{% endif %}
{%- for grain in period_grains() %}
{%- set outer_loop = loop %}
{%- for program, condition in scopes %}
select
    '{{ grain }}' as period_grain,
    incidents.created_{{ grain }}_local as period_start,
    {{ program }} as program,
    incidents.*
from {{ ref('int_incidents_enriched') }} as incidents
{%- if condition %}
where {{ condition }}
{%- endif %}
{%- if not (outer_loop.last and loop.last) %}
union all
{%- endif %}
{%- endfor %}
{%- endfor %}
{%- endmacro %}


{#- The columns of fct_metric_values, with the types fixed so every metric model unions cleanly. -#}
{% macro metric_columns(metric_id, dimension, dimension_value, value, numerator, denominator) -%}
    cast({{ metric_id }} as {{ dbt.type_string() }}) as metric_id,
    cast(period_grain as {{ dbt.type_string() }}) as period_grain,
    period_start,
    cast(program as {{ dbt.type_string() }}) as program,
    cast({{ dimension }} as {{ dbt.type_string() }}) as dimension,
    cast({{ dimension_value }} as {{ dbt.type_string() }}) as dimension_value,
    cast({{ value }} as {{ type_double() }}) as value,
    cast({{ numerator }} as {{ type_double() }}) as numerator,
    cast({{ denominator }} as {{ type_double() }}) as denominator
{%- endmacro %}


{#- A share of a scope's HEART-responded incidents, one metric row per category: `counts` holds
    `incidents` per period, program and category, `totals` the scope's `heart_incidents` per
    period and program. metric_id, dimension and dimension_value are SQL, as for metric_columns. -#}
{% macro share_of_heart_incidents(metric_id, dimension, dimension_value, counts, totals) -%}
select
    {{ metric_columns(metric_id, dimension, dimension_value,
        'cast(incidents as ' ~ type_double() ~ ') / heart_incidents', 'incidents', 'heart_incidents') }}
from (
    select
        {{ counts }}.*,
        {{ totals }}.heart_incidents
    from {{ counts }}
    inner join {{ totals }}
        on
            {{ counts }}.period_grain = {{ totals }}.period_grain
            and {{ counts }}.period_start = {{ totals }}.period_start
            and {{ counts }}.program = {{ totals }}.program
) as with_totals
{%- endmacro %}
