-- One row per (incident, period grain): the local month, quarter and year each incident counts in.
{%- for grain in ['month', 'quarter', 'year'] %}
select
    incident_number,
    '{{ grain }}' as period_grain,
    created_{{ grain }}_local as period_start
from {{ ref('int_incidents_enriched') }}
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
