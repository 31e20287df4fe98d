-- Calls rolled up to incidents: one row per incident with at least one call. Several calls about
-- one event belong to one CAD incident, and every volume metric counts incidents, so the calls of
-- an incident collapse here (first call, number of calls, distinct identified callers).
select
    incident_number,
    count(*) as calls,
    count(distinct call_id) as distinct_calls,
    count(distinct caller_key) as identified_callers,
    min(received_at) as first_call_received_at,
    max(received_at) as last_call_received_at,
    max(updated_at) as last_call_updated_at
from {{ ref('stg_cad__calls') }}
group by incident_number
