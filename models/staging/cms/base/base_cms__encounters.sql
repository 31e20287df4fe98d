{{ config(materialized='table', pre_hook="{{ set_hash_key() }}") }}
-- Every raw encounter with the client id hashed, the incident number and the block address as typed
-- normalized to CAD's forms, the free-text note dropped, and the first rule it fails (null = staged).
with

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
    from {{ source('raw_cms', 'encounters') }}
),

checked as (
    {% call select_with_quarantine_reason('normalized', 'encounter_id') %}
        when normalized.program is null or normalized.program not in ({{ quoted_list(encounter_programs()) }})
            then 'unknown_program'
        {{ required_time_rules('normalized', 'started_at') }}
        when normalized.ended_at > {{ plausible_until() }} then 'implausible_ended_at'
    {%- endcall %}
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
    quarantine_reason
from checked
