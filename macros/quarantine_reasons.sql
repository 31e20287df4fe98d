{#- Every reason a staging rule can give a raw row (docs/dbt/definitions.md, def_quarantine_reason,
    says what each means). The test known_quarantine_reason holds each base and quarantine model to
    this list, so a rule added without a name here fails the build instead of going unexplained. -#}
{% macro quarantine_reasons() -%}
{{ return([
    'invalid_incident_number', 'placeholder_created_at', 'placeholder_started_at', 'placeholder_changed_at',
    'duplicate_incident', 'duplicate_key', 'duplicate_call', 'missing_key',
    'orphan_incident', 'orphan_unit', 'orphan_encounter',
    'unknown_unit_type', 'unknown_program', 'unknown_status', 'unknown_follow_up_team',
    'implausible_created_at', 'implausible_closed_at', 'implausible_started_at', 'implausible_ended_at',
    'implausible_changed_at', 'implausible_received_at',
]) }}
{%- endmacro %}
