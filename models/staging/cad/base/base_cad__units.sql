{{ config(materialized='table') }}
-- Every raw CAD unit row, normalized, with the first rule it fails (null = staged).
with

source as (
    select * from {{ source('raw_cad', 'units') }}
),

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
    from source
),

checked as (
    select
        *,
        case
            when unit_id is null then 'missing_key'
            when unit_type is null or unit_type not in ({{ quoted_list(unit_types()) }})
                then 'unknown_unit_type'
        end as rule_failure
    from normalized
),

ranked as (
    select
        *,
        {{ key_rank('unit_id', tie_breaker='source_unit_id asc') }} as key_rank
    from checked
)

select
    source_unit_id,
    unit_id,
    unit_type,
    agency,
    program,
    in_service_from,
    in_service_to,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
