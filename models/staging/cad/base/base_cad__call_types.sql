{{ config(materialized='table') }}
-- Every raw CAD call-type row, normalized, with the first rule it fails (null = staged).
with

normalized as (
    select
        call_type_code as source_call_type_code,
        {{ normalize_code('call_type_code') }} as call_type_code,
        trim(description) as call_type_description,
        updated_at
    from {{ source('raw_cad', 'call_types') }}
)

{% call select_with_quarantine_reason('normalized', 'call_type_code', tie_breaker='source_call_type_code asc') %}
    when normalized.call_type_code is null then 'missing_key'
{%- endcall %}
