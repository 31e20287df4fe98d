{{ config(materialized='table', pre_hook="{{ set_hash_key() }}") }}
-- Every raw CAD call row with the caller's phone replaced by a keyed hash, and the first rule it
-- fails (null = staged). The phone number itself never leaves raw.
with

source as (
    select * from {{ source('raw_cad', 'calls') }}
),

incidents as (
    select incident_number from {{ ref('base_cad__incidents') }}
    where quarantine_reason is null
),

normalized as (
    select
        call_id,
        incident_number as source_incident_number,
        {{ normalize_incident_number('incident_number') }} as incident_number,
        received_at,
        {{ keyed_hash(normalize_phone('caller_phone')) }} as caller_key,
        updated_at
    from source
),

checked as (
    select
        normalized.*,
        case
            when normalized.incident_number is null then 'invalid_incident_number'
            when incidents.incident_number is null then 'orphan_incident'
            when {{ is_implausible('normalized.received_at') }} then 'implausible_received_at'
        end as rule_failure
    from normalized
    left join incidents on normalized.incident_number = incidents.incident_number
),

ranked as (
    select
        *,
        {{ key_rank('call_id') }} as key_rank,
        -- the phone system sometimes logs one call twice, seconds apart: same incident, same phone
        lag(received_at) over (
            partition by incident_number, caller_key, case when rule_failure is null then 0 else 1 end
            order by received_at asc, call_id asc
        ) as previous_call_received_at
    from checked
)

select
    call_id,
    incident_number,
    source_incident_number,
    received_at,
    caller_key,
    updated_at,
    coalesce(
        rule_failure,
        case
            when key_rank > 1 then 'duplicate_key'
            when
                caller_key is not null
                and {{ epoch_seconds('received_at') }} - {{ epoch_seconds('previous_call_received_at') }}
                <= {{ duplicate_call_seconds() }}
                then 'duplicate_call'
        end
    ) as quarantine_reason
from ranked
