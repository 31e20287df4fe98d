-- Staged CAD calls: the rows of base_cad__calls that passed every rule.
-- Incremental (macros/incremental.sql): the calls of every incident whose calls or incident row
-- changed are staged again, all of them when the hash key changed; a call quarantined since leaves.
-- depends_on: {{ ref('base_cad__incidents') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='call_id',
    pre_hook="{{ set_hash_key() }}",
    post_hook=["{{ delete_quarantined_rows('call_id') }}", "{{ record_hash_key() }}"]) }}

{% if is_incremental() -%}
with

affected_incidents as (
    {{ affected_incidents(
        [(ref('base_cad__calls'), 'incident_number'), (ref('base_cad__incidents'), 'incident_number')],
        moved=(ref('base_cad__calls'), 'call_id'),
    ) | indent(4) }}
)

{% endif -%}
select
    call_id,
    incident_number,
    received_at,
    caller_key,
    updated_at
from {{ ref('base_cad__calls') }}
where quarantine_reason is null{{ in_affected_incidents(also=hash_key_changed()) }}
