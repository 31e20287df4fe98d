-- Every raw CAD call row with the caller's phone replaced by a keyed hash, and the first rule it
-- fails (null = staged). The phone number itself never leaves raw.
-- Incremental (macros/incremental.sql): every call of an incident whose calls or incident row
-- changed is judged again (a duplicate call is one of the same incident; an orphan is one whose
-- incident is not staged). All of them when the hash key changed.
{{ config(
    materialized='incremental', incremental_strategy='delete+insert', unique_key='call_id',
    pre_hook="{{ set_hash_key() }}", post_hook="{{ record_hash_key() }}",
) }}
with

{% if is_incremental() -%}
affected_incidents as (
    {{ affected_incidents(
        [
            (source('raw_cad', 'calls'), normalize_incident_number('incident_number')),
            (ref('base_cad__incidents'), 'incident_number'),
        ],
        moved=(source('raw_cad', 'calls'), 'call_id'),
    ) | indent(4) }}
),

{% endif -%}

normalized as (
    select
        call_id,
        {{ normalize_incident_number('incident_number') }} as incident_number,
        incident_number as source_incident_number,
        received_at,
        {{ keyed_hash(normalize_phone('caller_phone')) }} as caller_key,
        updated_at
    from {{ source('raw_cad', 'calls') }}
    {%- if is_incremental() %}
    where
        {{ normalize_incident_number('incident_number') }} in (select incident_number from affected_incidents)
        or {{ changed_since_cutoff() }}
        or {{ hash_key_changed() }}
    {%- endif %}
),

checked as (
    {% call select_with_quarantine_reason(
        'normalized', 'call_id', staged_parents=[('incidents', 'base_cad__incidents', 'incident_number')]
    ) %}
        when normalized.incident_number is null then 'invalid_incident_number'
        when incidents.incident_number is null then 'orphan_incident'
        when {{ is_implausible('normalized.received_at') }} then 'implausible_received_at'
    {%- endcall %}
),

with_previous_call as (
    select
        *,
        -- the phone system sometimes logs one call twice, seconds apart: same incident, same phone;
        -- a call that passes every rule (a duplicate key too) is compared only with such calls
        lag(received_at) over (
            partition by
                incident_number,
                caller_key,
                case when coalesce(quarantine_reason, 'duplicate_key') = 'duplicate_key' then 0 else 1 end
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
        quarantine_reason,
        case
            when
                caller_key is not null
                and {{ epoch_seconds('received_at') }} - {{ epoch_seconds('previous_call_received_at') }}
                <= {{ duplicate_call_seconds() }}
                then 'duplicate_call'
        end
    ) as quarantine_reason
from with_previous_call
