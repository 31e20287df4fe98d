-- One row per staged referral, with its encounter's program and linked CAD incident.
select
    referrals.referral_id,
    referrals.encounter_id,
    linked.incident_number,
    linked.program,
    referrals.referral_type,
    referral_types.category as referral_category,
    referrals.referred_at,
    {{ to_local('referrals.referred_at') }} as referred_at_local,
    referrals.updated_at
from {{ ref('stg_cms__referrals') }} as referrals
inner join {{ ref('int_encounters_linked') }} as linked on referrals.encounter_id = linked.encounter_id
left join {{ ref('referral_types') }} as referral_types on referrals.referral_type = referral_types.referral_type
