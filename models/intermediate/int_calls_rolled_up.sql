-- Calls rolled up to incidents: one row per incident with at least one call. Several calls about
-- one event belong to one CAD incident, and every volume metric counts incidents, so the calls of
-- an incident collapse here (first call, number of calls, distinct identified callers).
-- Incremental (macros/incremental_incidents.sql): the incidents whose CAD rows changed are rolled
-- up again, and so is every incident whose set of staged calls is not the one it holds (a call
-- moved away or left with its quarantined incident; a repeated call no longer a duplicate).
-- depends_on: {{ ref('base_cad__incidents') }}, {{ ref('base_cad__calls') }}, {{ ref('base_cad__unit_assignments') }}, {{ ref('stg_cad__incidents') }}
{{ config(
    materialized='incremental', incremental_strategy='replace_incidents', unique_key='incident_number',
    on_schema_change='append_new_columns',
    pre_hook="{{ create_incidents_state() }}",
    post_hook="{{ record_incidents_state() }}",
) }}
with

{% if incidents_incremental() -%}
affected_incidents as (
    {%- set counts_differ -%}
    select coalesce(held.incident_number, staged.incident_number) as incident_number
    from {{ this }} as held
    full outer join (
        select
            incident_number,
            {{ set_checksum('call_id') }} as calls_checksum
        from {{ ref('stg_cad__calls') }}
        group by incident_number
    ) as staged
        on held.incident_number = staged.incident_number
    where held.calls_checksum is distinct from staged.calls_checksum
    {%- endset %}
    {{ incidents_to_recompute(also=[counts_differ]) | indent(4) }}
),

{% endif -%}
rolled_up as (
    select
        incident_number,
        count(*) as calls,
        count(distinct call_id) as distinct_calls,
        count(distinct caller_key) as identified_callers,
        min(received_at) as first_call_received_at,
        max(received_at) as last_call_received_at,
        max(updated_at) as last_call_updated_at,
        {{ set_checksum('call_id') }} as calls_checksum
    from {{ ref('stg_cad__calls') }}
    {{- where_recomputed() | indent(4) }}
    group by incident_number
)

{{ with_removal_markers('rolled_up') }}
