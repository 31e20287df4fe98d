-- One row per incident with at least one linked encounter: what its encounters report (safety,
-- police backup, EMS request) and the outcome of the earliest encounter with a mapped outcome.
with

linked as (
    select
        linked.incident_number,
        encounters.encounter_id,
        encounters.started_at,
        encounters.outcome,
        encounters.responder_felt_safe,
        encounters.police_backup_requested,
        encounters.ems_requested
    from {{ ref('int_encounters_linked') }} as linked
    inner join {{ ref('stg_cms__encounters') }} as encounters on linked.encounter_id = encounters.encounter_id
    where linked.incident_number is not null
),

mapped_outcomes as (
    select
        linked.incident_number,
        outcomes.outcome_category,
        row_number() over (
            partition by linked.incident_number
            order by linked.started_at asc, linked.encounter_id asc
        ) as outcome_rank
    from linked
    inner join {{ ref('encounter_outcomes') }} as outcomes on linked.outcome = outcomes.outcome_code
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
