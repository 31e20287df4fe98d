-- Staged CAD unit status changes: the rows of base_cad__unit_status_changes that passed every rule.
select
    status_change_id,
    unit_id,
    status,
    changed_at,
    updated_at
from {{ ref('base_cad__unit_status_changes') }}
where quarantine_reason is null
