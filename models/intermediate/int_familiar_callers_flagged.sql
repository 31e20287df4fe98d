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

window_counts as (
    select
        this_incident.incident_number,
        this_incident.caller_key,
        count(distinct other_incident.incident_number) as incidents_in_window
    from caller_incidents as this_incident
    cross join rule
    inner join caller_incidents as other_incident
        on
            this_incident.caller_key = other_incident.caller_key
            and this_incident.created_epoch - rule.window_days * 86400 < other_incident.created_epoch
            and this_incident.created_epoch >= other_incident.created_epoch
    group by this_incident.incident_number, this_incident.caller_key
)

select
    window_counts.incident_number,
    max(window_counts.incidents_in_window) as max_caller_incidents_in_window,
    max(case when window_counts.incidents_in_window >= rule.min_incidents then 1 else 0 end) = 1
        as is_familiar_caller
from window_counts
cross join rule
group by window_counts.incident_number
