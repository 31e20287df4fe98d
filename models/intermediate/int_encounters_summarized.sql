-- One row per incident with at least one linked encounter: what its encounters report (safety,
-- police backup, EMS request) and the outcome of the earliest encounter with a mapped outcome.
-- "Earliest" is read from CAD where CAD knows it: an encounter of a HEART unit began when that
-- unit arrived, and CAD stamps the arrival, while staff type the start by hand (rounded to 5 or
-- 15 minutes, typed late, dated the other day), which reorders two teams minutes apart. A team's
-- own encounters on one call share its arrival; they are taken in the order they were recorded
-- (encounter id), since their typed starts are as unreliable as the gap between them.
with

linked as (
    select
        linked.incident_number,
        encounters.encounter_id,
        encounters.unit_id,
        encounters.started_at,
        encounters.outcome,
        encounters.responder_felt_safe,
        encounters.police_backup_requested,
        encounters.ems_requested
    from {{ ref('int_encounters_linked') }} as linked
    inner join {{ ref('stg_cms__encounters') }} as encounters on linked.encounter_id = encounters.encounter_id
    where linked.incident_number is not null
),

-- when each HEART unit arrived at each incident, by unit_key (staff type 'CRT 3' for 'CRT03')
unit_arrivals as (
    select
        incident_number,
        {{ unit_key('unit_id') }} as unit_key,
        min(on_scene_at) as arrived_at
    from {{ ref('int_unit_assignments_timed') }}
    where is_heart_unit and has_valid_on_scene
    group by incident_number, {{ unit_key('unit_id') }}
),

mapped_outcomes as (
    select
        linked.incident_number,
        outcomes.outcome_category,
        row_number() over (
            partition by linked.incident_number
            order by
                coalesce(unit_arrivals.arrived_at, linked.started_at) asc,
                linked.encounter_id asc
        ) as outcome_rank
    from linked
    inner join {{ ref('encounter_outcomes') }} as outcomes on linked.outcome = outcomes.outcome_code
    left join unit_arrivals
        on
            linked.incident_number = unit_arrivals.incident_number
            and {{ unit_key('linked.unit_id') }} = unit_arrivals.unit_key
),

per_incident as (
    select
        incident_number,
        count(*) as linked_encounters,
        sum(case when responder_felt_safe is not null then 1 else 0 end) as safety_reports,
        sum(case when responder_felt_safe then 1 else 0 end) as safety_reports_felt_safe,
        max(case when police_backup_requested then 1 else 0 end) = 1 as police_backup_requested,
        max(case when ems_requested then 1 else 0 end) = 1 as ems_requested
    from linked
    group by incident_number
)

select
    per_incident.incident_number,
    per_incident.linked_encounters,
    per_incident.safety_reports,
    per_incident.safety_reports_felt_safe,
    per_incident.safety_reports > 0
    and per_incident.safety_reports_felt_safe = per_incident.safety_reports as all_reports_felt_safe,
    per_incident.police_backup_requested,
    per_incident.ems_requested,
    mapped_outcomes.outcome_category as encounter_outcome_category
from per_incident
left join mapped_outcomes
    on
        per_incident.incident_number = mapped_outcomes.incident_number
        and mapped_outcomes.outcome_rank = 1
