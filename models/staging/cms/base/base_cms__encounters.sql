{{ config(materialized='table', pre_hook="{{ set_hash_key() }}") }}
-- Every raw encounter with the client id hashed, the incident number and the block address as typed
-- normalized to CAD's forms, the free-text note dropped, and the first rule it fails (null = staged).
with

source as (
    select * from {{ source('raw_cms', 'encounters') }}
),

normalized as (
    select
        encounter_id,
        {{ keyed_hash('person_id') }} as person_key,
        cad_incident_number as source_cad_incident_number,
        {{ normalize_incident_number('cad_incident_number') }} as cad_incident_number,
        {{ normalize_code('program') }} as program,
        nullif(upper(trim(unit_id)), '') as unit_id,
        started_at,
        ended_at,
        {{ abbreviate_street_types('block_address') }} as block_address,
        {{ normalize_code('outcome') }} as outcome,
        responder_felt_safe,
        police_backup_requested,
        ems_requested,
        updated_at
    from source
),

checked as (
    select
        *,
        case
            when program is null or program not in ({{ quoted_list(encounter_programs()) }}) then 'unknown_program'
            when started_at is null or started_at < {{ placeholder_before() }} then 'placeholder_started_at'
            when {{ is_implausible('started_at') }} then 'implausible_started_at'
            when ended_at > {{ plausible_until() }} then 'implausible_ended_at'
        end as rule_failure
    from normalized
),

ranked as (
    select
        *,
        {{ key_rank('encounter_id') }} as key_rank
    from checked
)

select
    encounter_id,
    person_key,
    source_cad_incident_number,
    cad_incident_number,
    program,
    unit_id,
    started_at,
    -- an end before the start is impossible: keep the encounter, drop the end
    case when ended_at >= started_at then ended_at end as ended_at,
    {{ generalize_house_number('block_address') }} as block_address,
    outcome,
    responder_felt_safe,
    police_backup_requested,
    ems_requested,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
