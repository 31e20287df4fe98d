{{ config(materialized='table') }}
-- Every raw unit status change, normalized, with the first rule it fails (null = staged).
with

normalized as (
    select
        status_change_id,
        nullif(upper(trim(unit_id)), '') as unit_id,
        unit_id as source_unit_id,
        {{ normalize_code('status') }} as status,
        changed_at,
        updated_at
    from {{ source('raw_cad', 'unit_status_changes') }}
)

{% call select_with_quarantine_reason(
    'normalized', 'status_change_id', staged_parents=[('units', 'base_cad__units', 'unit_id')]
) %}
    when normalized.status_change_id is null then 'missing_key'
    when units.unit_id is null then 'orphan_unit'
    when normalized.status is null or normalized.status not in ({{ quoted_list(unit_statuses()) }})
        then 'unknown_status'
    {{ required_time_rules('normalized', 'changed_at') }}
{%- endcall %}
