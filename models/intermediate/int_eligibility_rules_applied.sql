-- One row per (incident, program, judged_on) where the incident's call type has a rule for the
-- program in force on the local creation date and no exclusion in force is flagged.
-- judged_on = 'dispatch' reads the call type the dispatcher knew (eligibility_call_type, see
-- stg_cad__incidents): that decides eligibility. judged_on = 'close' reads the final call type,
-- so incidents reclassified into an eligible type at close can be reported apart.
-- Incremental (macros/incremental_incidents.sql): the incidents whose CAD rows changed are judged
-- again; all of them when the eligibility rules, the exclusions or CAD's call types change (the
-- call type judged at dispatch falls back on the final one when CAD does not know the first).
-- depends_on: {{ ref('base_cad__incidents') }}, {{ ref('base_cad__calls') }}, {{ ref('base_cad__unit_assignments') }}, {{ ref('stg_cad__incidents') }}, {{ ref('base_cad__call_types') }}
{{ config(
    materialized='incremental', incremental_strategy='replace_incidents', unique_key='incident_number',
    on_schema_change='append_new_columns',
    pre_hook="{{ create_incidents_state() }}",
    post_hook="{{ record_incidents_state(inputs=[ref('call_type_eligibility'), ref('eligibility_exclusions'), ref('base_cad__call_types')]) }}",
) }}
with

{% if incidents_incremental() -%}
affected_incidents as (
    {{ incidents_to_recompute(inputs=[ref('call_type_eligibility'), ref('eligibility_exclusions'), ref('base_cad__call_types')]) | indent(4) }}
),

{% endif -%}

incidents as (
    select
        incident_number,
        eligibility_call_type,
        final_call_type,
        created_date_local,
        weapon_involved,
        violence_toward_others
    from {{ ref('stg_cad__incidents') }}
    {{- where_recomputed() | indent(4) }}
),

call_types_judged as (
    select
        incident_number,
        'dispatch' as judged_on,
        eligibility_call_type as call_type,
        created_date_local
    from incidents
    union all
    select
        incident_number,
        'close' as judged_on,
        final_call_type as call_type,
        created_date_local
    from incidents
),

eligibility_rules as (
    select * from {{ ref('call_type_eligibility') }}
),

exclusions as (
    select * from {{ ref('eligibility_exclusions') }}
),

excluded_incidents as (
    select distinct incidents.incident_number
    from incidents
    inner join exclusions
        on
            incidents.created_date_local >= exclusions.effective_from
            and (exclusions.effective_to is null or incidents.created_date_local < exclusions.effective_to)
    -- each exclusion code names the incidents flag it reads; a seed row naming any other code fails
    -- the test assert_eligibility_exclusions_name_incident_flags
    where
        (exclusions.exclusion_code = 'weapon_involved' and incidents.weapon_involved)
        or (exclusions.exclusion_code = 'violence_toward_others' and incidents.violence_toward_others)
),

rules_applied as (
    select
        call_types_judged.incident_number,
        eligibility_rules.program,
        call_types_judged.judged_on
    from call_types_judged
    inner join eligibility_rules
        on
            call_types_judged.call_type = eligibility_rules.call_type_code
            and call_types_judged.created_date_local >= eligibility_rules.effective_from
            and (
                eligibility_rules.effective_to is null
                or call_types_judged.created_date_local < eligibility_rules.effective_to
            )
    left join excluded_incidents on call_types_judged.incident_number = excluded_incidents.incident_number
    where excluded_incidents.incident_number is null
    group by call_types_judged.incident_number, eligibility_rules.program, call_types_judged.judged_on
)

{{ with_removal_markers('rules_applied') }}
