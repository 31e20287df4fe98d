-- One row per staged incident and identified caller: how many distinct incidents created in the
-- trailing window (created_at - window_days, created_at] that caller called about, counting this
-- one, and whether that reaches `min_incidents` (docs "Familiar-caller incident"; an incident is one
-- when any of its callers is). Callers are compared by their keyed phone hash; the window is
-- elapsed time (epoch seconds).
-- Incremental (macros/incremental_incidents.sql): a change to one incident moves the counts of its
-- callers' other incidents, so the callers an affected incident has now or had at the last build
-- (the caller keys held here) have their every incident recomputed, each over the whole timeline of
-- every one of its callers. The callers held are compared with the staged calls' whole, which
-- finds a call moved, quarantined or re-keyed without a new `updated_at` of its own. Everything is
-- recomputed when the rule changed.
-- Its columns are synced (on_schema_change): a table built when it had one row per incident loses
-- the column it no longer has.
-- depends_on: {{ ref('base_cad__incidents') }}, {{ ref('base_cad__calls') }}, {{ ref('base_cad__unit_assignments') }}
{{ config(
    materialized='incremental', incremental_strategy='replace_incidents', unique_key='incident_number',
    on_schema_change='sync_all_columns',
    pre_hook="{{ create_incidents_state() }}",
    post_hook="{{ record_incidents_state(inputs=[ref('familiar_caller_rule')]) }}",
) }}
with

-- The rule's two numbers are read below as scalars, not cross-joined: PostgreSQL never analyzes a
-- one-row seed (autovacuum waits for 50 changed rows), guesses it holds thousands of rows, and
-- sized the removal markers' hash join for billions of rows (minutes at city scale).
rule as (
    select
        min_incidents,
        window_days
    from {{ ref('familiar_caller_rule') }}
),

{% if incidents_incremental() -%}
-- the incidents whose own callers or creation time may differ from what is held: those with a
-- changed CAD row, and those whose callers (staged calls with a caller key) are not the ones held
-- (a call moved, quarantined or restored, its incident with it; a new hash key changes them all)
changed_incidents as (
    {%- set callers_differ -%}
    select coalesce(current_callers.incident_number, held.incident_number) as incident_number
    from (
        select
            incident_number,
            caller_key
        from {{ ref('stg_cad__calls') }}
        where caller_key is not null
    ) as current_callers
    full outer join {{ this }} as held
        on
            current_callers.incident_number = held.incident_number
            and current_callers.caller_key = held.caller_key
    where current_callers.incident_number is null or held.incident_number is null
    {%- endset %}
    {{ incidents_to_recompute(inputs=[ref('familiar_caller_rule')], also=[callers_differ]) | indent(4) }}
),

-- the callers whose timeline may have changed: those of a changed incident, held or now
affected_callers as (
    select held.caller_key
    from {{ this }} as held
    where held.incident_number in (select changed_incidents.incident_number from changed_incidents)
    union
    select calls.caller_key
    from {{ ref('stg_cad__calls') }} as calls
    where
        calls.caller_key is not null
        and calls.incident_number in (select changed_incidents.incident_number from changed_incidents)
),

-- an incident added to (or taken from) a caller's timeline moves the count of the caller's later
-- incidents in the window: every incident of an affected caller, held or now, is recomputed
affected_incidents as (
    select changed_incidents.incident_number from changed_incidents
    union
    select held.incident_number
    from {{ this }} as held
    where held.caller_key in (select affected_callers.caller_key from affected_callers)
    union
    select calls.incident_number
    from {{ ref('stg_cad__calls') }} as calls
    where calls.caller_key in (select affected_callers.caller_key from affected_callers)
),

-- the callers of a recomputed incident, affected or not: the whole timeline of each is swept
timeline_callers as (
    select distinct calls.caller_key
    from {{ ref('stg_cad__calls') }} as calls
    where
        calls.caller_key is not null
        and calls.incident_number in (select affected_incidents.incident_number from affected_incidents)
),

{% endif -%}
caller_incidents as (
    select distinct
        calls.caller_key,
        incidents.incident_number,
        {{ epoch_seconds('incidents.created_at') }} as created_epoch
    from {{ ref('stg_cad__calls') }} as calls
    inner join {{ ref('stg_cad__incidents') }} as incidents
        on calls.incident_number = incidents.incident_number
    {%- if incidents_incremental() %}
    inner join timeline_callers on calls.caller_key = timeline_callers.caller_key
    {%- endif %}
    where calls.caller_key is not null
),

-- A sweep over each caller's timeline instead of joining the caller's incidents with each other
-- (quadratic for a frequent caller): an incident enters the window at its creation (+1) and leaves
-- it window_days later (-1); the count asked at an incident's creation, after the events of the
-- same instant, is how many of the caller's incidents fall in (created_at - window, created_at].
caller_events as (
    select
        caller_key,
        created_epoch as event_at,
        0 as event_order,
        1 as window_delta,
        cast(null as {{ dbt.type_string() }}) as incident_number
    from caller_incidents
    union all
    select
        caller_key,
        created_epoch + (select rule.window_days from rule) * 86400 as event_at,
        0 as event_order,
        -1 as window_delta,
        cast(null as {{ dbt.type_string() }}) as incident_number
    from caller_incidents
    union all
    select
        caller_key,
        created_epoch as event_at,
        1 as event_order,
        0 as window_delta,
        incident_number
    from caller_incidents
),

caller_timeline as (
    select
        incident_number,
        caller_key,
        event_order,
        cast(sum(window_delta) over (
            partition by caller_key
            order by event_at, event_order
            rows between unbounded preceding and current row
        ) as bigint) as incidents_in_window
    from caller_events
),

-- in an incremental run, the recomputed incidents' counts only
recomputed_counts as (
    select
        incident_number,
        caller_key,
        event_order,
        incidents_in_window
    from caller_timeline
    {{- where_recomputed() | indent(4) }}
),

flagged as (
    select
        recomputed_counts.incident_number,
        recomputed_counts.caller_key,
        recomputed_counts.incidents_in_window as caller_incidents_in_window,
        recomputed_counts.incidents_in_window >= (select rule.min_incidents from rule) as is_familiar_caller
    from recomputed_counts
    where recomputed_counts.event_order = 1
)

{{ with_removal_markers('flagged') }}
