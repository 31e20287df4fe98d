{#- Building blocks of the metric models (models/intermediate/metrics). -#}

{#- Every incident in each of its periods, scoped to program 'ALL', and (per_heart_program) once
    more to the program of the HEART incident. -#}
{% macro scoped_incidents(per_heart_program=false) -%}
select
    periods.period_grain,
    periods.period_start,
    'ALL' as program,
    incidents.*
from {{ ref('int_incidents_enriched') }} as incidents
inner join {{ ref('int_incidents_periodized') }} as periods
    on incidents.incident_number = periods.incident_number
{%- if per_heart_program %}
union all
select
    periods.period_grain,
    periods.period_start,
    incidents.heart_program as program,
    incidents.*
from {{ ref('int_incidents_enriched') }} as incidents
inner join {{ ref('int_incidents_periodized') }} as periods
    on incidents.incident_number = periods.incident_number
where incidents.is_heart_responded
{%- endif %}
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
