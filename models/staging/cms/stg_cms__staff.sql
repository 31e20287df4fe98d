-- Staged case-management staff: the rows of base_cms__staff that passed every rule.
select
    staff_key,
    program,
    staff_role,
    race,
    ethnicity,
    gender,
    hired_on,
    separated_on,
    updated_at
from {{ ref('base_cms__staff') }}
where quarantine_reason is null
