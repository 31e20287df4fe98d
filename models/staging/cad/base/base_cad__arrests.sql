{{ config(materialized='table') }}
-- Every raw arrest row, normalized, with the first rule it fails (null = staged).
with

source as (
    select * from {{ source('raw_cad', 'arrests') }}
),

incidents as (
    select incident_number from {{ ref('base_cad__incidents') }}
    where quarantine_reason is null
),

normalized as (
    select
        arrest_id,
        incident_number as source_incident_number,
        {{ normalize_incident_number('incident_number') }} as incident_number,
        arrested_at,
        {{ normalize_code('charge_category') }} as charge_category,
        updated_at
    from source
),

checked as (
    select
        normalized.*,
        case
            when normalized.incident_number is null then 'invalid_incident_number'
            when incidents.incident_number is null then 'orphan_incident'
        end as rule_failure
    from normalized
    left join incidents on normalized.incident_number = incidents.incident_number
),

ranked as (
    select
        *,
        {{ key_rank('arrest_id') }} as key_rank
    from checked
)

select
    arrest_id,
    incident_number,
    source_incident_number,
    arrested_at,
    charge_category,
    updated_at,
    coalesce(rule_failure, case when key_rank > 1 then 'duplicate_key' end) as quarantine_reason
from ranked
