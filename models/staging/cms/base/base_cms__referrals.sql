{{ config(materialized='table') }}
-- Every raw referral, normalized, with the first rule it fails (null = staged).
with

source as (
    select * from {{ source('raw_cms', 'referrals') }}
),

encounters as (
    select encounter_id from {{ ref('base_cms__encounters') }}
    where quarantine_reason is null
),

normalized as (
    select
        referral_id,
        encounter_id,
        {{ normalize_code('referral_type') }} as referral_type,
        referred_at,
        updated_at
    from source
),

checked as (
    select
        normalized.*,
        case
            when encounters.encounter_id is null then 'orphan_encounter'
        end as rule_failure
    from normalized
    left join encounters on normalized.encounter_id = encounters.encounter_id
),

ranked as (
    select
        *,
        {{ key_rank('referral_id') }} as key_rank
    from checked
)

select
    referral_id,
    encounter_id,
    referral_type,
    referred_at,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
