-- Staged CAD arrests: the rows of base_cad__arrests that passed every rule.
select
    arrest_id,
    incident_number,
    arrested_at,
    charge_category,
    updated_at
from {{ ref('base_cad__arrests') }}
where quarantine_reason is null
