-- One row per staged unit assignment with each status time judged valid or not against its
-- incident (docs "Valid timestamp"), the unit's role, and the durations that are usable.
-- Incremental (macros/incremental_incidents.sql): the assignments of every incident whose CAD rows
-- changed, of an incident an assignment moved away from, and of the incidents of a unit that
-- changed (a unit can quarantine or restore its assignments) are judged again; all of them when
-- the HEART unit types or the placeholder day change.
-- depends_on: {{ ref('base_cad__incidents') }}, {{ ref('base_cad__calls') }}, {{ ref('base_cad__unit_assignments') }}, {{ ref('stg_cad__incidents') }}, {{ ref('base_cad__units') }}
{{ config(
    materialized='incremental', incremental_strategy='replace_incidents', unique_key='incident_number',
    on_schema_change='append_new_columns',
    pre_hook="{{ create_incidents_state() }}",
    post_hook="{{ record_incidents_state(settings=assignment_timing_settings(), extra=[(ref('base_cad__units'), '')]) }}",
) }}
with

{% if incidents_incremental() -%}
affected_incidents as (
    {%- set changed_units -%}
    select units.unit_id from {{ ref('base_cad__units') }} as units where units.updated_at > {{ incidents_cutoff(ref('base_cad__units')) }}
    {%- endset %}
    {{ incidents_to_recompute(settings=assignment_timing_settings(), also=[
        incidents_held_for_changed('assignment_id', ref('base_cad__unit_assignments')),
        'select incident_number from ' ~ ref('base_cad__unit_assignments') ~ ' where unit_id in (' ~ changed_units ~ ')',
        'select incident_number from ' ~ this ~ ' where unit_id in (' ~ changed_units ~ ')',
    ]) | indent(4) }}
),

{% endif -%}
assignments as (
    select * from {{ ref('stg_cad__unit_assignments') }}
    {{- where_recomputed() | indent(4) }}
),

incidents as (
    select
        incident_number,
        created_at,
        closed_at
    from {{ ref('stg_cad__incidents') }}
    {{- where_recomputed() | indent(4) }}
),

judged as (
    select
        assignments.assignment_id,
        assignments.incident_number,
        assignments.unit_id,
        assignments.unit_type,
        assignments.unit_type in ({{ quoted_list(heart_unit_types()) }}) as is_heart_unit,
        assignments.unit_type = 'POLICE' as is_police_unit,
        assignments.unit_type = 'EMS' as is_ems_unit,
        assignments.dispatched_at,
        assignments.en_route_at,
        assignments.on_scene_at,
        assignments.cleared_at,
        assignments.transport_destination,
        {{ is_valid_ts('assignments.dispatched_at', 'incidents.closed_at') }} as has_valid_dispatch,
        {{ is_valid_ts('assignments.on_scene_at', 'incidents.closed_at') }} as has_valid_on_scene,
        {{ is_valid_ts('assignments.cleared_at', 'incidents.closed_at') }} as has_valid_clear,
        assignments.updated_at
    from assignments
    inner join incidents on assignments.incident_number = incidents.incident_number
),

timed as (
    select
        assignment_id,
        incident_number,
        unit_id,
        unit_type,
        -- a HEART unit's program is its unit type (CRT or CORESPONSE); other units have none
        case when is_heart_unit then unit_type end as heart_program,
        is_heart_unit,
        is_police_unit,
        is_ems_unit,
        dispatched_at,
        en_route_at,
        on_scene_at,
        cleared_at,
        transport_destination,
        has_valid_dispatch,
        has_valid_on_scene,
        has_valid_clear,
        has_valid_dispatch and has_valid_clear and cleared_at >= dispatched_at as has_valid_dispatch_to_clear,
        case
            when has_valid_dispatch and has_valid_clear and cleared_at >= dispatched_at
                then {{ duration_minutes('dispatched_at', 'cleared_at') }}
        end as dispatch_to_clear_minutes,
        updated_at
    from judged
)

{{ with_removal_markers('timed') }}
