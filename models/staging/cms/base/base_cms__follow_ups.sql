{{ config(materialized='table', pre_hook="{{ set_hash_key() }}") }}
-- Every raw Care Navigation follow-up with the client id hashed and the typed incident number
-- normalized, and the first rule it fails (null = staged).
with

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
    from {{ source('raw_cms', 'follow_ups') }}
)

{% call select_with_quarantine_reason(
    'normalized', 'follow_up_id', staged_parents=[('encounters', 'base_cms__encounters', 'encounter_id')]
) %}
    when normalized.encounter_id is not null and encounters.encounter_id is null
        then 'orphan_encounter'
    when normalized.follow_up_team not in ('CARE_NAVIGATION', 'CCD')
        then 'unknown_follow_up_team'
{%- endcall %}
