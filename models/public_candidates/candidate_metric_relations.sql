-- The additive relations among public metric cells: one row per (relation, member cell) with
-- the member's coefficient, so that the members times their coefficients sum to zero (details
-- +1, their total -1). Suppression (orchestration/public_tables/suppression.py) hides cells until no
-- hidden cell can be solved for from these relations and the published cells.
with

cells as (
    select * from {{ ref('candidate_metric_cells') }}
),

-- Months add up to their quarter, quarters to their year (same metric, program and dimension value).
time_members as (
    select
        'time|' || metric_id || '|' || program || '|' || dimension || '|' || dimension_value || '|'
        || case period_grain when 'month' then 'quarter' else 'year' end || '|'
        || cast(
            cast(
                case period_grain
                    when 'month' then {{ dbt.date_trunc('quarter', 'period_start') }}
                    else {{ dbt.date_trunc('year', 'period_start') }}
                end as date
            ) as {{ dbt.type_string() }}
        ) as group_id,
        cell_id,
        1 as coefficient
    from cells
    where additive_over_time and period_grain in ('month', 'quarter')
),

time_totals_all as (
    select
        'time|' || metric_id || '|' || program || '|' || dimension || '|' || dimension_value || '|'
        || period_grain || '|' || cast(period_start as {{ dbt.type_string() }}) as group_id,
        cell_id,
        -1 as coefficient
    from cells
    where additive_over_time and period_grain in ('quarter', 'year')
),

-- a total whose details are not published (e.g. beats by month) is in no time relation
time_totals as (
    select
        group_id,
        cell_id,
        coefficient
    from time_totals_all
    where group_id in (select time_members.group_id from time_members)
),

-- Programs CRT, CORESPONSE and CCD add up to ALL.
program_members as (
    select
        'program|' || metric_id || '|' || period_grain || '|' || cast(period_start as {{ dbt.type_string() }})
        || '|' || dimension || '|' || dimension_value as group_id,
        cell_id,
        case when program = 'ALL' then -1 else 1 end as coefficient
    from cells
    where additive_over_programs
),

-- The values of a dimension add up to the total metric's row of the same period and program.
dimension_members as (
    select
        'dimension|' || metric_id || '|' || period_grain || '|' || cast(period_start as {{ dbt.type_string() }})
        || '|' || program as group_id,
        cell_id,
        1 as coefficient
    from cells
    where dimension_total_metric is not null
),

total_metrics as (
    select distinct
        metric_id,
        dimension_total_metric
    from cells
    where dimension_total_metric is not null
),

dimension_totals as (
    select
        'dimension|' || detail.metric_id || '|' || total.period_grain || '|'
        || cast(total.period_start as {{ dbt.type_string() }}) || '|' || total.program as group_id,
        total.cell_id,
        -1 as coefficient
    from total_metrics as detail
    inner join cells as total
        on
            detail.dimension_total_metric = total.metric_id
            and total.dimension = ''
    -- a total without detail rows in its period and program is in no relation
    where
        'dimension|' || detail.metric_id || '|' || total.period_grain || '|'
        || cast(total.period_start as {{ dbt.type_string() }}) || '|' || total.program
        in (select dimension_members.group_id from dimension_members)
),

-- Partitions of one period's eligible incidents of one response status (by day-hour, by beat,
-- by forgone reason) add up to the same total: every pair of partitions is a relation.
status_cells as (
    select
        cell_id,
        status_partition,
        period_grain || '|' || cast(period_start as {{ dbt.type_string() }}) || '|' || program || '|'
        || case
            when status_partition = 'forgone_reason' then 'forgone'
            else split_part(dimension_value, '|', -1)
        end as status_key
    from cells
    where status_partition is not null
),

partition_pairs as (
    select distinct
        first_partition.status_partition as first_partition,
        second_partition.status_partition as second_partition,
        first_partition.status_key
    from status_cells as first_partition
    inner join status_cells as second_partition
        on first_partition.status_key = second_partition.status_key
            and first_partition.status_partition < second_partition.status_partition
),

status_members as (
    select
        'status|' || pairs.status_key || '|' || pairs.first_partition || '|' || pairs.second_partition as group_id,
        status_cells.cell_id,
        case when status_cells.status_partition = pairs.first_partition then 1 else -1 end as coefficient
    from partition_pairs as pairs
    inner join status_cells
        on pairs.status_key = status_cells.status_key
            and status_cells.status_partition in (pairs.first_partition, pairs.second_partition)
)

select
    group_id,
    cell_id,
    coefficient
from time_members
union all
select
    group_id,
    cell_id,
    coefficient
from time_totals
union all
select
    group_id,
    cell_id,
    coefficient
from program_members
union all
select
    group_id,
    cell_id,
    coefficient
from dimension_members
union all
select
    group_id,
    cell_id,
    coefficient
from dimension_totals
union all
select
    group_id,
    cell_id,
    coefficient
from status_members
