-- The span of days the incident data covers, judged from the data's own steady flow of days
-- rather than from its single earliest and latest rows: a day counts as covered when at least
-- 4 of the 7 days around it (the week before it for the last day, the week after it for the
-- first) hold incidents. One stray row inside the plausibility window, e.g. a test call typed
-- with today's date into last year's export, therefore opens no public period of its own.
with

incident_days as (
    select distinct created_date_local as day
    from {{ ref('stg_cad__incidents') }}
),

flow as (
    select
        incident_days.day,
        (
            select count(*) from incident_days as earlier
            where earlier.day <= incident_days.day
                and earlier.day > {{ dbt.dateadd('day', -7, 'incident_days.day') }}
        ) as days_with_data_before,
        (
            select count(*) from incident_days as later
            where later.day >= incident_days.day
                and later.day < {{ dbt.dateadd('day', 7, 'incident_days.day') }}
        ) as days_with_data_after
    from incident_days
)

select
    cast(min(case when days_with_data_after >= 4 then day end) as date) as first_date,
    cast(max(case when days_with_data_before >= 4 then day end) as date) as as_of_date
from flow
