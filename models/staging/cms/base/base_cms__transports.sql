{{ config(materialized='table') }}
-- Every raw transport, normalized, with the first rule it fails (null = staged). The facility
-- name is kept: it names a place, not a person.
with

normalized as (
    select
        transport_id,
        encounter_id,
        {{ normalize_code('destination_type') }} as destination_type,
        trim(destination_name) as destination_name,
        transported_at,
        updated_at
    from {{ source('raw_cms', 'transports') }}
)

{% call select_with_quarantine_reason(
    'normalized', 'transport_id', staged_parents=[('encounters', 'base_cms__encounters', 'encounter_id')]
) %}
    when encounters.encounter_id is null then 'orphan_encounter'
{%- endcall %}
