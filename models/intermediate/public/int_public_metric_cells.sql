-- One candidate public cell per fct_metric_values row, with the count it discloses and whether
-- that count is itself small (primary suppression). Rules come from seed public_metric_rules.
with

metric_values as (
    select * from {{ ref('fct_metric_values') }}
),

rules as (
    select * from {{ ref('public_metric_rules') }}
),

cells as (
    select
        {{ public_cell_id(['metric_values.metric_id', 'metric_values.period_grain',
                           'metric_values.period_start', 'metric_values.program',
                           'metric_values.dimension', 'metric_values.dimension_value']) }} as cell_id,
        metric_values.metric_id,
        metric_values.period_grain,
        metric_values.period_start,
        metric_values.program,
        metric_values.dimension,
        metric_values.dimension_value,
        metric_values.value,
        rules.cell_kind,
        rules.additive_over_time,
        rules.additive_over_programs,
        rules.dimension_total_metric,
        rules.status_partition,
        case rules.cell_kind
            when 'count' then metric_values.value
            when 'share' then metric_values.numerator
            when 'rate' then metric_values.numerator
            when 'mean' then metric_values.denominator
        end as disclosed_count,
        case
            when rules.cell_kind = 'share' then metric_values.denominator - metric_values.numerator
        end as complement_count
    from metric_values
    inner join rules on metric_values.metric_id = rules.metric_id
    where
        (metric_values.period_grain = 'month' and rules.publish_month)
        or (metric_values.period_grain = 'quarter' and rules.publish_quarter)
        or (metric_values.period_grain = 'year' and rules.publish_year)
)

select
    *,
    {{ is_small_count('disclosed_count') }} or {{ is_small_count('complement_count') }} as is_primary
from cells
