-- Staged case-management transports: the rows of base_cms__transports that passed every rule.
select
    transport_id,
    encounter_id,
    destination_type,
    destination_name,
    transported_at,
    updated_at
from {{ ref('base_cms__transports') }}
where quarantine_reason is null
