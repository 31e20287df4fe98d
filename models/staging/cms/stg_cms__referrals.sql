-- Staged case-management referrals: the rows of base_cms__referrals that passed every rule.
select
    referral_id,
    encounter_id,
    referral_type,
    referred_at,
    updated_at
from {{ ref('base_cms__referrals') }}
where quarantine_reason is null
