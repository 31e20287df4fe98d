-- One candidate public cell per fct_metric_values row (plus the zero shares below), with the
-- count it discloses, whether that count is itself small (primary suppression), whether it is a
-- headline figure, and its value rounded as the public outputs print it. Rules come from seed
-- public_metric_rules.
with

metric_values as (
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
    from {{ ref('fct_metric_values') }}
    -- only periods the data's steady flow covers: a stray row opens no public period
    where {{ period_in_coverage() }}
),

rules as (
    select * from {{ ref('public_metric_rules') }}
),

-- a period is provisional for every metric alike (late follow-ups and case records)
provisional_periods as (
    select distinct
        period_grain,
        period_start,
        is_provisional
    from {{ ref('fct_metric_values') }}
),

-- A share whose numerator is 0 has no fct_metric_values row. Without a cell it would print as 0%
-- whatever its denominator, even 1-10 incidents; with one it follows the rule of every other
-- share. Each program and dimension value the share has anywhere gets a cell wherever its
-- denominator count is positive.
share_programs as (
    select distinct
        metric_values.metric_id,
        metric_values.program,
        rules.denominator_metric
    from metric_values
    inner join rules on metric_values.metric_id = rules.metric_id
    where rules.denominator_metric is not null
),

share_dimension_values as (
    select distinct
        metric_values.metric_id,
        metric_values.dimension,
        metric_values.dimension_value
    from metric_values
    inner join rules on metric_values.metric_id = rules.metric_id
    where rules.denominator_metric is not null
),

denominators as (
    select
        metric_id,
        period_grain,
        period_start,
        program,
        value
    from metric_values
    where dimension = '' and value > 0
),

share_frame as (
    select
        share_programs.metric_id,
        denominators.period_grain,
        denominators.period_start,
        share_programs.program,
        share_dimension_values.dimension,
        share_dimension_values.dimension_value,
        denominators.value as denominator
    from share_programs
    inner join share_dimension_values
        on share_programs.metric_id = share_dimension_values.metric_id
    inner join denominators
        on share_programs.denominator_metric = denominators.metric_id
            and share_programs.program = denominators.program
),

zero_shares as (
    select
        share_frame.metric_id,
        share_frame.period_grain,
        share_frame.period_start,
        share_frame.program,
        share_frame.dimension,
        share_frame.dimension_value,
        cast(0 as {{ type_double() }}) as value,
        cast(0 as {{ type_double() }}) as numerator,
        share_frame.denominator
    from share_frame
    left join metric_values as existing
        on share_frame.metric_id = existing.metric_id
            and share_frame.period_grain = existing.period_grain
            and share_frame.period_start = existing.period_start
            and share_frame.program = existing.program
            and share_frame.dimension_value = existing.dimension_value
    where existing.metric_id is null
),

all_values as (
    select * from metric_values
    union all
    select * from zero_shares
),

cells as (
    select
        {{ public_cell_id(['all_values.metric_id', 'all_values.period_grain',
                           'all_values.period_start', 'all_values.program',
                           'all_values.dimension', 'all_values.dimension_value']) }} as cell_id,
        all_values.metric_id,
        all_values.period_grain,
        all_values.period_start,
        all_values.program,
        all_values.dimension,
        all_values.dimension_value,
        all_values.value,
        {{ round_half_up('all_values.value', 'rules.published_decimals') }} as published_value,
        rules.cell_kind,
        rules.additive_over_time,
        rules.additive_over_programs,
        rules.dimension_total_metric,
        rules.status_partition,
        -- a program's month is detail, not a headline: when one program's month is small, its
        -- relations hold nothing else that could be hidden to protect it (docs/privacy.md)
        coalesce(
            (rules.headline in ('all_programs', 'every_program_by_quarter') and all_values.program = 'ALL')
            or (rules.headline = 'every_program_by_quarter' and all_values.period_grain <> 'month'),
            false
        ) as is_headline,
        case when rules.denominator_metric is not null then
            {{ public_cell_id(['rules.denominator_metric', 'all_values.period_grain',
                               'all_values.period_start', 'all_values.program', "''", "''"]) }}
        end as denominator_cell_id,
        rules.published_decimals,
        rules.protection_width,
        case rules.cell_kind
            when 'count' then all_values.value
            when 'share' then all_values.numerator
            when 'rate' then all_values.numerator
            when 'mean' then all_values.denominator
        end as disclosed_count,
        case
            when rules.cell_kind = 'share' then all_values.denominator - all_values.numerator
        end as complement_count,
        -- a hidden count is at least 1 (zeros are never hidden to protect another cell); a hidden
        -- share's numerator may be 0 when its denominator is small
        case when rules.cell_kind in ('share', 'rate') then 0 else 1 end as value_floor,
        coalesce(provisional_periods.is_provisional, false) as is_provisional
    from all_values
    inner join rules on all_values.metric_id = rules.metric_id
    left join provisional_periods
        on
            all_values.period_grain = provisional_periods.period_grain
            and all_values.period_start = provisional_periods.period_start
    where
        (all_values.period_grain = 'month' and rules.publish_month)
        or (all_values.period_grain = 'quarter' and rules.publish_quarter)
        or (all_values.period_grain = 'year' and rules.publish_year)
)

select
    *,
    {{ is_small_count('disclosed_count') }} or {{ is_small_count('complement_count') }} as is_primary
from cells
