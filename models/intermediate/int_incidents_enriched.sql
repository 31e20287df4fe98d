-- One row per staged incident with everything the marts report about it: eligibility, HEART
-- response and times, forgone reason, police / EMS involvement, outcome, services and callers.
-- fct_incidents publishes it; the metric models aggregate it.
-- Incremental (macros/incremental_incidents.sql): an incident is enriched again when its CAD rows
-- changed, when it entered or left staging, when a reference table changed (all of them), or
-- when what a parent says of it differs from what this model holds. The parents the case-management
-- side, the linkage and other incidents move (encounters, follow-ups, referrals, transports, HEART
-- response, forgone reason, familiar caller) are rebuilt whole or follow those other incidents
-- themselves, and comparing them with the held columns costs less than writing 1.5 M rows again.
-- depends_on: {{ ref('base_cad__incidents') }}, {{ ref('base_cad__calls') }}, {{ ref('base_cad__unit_assignments') }}, {{ ref('base_cad__call_types') }}, {{ ref('call_type_eligibility') }}, {{ ref('eligibility_exclusions') }}
{{ config(
    materialized='incremental', incremental_strategy='replace_incidents', unique_key='incident_number',
    on_schema_change='append_new_columns',
    pre_hook="{{ create_incidents_state() }}",
    post_hook="{{ record_incidents_state(inputs=enrichment_inputs(), settings=encounter_programs() + assignment_timing_settings()) }}",
) }}
with

origins as (
    select * from {{ ref('call_origins') }}
),

call_types as (
    select * from {{ ref('call_types') }}
),

dispositions as (
    select * from {{ ref('dispositions') }}
),

arrests as (
    select
        incident_number,
        count(*) as arrests
    from {{ ref('stg_cad__arrests') }}
    group by incident_number
),

referrals as (
    select
        incident_number,
        count(distinct referral_type) as referral_types,
        sum(referrals) as referrals
    from {{ ref('int_referrals_rolled_up') }}
    group by incident_number
),

-- an incident is a familiar-caller incident when any of its callers is familiar at it
familiar as (
    select
        incident_number,
        max(case when is_familiar_caller then 1 else 0 end) = 1 as is_familiar_caller
    from {{ ref('int_familiar_callers_flagged') }}
    group by incident_number
),

transports as (
    select
        incident_number,
        max(case when destination_category = 'hospital' then 1 else 0 end) = 1 as has_hospital_transport,
        max(case when destination_category = 'care_center' then 1 else 0 end) = 1 as has_care_center_transport,
        max(case when destination_category = 'other' then 1 else 0 end) = 1 as has_other_transport
    from {{ ref('int_transports_rolled_up') }}
    group by incident_number
),

{% if incidents_incremental() -%}
-- which assignments each incident has: what its assignment columns are computed from, besides
-- their own rows and the incident's (a change there is a CAD change)
assignment_sets as (
    select
        incident_number,
        {{ set_checksum('assignment_id') }} as assignments_checksum
    from {{ ref('int_unit_assignments_timed') }}
    group by incident_number
),

-- the held incidents for which a parent now says something else than what is held
differing as (
    select held.incident_number
    from {{ this }} as held
    left join {{ ref('int_calls_rolled_up') }} as calls on held.incident_number = calls.incident_number
    left join arrests on held.incident_number = arrests.incident_number
    left join referrals on held.incident_number = referrals.incident_number
    left join transports on held.incident_number = transports.incident_number
    left join assignment_sets on held.incident_number = assignment_sets.incident_number
    left join {{ ref('int_incidents_responded') }} as responded
        on held.incident_number = responded.incident_number
    left join familiar on held.incident_number = familiar.incident_number
    left join {{ ref('int_incidents_forgone') }} as forgone
        on held.incident_number = forgone.incident_number
    left join {{ ref('int_heart_responses_timed') }} as heart
        on held.incident_number = heart.incident_number
    left join {{ ref('int_encounters_summarized') }} as encounters
        on held.incident_number = encounters.incident_number
    left join {{ ref('int_follow_ups_linked') }} as follow_ups
        on held.incident_number = follow_ups.incident_number
    where
        held.calls is distinct from coalesce(calls.distinct_calls, 0)
        or held.identified_callers is distinct from coalesce(calls.identified_callers, 0)
        or held.last_call_updated_at is distinct from calls.last_call_updated_at
        or held.arrests is distinct from coalesce(arrests.arrests, 0)
        or held.referrals is distinct from coalesce(referrals.referrals, 0)
        or held.referral_types is distinct from coalesce(referrals.referral_types, 0)
        or held.has_hospital_transport is distinct from coalesce(transports.has_hospital_transport, false)
        or held.has_care_center_transport is distinct from coalesce(transports.has_care_center_transport, false)
        or held.has_other_transport is distinct from coalesce(transports.has_other_transport, false)
        or held.assignments_checksum is distinct from assignment_sets.assignments_checksum
        or responded.incident_number is null
        or held.is_heart_responded is distinct from responded.is_heart_responded
        or held.heart_response_basis is distinct from responded.heart_response_basis
        or held.heart_program is distinct from responded.heart_program
        or held.has_heart_arrival is distinct from responded.has_heart_arrival
        or held.is_ccd_resolution is distinct from responded.is_ccd_resolution
        or held.linked_encounters is distinct from responded.linked_encounters
        or held.is_familiar_caller is distinct from coalesce(familiar.is_familiar_caller, false)
        or held.forgone_reason is distinct from forgone.forgone_reason
        or held.heart_units is distinct from heart.heart_units
        or held.first_arrived_unit_id is distinct from heart.first_arrived_unit_id
        or held.first_heart_dispatched_at is distinct from heart.first_heart_dispatched_at
        or held.first_heart_on_scene_at is distinct from heart.first_heart_on_scene_at
        or held.last_heart_cleared_at is distinct from heart.last_heart_cleared_at
        or held.response_time_status is distinct from coalesce(heart.response_time_status, 'no_heart_unit')
        or held.response_minutes is distinct from heart.response_minutes
        or held.heart_time_on_task_minutes is distinct from heart.heart_time_on_task_minutes
        or held.ems_requested is distinct from coalesce(encounters.ems_requested, false)
        or held.police_backup_requested is distinct from coalesce(encounters.police_backup_requested, false)
        or held.safety_reports is distinct from coalesce(encounters.safety_reports, 0)
        or held.all_reports_felt_safe is distinct from coalesce(encounters.all_reports_felt_safe, false)
        -- without an encounter the outcome is the disposition's, which only a CAD change moves
        or held.outcome_category
        is distinct from coalesce(encounters.encounter_outcome_category, held.disposition_category, 'unknown')
        or held.follow_ups is distinct from coalesce(follow_ups.follow_ups, 0)
        or held.ccd_follow_up_calls is distinct from coalesce(follow_ups.ccd_follow_up_calls, 0)
),

affected_incidents as (
    {%- set entered_staging -%}
    select staged.incident_number from {{ ref('stg_cad__incidents') }} as staged
    where not exists (select 1 from {{ this }} as held where held.incident_number = staged.incident_number)
    {%- endset %}
    {%- set left_staging -%}
    select held.incident_number from {{ this }} as held
    where not exists (
        select 1 from {{ ref('stg_cad__incidents') }} as staged where staged.incident_number = held.incident_number
    )
    {%- endset %}
    {{ incidents_to_recompute(
        inputs=enrichment_inputs(), settings=encounter_programs() + assignment_timing_settings(),
        also=['select incident_number from differing', entered_staging, left_staging],
    ) | indent(4) }}
),

{% endif -%}
incidents as (
    select * from {{ ref('stg_cad__incidents') }}
    {{- where_recomputed() | indent(4) }}
),

calls as (
    select * from {{ ref('int_calls_rolled_up') }}
    {{- where_recomputed() | indent(4) }}
),

-- per incident: when its assignments last changed, which they are (a checksum of their ids), its
-- police units and their minutes (docs "Police minutes of an incident"), and whether EMS was assigned
assignments as (
    select
        incident_number,
        max(updated_at) as last_assignment_updated_at,
        {{ set_checksum('assignment_id') }} as assignments_checksum,
        sum(case when is_police_unit then 1 else 0 end) as police_assignments,
        count(distinct case when is_police_unit then unit_id end) as police_units,
        sum(case when is_police_unit and has_valid_dispatch_to_clear then 1 else 0 end) as valid_police_assignments,
        {{ exact_sum('case when is_police_unit then coalesce(dispatch_to_clear_minutes, 0) else 0 end') }}
            as police_minutes,
        sum(case when is_ems_unit then 1 else 0 end) > 0 as has_ems_unit
    from {{ ref('int_unit_assignments_timed') }}
    {{- where_recomputed() | indent(4) }}
    group by incident_number
),

enriched as (
    select
        incidents.incident_number,
        incidents.created_at,
        incidents.created_at_local,
        incidents.created_date_local,
        {{ period_start('month', 'incidents.created_at_local') }} as created_month_local,
        {{ period_start('quarter', 'incidents.created_at_local') }} as created_quarter_local,
        {{ period_start('year', 'incidents.created_at_local') }} as created_year_local,
        {{ day_of_week_name('incidents.created_at_local') }} as created_day_of_week,
        {{ hour_of_day_text('incidents.created_at_local') }} as created_hour,
        incidents.initial_call_type,
        incidents.final_call_type,
        incidents.eligibility_call_type,
        call_types.category as final_call_type_category,
        incidents.priority,
        incidents.call_origin,
        origins.origin,
        coalesce(incidents.beat, 'UNKNOWN') as beat,
        incidents.block_address,
        incidents.weapon_involved,
        incidents.violence_toward_others,
        incidents.disposition,
        dispositions.outcome_category as disposition_category,
        incidents.closed_at,
        incidents.is_closed_at_invalid,
        incidents.has_unknown_initial_call_type,
        incidents.has_unknown_final_call_type,
        coalesce(calls.distinct_calls, 0) as calls,
        coalesce(calls.identified_callers, 0) as identified_callers,
        coalesce(familiar.is_familiar_caller, false) as is_familiar_caller,
        eligibility.eligibility_status,
        eligibility.begins_as_call,
        eligibility.closes_without_need,
        eligibility.is_eligible,
        eligibility.is_eligible_crt,
        eligibility.is_eligible_coresponse,
        eligibility.is_eligible_ccd,
        responded.is_heart_responded,
        responded.heart_response_basis,
        responded.heart_program,
        responded.has_heart_arrival,
        responded.is_ccd_resolution,
        responded.linked_encounters,
        eligibility.is_eligible and not responded.is_heart_responded as is_forgone,
        forgone.forgone_reason,
        case
            when eligibility.is_eligible and responded.is_heart_responded then 'responded'
            when eligibility.is_eligible then 'forgone'
        end as response_status,
        heart.heart_units,
        heart.first_arrived_unit_id,
        heart.first_heart_dispatched_at,
        heart.first_heart_on_scene_at,
        heart.last_heart_cleared_at,
        coalesce(heart.response_time_status, 'no_heart_unit') as response_time_status,
        heart.response_minutes,
        heart.heart_time_on_task_minutes,
        coalesce(assignments.police_assignments, 0) as police_assignments,
        coalesce(assignments.police_units, 0) as police_units,
        coalesce(assignments.valid_police_assignments, 0) as valid_police_assignments,
        coalesce(assignments.police_minutes, 0) as police_minutes,
        coalesce(assignments.has_ems_unit, false) as has_ems_unit,
        coalesce(encounters.ems_requested, false) as ems_requested,
        coalesce(encounters.police_backup_requested, false) as police_backup_requested,
        coalesce(encounters.safety_reports, 0) as safety_reports,
        coalesce(encounters.all_reports_felt_safe, false) as all_reports_felt_safe,
        coalesce(encounters.encounter_outcome_category, dispositions.outcome_category, 'unknown') as outcome_category,
        coalesce(referrals.referrals, 0) as referrals,
        coalesce(referrals.referral_types, 0) as referral_types,
        coalesce(transports.has_hospital_transport, false) as has_hospital_transport,
        coalesce(transports.has_care_center_transport, false) as has_care_center_transport,
        coalesce(transports.has_other_transport, false) as has_other_transport,
        coalesce(follow_ups.follow_ups, 0) as follow_ups,
        coalesce(follow_ups.follow_ups, 0) > 0 as has_follow_up,
        coalesce(follow_ups.ccd_follow_up_calls, 0) as ccd_follow_up_calls,
        coalesce(arrests.arrests, 0) as arrests,
        incidents.updated_at,
        calls.last_call_updated_at,
        assignments.assignments_checksum,
        greatest(
            incidents.updated_at,
            coalesce(calls.last_call_updated_at, incidents.updated_at),
            coalesce(assignments.last_assignment_updated_at, incidents.updated_at)
        ) as last_source_updated_at
    from incidents
    inner join {{ ref('int_incidents_screened') }} as eligibility
        on incidents.incident_number = eligibility.incident_number
    inner join {{ ref('int_incidents_responded') }} as responded
        on incidents.incident_number = responded.incident_number
    left join origins on incidents.call_origin = origins.call_origin
    left join call_types on incidents.final_call_type = call_types.call_type_code
    left join dispositions on incidents.disposition = dispositions.disposition_code
    left join calls on incidents.incident_number = calls.incident_number
    left join arrests on incidents.incident_number = arrests.incident_number
    left join referrals on incidents.incident_number = referrals.incident_number
    left join transports on incidents.incident_number = transports.incident_number
    left join assignments on incidents.incident_number = assignments.incident_number
    left join familiar on incidents.incident_number = familiar.incident_number
    left join {{ ref('int_incidents_forgone') }} as forgone
        on incidents.incident_number = forgone.incident_number
    left join {{ ref('int_heart_responses_timed') }} as heart
        on incidents.incident_number = heart.incident_number
    left join {{ ref('int_encounters_summarized') }} as encounters
        on incidents.incident_number = encounters.incident_number
    left join {{ ref('int_follow_ups_linked') }} as follow_ups
        on incidents.incident_number = follow_ups.incident_number
)

{{ with_removal_markers('enriched') }}
