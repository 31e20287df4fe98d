-- Staged CAD incidents: the rows of base_cad__incidents that passed every rule, with the local
-- creation time every period, day-of-week and hour metric uses. `updated_at` is carried so the
-- model can become incremental on it.
-- Incremental (macros/incremental.sql): the incidents whose base rows changed are staged again, all
-- of them when CAD's call types changed (they flag incidents); a number quarantined since leaves.
-- depends_on: {{ ref('base_cad__call_types') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='incident_number',
    post_hook="{{ delete_quarantined_rows('incident_number') }}") }}

{% if is_incremental() -%}
with

affected_incidents as (
    {{ affected_incidents([(ref('base_cad__incidents'), 'incident_number')]) | indent(4) }}
)

{% endif -%}
select
    incident_number,
    created_at,
    {{ to_local('created_at') }} as created_at_local,
    cast({{ to_local('created_at') }} as date) as created_date_local,
    initial_call_type,
    final_call_type,
    -- the call type eligibility is judged on: what the dispatcher knew, the initial type, unless
    -- CAD does not know that code (a garbled entry), then the final one (both flags are kept).
    -- A call reclassified at close was never an opportunity a team was offered.
    case
        when has_unknown_initial_call_type and not has_unknown_final_call_type and final_call_type is not null
            then final_call_type
        else initial_call_type
    end as eligibility_call_type,
    priority,
    call_origin,
    beat,
    block_address,
    latitude,
    longitude,
    weapon_involved,
    violence_toward_others,
    disposition,
    closed_at,
    is_closed_at_invalid,
    has_unknown_initial_call_type,
    has_unknown_final_call_type,
    updated_at
from {{ ref('base_cad__incidents') }}
where quarantine_reason is null{{ in_affected_incidents(also='exists (select 1 from ' ~ ref('base_cad__call_types')
    ~ ' as call_types where ' ~ changed_since_cutoff('call_types') ~ ')') }}
