-- One row per staged incident with at least one identified caller: whether one of its callers
-- called about at least `min_incidents` distinct incidents created in the trailing window
-- (created_at - window_days, created_at], counting this one (docs "Familiar-caller incident").
-- Callers are compared by their keyed phone hash; the window is elapsed time (epoch seconds).
with

rule as (
    select
        min_incidents,
        window_days
    from {{ ref('familiar_caller_rule') }}
),

caller_incidents as (
    select distinct
        calls.caller_key,
        incidents.incident_number,
        {{ epoch_seconds('incidents.created_at') }} as created_epoch
    from {{ ref('stg_cad__calls') }} as calls
    inner join {{ ref('stg_cad__incidents') }} as incidents
        on calls.incident_number = incidents.incident_number
    where calls.caller_key is not null
),

-- A sweep over each caller's timeline instead of joining the caller's incidents with each other
-- (quadratic for a frequent caller): an incident enters the window at its creation (+1) and leaves
-- it window_days later (-1); the count asked at an incident's creation, after the events of the
-- same instant, is how many of the caller's incidents fall in (created_at - window, created_at].
caller_events as (
    select
        caller_key,
        created_epoch as event_at,
        0 as event_order,
        1 as window_delta,
        cast(null as {{ dbt.type_string() }}) as incident_number
    from caller_incidents
    union all
    select
        caller_incidents.caller_key,
        caller_incidents.created_epoch + rule.window_days * 86400 as event_at,
        0 as event_order,
        -1 as window_delta,
        cast(null as {{ dbt.type_string() }}) as incident_number
    from caller_incidents
    cross join rule
    union all
    select
        caller_key,
        created_epoch as event_at,
        1 as event_order,
        0 as window_delta,
        incident_number
    from caller_incidents
),

caller_timeline as (
    select
        incident_number,
        caller_key,
        event_order,
        cast(sum(window_delta) over (
            partition by caller_key
            order by event_at, event_order
            rows between unbounded preceding and current row
        ) as bigint) as incidents_in_window
    from caller_events
),

window_counts as (
    select
        incident_number,
        caller_key,
        incidents_in_window
    from caller_timeline
    where event_order = 1
)

select
    window_counts.incident_number,
    max(window_counts.incidents_in_window) as max_caller_incidents_in_window,
    max(case when window_counts.incidents_in_window >= rule.min_incidents then 1 else 0 end) = 1
        as is_familiar_caller
from window_counts
cross join rule
group by window_counts.incident_number
