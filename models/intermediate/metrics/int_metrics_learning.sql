-- L (learning and iteration): familiar_caller_share and ccd_incidents (program ALL).
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
)

select * from familiar_caller_share
union all
select * from ccd_incidents
