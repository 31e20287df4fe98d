-- One row per (incident, destination category, destination group) the incident had a transport to: a case-management
-- transport of a linked encounter or a CAD unit assignment with a transport destination
-- (docs: counted once per incident and category).
with

transports as (
    select
        linked.incident_number,
        transports.destination_type as destination_code,
        'case_management' as transport_source
    from {{ ref('stg_cms__transports') }} as transports
    inner join {{ ref('int_encounters_linked') }} as linked on transports.encounter_id = linked.encounter_id
    where linked.incident_number is not null
    union all
    select
        incident_number,
        transport_destination as destination_code,
        'cad' as transport_source
    from {{ ref('stg_cad__unit_assignments') }}
    where transport_destination is not null
)

select
    transports.incident_number,
    destinations.destination_category,
    destinations.destination_group,
    count(*) as transports,
    sum(case when transports.transport_source = 'cad' then 1 else 0 end) as cad_transports,
    sum(case when transports.transport_source = 'case_management' then 1 else 0 end) as case_management_transports
from transports
inner join {{ ref('transport_destinations') }} as destinations
    on transports.destination_code = destinations.destination_code
group by transports.incident_number, destinations.destination_category, destinations.destination_group
