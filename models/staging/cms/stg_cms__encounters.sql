-- Staged case-management encounters: the rows of base_cms__encounters that passed every rule.
select
    encounter_id,
    person_key,
    cad_incident_number,
    program,
    unit_id,
    started_at,
    ended_at,
    block_address,
    outcome,
    responder_felt_safe,
    police_backup_requested,
    ems_requested,
    updated_at
from {{ ref('base_cms__encounters') }}
where quarantine_reason is null
