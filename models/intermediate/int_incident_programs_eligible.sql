-- One row per (incident, program) the incident is eligible for: its final call type has a rule
-- for the program in force on the local creation date, and no exclusion in force is flagged.
-- (eligibility_call_type is the final call type, or the initial one when CAD does not know the
-- final code: see stg_cad__incidents.)
with

incidents as (
    select
        incident_number,
        eligibility_call_type,
        created_date_local,
        weapon_involved,
        violence_toward_others
    from {{ ref('stg_cad__incidents') }}
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
)

select
    incidents.incident_number,
    eligibility_rules.program
from incidents
inner join eligibility_rules
    on
        incidents.eligibility_call_type = eligibility_rules.call_type_code
        and incidents.created_date_local >= eligibility_rules.effective_from
        and (eligibility_rules.effective_to is null or incidents.created_date_local < eligibility_rules.effective_to)
left join excluded_incidents on incidents.incident_number = excluded_incidents.incident_number
where excluded_incidents.incident_number is null
group by incidents.incident_number, eligibility_rules.program
