-- Staged CAD units: the rows of base_cad__units that passed every rule.
select
    unit_id,
    unit_type,
    agency,
    program,
    in_service_from,
    in_service_to,
    updated_at
from {{ ref('base_cad__units') }}
where quarantine_reason is null
