-- One row per staged case-management encounter, with the CAD incident it is linked to (if any),
-- how the link was made and how confident it is. Unlinked encounters (self-initiated work) stay.
select
    encounters.encounter_id,
    encounters.person_key,
    linked.incident_number,
    linked.link_method,
    cast(linked.link_confidence as {{ type_double() }}) as link_confidence,
    encounters.program,
    encounters.unit_id,
    encounters.started_at,
    {{ to_local('encounters.started_at') }} as started_at_local,
    encounters.ended_at,
    case
        when encounters.ended_at is not null
            then {{ duration_minutes('encounters.started_at', 'encounters.ended_at') }}
    end as encounter_minutes,
    encounters.outcome,
    outcomes.outcome_category,
    encounters.responder_felt_safe,
    encounters.police_backup_requested,
    encounters.ems_requested,
    encounters.updated_at
from {{ ref('stg_cms__encounters') }} as encounters
inner join {{ ref('int_encounters_linked') }} as linked on encounters.encounter_id = linked.encounter_id
left join {{ ref('encounter_outcomes') }} as outcomes on encounters.outcome = outcomes.outcome_code
