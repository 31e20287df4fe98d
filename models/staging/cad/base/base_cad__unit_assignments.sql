{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='assignment_id') }}
-- Every raw unit assignment, normalized, with the first rule it fails (null = staged).
-- Bad status times do not quarantine the assignment: the intermediate layer marks each time
-- valid or not against the incident's close (docs "Valid timestamp").
-- Incremental (macros/incremental.sql): the assignments of an incident whose assignments or
-- incident row changed, and those of a unit that changed, are judged again.
with

{% if is_incremental() -%}
affected_incidents as (
    {{ affected_incidents(
        [
            (source('raw_cad', 'unit_assignments'), normalize_incident_number('incident_number')),
            (ref('base_cad__incidents'), 'incident_number'),
        ],
        moved=(source('raw_cad', 'unit_assignments'), 'assignment_id'),
    ) | indent(4) }}
),

changed_units as (
    select units.unit_id
    from {{ ref('base_cad__units') }} as units
    where {{ changed_since_cutoff('units') }}
),

{% endif -%}

normalized as (
    select
        assignment_id,
        {{ normalize_incident_number('incident_number') }} as incident_number,
        incident_number as source_incident_number,
        nullif(upper(trim(unit_id)), '') as unit_id,
        {{ normalize_code('unit_type') }} as unit_type,
        dispatched_at,
        en_route_at,
        on_scene_at,
        cleared_at,
        {{ normalize_code('transport_destination') }} as transport_destination,
        updated_at
    from {{ source('raw_cad', 'unit_assignments') }}
    {%- if is_incremental() %}
    where
        {{ normalize_incident_number('incident_number') }} in (select incident_number from affected_incidents)
        or nullif(upper(trim(unit_id)), '') in (select changed_units.unit_id from changed_units)
        or {{ changed_since_cutoff() }}
    {%- endif %}
)

{% call select_with_quarantine_reason('normalized', 'assignment_id', staged_parents=[
    ('incidents', 'base_cad__incidents', 'incident_number'),
    ('units', 'base_cad__units', 'unit_id'),
]) %}
    when normalized.incident_number is null then 'invalid_incident_number'
    when incidents.incident_number is null then 'orphan_incident'
    when units.unit_id is null then 'orphan_unit'
    when normalized.unit_type is null or normalized.unit_type not in ({{ quoted_list(unit_types()) }})
        then 'unknown_unit_type'
{%- endcall %}
