-- Q2 "Are responders safely responding to and resolving calls?"
-- outcome_share, felt_safe_share, police_backup_share, ems_support_share, for ALL and per program.
with

heart as (
    select * from ({{ scoped_incidents(per_heart_program=true) }}) as scoped
    where is_heart_responded
),

per_scope as (
    select
        period_grain,
        period_start,
        program,
        count(*) as heart_incidents,
        sum(case when safety_reports > 0 then 1 else 0 end) as with_safety_report,
        sum(case when all_reports_felt_safe then 1 else 0 end) as felt_safe,
        sum(case when police_backup_requested then 1 else 0 end) as police_backup,
        -- EMS the team asked for; units sent by 911 protocol with the call are not support the
        -- team needed
        sum(case when ems_requested then 1 else 0 end) as ems_support
    from heart
    group by period_grain, period_start, program
),

outcomes as (
    select
        period_grain,
        period_start,
        program,
        outcome_category,
        count(*) as incidents
    from heart
    group by period_grain, period_start, program, outcome_category
),

outcome_share as (
    {{ share_of_heart_incidents("'outcome_share'", "'outcome'", 'outcome_category', 'outcomes', 'per_scope') }}
),

felt_safe_share as (
    select
        {{ metric_columns("'felt_safe_share'", "''", "''",
            'cast(felt_safe as ' ~ type_double() ~ ') / with_safety_report', 'felt_safe', 'with_safety_report') }}
    from per_scope
    where felt_safe > 0
),

police_backup_share as (
    select
        {{ metric_columns("'police_backup_share'", "''", "''",
            'cast(police_backup as ' ~ type_double() ~ ') / heart_incidents', 'police_backup', 'heart_incidents') }}
    from per_scope
    where police_backup > 0
),

ems_support_share as (
    select
        {{ metric_columns("'ems_support_share'", "''", "''",
            'cast(ems_support as ' ~ type_double() ~ ') / heart_incidents', 'ems_support', 'heart_incidents') }}
    from per_scope
    where ems_support > 0
)

select * from outcome_share
union all
select * from felt_safe_share
union all
select * from police_backup_share
union all
select * from ems_support_share
