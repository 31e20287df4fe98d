-- Staged case-management follow ups: the rows of base_cms__follow_ups that passed every rule.
select
    follow_up_id,
    person_key,
    encounter_id,
    cad_incident_number,
    followed_up_at,
    follow_up_method,
    follow_up_outcome,
    follow_up_team,
    updated_at
from {{ ref('base_cms__follow_ups') }}
where quarantine_reason is null
