{{ config(materialized='table') }}
-- Every raw CAD unit row, normalized, with the first rule it fails (null = staged).
with

normalized as (
    select
        unit_id as source_unit_id,
        nullif(upper(trim(unit_id)), '') as unit_id,
        {{ normalize_code('unit_type') }} as unit_type,
        {{ normalize_code('agency') }} as agency,
        {{ normalize_code('program') }} as program,
        in_service_from,
        in_service_to,
        updated_at
    from {{ source('raw_cad', 'units') }}
)

{% call select_with_quarantine_reason('normalized', 'unit_id', tie_breaker='source_unit_id asc') %}
    when normalized.unit_id is null then 'missing_key'
    when normalized.unit_type is null or normalized.unit_type not in ({{ quoted_list(unit_types()) }})
        then 'unknown_unit_type'
{%- endcall %}
