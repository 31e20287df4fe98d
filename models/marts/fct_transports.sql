-- One row per transport of a person: case-management transports (by a HEART team, in an encounter)
-- and CAD unit assignments with a transport destination (police, EMS), each with its category.
with

case_management as (
    select
        'cms-' || cast(transports.transport_id as {{ dbt.type_string() }}) as transport_key,
        'case_management' as transport_source,
        linked.incident_number,
        transports.encounter_id,
        cast(null as {{ dbt.type_string() }}) as unit_id,
        linked.program,
        transports.destination_type as destination_code,
        transports.transported_at,
        transports.updated_at
    from {{ ref('stg_cms__transports') }} as transports
    inner join {{ ref('int_encounters_linked') }} as linked on transports.encounter_id = linked.encounter_id
),

cad as (
    select
        'cad-' || cast(assignment_id as {{ dbt.type_string() }}) as transport_key,
        'cad' as transport_source,
        incident_number,
        cast(null as bigint) as encounter_id,
        unit_id,
        heart_program as program,
        transport_destination as destination_code,
        -- CAD records no departure time: the unit's clear time is the closest it has
        cleared_at as transported_at,
        updated_at
    from {{ ref('int_unit_assignments_timed') }}
    where transport_destination is not null
),

transports as (
    select * from case_management
    union all
    select * from cad
)

select
    transports.transport_key,
    transports.transport_source,
    transports.incident_number,
    transports.encounter_id,
    transports.unit_id,
    transports.program,
    transports.destination_code,
    coalesce(destinations.destination_category, 'unmapped') as destination_category,
    transports.transported_at,
    transports.updated_at
from transports
left join {{ ref('transport_destinations') }} as destinations
    on transports.destination_code = destinations.destination_code
