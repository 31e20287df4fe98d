-- Staged CAD call types: the rows of base_cad__call_types that passed every rule.
select
    call_type_code,
    call_type_description,
    updated_at
from {{ ref('base_cad__call_types') }}
where quarantine_reason is null
