{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_incident_number') }}
-- Every raw CAD incident row, normalized, with the first rule it fails (null = staged).
-- Only rules that make the whole incident unusable quarantine it (no readable number, no real
-- creation time, a second row for the same number). A bad close time or a call type CAD does not
-- know keeps the incident, flagged: it still counts for everything the bad field does not decide
-- (HEART still responded to it; its eligibility falls back on the initial call type).
-- Incremental (macros/incremental.sql): every raw row of a changed incident number is ranked again;
-- a change to CAD's call types flags incidents anew, so it recomputes them all.
with

{% if is_incremental() -%}
affected_incidents as (
    {{ affected_incidents([(source('raw_cad', 'incidents'), normalize_incident_number('incident_number'))]) | indent(4) }}
),

{% endif -%}

normalized as (
    select
        {{ normalize_incident_number('incident_number') }} as incident_number,
        incident_number as source_incident_number,
        created_at,
        {{ normalize_code('initial_call_type') }} as initial_call_type,
        {{ normalize_code('final_call_type') }} as final_call_type,
        priority,
        {{ normalize_code('call_origin') }} as call_origin,
        nullif(upper(trim(cast(beat as {{ dbt.type_string() }}))), '') as beat,
        nullif(upper(trim(block_address)), '') as block_address,
        latitude,
        longitude,
        weapon_involved,
        violence_toward_others,
        {{ normalize_code('disposition') }} as disposition,
        closed_at,
        updated_at
    from {{ source('raw_cad', 'incidents') }}
    {%- if is_incremental() %}
    where
        {{ normalize_incident_number('incident_number') }} in (select incident_number from affected_incidents)
        -- a number that does not normalize is a key of its own
        or {{ changed_since_cutoff() }}
        or exists (
            select 1 from {{ ref('base_cad__call_types') }} as call_types
            where {{ changed_since_cutoff('call_types') }}
        )
    {%- endif %}
),

checked as (
    {% call select_with_quarantine_reason(
        'normalized', 'incident_number',
        tie_breaker='source_incident_number asc', duplicate_reason='duplicate_incident'
    ) %}
        when normalized.incident_number is null then 'invalid_incident_number'
        {{ required_time_rules('normalized', 'created_at') }}
        when normalized.closed_at > {{ plausible_until() }} then 'implausible_closed_at'
    {%- endcall %}
),

known_call_types as (
    select call_type_code from {{ ref('base_cad__call_types') }}
    where quarantine_reason is null
)

select
    incident_number,
    source_incident_number,
    created_at,
    initial_call_type,
    final_call_type,
    priority,
    call_origin,
    beat,
    block_address,
    latitude,
    longitude,
    weapon_involved,
    violence_toward_others,
    disposition,
    -- a close before the creation is impossible: treat the incident as still open
    case when closed_at >= created_at then closed_at end as closed_at,
    closed_at is not null and closed_at < created_at as is_closed_at_invalid,
    (
        initial_call_type is not null
        and initial_call_type not in (select known_call_types.call_type_code from known_call_types)
    ) as has_unknown_initial_call_type,
    (
        final_call_type is not null
        and final_call_type not in (select known_call_types.call_type_code from known_call_types)
    ) as has_unknown_final_call_type,
    updated_at,
    quarantine_reason
from checked
