-- Staged CAD calls: the rows of base_cad__calls that passed every rule.
select
    call_id,
    incident_number,
    received_at,
    caller_key,
    updated_at
from {{ ref('base_cad__calls') }}
where quarantine_reason is null
