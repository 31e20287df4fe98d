-- One row per staged incident: whether HEART responded to it, on what basis, and its program
-- (docs "HEART-responded incident").
-- A view: its two readers join it once each, which costs far less than writing 1.5 M rows on every
-- refresh (about 2 s at city scale, on the way to fct_incidents).
{{ config(materialized='view') }}
with

incidents as (
    select
        incident_number,
        disposition
    from {{ ref('stg_cad__incidents') }}
),

dispositions as (
    select
        disposition_code,
        is_ccd_resolution
    from {{ ref('dispositions') }}
),

heart_response as (
    select
        incident_number,
        has_heart_arrival,
        first_arrived_program
    from {{ ref('int_heart_responses_timed') }}
),

earliest_linked_encounter as (
    select
        incident_number,
        program,
        row_number() over (partition by incident_number order by started_at asc, encounter_id asc)
            as encounter_rank
    from {{ ref('int_encounters_linked') }}
    where incident_number is not null
),

linked_encounters as (
    select
        incident_number,
        count(*) as linked_encounters
    from {{ ref('int_encounters_linked') }}
    where incident_number is not null
    group by incident_number
),

flags as (
    select
        incidents.incident_number,
        coalesce(heart_response.has_heart_arrival, false) as has_heart_arrival,
        coalesce(linked_encounters.linked_encounters, 0) as linked_encounters,
        coalesce(dispositions.is_ccd_resolution, false) as is_ccd_resolution,
        heart_response.first_arrived_program,
        earliest_linked_encounter.program as earliest_encounter_program
    from incidents
    left join heart_response on incidents.incident_number = heart_response.incident_number
    left join linked_encounters on incidents.incident_number = linked_encounters.incident_number
    left join dispositions on incidents.disposition = dispositions.disposition_code
    left join earliest_linked_encounter
        on
            incidents.incident_number = earliest_linked_encounter.incident_number
            and earliest_linked_encounter.encounter_rank = 1
)

select
    incident_number,
    has_heart_arrival,
    linked_encounters,
    is_ccd_resolution,
    has_heart_arrival or linked_encounters > 0 or is_ccd_resolution as is_heart_responded,
    case
        when has_heart_arrival then 'unit_on_scene'
        when is_ccd_resolution then 'ccd_resolution'
        when linked_encounters > 0 then 'linked_encounter'
    end as heart_response_basis,
    case
        when has_heart_arrival then first_arrived_program
        when is_ccd_resolution then 'CCD'
        when linked_encounters > 0 then earliest_encounter_program
    end as heart_program
from flags
