{{ config(materialized='table') }}
-- Every raw referral, normalized, with the first rule it fails (null = staged).
with

normalized as (
    select
        referral_id,
        encounter_id,
        {{ normalize_code('referral_type') }} as referral_type,
        referred_at,
        updated_at
    from {{ source('raw_cms', 'referrals') }}
)

{% call select_with_quarantine_reason(
    'normalized', 'referral_id', staged_parents=[('encounters', 'base_cms__encounters', 'encounter_id')]
) %}
    when encounters.encounter_id is null then 'orphan_encounter'
{%- endcall %}
