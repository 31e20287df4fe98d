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
inner join {{ ref('int_incident_periods') }} as periods
    on incidents.incident_number = periods.incident_number
{%- if per_heart_program %}
union all
select
    periods.period_grain,
    periods.period_start,
    incidents.heart_program as program,
    incidents.*
from {{ ref('int_incidents_enriched') }} as incidents
inner join {{ ref('int_incident_periods') }} as periods
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
