-- Staged CAD unit assignments: the rows of base_cad__unit_assignments that passed every rule.
-- Incremental (macros/incremental.sql): the assignments of every incident whose assignments or
-- incident row changed, and of every unit that changed, are staged again; an assignment
-- quarantined since leaves.
-- depends_on: {{ ref('base_cad__incidents') }}, {{ ref('base_cad__units') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='assignment_id',
    post_hook="{{ delete_quarantined_rows('assignment_id') }}") }}

{% if is_incremental() -%}
with

affected_incidents as (
    {{ affected_incidents(
        [(ref('base_cad__unit_assignments'), 'incident_number'), (ref('base_cad__incidents'), 'incident_number')],
        moved=(ref('base_cad__unit_assignments'), 'assignment_id'),
    ) | indent(4) }}
),

changed_units as (
    select units.unit_id
    from {{ ref('base_cad__units') }} as units
    where {{ changed_since_cutoff('units') }}
)

{% endif -%}
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
where quarantine_reason is null{{ in_affected_incidents(
    also='unit_id in (select changed_units.unit_id from changed_units)'
) }}
