-- Transports by program, destination and where the record came from.
select
    transport_key,
    incident_number,
    program,
    transport_source,
    destination_code,
    destination_category,
    transported_at,
    cast(date_trunc('month', transported_at) as date) as transported_month
from marts.fct_transports
