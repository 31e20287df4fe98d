-- L (learning and iteration): familiar_caller_share, ccd_incidents, ccd_follow_up_calls and
-- ccd_responses_with_follow_ups (program ALL).
with

scoped as (
    {{ scoped_incidents() }}
),

familiar as (
    select
        period_grain,
        period_start,
        program,
        count(*) as eligible_incidents,
        sum(case when is_familiar_caller then 1 else 0 end) as familiar_incidents
    from scoped
    where is_eligible
    group by period_grain, period_start, program
),

familiar_caller_share as (
    select
        {{ metric_columns("'familiar_caller_share'", "''", "''",
            'cast(familiar_incidents as ' ~ type_double() ~ ') / eligible_incidents',
            'familiar_incidents', 'eligible_incidents') }}
    from familiar
    where familiar_incidents > 0
),

ccd_incidents as (
    select
        {{ metric_columns("'ccd_incidents'", "''", "''", 'count(*)', 'count(*)', 'null') }}
    from scoped
    where is_ccd_resolution
    group by period_grain, period_start, program
),

-- call backs to eligible callers HEART did not reach, in the period of the call they follow up
ccd_follow_up_calls as (
    select
        {{ metric_columns("'ccd_follow_up_calls'", "''", "''",
            'sum(ccd_follow_up_calls)', 'sum(ccd_follow_up_calls)', 'null') }}
    from scoped
    where is_forgone and ccd_follow_up_calls > 0
    group by period_grain, period_start, program
),

-- Durham's "CCD responses" count both: calls CCD resolved and its call backs
ccd_responses_with_follow_ups as (
    select
        {{ metric_columns("'ccd_responses_with_follow_ups'", "''", "''",
            'sum(value)', 'sum(value)', 'null') }}
    from (
        select
            period_grain,
            period_start,
            program,
            value
        from ccd_incidents
        union all
        select
            period_grain,
            period_start,
            program,
            value
        from ccd_follow_up_calls
    ) as ccd_work
    group by period_grain, period_start, program
)

select * from familiar_caller_share
union all
select * from ccd_incidents
union all
select * from ccd_follow_up_calls
union all
select * from ccd_responses_with_follow_ups
