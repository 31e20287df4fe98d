{{ config(materialized='table') }}
-- Every raw unit assignment, normalized, with the first rule it fails (null = staged).
-- Bad status times do not quarantine the assignment: the intermediate layer marks each time
-- valid or not against the incident's close (docs "Valid timestamp").
with

source as (
    select * from {{ source('raw_cad', 'unit_assignments') }}
),

incidents as (
    select incident_number from {{ ref('base_cad__incidents') }}
    where quarantine_reason is null
),

units as (
    select unit_id from {{ ref('base_cad__units') }}
    where quarantine_reason is null
),

normalized as (
    select
        assignment_id,
        incident_number as source_incident_number,
        {{ normalize_incident_number('incident_number') }} as incident_number,
        nullif(upper(trim(unit_id)), '') as unit_id,
        {{ normalize_code('unit_type') }} as unit_type,
        dispatched_at,
        en_route_at,
        on_scene_at,
        cleared_at,
        {{ normalize_code('transport_destination') }} as transport_destination,
        updated_at
    from source
),

checked as (
    select
        normalized.*,
        case
            when normalized.incident_number is null then 'invalid_incident_number'
            when incidents.incident_number is null then 'orphan_incident'
            when units.unit_id is null then 'orphan_unit'
            when normalized.unit_type is null or normalized.unit_type not in ({{ quoted_list(unit_types()) }})
                then 'unknown_unit_type'
        end as rule_failure
    from normalized
    left join incidents on normalized.incident_number = incidents.incident_number
    left join units on normalized.unit_id = units.unit_id
),

ranked as (
    select
        *,
        {{ key_rank('assignment_id') }} as key_rank
    from checked
)

select
    assignment_id,
    incident_number,
    source_incident_number,
    unit_id,
    unit_type,
    dispatched_at,
    en_route_at,
    on_scene_at,
    cleared_at,
    transport_destination,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
