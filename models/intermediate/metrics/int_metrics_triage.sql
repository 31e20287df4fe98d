-- Q1 "Are calls being successfully triaged and dispatched to the appropriate responders?"
-- heart_incidents, eligible_incidents, set_apart_incidents, heart_incidents_by_origin, response_minutes_mean /
-- _median / _p90, time_on_task_minutes_mean, for ALL and per program (docs/metric_definitions.md).
with

scoped as (
    {{ scoped_incidents(per_heart_program=true) }}
),

heart as (
    select * from scoped
    where is_heart_responded
),

eligible_scoped as (
    select
        period_grain,
        period_start,
        'ALL' as program,
        incident_number
    from scoped
    where program = 'ALL' and is_eligible
    {%- for program in encounter_programs() %}
    union all
    select
        period_grain,
        period_start,
        '{{ program }}' as program,
        incident_number
    from scoped
    where program = 'ALL' and is_eligible_{{ program | lower }}
    {%- endfor %}
),

-- incidents whose type is eligible but that were never an opportunity for a team, by why
set_apart as (
    select
        period_grain,
        period_start,
        'ALL' as program,
        eligibility_status
    from scoped
    where program = 'ALL' and eligibility_status not in ('eligible', 'not_eligible')
),

heart_incidents as (
    select
        {{ metric_columns("'heart_incidents'", "''", "''", 'count(*)', 'count(*)', 'null') }}
    from heart
    group by period_grain, period_start, program
),

eligible_incidents as (
    select
        {{ metric_columns("'eligible_incidents'", "''", "''", 'count(*)', 'count(*)', 'null') }}
    from eligible_scoped
    group by period_grain, period_start, program
),

heart_incidents_by_origin as (
    select
        {{ metric_columns("'heart_incidents_by_origin'", "'origin'", 'origin', 'count(*)', 'count(*)', 'null') }}
    from heart
    where origin is not null
    group by period_grain, period_start, program, origin
),

response_times as (
    select
        period_grain,
        period_start,
        program,
        count(*) as response_times,
        {{ exact_sum('response_minutes') }} as total_minutes,
        {{ percentile_linear('response_minutes', 0.5) }} as median_minutes,
        {{ percentile_linear('response_minutes', 0.9) }} as p90_minutes
    from heart
    where response_time_status = 'valid'
    group by period_grain, period_start, program
),

time_on_task as (
    select
        period_grain,
        period_start,
        program,
        count(*) as timed_incidents,
        {{ exact_sum('heart_time_on_task_minutes') }} as total_minutes
    from heart
    where heart_time_on_task_minutes is not null
    group by period_grain, period_start, program
),

time_on_task_minutes_mean as (
    select
        {{ metric_columns("'time_on_task_minutes_mean'", "''", "''",
            'total_minutes / timed_incidents', 'total_minutes', 'timed_incidents') }}
    from time_on_task
),

response_minutes_mean as (
    select
        {{ metric_columns("'response_minutes_mean'", "''", "''",
            'total_minutes / response_times', 'total_minutes', 'response_times') }}
    from response_times
),

response_minutes_median as (
    select
        {{ metric_columns("'response_minutes_median'", "''", "''", 'median_minutes', 'null', 'response_times') }}
    from response_times
),

response_minutes_p90 as (
    select
        {{ metric_columns("'response_minutes_p90'", "''", "''", 'p90_minutes', 'null', 'response_times') }}
    from response_times
),

set_apart_incidents as (
    select
        {{ metric_columns("'set_apart_incidents'", "'reason'", 'eligibility_status', 'count(*)', 'count(*)', 'null') }}
    from set_apart
    group by period_grain, period_start, program, eligibility_status
)

select * from heart_incidents
union all
select * from set_apart_incidents
union all
select * from eligible_incidents
union all
select * from heart_incidents_by_origin
union all
select * from response_minutes_mean
union all
select * from response_minutes_median
union all
select * from response_minutes_p90
union all
select * from time_on_task_minutes_mean
