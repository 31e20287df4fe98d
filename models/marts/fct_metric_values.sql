-- Every catalog metric (seed metric_catalog) for every month, quarter and year, for ALL and per
-- program where the metric has programs (docs/metric_definitions.md, "Output rules").
with

metric_values as (
    select * from {{ ref('int_metrics_q1_triage') }}
    union all
    select * from {{ ref('int_metrics_q2_safety') }}
    union all
    select * from {{ ref('int_metrics_q3_opportunities') }}
    union all
    select * from {{ ref('int_metrics_q4_connections') }}
    union all
    select * from {{ ref('int_metrics_q5_system_impact') }}
    union all
    select * from {{ ref('int_metrics_learning') }}
)

select
    metric_id,
    period_grain,
    period_start,
    program,
    dimension,
    dimension_value,
    value,
    numerator,
    denominator
from metric_values
