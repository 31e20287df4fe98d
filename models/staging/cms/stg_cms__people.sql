-- Staged case-management people: the rows of base_cms__people that passed every rule.
select
    person_key,
    name_key,
    phone_key,
    age_group,
    race,
    ethnicity,
    gender,
    primary_language,
    housing_status,
    updated_at
from {{ ref('base_cms__people') }}
where quarantine_reason is null
