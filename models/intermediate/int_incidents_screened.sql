-- One row per staged incident: whether it is eligible (docs "Eligible incident"), for which
-- programs, and, for an incident whose type is eligible but that was never an opportunity for a
-- team, why it is reported apart (eligibility_status).
-- Incremental (macros/incremental_incidents.sql): the incidents whose CAD rows changed are screened
-- again; all of them when a reference table its eligibility or status reads changes.
-- depends_on: {{ ref('base_cad__incidents') }}, {{ ref('base_cad__calls') }}, {{ ref('base_cad__unit_assignments') }}, {{ ref('stg_cad__incidents') }}, {{ ref('base_cad__call_types') }}, {{ ref('call_type_eligibility') }}, {{ ref('eligibility_exclusions') }}
{{ config(
    materialized='incremental', incremental_strategy='replace_incidents', unique_key='incident_number',
    on_schema_change='append_new_columns',
    pre_hook="{{ create_incidents_state() }}",
    post_hook="{{ record_incidents_state(inputs=screening_inputs(), settings=encounter_programs()) }}",
) }}
with

{% if incidents_incremental() -%}
affected_incidents as (
    {{ incidents_to_recompute(inputs=screening_inputs(), settings=encounter_programs()) | indent(4) }}
),

{% endif -%}

incidents as (
    select
        incident_number,
        call_origin,
        disposition
    from {{ ref('stg_cad__incidents') }}
    {{- where_recomputed() | indent(4) }}
),

eligible_programs as (
    select * from {{ ref('int_eligibility_rules_applied') }}
    {{- where_recomputed() | indent(4) }}
),

per_incident as (
    select
        incident_number,
        {% for program in encounter_programs() %}
        max(case when judged_on = 'dispatch' and program = '{{ program }}' then 1 else 0 end) = 1
            as is_type_eligible_{{ program | lower }},
        {% endfor %}
        max(case when judged_on = 'dispatch' then 1 else 0 end) = 1 as is_type_eligible_at_dispatch,
        max(case when judged_on = 'close' then 1 else 0 end) = 1 as is_type_eligible_at_close
    from eligible_programs
    group by incident_number
),

judged as (
    select
        incidents.incident_number,
        coalesce(origins.begins_as_call, false) as begins_as_call,
        coalesce(dispositions.closes_without_need, false) as closes_without_need,
        {% for program in encounter_programs() %}
        coalesce(per_incident.is_type_eligible_{{ program | lower }}, false) as is_type_eligible_{{ program | lower }},
        {% endfor %}
        coalesce(per_incident.is_type_eligible_at_dispatch, false) as is_type_eligible_at_dispatch,
        coalesce(per_incident.is_type_eligible_at_close, false) as is_type_eligible_at_close
    from incidents
    left join per_incident on incidents.incident_number = per_incident.incident_number
    left join {{ ref('call_origins') }} as origins on incidents.call_origin = origins.call_origin
    left join {{ ref('dispositions') }} as dispositions on incidents.disposition = dispositions.disposition_code
),

-- the first that applies; every status but 'eligible' and 'not_eligible' is reported apart
-- (metric set_apart_incidents), never counted as eligible or forgone
statused as (
    select
        *,
        case
            when is_type_eligible_at_dispatch and begins_as_call and not closes_without_need then 'eligible'
            when not is_type_eligible_at_dispatch and not is_type_eligible_at_close then 'not_eligible'
            when not begins_as_call then 'not_a_call'
            when is_type_eligible_at_dispatch then 'closed_without_need'
            else 'reclassified_at_close'
        end as eligibility_status
    from judged
),

screened as (
    select
        incident_number,
        eligibility_status,
        eligibility_status = 'eligible' as is_eligible,
        {% for program in encounter_programs() %}
        eligibility_status = 'eligible' and is_type_eligible_{{ program | lower }} as is_eligible_{{ program | lower }},
        {% endfor %}
        begins_as_call,
        closes_without_need,
        is_type_eligible_at_dispatch,
        is_type_eligible_at_close
    from statused
)

{{ with_removal_markers('screened') }}
