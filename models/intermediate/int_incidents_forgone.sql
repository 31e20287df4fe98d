-- One row per forgone incident (eligible, not HEART-responded) with the first reason that applies,
-- judged over its eligible dispatchable programs (docs "Forgone incident"), and whether unit
-- availability came from CAD's unit status history or had to be estimated from assignments.
with

incidents as (
    select
        incident_number,
        created_at,
        created_date_local,
        {{ day_of_week_name('created_at_local') }} as created_day_of_week,
        cast(extract(hour from created_at_local) as integer) as created_hour,
        beat
    from {{ ref('stg_cad__incidents') }}
),

forgone as (
    select incidents.*
    from incidents
    inner join {{ ref('int_incidents_screened') }} as eligibility
        on incidents.incident_number = eligibility.incident_number
    inner join {{ ref('int_incidents_responded') }} as responded
        on incidents.incident_number = responded.incident_number
    where eligibility.is_eligible and not responded.is_heart_responded
),

dispatchable as (
    select
        forgone.*,
        eligible.program
    from forgone
    inner join {{ ref('int_eligibility_rules_applied') }} as eligible
        on forgone.incident_number = eligible.incident_number
    where
        eligible.judged_on = 'dispatch'
        and eligible.program in ({{ quoted_list(dispatchable_programs()) }})
),

serving as (
    select dispatchable.*
    from dispatchable
    inner join {{ ref('program_service_beats') }} as service_beats
        on
            dispatchable.program = service_beats.program
            and dispatchable.beat = service_beats.beat
            and dispatchable.created_date_local >= service_beats.effective_from
            and (service_beats.effective_to is null or dispatchable.created_date_local < service_beats.effective_to)
),

operating as (
    select serving.*
    from serving
    inner join {{ ref('program_operating_hours') }} as hours
        on
            serving.program = hours.program
            and serving.created_day_of_week = hours.day_of_week
            and serving.created_hour >= hours.start_hour
            and serving.created_hour < hours.end_hour
            and serving.created_date_local >= hours.effective_from
            and (hours.effective_to is null or serving.created_date_local < hours.effective_to)
),

candidate_units as (
    select distinct
        operating.incident_number,
        operating.created_at,
        units.unit_id
    from operating
    inner join {{ ref('stg_cad__units') }} as units
        on
            operating.program = units.program
            and operating.created_date_local >= units.in_service_from
            and (units.in_service_to is null or operating.created_date_local <= units.in_service_to)
),

-- Where CAD keeps a unit status history, a unit was free at t when its latest status change at or
-- before t says AVAILABLE: a team off duty, on a break or out of service was not free. A sweep over
-- each unit's timeline numbers the changes; every probe (a forgone incident's creation) takes the
-- status of the change that opened its group.
status_history as (
    select count(*) > 0 as has_status_history
    from {{ ref('stg_cad__unit_status_changes') }}
),

status_events as (
    select
        unit_id,
        changed_at as event_at,
        0 as event_order,
        status_change_id as event_seq,
        status,
        cast(null as {{ dbt.type_string() }}) as incident_number
    from {{ ref('stg_cad__unit_status_changes') }}
    union all
    select
        unit_id,
        created_at as event_at,
        1 as event_order,
        cast(null as bigint) as event_seq,
        cast(null as {{ dbt.type_string() }}) as status,
        incident_number
    from candidate_units
),

status_grouped as (
    select
        *,
        sum(case when event_order = 0 then 1 else 0 end) over (
            partition by unit_id
            order by event_at, event_order, event_seq
            rows between unbounded preceding and current row
        ) as status_group
    from status_events
),

status_at_probe as (
    select
        incident_number,
        event_order,
        max(status) over (partition by unit_id, status_group) as status_then
    from status_grouped
),

free_units_by_status as (
    select
        incident_number,
        count(*) as free_unit_count
    from status_at_probe
    where event_order = 1 and status_then = 'AVAILABLE'
    group by incident_number
),

-- Without a status history (a city whose export has none), "free" can only be estimated from
-- assignments: a unit is busy at t when one of its assignments has dispatched_at <= t < cleared_at
-- (valid times). A team off shift or on a break then looks free, so the reason is marked estimated.
-- A sweep over each unit's timeline (+1 at dispatch, -1 at clear, the question asked after the
-- events of the same instant) answers it without a range join. Where the history exists this
-- estimate is never read, so its sweep is given no rows: it would sort every assignment twice.
unit_events as (
    select
        unit_id,
        dispatched_at as event_at,
        0 as event_order,
        1 as busy_delta,
        cast(null as {{ dbt.type_string() }}) as incident_number
    from {{ ref('int_unit_assignments_timed') }}
    where has_valid_dispatch_to_clear
    union all
    select
        unit_id,
        cleared_at as event_at,
        0 as event_order,
        -1 as busy_delta,
        cast(null as {{ dbt.type_string() }}) as incident_number
    from {{ ref('int_unit_assignments_timed') }}
    where has_valid_dispatch_to_clear
    union all
    select
        unit_id,
        created_at as event_at,
        1 as event_order,
        0 as busy_delta,
        incident_number
    from candidate_units
),

unit_timeline as (
    select
        incident_number,
        unit_id,
        sum(busy_delta) over (
            partition by unit_id
            order by event_at, event_order
            rows between unbounded preceding and current row
        ) as open_assignments,
        event_order
    from unit_events
    where not (select status_history.has_status_history from status_history)
),

free_units_by_assignments as (
    select
        incident_number,
        count(*) as free_unit_count
    from unit_timeline
    where event_order = 1 and open_assignments <= 0
    group by incident_number
),

per_incident as (
    select
        forgone.incident_number,
        max(case when dispatchable.incident_number is not null then 1 else 0 end) = 1 as has_dispatchable_program,
        max(case when serving.incident_number is not null then 1 else 0 end) = 1 as is_in_service_area,
        max(case when operating.incident_number is not null then 1 else 0 end) = 1 as is_in_operating_hours
    from forgone
    left join dispatchable on forgone.incident_number = dispatchable.incident_number
    left join serving on forgone.incident_number = serving.incident_number
    left join operating on forgone.incident_number = operating.incident_number
    group by forgone.incident_number
)

select
    per_incident.incident_number,
    per_incident.has_dispatchable_program,
    per_incident.is_in_service_area,
    per_incident.is_in_operating_hours,
    case
        when status_history.has_status_history then 'unit_status'
        else 'estimated_from_assignments'
    end as availability_basis,
    case
        when status_history.has_status_history then coalesce(free_units_by_status.free_unit_count, 0)
        else coalesce(free_units_by_assignments.free_unit_count, 0)
    end as free_unit_count,
    case
        when not per_incident.has_dispatchable_program then 'other'
        when not per_incident.is_in_service_area then 'outside_service_area'
        when not per_incident.is_in_operating_hours then 'outside_hours'
        when status_history.has_status_history and coalesce(free_units_by_status.free_unit_count, 0) = 0
            then 'no_unit_available'
        when not status_history.has_status_history and coalesce(free_units_by_assignments.free_unit_count, 0) = 0
            then 'no_unit_available_estimated'
        else 'other'
    end as forgone_reason
from per_incident
cross join status_history
left join free_units_by_status on per_incident.incident_number = free_units_by_status.incident_number
left join free_units_by_assignments on per_incident.incident_number = free_units_by_assignments.incident_number
