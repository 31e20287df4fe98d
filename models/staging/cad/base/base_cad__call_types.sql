{{ config(materialized='table') }}
-- Every raw CAD call-type row, normalized, with the first rule it fails (null = staged).
with

source as (
    select * from {{ source('raw_cad', 'call_types') }}
),

normalized as (
    select
        call_type_code as source_call_type_code,
        {{ normalize_code('call_type_code') }} as call_type_code,
        trim(description) as call_type_description,
        updated_at
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by call_type_code
            order by updated_at desc, source_call_type_code asc
        ) as key_rank
    from normalized
)

select
    source_call_type_code,
    call_type_code,
    call_type_description,
    updated_at,
    case
        when call_type_code is null then 'missing_key'
        when key_rank > 1 then 'duplicate_key'
    end as quarantine_reason
from ranked
