-- One row per incident with a follow-up: the follow-up's encounter is linked to the incident,
-- or its typed incident number (normalized) is the incident's number. Care Navigation's
-- follow-ups and a CCD clinician's call backs are counted apart: Durham's follow-up measure is
-- Care Navigation's, and the call backs to callers HEART did not reach are CCD's own work.
with

follow_ups as (
    select * from {{ ref('stg_cms__follow_ups') }}
),

by_encounter as (
    select
        linked.incident_number,
        follow_ups.follow_up_id,
        follow_ups.followed_up_at,
        follow_ups.follow_up_outcome,
        follow_ups.follow_up_team
    from follow_ups
    inner join {{ ref('int_encounters_linked') }} as linked on follow_ups.encounter_id = linked.encounter_id
    where linked.incident_number is not null
),

by_number as (
    select
        incidents.incident_number,
        follow_ups.follow_up_id,
        follow_ups.followed_up_at,
        follow_ups.follow_up_outcome,
        follow_ups.follow_up_team
    from follow_ups
    inner join {{ ref('stg_cad__incidents') }} as incidents
        on follow_ups.cad_incident_number = incidents.incident_number
),

matched as (
    select * from by_encounter
    union
    select * from by_number
)

select
    incident_number,
    count(distinct case when follow_up_team = 'CARE_NAVIGATION' then follow_up_id end) as follow_ups,
    min(case when follow_up_team = 'CARE_NAVIGATION' then followed_up_at end) as first_followed_up_at,
    max(
        case when follow_up_team = 'CARE_NAVIGATION' and follow_up_outcome = 'CONNECTED' then 1 else 0 end
    ) = 1 as has_connected_follow_up,
    count(distinct case when follow_up_team = 'CCD' then follow_up_id end) as ccd_follow_up_calls
from matched
group by incident_number
