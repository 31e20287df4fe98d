{{ config(materialized='table', pre_hook="{{ set_hash_key() }}") }}
-- Every raw client row with identifiers replaced by keyed hashes (id, name + birth date, phone);
-- names, date of birth, phone and address themselves never leave raw. The only rule is one row
-- per client: older versions are quarantined as duplicate_key (null = staged).
with

normalized as (
    select
        {{ keyed_hash('person_id') }} as person_key,
        -- the same person entered twice under two ids shares a name_key (given + family name + birth date)
        case
            when first_name is not null and last_name is not null and date_of_birth is not null
                then {{ keyed_hash(
                    "lower(trim(first_name)) || '|' || lower(trim(last_name)) || '|' || cast(date_of_birth as "
                    ~ dbt.type_string() ~ ")"
                ) }}
        end as name_key,
        -- compared with calls.caller_key: a client who is also a frequent caller
        {{ keyed_hash(normalize_phone('phone')) }} as phone_key,
        {{ normalize_code('age_group') }} as age_group,
        {{ normalize_code('race') }} as race,
        {{ normalize_code('ethnicity') }} as ethnicity,
        {{ normalize_code('gender') }} as gender,
        {{ normalize_code('primary_language') }} as primary_language,
        {{ normalize_code('housing_status') }} as housing_status,
        updated_at
    from {{ source('raw_cms', 'people') }}
)

-- the keyed hash stands for the id: versions of one client share it
{{ select_with_quarantine_reason('normalized', 'person_key') }}
