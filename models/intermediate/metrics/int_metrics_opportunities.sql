-- Q3 "Where are there opportunities to respond to additional eligible calls?"
-- forgone_share, eligible_by_dow_hour, eligible_by_beat, police_minutes_per_forgone_incident,
-- eligible_response_minutes_mean
-- (program ALL).
with

eligible as (
    select * from ({{ scoped_incidents() }}) as scoped
    where is_eligible
),

eligible_totals as (
    select
        period_grain,
        period_start,
        program,
        count(*) as eligible_incidents
    from eligible
    group by period_grain, period_start, program
),

forgone_by_reason as (
    select
        eligible.period_grain,
        eligible.period_start,
        eligible.program,
        eligible.forgone_reason,
        count(*) as forgone_incidents,
        max(eligible_totals.eligible_incidents) as eligible_incidents
    from eligible
    inner join eligible_totals
        on
            eligible.period_grain = eligible_totals.period_grain
            and eligible.period_start = eligible_totals.period_start
            and eligible.program = eligible_totals.program
    where eligible.is_forgone
    group by eligible.period_grain, eligible.period_start, eligible.program, eligible.forgone_reason
),

forgone_share as (
    select
        {{ metric_columns("'forgone_share'", "'reason'", 'forgone_reason',
            'cast(forgone_incidents as ' ~ type_double() ~ ') / eligible_incidents',
            'forgone_incidents', 'eligible_incidents') }}
    from forgone_by_reason
),

eligible_by_dow_hour as (
    select
        {{ metric_columns("'eligible_by_dow_hour'", "'dow_hour_status'",
            "created_day_of_week || '|' || created_hour || '|' || response_status",
            'count(*)', 'count(*)', 'null') }}
    from eligible
    group by period_grain, period_start, program, created_day_of_week, created_hour, response_status
),

eligible_by_beat as (
    select
        {{ metric_columns("'eligible_by_beat'", "'beat_status'", "beat || '|' || response_status",
            'count(*)', 'count(*)', 'null') }}
    from eligible
    group by period_grain, period_start, program, beat, response_status
),

police_minutes_per_forgone_incident as (
    select
        {{ metric_columns("'police_minutes_per_forgone_incident'", "''", "''",
            exact_sum('police_minutes') ~ ' / count(*)', exact_sum('police_minutes'), 'count(*)') }}
    from eligible
    where is_forgone
    group by period_grain, period_start, program
),

-- the seed's "average response time for eligible calls that HEART does respond to"
eligible_response_minutes_mean as (
    select
        {{ metric_columns("'eligible_response_minutes_mean'", "''", "''",
            exact_sum('response_minutes') ~ ' / count(*)', exact_sum('response_minutes'), 'count(*)') }}
    from eligible
    where response_status = 'responded' and response_time_status = 'valid'
    group by period_grain, period_start, program
)

select * from forgone_share
union all
select * from eligible_response_minutes_mean
union all
select * from eligible_by_dow_hour
union all
select * from eligible_by_beat
union all
select * from police_minutes_per_forgone_incident
