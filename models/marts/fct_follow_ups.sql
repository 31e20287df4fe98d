-- One row per staged follow-up (Care Navigation's or a CCD clinician's call back), with the CAD incident it follows up on: through
-- its linked encounter, else through its typed incident number (docs "Follow-up of an incident").
with

follow_ups as (
    select * from {{ ref('stg_cms__follow_ups') }}
),

incidents as (
    select incident_number from {{ ref('stg_cad__incidents') }}
)

select
    follow_ups.follow_up_id,
    follow_ups.person_key,
    follow_ups.encounter_id,
    coalesce(linked.incident_number, incidents.incident_number) as incident_number,
    case
        when linked.incident_number is not null then 'linked_encounter'
        when incidents.incident_number is not null then 'incident_number'
        else 'unmatched'
    end as incident_match,
    follow_ups.followed_up_at,
    {{ to_local('follow_ups.followed_up_at') }} as followed_up_at_local,
    follow_ups.follow_up_method,
    follow_ups.follow_up_outcome,
    follow_ups.follow_up_team,
    follow_ups.updated_at
from follow_ups
left join {{ ref('int_encounters_linked') }} as linked on follow_ups.encounter_id = linked.encounter_id
left join incidents on follow_ups.cad_incident_number = incidents.incident_number
