{{ config(materialized='table', pre_hook="{{ set_hash_key() }}") }}
-- Every raw staff row with the staff id hashed and the name dropped, and the first rule it fails
-- (null = staged). Staff demographics are published only in aggregate.
with

source as (
    select * from {{ source('raw_cms', 'staff') }}
),

normalized as (
    select
        staff_id,
        {{ keyed_hash('staff_id') }} as staff_key,
        {{ normalize_code('program') }} as program,
        {{ normalize_code('role') }} as staff_role,
        {{ normalize_code('race') }} as race,
        {{ normalize_code('ethnicity') }} as ethnicity,
        {{ normalize_code('gender') }} as gender,
        hired_on,
        separated_on,
        updated_at
    from source
),

checked as (
    select
        *,
        case
            when program is null or program not in ({{ quoted_list(staff_programs()) }}) then 'unknown_program'
        end as rule_failure
    from normalized
),

ranked as (
    select
        *,
        {{ key_rank('staff_id') }} as key_rank
    from checked
)

select
    staff_key,
    program,
    staff_role,
    race,
    ethnicity,
    gender,
    hired_on,
    separated_on,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
