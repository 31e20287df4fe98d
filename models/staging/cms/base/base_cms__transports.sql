{{ config(materialized='table') }}
-- Every raw transport, normalized, with the first rule it fails (null = staged). The facility
-- name is kept: it names a place, not a person.
with

source as (
    select * from {{ source('raw_cms', 'transports') }}
),

encounters as (
    select encounter_id from {{ ref('base_cms__encounters') }}
    where quarantine_reason is null
),

normalized as (
    select
        transport_id,
        encounter_id,
        {{ normalize_code('destination_type') }} as destination_type,
        trim(destination_name) as destination_name,
        transported_at,
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
        {{ key_rank('transport_id') }} as key_rank
    from checked
)

select
    transport_id,
    encounter_id,
    destination_type,
    destination_name,
    transported_at,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
