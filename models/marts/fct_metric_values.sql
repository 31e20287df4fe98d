-- Every catalog metric (seed metric_catalog) for every month, quarter and year, for ALL and per
-- program where the metric has programs (docs/metric_definitions.md, "Output rules"). A period is
-- provisional while late Care Navigation follow-ups (and late case-management entry) can still
-- change it: until follow_up_window_days after its end have passed in the data. A metric the city
-- cannot compute (dim_metric_availability: a source it lacks) has no rows here: computed over an
-- empty source table it would read as zeros.
with

metric_values as (
    select * from {{ ref('int_metrics_triage') }}
    union all
    select * from {{ ref('int_metrics_safety') }}
    union all
    select * from {{ ref('int_metrics_opportunities') }}
    union all
    select * from {{ ref('int_metrics_connections') }}
    union all
    select * from {{ ref('int_metrics_system_impact') }}
    union all
    select * from {{ ref('int_metrics_learning') }}
),

available_metrics as (
    select metric_id
    from {{ ref('dim_metric_availability') }}
    where is_available
),

data_current_through as (
    select as_of_date from {{ ref('int_days_covered') }}
)

select
    metric_values.metric_id,
    metric_values.period_grain,
    metric_values.period_start,
    metric_values.program,
    metric_values.dimension,
    metric_values.dimension_value,
    metric_values.value,
    metric_values.numerator,
    metric_values.denominator,
    case metric_values.period_grain
        {%- for grain, months in [('month', 1), ('quarter', 3), ('year', 12)] %}
        when '{{ grain }}'
            then {{ dbt.dateadd('day', var('follow_up_window_days'),
                                dbt.dateadd('month', months, 'metric_values.period_start')) }}
        {%- endfor %}
    end > data_current_through.as_of_date as is_provisional
from metric_values
inner join available_metrics on metric_values.metric_id = available_metrics.metric_id
cross join data_current_through
