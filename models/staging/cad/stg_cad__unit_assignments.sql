-- Staged CAD unit assignments: the rows of base_cad__unit_assignments that passed every rule.
select
    assignment_id,
    incident_number,
    unit_id,
    unit_type,
    dispatched_at,
    en_route_at,
    on_scene_at,
    cleared_at,
    transport_destination,
    updated_at
from {{ ref('base_cad__unit_assignments') }}
where quarantine_reason is null
