{{ config(materialized='table') }}
-- Every raw arrest row, normalized, with the first rule it fails (null = staged).
with

normalized as (
    select
        arrest_id,
        {{ normalize_incident_number('incident_number') }} as incident_number,
        incident_number as source_incident_number,
        arrested_at,
        {{ normalize_code('charge_category') }} as charge_category,
        updated_at
    from {{ source('raw_cad', 'arrests') }}
)

{% call select_with_quarantine_reason(
    'normalized', 'arrest_id', staged_parents=[('incidents', 'base_cad__incidents', 'incident_number')]
) %}
    when normalized.incident_number is null then 'invalid_incident_number'
    when incidents.incident_number is null then 'orphan_incident'
{%- endcall %}
