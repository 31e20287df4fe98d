-- One row per forgone incident (eligible, not HEART-responded) with the first reason that applies,
-- judged over its eligible dispatchable programs (docs "Forgone incident").
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
    inner join {{ ref('int_incidents_eligibility') }} as eligibility
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
    inner join {{ ref('int_incident_programs_eligible') }} as eligible
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

-- a unit is busy at t when one of its assignments has dispatched_at <= t < cleared_at (valid
-- times). A sweep over each unit's timeline (+1 at dispatch, -1 at clear, the question asked
-- after the events of the same instant) answers it without a range join.
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
),

free_units as (
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
    coalesce(free_units.free_unit_count, 0) as free_unit_count,
    case
        when not per_incident.has_dispatchable_program then 'other'
        when not per_incident.is_in_service_area then 'outside_service_area'
        when not per_incident.is_in_operating_hours then 'outside_hours'
        when coalesce(free_units.free_unit_count, 0) = 0 then 'no_unit_available'
        else 'other'
    end as forgone_reason
from per_incident
left join free_units on per_incident.incident_number = free_units.incident_number
