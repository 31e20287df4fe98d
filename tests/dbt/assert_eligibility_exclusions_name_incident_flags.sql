-- Fails with each seed eligibility_exclusions row whose code is not an incidents flag the model
-- int_eligibility_rules_applied reads (a new exclusion needs its flag wired into that model).
select
    exclusion_code,
    effective_from
from {{ ref('eligibility_exclusions') }}
where exclusion_code not in ({{ quoted_list(exclusion_flags()) }})
