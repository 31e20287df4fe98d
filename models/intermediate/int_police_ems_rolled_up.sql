-- One row per incident with police or EMS units: how many police units, their minutes (docs
-- "Police minutes of an incident") and whether EMS was assigned.
with

assignments as (
    select * from {{ ref('int_unit_assignments_timed') }}
    where is_police_unit or is_ems_unit
)

select
    incident_number,
    sum(case when is_police_unit then 1 else 0 end) as police_assignments,
    count(distinct case when is_police_unit then unit_id end) as police_units,
    sum(case when is_police_unit and has_valid_dispatch_to_clear then 1 else 0 end) as valid_police_assignments,
    {{ exact_sum('case when is_police_unit then coalesce(dispatch_to_clear_minutes, 0) else 0 end') }}
        as police_minutes,
    sum(case when is_ems_unit then 1 else 0 end) as ems_assignments,
    sum(case when is_ems_unit then 1 else 0 end) > 0 as has_ems_unit
from assignments
group by incident_number
