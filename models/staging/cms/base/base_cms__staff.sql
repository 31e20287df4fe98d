{{ config(materialized='table', pre_hook="{{ set_hash_key() }}") }}
-- Every raw staff row with the staff id hashed and the name dropped, and the first rule it fails
-- (null = staged). Staff demographics are published only in aggregate.
with

normalized as (
    select
        {{ keyed_hash('staff_id') }} as staff_key,
        {{ normalize_code('program') }} as program,
        {{ normalize_code('role') }} as staff_role,
        {{ normalize_code('race') }} as race,
        {{ normalize_code('ethnicity') }} as ethnicity,
        {{ normalize_code('gender') }} as gender,
        hired_on,
        separated_on,
        updated_at
    from {{ source('raw_cms', 'staff') }}
)

-- the keyed hash stands for the id: versions of one staff member share it
{% call select_with_quarantine_reason('normalized', 'staff_key') %}
    when normalized.program is null or normalized.program not in ({{ quoted_list(staff_programs()) }})
        then 'unknown_program'
{%- endcall %}
