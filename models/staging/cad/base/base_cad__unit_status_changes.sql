{{ config(materialized='table') }}
-- Every raw unit status change, normalized, with the first rule it fails (null = staged).
with

source as (
    select * from {{ source('raw_cad', 'unit_status_changes') }}
),

units as (
    select unit_id from {{ ref('base_cad__units') }}
    where quarantine_reason is null
),

normalized as (
    select
        status_change_id,
        unit_id as source_unit_id,
        nullif(upper(trim(unit_id)), '') as unit_id,
        {{ normalize_code('status') }} as status,
        changed_at,
        updated_at
    from source
),

checked as (
    select
        normalized.*,
        case
            when normalized.status_change_id is null then 'missing_key'
            when units.unit_id is null then 'orphan_unit'
            when normalized.status is null or normalized.status not in ({{ quoted_list(unit_statuses()) }})
                then 'unknown_status'
            when normalized.changed_at is null or normalized.changed_at < {{ placeholder_before() }}
                then 'placeholder_changed_at'
            when {{ is_implausible('normalized.changed_at') }} then 'implausible_changed_at'
        end as rule_failure
    from normalized
    left join units on normalized.unit_id = units.unit_id
),

ranked as (
    select
        *,
        {{ key_rank('status_change_id') }} as key_rank
    from checked
)

select
    status_change_id,
    unit_id,
    source_unit_id,
    status,
    changed_at,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
