{{ config(materialized='table', pre_hook="{{ set_hash_key() }}") }}
-- Every raw Care Navigation follow-up with the client id hashed and the typed incident number
-- normalized, and the first rule it fails (null = staged).
with

source as (
    select * from {{ source('raw_cms', 'follow_ups') }}
),

encounters as (
    select encounter_id from {{ ref('base_cms__encounters') }}
    where quarantine_reason is null
),

normalized as (
    select
        follow_up_id,
        {{ keyed_hash('person_id') }} as person_key,
        encounter_id,
        cad_incident_number as source_cad_incident_number,
        {{ normalize_incident_number('cad_incident_number') }} as cad_incident_number,
        followed_up_at,
        {{ normalize_code('method') }} as follow_up_method,
        {{ normalize_code('outcome') }} as follow_up_outcome,
        -- exports that do not say who followed up are Care Navigation's
        coalesce({{ normalize_code('team') }}, 'CARE_NAVIGATION') as follow_up_team,
        updated_at
    from source
),

checked as (
    select
        normalized.*,
        case
            when normalized.encounter_id is not null and encounters.encounter_id is null
                then 'orphan_encounter'
            when normalized.follow_up_team not in ('CARE_NAVIGATION', 'CCD')
                then 'unknown_follow_up_team'
        end as rule_failure
    from normalized
    left join encounters on normalized.encounter_id = encounters.encounter_id
),

ranked as (
    select
        *,
        {{ key_rank('follow_up_id') }} as key_rank
    from checked
)

select
    follow_up_id,
    person_key,
    encounter_id,
    source_cad_incident_number,
    cad_incident_number,
    followed_up_at,
    follow_up_method,
    follow_up_outcome,
    follow_up_team,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
