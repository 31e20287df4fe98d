-- One row per staged incident: whether it is eligible (docs "Eligible incident") and for which
-- programs, including the dispatchable ones the forgone reasons are judged over.
with

incidents as (
    select incident_number from {{ ref('stg_cad__incidents') }}
),

eligible_programs as (
    select * from {{ ref('int_incident_programs_eligible') }}
),

per_incident as (
    select
        incident_number,
        {% for program in encounter_programs() %}
        max(case when program = '{{ program }}' then 1 else 0 end) = 1 as is_eligible_{{ program | lower }},
        {% endfor %}
        count(*) as eligible_program_count
    from eligible_programs
    group by incident_number
)

select
    incidents.incident_number,
    per_incident.incident_number is not null as is_eligible,
    {% for program in encounter_programs() %}
    coalesce(per_incident.is_eligible_{{ program | lower }}, false) as is_eligible_{{ program | lower }},
    {% endfor %}
    coalesce(per_incident.eligible_program_count, 0) as eligible_program_count
from incidents
left join per_incident on incidents.incident_number = per_incident.incident_number
