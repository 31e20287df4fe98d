-- One row per (incident, referral type) with at least one referral made in a linked encounter.
select
    linked.incident_number,
    referrals.referral_type,
    count(*) as referrals
from {{ ref('stg_cms__referrals') }} as referrals
inner join {{ ref('int_encounters_linked') }} as linked on referrals.encounter_id = linked.encounter_id
where linked.incident_number is not null
group by linked.incident_number, referrals.referral_type
