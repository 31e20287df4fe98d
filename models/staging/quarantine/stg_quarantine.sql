-- Every quarantined raw row of every source table, one line each: the data quality report's input.
-- Tables without a CAD incident number column (code tables and the case-management tables)
-- contribute a null one.
{%- set with_incident_number = [
    'quarantine_cad__incidents', 'quarantine_cad__calls',
    'quarantine_cad__unit_assignments', 'quarantine_cad__arrests',
] %}
{%- set quarantine_models = [
    'quarantine_cad__call_types',
    'quarantine_cad__units',
    'quarantine_cad__unit_status_changes',
    'quarantine_cad__incidents',
    'quarantine_cad__calls',
    'quarantine_cad__unit_assignments',
    'quarantine_cad__arrests',
    'quarantine_cms__people',
    'quarantine_cms__staff',
    'quarantine_cms__encounters',
    'quarantine_cms__referrals',
    'quarantine_cms__transports',
    'quarantine_cms__follow_ups',
] %}

{% for model in quarantine_models -%}
select
    source_table,
    record_key,
    {% if model in with_incident_number -%}
    incident_number,
    {%- else -%}
    cast(null as {{ dbt.type_string() }}) as incident_number,
    {%- endif %}
    quarantine_reason,
    updated_at
from {{ ref(model) }}
{% if not loop.last %}union all
{% endif %}
{%- endfor %}
